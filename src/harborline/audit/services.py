"""Writing audit records. Every service that reads or writes youth data calls `record` inside
its own transaction, so the record and the change commit or roll back together."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from .chain import compute_hash
from .context import request_id
from .models import AuditEvent, ChainHead

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
    # Locking the head row serialises writers across processes and servers (on SQLite the
    # IMMEDIATE transaction mode already does), so every event has exactly one predecessor.
    head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
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
    event.hash = compute_hash(event)
    event.save(force_insert=True)
    ChainHead.objects.filter(pk=1).update(seq=event.seq, hash=event.hash)
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
    head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
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
        event.hash = prev = compute_hash(event)
        events.append(event)
    AuditEvent.objects.bulk_create(events)
    ChainHead.objects.filter(pk=1).update(seq=seq, hash=prev)
