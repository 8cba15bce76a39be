"""Writing audit records. Every service that reads or writes youth data calls `record` inside
its own transaction, so the record and the change commit or roll back together."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
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
    event.save(force_insert=True)
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
    AuditEvent.objects.bulk_create(events)
    _move_head(head, events[-1], key_id, key)


def _locked_head(key_id: str, key: bytes) -> ChainHead:
    """The chain head, locked for this transaction. Locking it serialises writers across
    processes and servers (on SQLite the IMMEDIATE transaction mode already does), so every
    event has exactly one predecessor. The first write after the audit key is set keys the
    chain (see `seal_chain`)."""
    head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
    if head.keyed_from is None:
        _key_the_chain(head, key_id, key)
    return head


def _move_head(head: ChainHead, event: AuditEvent, key_id: str, key: bytes) -> None:
    head.seq, head.hash = event.seq, event.hash
    seal_head(head, key_id, key)
    ChainHead.objects.filter(pk=1).update(
        seq=head.seq, hash=head.hash, key_id=head.key_id, mac=head.mac, keyed_from=head.keyed_from
    )


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
    event.save(force_insert=True)
    _move_head(head, event, key_id, key)


@transaction.atomic
def seal_chain() -> ChainHead:
    """Key the chain now if it is not keyed yet (`harborline migrate` and `audit anchor` do
    this, so that the switch happens at a known moment rather than at the next write)."""
    key_id, key = sealing_key()
    return _locked_head(key_id, key)
