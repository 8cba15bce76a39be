"""Model fields whose values are encrypted at rest with the field keys (crypto.keys).

The database holds a Fernet token (authenticated encryption: AES-128-CBC + HMAC-SHA256 with a
timestamp). Encrypted values cannot be filtered or sorted in SQL; where a lookup is needed, a
separate keyed hash (blind index) is stored beside the value."""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import InvalidToken
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from .keys import multifernet

PREFIX = "fernet:"


def encrypt(value: str) -> str:
    return PREFIX + multifernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise ImproperlyConfigured("An encrypted field holds a value that was not encrypted.")
    try:
        return multifernet().decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise ImproperlyConfigured(
            "An encrypted value cannot be decrypted with any key in HARBORLINE_FIELD_KEYS; "
            "was a key removed before `harborline rotate-keys` finished?"
        ) from None


class EncryptedTextField(models.TextField):
    """Text encrypted at rest. Empty strings stay empty so that 'blank' still means blank."""

    description = "Text encrypted at rest"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in {"isnull", "exact"}:
            return None  # a clear FieldError instead of a query that can never match
        return super().get_lookup(lookup_name)


class EncryptedJSONField(EncryptedTextField):
    """A JSON document encrypted at rest (lists of aliases, contact details, ...)."""

    description = "JSON encrypted at rest"
    # For django-stubs: the Python value is any JSON document, not the text it is stored as.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return super().get_prep_value(json.dumps(value, sort_keys=True, separators=(",", ":")))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        text = super().from_db_value(value, expression, connection)
        return None if text in (None, "") else json.loads(text)

    def to_python(self, value: Any) -> Any:
        return value


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every concrete model with encrypted fields, and those fields' column names."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [f.column for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


def blind_index(*parts: str) -> str:
    """A keyed hash for exact-match lookups of an encrypted value (e.g. a possible-duplicate
    check on name and date of birth). Normalised: case, spaces and accents do not matter. Keyed
    with a value derived from SECRET_KEY, so the hash reveals nothing without the key; rotating
    SECRET_KEY needs `harborline rotate-keys` to recompute them."""
    import unicodedata

    from django.utils.crypto import salted_hmac

    def norm(value: str) -> str:
        decomposed = unicodedata.normalize("NFKD", value)
        letters = "".join(c for c in decomposed if not unicodedata.combining(c))
        return " ".join(letters.casefold().split())

    joined = "\x1f".join(norm(p) for p in parts)
    return salted_hmac("harborline.blind-index", joined, algorithm="sha256").hexdigest()
