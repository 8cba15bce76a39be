"""Writing audit records. Every service that reads or writes youth data calls `record` inside
its own transaction, so the record and the change commit or roll back together."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.utils import timezone

from .chain import seal, seal_head, sealing_key
from .context import request_id
from .models import Action, AuditEvent, ChainHead

if TYPE_CHECKING:
    from harborline.people.models import Organization, User


def _ref(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


@transaction.atomic
def record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    owner_org: Organization | None = None,
    youth_id: int | None = None,
    compartments: Iterable[str] = (),
    purpose: str = "",
    legal_basis: str = "",
    detail: dict[str, Any] | None = None,
    actor_email: str = "",
) -> AuditEvent:
    """Append one event to the chain. `obj` names the record acted on (or give object_type and
    object_id); `owner_org` is the organization that owns it, which may read this event;
    `detail` holds small, non-identifying facts (never youth data itself)."""
    if obj is not None:
        object_type, object_id = _ref(obj)
    membership = getattr(actor, "membership_or_none", None) if actor is not None else None
    key_id, key = sealing_key()  # no key, no record: ImproperlyConfigured before any write
    head = _locked_head(key_id, key)
    event = AuditEvent(
        seq=head.seq + 1,
        at=timezone.now(),
        actor_id=actor.pk if actor is not None else None,
        actor_email=actor.email if actor is not None else actor_email,
        org_id=membership.organization_id if membership else None,
        org_slug=membership.organization.slug if membership else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        owner_org_id=owner_org.pk if owner_org is not None else None,
        youth_id=youth_id,
        compartments=sorted(set(compartments)),
        purpose=purpose,
        legal_basis=legal_basis,
        request_id=request_id.get(),
        detail=detail or {},
        prev_hash=head.hash,
    )
    seal(event, key_id, key)
    _insert([event])
    _move_head(head, event, key_id, key)
    return event


@transaction.atomic
def record_reads(
    *,
    actor: User,
    reads: list[tuple[models.Model, Organization, int, list[str]]],
    purpose: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """One `view` event per (record, owner organization, youth id, compartments) read together
    (a list page), appended under one lock with one insert."""
    if not reads:
        return
    membership = actor.membership_or_none
    key_id, key = sealing_key()
    head = _locked_head(key_id, key)
    seq, prev, events = head.seq, head.hash, []
    now = timezone.now()
    for obj, owner, youth_id, compartments in reads:
        object_type, object_id = _ref(obj)
        seq += 1
        event = AuditEvent(
            seq=seq,
            at=now,
            actor_id=actor.pk,
            actor_email=actor.email,
            org_id=membership.organization_id if membership else None,
            org_slug=membership.organization.slug if membership else "",
            action="view",
            object_type=object_type,
            object_id=object_id,
            owner_org_id=owner.pk,
            youth_id=youth_id,
            compartments=sorted(set(compartments)),
            purpose=purpose,
            legal_basis="",
            request_id=request_id.get(),
            detail=detail or {},
            prev_hash=prev,
        )
        seal(event, key_id, key)
        prev = event.hash
        events.append(event)
    _insert(events)
    _move_head(head, events[-1], key_id, key)


# Every read of youth data appends here, so the three statements of an append (lock the head,
# insert the events, move the head) are fixed SQL rather than ORM queries compiled on every call
# (decision 0050: on the case page the compiling, not the database, was the cost). They are
# built from the models' own metadata, values go through each field's own `get_db_prep_save`
# (JSON, dates: as the ORM would send them), and tests/audit/test_append_sql.py checks them
# against the ORM statements they replace on both databases (a renamed table or a new
# column fails there).
_EVENT_FIELDS = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
_INSERT = (
    'INSERT INTO "audit_auditevent" ('  # noqa: S608 - the model's own columns, values are %s
    + ", ".join(f'"{f.column}"' for f in _EVENT_FIELDS)
    + ") VALUES "
)
_ROW = "(" + ", ".join(["%s"] * len(_EVENT_FIELDS)) + ")"
_HEAD_COLUMNS = ("seq", "hash", "keyed_from", "key_id", "mac")
_HEAD = 'SELECT seq, hash, keyed_from, key_id, mac FROM "audit_chainhead" WHERE id = 1'
_MOVE_HEAD = (
    'UPDATE "audit_chainhead" SET seq = %s, hash = %s, keyed_from = %s, key_id = %s, mac = %s '
    "WHERE id = 1"
)


def _insert(events: list[AuditEvent]) -> None:
    """INSERT the events (already sealed), in batches the backend accepts."""
    batch = max(1, connection.ops.bulk_batch_size(_EVENT_FIELDS, events))
    with connection.cursor() as cursor:
        for start in range(0, len(events), batch):
            chunk = events[start : start + batch]
            params = [
                f.get_db_prep_save(getattr(e, f.attname), connection)
                for e in chunk
                for f in _EVENT_FIELDS
            ]
            cursor.execute(_INSERT + ", ".join([_ROW] * len(chunk)), params)
    for event in events:
        event._state.adding = False
        event._state.db = connection.alias


def _locked_head(key_id: str, key: bytes) -> ChainHead:
    """The chain head, locked for this transaction. Locking it serialises writers across
    processes and servers (on SQLite the IMMEDIATE transaction mode already does), so every
    event has exactly one predecessor. The first write after the audit key is set keys the
    chain (see `seal_chain`)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(_HEAD + lock)
        row = cursor.fetchone()
    if row is None:  # a new log: the ORM creates the row (once in the database's life)
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
    else:
        head = ChainHead(id=1, **dict(zip(_HEAD_COLUMNS, row, strict=True)))
        head._state.adding = False
    if head.keyed_from is None:
        _key_the_chain(head, key_id, key)
    return head


def _move_head(head: ChainHead, event: AuditEvent, key_id: str, key: bytes) -> None:
    head.seq, head.hash = event.seq, event.hash
    seal_head(head, key_id, key)
    with connection.cursor() as cursor:
        cursor.execute(_MOVE_HEAD, [head.seq, head.hash, head.keyed_from, head.key_id, head.mac])


def _key_the_chain(head: ChainHead, key_id: str, key: bytes) -> None:
    """The switch from plain SHA-256 to sealed records (the head must be locked). A new log is
    keyed from its first record. A log that already holds unkeyed records gets one sealed
    `audit_keyed` record naming how many came before and the last one's hash; the head's seal
    then fixes the switch point, so the older records stay verifiable by their SHA-256 chain and
    nobody without the key can pass newer ones off as unkeyed."""
    head.keyed_from = head.seq + 1
    if head.seq == 0:
        seal_head(head, key_id, key)
        ChainHead.objects.filter(pk=1).update(
            key_id=head.key_id, mac=head.mac, keyed_from=head.keyed_from
        )
        return
    event = AuditEvent(
        seq=head.seq + 1,
        at=timezone.now(),
        actor_email="system",
        action=Action.AUDIT_KEYED,
        object_type="audit.chain",
        request_id=request_id.get(),
        detail={"unkeyed_records": head.seq, "last_unkeyed_hash": head.hash, "key_id": key_id},
        prev_hash=head.hash,
    )
    seal(event, key_id, key)
    _insert([event])
    _move_head(head, event, key_id, key)


@transaction.atomic
def seal_chain() -> ChainHead:
    """Key the chain now if it is not keyed yet (`harborline migrate` and `audit anchor` do
    this, so that the switch happens at a known moment rather than at the next write)."""
    key_id, key = sealing_key()
    return _locked_head(key_id, key)
