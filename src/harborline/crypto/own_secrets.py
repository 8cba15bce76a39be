"""Secrets the installation makes for itself, where keys.py holds the ones it reads from the
environment: the linkage key of the submissions to the statistical center (`linkage.keys`,
decision 0061) and the possible-duplicate check's secret (`cases.encodings`, decision 0063).

They are two secrets on purpose (0063). What they share is written here once: how one is made
(32 random bytes, held as url-safe base64 in an `EncryptedTextField`, named by a one-way key
id) and that it is made on first use, once, even when two processes ask at the same moment.
How each rotates stays with its owner: a retired linkage key is kept, so that what was encoded
under it can still be told apart; an old duplicate-check secret is deleted with its encodings
once every youth is encoded under the new one."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, transaction

from .keys import fingerprint

SECRET_BYTES = 32
Row = TypeVar("Row")


def new_secret(purpose: str, raw: bytes | None = None) -> dict[str, str]:
    """A new secret's fields for its row: `secret`, the url-safe base64 of 32 random bytes (of
    `raw` for the demo's key made from its seed), and `key_id`, its fingerprint for `purpose`."""
    secret = base64.urlsafe_b64encode(os.urandom(SECRET_BYTES) if raw is None else raw)
    text = secret.decode("ascii")
    return {"secret": text, "key_id": fingerprint(text, purpose)}


def on_first_use(find: Callable[[], Row | None], make: Callable[[], Row]) -> Row:
    """The row `find` returns, or the one `make` inserts now if there is none. Two processes
    racing: the second insert breaks a unique constraint of the row's and that process uses
    the first's row."""
    row = find()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return make()
    except IntegrityError:  # another process made it first
        row = find()
    assert row is not None
    return row
