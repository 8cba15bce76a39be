"""Re-encrypting every encrypted value under the primary key.

Without downtime: put the new key first in HARBORLINE_FIELD_KEYS on every app server (they keep
reading old values, since every key decrypts), run `harborline rotate-keys`, then remove the old
key. Resumable: each batch commits on its own and values already under the primary key are
skipped, so an interrupted run simply starts again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import InvalidToken
from django.db import connection, transaction

from .fields import PREFIX, encrypted_fields
from .keys import multifernet, primary


@dataclass
class RotationReport:
    examined: int = 0
    rotated: int = 0


def _under_primary(token: bytes) -> bool:
    try:
        primary().decrypt(token)
    except InvalidToken:
        return False
    return True


def rotate_all(
    *, batch_size: int = 500, progress: Callable[[str], None] | None = None
) -> RotationReport:
    report = RotationReport()
    mf = multifernet()
    for model, columns in encrypted_fields():
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(model._meta.pk.column)
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        last: Any = None
        while True:
            # Raw SQL on purpose: rotation works on stored tokens and must not decrypt through
            # the model layer (nor fire audit or version checks for what is not an edit).
            with transaction.atomic(), connection.cursor() as cursor:
                where = f"WHERE {pk} > %s " if last is not None else ""
                params: list[Any] = [last] if last is not None else []
                cursor.execute(
                    f"SELECT {pk}, {cols} FROM {table} {where}ORDER BY {pk} LIMIT %s",  # noqa: S608
                    [*params, batch_size],
                )
                rows = cursor.fetchall()
                if not rows:
                    break
                for row in rows:
                    report.examined += 1
                    changes: dict[str, tuple[str, str]] = {}  # column: (read, re-encrypted)
                    for column, stored in zip(columns, row[1:], strict=True):
                        if not stored or not stored.startswith(PREFIX):
                            continue
                        token = stored[len(PREFIX) :].encode("ascii")
                        if _under_primary(token):
                            continue
                        changes[column] = (stored, PREFIX + mf.rotate(token).decode("ascii"))
                    if changes:
                        # Only where the value is still the one read: a value the application
                        # wrote meanwhile is newer (and under its first key) and must not be
                        # overwritten by the old one re-encrypted. A run later picks up any
                        # value written under an old key.
                        quoted = [connection.ops.quote_name(c) for c in changes]
                        sets = ", ".join(f"{q} = %s" for q in quoted)
                        same = " AND ".join(f"{q} = %s" for q in quoted)
                        cursor.execute(
                            f"UPDATE {table} SET {sets} WHERE {pk} = %s AND {same}",  # noqa: S608
                            [
                                *(new for _, new in changes.values()),
                                row[0],
                                *(old for old, _ in changes.values()),
                            ],
                        )
                        report.rotated += cursor.rowcount
                last = rows[-1][0]
            if progress:
                progress(f"{model._meta.label}: through id {last}")
    return report
