"""Housekeeping the periodic sweep (`harborline.config.cli.run_sweep`) runs for sharing: shares
whose `expires_at` has passed are ended (`end_reason` "expired") and the ending is audited.

The access rule already ignores an expired share (`Share.objects.active()` compares
`expires_at` with the time of the read), so this sweep does not open or close any access by
itself; it makes the ending explicit in the data and in the audit trail, so that the owning
organization's sharing page and its audit show when each share stopped. Idempotent, and safe
to run from several workers at once: each share is ended by one conditional update."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from harborline.access.models import EndReason, Share
from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.cases.models import Case

# The audit actor keeps its name from before the move to `sharing`, so the trail reads the same.
SWEEP_ACTOR = "task:access.expire_shares"


def expire_shares(now: datetime | None = None) -> list[int]:
    """End every share whose `expires_at` is at or before `now`; returns the ids ended by this
    call (a share ended by a concurrent sweep is not counted twice)."""
    now = now or timezone.now()
    due = list(
        Share.objects.filter(ended_at__isnull=True, expires_at__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [pk for pk in due if _expire(pk, now)]


@transaction.atomic
def _expire(share_id: int, now: datetime) -> bool:
    # Lock the row where the database can (PostgreSQL); a share another worker holds is skipped,
    # it is that worker's. The conditional update makes the ending happen once either way.
    share = (
        Share.objects.select_for_update(skip_locked=True)
        .filter(pk=share_id, ended_at__isnull=True, expires_at__lte=now)
        .first()
    )
    if share is None:
        return False
    ended = Share.objects.filter(pk=share_id, ended_at__isnull=True).update(
        ended_at=share.expires_at, end_reason=EndReason.EXPIRED
    )
    if not ended:
        return False
    case = Case.objects.select_related("owner").get(pk=share.case_id)
    record(
        actor=None,
        actor_email=SWEEP_ACTOR,
        action=Action.UPDATE,
        obj=share,
        owner_org=case.owner,
        youth_id=case.youth_id,
        detail={
            "end_reason": EndReason.EXPIRED.value,
            "organization_id": share.organization_id,
            "role": share.role,
            "compartments": list(share.compartments),
            "expires_at": share.expires_at.isoformat(),
        },
    )
    return True
