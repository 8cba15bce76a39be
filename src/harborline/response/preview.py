"""What a screening would start, before it starts: the check-your-answers step of the screening
form (issue 13) shows the clocks a screening would start, with their due times and owners.

A dry run, not a second copy of the rule: `preview_screening` runs `services.record_screening`
itself — the same validation, scoring, triggers, urgency, owners, pending obligations and clocks
that confirming will run — inside a transaction that is always rolled back, so nothing it writes
stays (not the screening, not the obligations, not their audit records). The preview itself is
recorded as one `view` of the case's screening compartment. A refusal (`InvalidInput`) comes out
exactly as confirming would raise it, so the form shows the same errors at either step.

`screening_facts` is what the form can fill in from what the case and the session already hold
(the instrument items' `prefill` sources, instruments.forms.prefill), read once and audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from harborline.access import compartments as c
from harborline.access.policy import require
from harborline.audit.models import Action
from harborline.cases.selectors import case_for
from harborline.cases.services import audit_case

from .clocks import local
from .models import Status
from .services import record_screening

if TYPE_CHECKING:
    from harborline.people.models import User


@dataclass(frozen=True)
class Clock:
    """One obligation the screening would start."""

    kind: str
    title: str
    owner: str
    due_at: datetime  # UTC
    due_local: datetime  # in the case owner's time zone
    to_assign: bool
    received: bool  # recorded as received at once: no clock runs


@dataclass(frozen=True)
class ScreeningPreview:
    outcome: str
    urgent: bool
    identified_at_local: datetime
    time_zone: str
    clocks: list[Clock]


class _RolledBack(Exception):
    def __init__(self, preview: ScreeningPreview) -> None:
        super().__init__("dry run")
        self.preview = preview


def preview_screening(*, actor: User, case_id: int, **screening: Any) -> ScreeningPreview:
    """What `record_screening(actor=actor, case_id=case_id, **screening)` would record and
    start, without recording anything. Raises what it would raise (InvalidInput, NotFound)."""
    try:
        with transaction.atomic():
            made, created = record_screening(actor=actor, case_id=case_id, **screening)
            tz = made.case.owner.time_zone
            raise _RolledBack(
                ScreeningPreview(
                    outcome=made.outcome,
                    urgent=made.urgent,
                    identified_at_local=local(made.identified_at, tz),
                    time_zone=tz,
                    clocks=[
                        Clock(
                            kind=o.kind,
                            title=o.title,
                            owner=o.owner_org.name,
                            due_at=o.due_at,
                            due_local=local(o.due_at, tz),
                            to_assign=o.to_assign,
                            received=o.status == Status.DONE,
                        )
                        for o in created
                    ],
                )
            )
    except _RolledBack as done:
        preview = done.preview
    case, grant = case_for(actor, case_id)
    audit_case(actor, Action.VIEW, case, case, grant, [c.Compartment.SCREENING])
    return preview


def screening_facts(*, actor: User, case_id: int) -> dict[str, Any]:
    """What the case and the session already hold, by prefill source: the youth's name and date
    of birth (only when the actor sees the identity compartment; that read is recorded), the
    case number, the person completing the form, their agency, and today in their
    organization's time zone."""
    case, grant = case_for(actor, case_id)
    require(grant, c.Compartment.SCREENING)
    membership = actor.membership_or_none
    tz = membership.organization.time_zone if membership else case.owner.time_zone
    today: date = local(timezone.now(), tz).date()
    facts: dict[str, Any] = {
        "case": str(case.pk),
        "completer": actor.full_name or actor.email,
        "agency": membership.organization.name if membership else "",
        "today": today.isoformat(),
    }
    if grant.sees(c.Compartment.IDENTITY):
        youth = case.youth
        facts["youth_name"] = f"{youth.first_name or ''} {youth.last_name or ''}".strip()
        facts["youth_dob"] = str(youth.dob or "")
        audit_case(actor, Action.VIEW, case, case, grant, [c.Compartment.IDENTITY])
    return facts
