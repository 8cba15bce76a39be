"""The installation's linkage key: generated on first use, rotated by the operator, never shown
(models.LinkageKey, decision 0061). Agencies' submissions encode with `current()`; nothing at
the statistical center calls this module."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from harborline.crypto.own_secrets import new_secret, on_first_use

from .models import LinkageKey

PURPOSE = "linkage-key"  # what its key id is a fingerprint for (crypto.keys.fingerprint)


@dataclass(frozen=True)
class Key:
    version: int
    key_id: str
    secret: bytes  # at least 32 bytes: encode.MIN_SECRET_BYTES


def _key(row: LinkageKey) -> Key:
    return Key(version=row.version, key_id=row.key_id, secret=row.secret.encode("ascii"))


def _create(version: int) -> LinkageKey:
    return LinkageKey.objects.create(version=version, **new_secret(PURPOSE))


def current() -> Key:
    """The key new encodings are made under: the latest version, made now if there is none."""
    return _key(
        on_first_use(
            lambda: LinkageKey.objects.filter(retired_at__isnull=True).order_by("-version").first(),
            lambda: _create(1),
        )
    )


@transaction.atomic
def rotate() -> Key:
    """A new key version for every encoding made from now on; the one before is retired.
    Agencies' next submissions carry encodings under it, and the statistical center maps them to
    the clusters it has by each agency's own record ids (decision 0061)."""
    rows = list(LinkageKey.objects.select_for_update().order_by("version"))
    now = timezone.now()
    for row in rows:
        if row.retired_at is None:
            row.retired_at = now
            row.save(update_fields=["retired_at"])
    return _key(_create((rows[-1].version if rows else 0) + 1))


def versions() -> list[tuple[int, str, bool]]:
    """(version, key id, retired) of every key, oldest first: what an operator may see."""
    return [
        (r.version, r.key_id, r.retired_at is not None)
        for r in LinkageKey.objects.order_by("version").only("version", "key_id", "retired_at")
    ]
