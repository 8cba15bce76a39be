"""Crisis events on a case (issue 12, item 4; decision 0042): a runaway, a return to the
exploiter, a suicide attempt, a placement disruption, an arrest — and the concern and
disclosures that start a pack's clocks where no screening or episode does (issue 15): reasonable
cause to believe the youth is abused or neglected, a sexual assault, a disclosure in custody.
Each is kept as a record and
starts the obligations the pack's `events` rule for its kind names — in Nevada the MDT's review
of the safety plan and the service plan (`event_review`) and a safety reassessment
(`safety_reassessment_after_crisis`) — due from when the event happened. Which obligations an
event starts is the pack's to say (response.obligations.event_triggers; with the packs the
case owner's county adopted, response.services.case_event_triggers), not this module's.

A runaway is recorded as a missing episode (services.record_episode, which also starts the
reports to law enforcement and NCMEC) and a placement disruption as a placement ended with the
reason "disruption" (placements.end_placement): both call `record_crisis` here, so every crisis
event is one kind of record, and `record_event` refuses those two kinds with where to record
them. Everything is in the `safety` compartment; each write is audited."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from harborline.access.policy import Grant, require
from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.cases.models import Case, Placement
from harborline.cases.selectors import case_for
from harborline.cases.services import audit_case
from harborline.errors import FieldError, InvalidInput
from harborline.people.models import User
from harborline.response import services as response
from harborline.response.clocks import event_time
from harborline.response.models import Obligation

from .models import COMPARTMENT, CrisisEvent, EventKind, MissingEpisode

NOTE_LIMIT = 4000
FUTURE_SLACK = timedelta(minutes=5)
# The kinds recorded elsewhere, and what to do instead (a 422 naming `kind`).
RECORDED_ELSEWHERE = {
    EventKind.RUNAWAY: (
        "A runaway is recorded as a missing episode, which also starts the reports to law "
        "enforcement and NCMEC: report the youth missing instead."
    ),
    EventKind.PLACEMENT_DISRUPTION: (
        "A placement disruption is recorded by ending the placement with the reason "
        "“disruption”: end the placement on the placement history instead."
    ),
}
DIRECT_KINDS = [k for k in EventKind if k not in RECORDED_ELSEWHERE]


def kind_message() -> str:
    """What to say when no kind, or an unknown one, is given."""
    labels = [k.label.lower() for k in DIRECT_KINDS]
    return f"Select what happened: {', '.join(labels[:-1])} or {labels[-1]}."


def case_for_recording(actor: User, case_id: int | str) -> tuple[Case, Grant]:
    """The case, if the actor sees its `safety` compartment (NotFound, or Forbidden)."""
    case, grant = case_for(actor, case_id)
    require(grant, COMPARTMENT)
    return case, grant


def record_crisis(
    *,
    actor: User,
    case: Case,
    grant: Grant,
    kind: str,
    at: datetime,
    note: str = "",
    episode: MissingEpisode | None = None,
    placement: Placement | None = None,
    due_from: datetime | None = None,
) -> tuple[CrisisEvent, list[Obligation]]:
    """Keep a crisis event whose input is already checked and start the pack's obligations for
    its kind, due from `due_from` (a runaway's: when the agency learned of it) or else from `at`,
    when it happened. The caller has checked access and holds the transaction. An obligation of
    the same kind still pending on the case is linked, not started again."""
    membership = actor.membership
    event = CrisisEvent.objects.create(
        case=case,
        kind=kind,
        occurred_at=at,
        note=note,
        episode=episode,
        placement=placement,
        recorded_by=actor,
        recorded_by_org=membership.organization,
    )
    triggers = response.case_event_triggers(case, kind)
    created = response.start_obligations(
        actor=actor, case=case, grant=grant, triggers=triggers, at=due_from or at
    )
    started = {o.kind for o in created}
    fired = _kinds_for(case, triggers) - started
    pending = list(case.obligations.pending().filter(kind__in=fired)) if fired else []
    linked = sorted([*created, *pending], key=lambda o: (o.due_at, o.pk))
    event.obligations.add(*linked)
    audit_case(actor, Action.CREATE, event, case, grant, [COMPARTMENT])
    return event, linked


def _kinds_for(case: Case, triggers: list[str]) -> set[str]:
    return response.case_rule_kinds(case, triggers)


@transaction.atomic
def record_event(
    *,
    actor: User,
    case_id: int | str,
    kind: str,
    occurred_at: datetime | None,
    note: str = "",
) -> tuple[CrisisEvent, list[Obligation]]:
    """A return to the exploiter, a suicide attempt or an arrest, recorded on the case; it starts
    the pack's obligations for its kind, due from `occurred_at`. Anyone who sees the case's
    `safety` compartment may record one (a partner learns of an arrest first)."""
    case, grant = case_for_recording(actor, case_id)
    errors: list[FieldError] = []
    kind = str(kind or "").strip()
    if kind in RECORDED_ELSEWHERE:
        errors.append(FieldError("kind", RECORDED_ELSEWHERE[EventKind(kind)]))
    elif kind not in EventKind.values:
        errors.append(FieldError("kind", kind_message()))
    at = None
    if occurred_at is None:
        errors.append(FieldError("occurred_at", "Say when it happened."))
    else:
        try:
            at = event_time(occurred_at, case.owner.time_zone, "occurred_at")
        except InvalidInput as exc:
            errors.extend(exc.errors)
        else:
            if at > timezone.now() + FUTURE_SLACK:
                errors.append(FieldError("occurred_at", "The time cannot be in the future."))
    text = str(note or "").strip()
    if len(text) > NOTE_LIMIT:
        errors.append(FieldError("note", f"Keep the note to {NOTE_LIMIT} characters or fewer."))
    if errors:
        raise InvalidInput.fields(errors)
    assert at is not None  # noqa: S101 - checked above
    return record_crisis(actor=actor, case=case, grant=grant, kind=kind, at=at, note=text)


def events_for_case(actor: User, case_id: int | str) -> tuple[Case, list[CrisisEvent]]:
    """The case's crisis events, newest first, with their obligations, for those who see its
    `safety` compartment (NotFound for a case the actor may not see). One read recorded."""
    case, grant = case_for_recording(actor, case_id)
    rows = list(
        CrisisEvent.objects.filter(case=case)
        .select_related("recorded_by_org")
        .prefetch_related("obligations__owner_org")
        .order_by("-occurred_at", "-pk")
    )
    record(
        actor=actor,
        action=Action.VIEW,
        object_type="missing.crisisevent",
        object_id=f"case:{case.pk}",
        owner_org=case.owner,
        youth_id=case.youth_id,
        compartments=[COMPARTMENT],
        purpose=grant.purpose,
        legal_basis=grant.legal_basis,
    )
    return case, rows


def event_kinds() -> list[tuple[str, str]]:
    """The kinds a person records directly, for a form's choices."""
    return [(k.value, k.label) for k in DIRECT_KINDS]
