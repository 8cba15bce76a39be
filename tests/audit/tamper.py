"""What an attacker with write access to the database can do to the audit log, as helpers."""

from __future__ import annotations

from django.db import connection

from harborline.audit.chain import GENESIS, compute_hash, compute_head_mac, compute_mac
from harborline.audit.models import AuditEvent, ChainHead


def raw_sql(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A database administrator (or the table's owner) can switch the append-only trigger
            # off; rolled back with the test's transaction.
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_append_only")
        cursor.execute(sql, params or [])


def rewrite_from(
    seq: int,
    *,
    change: dict | None = None,
    key: bytes | None = None,
    key_id: str | None = None,
    strip_seals: bool = False,
) -> None:
    """Change record #seq (`change`: column -> value), then recompute the hash of it and of every
    record after it with the code's own function, and move the head to the new end: the attack
    from issue 10. With `key`, also recompute the MACs (and the head's) with that key; with
    `strip_seals`, pass every record off as one from before the chain was keyed."""
    if change:
        sets = ", ".join(f"{column} = %s" for column in change)
        raw_sql(
            f"UPDATE audit_auditevent SET {sets} WHERE seq = %s",  # noqa: S608
            [*change.values(), seq],
        )
    before = AuditEvent.objects.filter(seq=seq - 1).first()
    prev = before.hash if before else GENESIS
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        event.prev_hash = prev
        event.hash = prev = compute_hash(event)
        mac, kid = event.mac, event.key_id
        if key is not None:
            mac, kid = compute_mac(event.hash, key), key_id or event.key_id
        if strip_seals:
            mac, kid = "", ""
        raw_sql(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s, mac = %s, key_id = %s "
            "WHERE seq = %s",
            [event.prev_hash, event.hash, mac, kid, event.seq],
        )
    move_head(key=key, key_id=key_id, unkeyed=strip_seals)


def move_head(*, key: bytes | None = None, key_id: str | None = None, unkeyed: bool = False):
    """Point the head at the last record (after a rewrite or a cut), re-sealing it when the
    attacker holds a key."""
    last = AuditEvent.objects.order_by("-seq").first()
    seq, head_hash = (last.seq, last.hash) if last else (0, GENESIS)
    head = ChainHead.objects.get(pk=1)
    keyed_from = None if unkeyed else head.keyed_from
    mac = head.mac
    if key is not None:
        mac = compute_head_mac(seq, head_hash, keyed_from, key)
    if unkeyed:
        mac = ""
    ChainHead.objects.filter(pk=1).update(
        seq=seq,
        hash=head_hash,
        keyed_from=keyed_from,
        mac=mac,
        key_id=key_id or head.key_id,
    )


def cut_after(seq: int, *, key: bytes | None = None) -> None:
    """Delete every record after #seq and move the head back (re-sealed when holding the key)."""
    raw_sql("DELETE FROM audit_auditevent WHERE seq > %s", [seq])
    move_head(key=key)
