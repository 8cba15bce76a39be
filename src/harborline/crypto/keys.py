"""Field-encryption keys: a MultiFernet built from HARBORLINE_FIELD_KEYS (first key encrypts,
every key decrypts), so keys can rotate without downtime."""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

HOW_TO = "Run `harborline keys generate` and set the lines it prints in the environment."


def generate_key() -> str:
    return Fernet.generate_key().decode()


@lru_cache(maxsize=4)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(f"HARBORLINE_FIELD_KEYS is not set. {HOW_TO}")
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.encode()))
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"HARBORLINE_FIELD_KEYS: key {position} is not a valid Fernet key "
                f"(32 url-safe base64-encoded bytes). {HOW_TO}"
            ) from None
    return MultiFernet(fernets)


def multifernet() -> MultiFernet:
    return _multifernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def primary() -> Fernet:
    return Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode())


def check_keys() -> list[str]:
    """Problems with the configured keys, as sentences (empty when all is well)."""
    try:
        multifernet()
    except ImproperlyConfigured as problem:
        return [str(problem)]
    return []
