"""The youth timeline (issue 12, item 7): one list, in time order, of what happened on a case —
screenings, obligations, MDT meetings, safety assessments, safety plan versions, service plan
versions and reviews, missing episodes and returns, placements, crisis events.

It sits in `missing` because it reads episodes and placements as well as `response` and `cases`
(the layers in pyproject.toml). Access is worked out once (`cases.selectors.case_for`); each kind
is read with one query, and only when the viewer's grant sees its compartment; the read is
recorded in the audit chain once. Summaries name what happened, never its contents: a placement
names its kind only, never the address."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from harborline.access import compartments as c
from harborline.access.policy import Grant
from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.cases.models import Case, Placement, PlacementKind
from harborline.cases.selectors import case_for
from harborline.errors import InvalidInput
from harborline.people.models import User
from harborline.response.models import (
    MdtMeeting,
    NeedsAssessment,
    Obligation,
    PlanReview,
    SafetyAssessment,
    SafetyPlan,
    Screening,
    ServicePlanVersion,
    Status,
)

from .models import CrisisEvent, EventKind, MissingEpisode

Entry = dict[str, Any]

# kind -> (label, compartment the viewer's grant must see)
KINDS: dict[str, tuple[str, str]] = {
    "screening": ("Screenings", c.Compartment.SCREENING),
    "obligation": ("Obligations", c.Compartment.SCREENING),
    "meeting": ("MDT meetings", c.Compartment.SAFETY),
    "safety_assessment": ("Safety assessments", c.Compartment.SAFETY),
    "safety_plan": ("Safety plan versions", c.Compartment.SAFETY),
    "needs_assessment": ("Needs assessments", c.Compartment.SAFETY),
    "service_plan": ("Service plan versions", c.Compartment.SAFETY),
    "plan_review": ("Service plan reviews", c.Compartment.SAFETY),
    "missing": ("Missing episodes and returns", c.Compartment.SAFETY),
    "placement": ("Placements", c.Compartment.SAFETY),
    "crisis_event": ("Crisis events", c.Compartment.SAFETY),
}


def _as_dt(d: date, zone: str) -> datetime:
    """A placement's date as the start of that day where the owning organization is."""
    return datetime.combine(d, time.min, tzinfo=ZoneInfo(zone))


def _screenings(case: Case) -> Iterable[Entry]:
    for s in Screening.objects.filter(case=case).only(
        "id", "instrument", "outcome", "identified_at", "urgent"
    ):
        outcome = f" — {s.outcome}" if s.outcome else ""
        yield {
            "at": s.identified_at,
            "kind": "screening",
            "summary": f"Screening {s.instrument}{outcome}",
            "id": s.pk,
        }


def _obligations(case: Case) -> Iterable[Entry]:
    for o in Obligation.objects.filter(case=case).only(
        "id", "kind", "title", "trigger_at", "status", "completed_at"
    ):
        yield {
            "at": o.trigger_at,
            "kind": "obligation",
            "summary": f"Obligation started: {o.title}",
            "id": o.pk,
            "event": "started",
        }
        if o.status in (Status.DONE, Status.WAIVED) and o.completed_at:
            event = "done" if o.status == Status.DONE else "waived"
            yield {
                "at": o.completed_at,
                "kind": "obligation",
                "summary": f"Obligation {event}: {o.title}",
                "id": o.pk,
                "event": event,
            }


def _meetings(case: Case) -> Iterable[Entry]:
    for m in MdtMeeting.objects.filter(case=case).only("id", "kind", "held_at"):
        yield {
            "at": m.held_at,
            "kind": "meeting",
            "summary": f"MDT meeting ({m.get_kind_display()})",
            "id": m.pk,
        }


def _assessments(case: Case) -> Iterable[Entry]:
    for a in SafetyAssessment.objects.filter(case=case).only("id", "point", "assessed_at"):
        yield {
            "at": a.assessed_at,
            "kind": "safety_assessment",
            "summary": f"Safety assessment ({a.get_point_display()})",
            "id": a.pk,
        }


def _safety_plans(case: Case) -> Iterable[Entry]:
    for p in SafetyPlan.objects.filter(case=case).only("id", "number", "recorded_at"):
        yield {
            "at": p.recorded_at,
            "kind": "safety_plan",
            "summary": f"Safety plan version {p.number}",
            "id": p.pk,
        }


def _needs(case: Case) -> Iterable[Entry]:
    for n in NeedsAssessment.objects.filter(case=case).only("id", "number", "assessed_at"):
        yield {
            "at": n.assessed_at,
            "kind": "needs_assessment",
            "summary": f"Needs assessment version {n.number}",
            "id": n.pk,
        }


def _service_plans(case: Case) -> Iterable[Entry]:
    for v in ServicePlanVersion.objects.filter(plan__case=case).only(
        "id", "plan_id", "number", "recorded_at"
    ):
        yield {
            "at": v.recorded_at,
            "kind": "service_plan",
            "summary": f"Service plan version {v.number}",
            "id": v.plan_id,
        }


def _reviews(case: Case) -> Iterable[Entry]:
    for r in PlanReview.objects.filter(plan__case=case).only("id", "plan_id", "held_at", "result"):
        yield {
            "at": r.held_at,
            "kind": "plan_review",
            "summary": f"Service plan review ({r.result.replace('_', ' ')})",
            "id": r.plan_id,
        }


def _episodes(case: Case) -> Iterable[Entry]:
    for e in MissingEpisode.objects.filter(case=case).only("id", "last_seen_at", "returned_at"):
        yield {
            "at": e.last_seen_at,
            "kind": "missing",
            "summary": "Missing: last seen",
            "id": e.pk,
            "event": "missing",
        }
        if e.returned_at:
            yield {
                "at": e.returned_at,
                "kind": "missing",
                "summary": "Returned",
                "id": e.pk,
                "event": "returned",
            }


def _placements(case: Case) -> Iterable[Entry]:
    labels = dict(PlacementKind.choices)
    zone = case.owner.time_zone
    for p in Placement.objects.filter(case=case).only("id", "kind", "started_on", "ended_on"):
        label = labels.get(p.kind, p.kind)
        yield {
            "at": _as_dt(p.started_on, zone),
            "kind": "placement",
            "summary": f"Placement began: {label}",
            "id": p.pk,
            "event": "started",
        }
        if p.ended_on:
            yield {
                "at": _as_dt(p.ended_on, zone),
                "kind": "placement",
                "summary": f"Placement ended: {label}",
                "id": p.pk,
                "event": "ended",
            }


def _crisis_events(case: Case) -> Iterable[Entry]:
    labels = dict(EventKind.choices)
    for e in CrisisEvent.objects.filter(case=case).only("id", "kind", "occurred_at"):
        yield {
            "at": e.occurred_at,
            "kind": "crisis_event",
            "summary": f"Crisis event: {labels.get(e.kind, e.kind)}",
            "id": e.pk,
            "event": e.kind,
        }


READERS: dict[str, Callable[[Case], Iterable[Entry]]] = {
    "screening": _screenings,
    "obligation": _obligations,
    "meeting": _meetings,
    "safety_assessment": _assessments,
    "safety_plan": _safety_plans,
    "needs_assessment": _needs,
    "service_plan": _service_plans,
    "plan_review": _reviews,
    "missing": _episodes,
    "placement": _placements,
    "crisis_event": _crisis_events,
}


def visible_kinds(grant: Grant) -> list[str]:
    return [k for k, (_, compartment) in KINDS.items() if grant.sees(compartment)]


def check_kinds(kinds: Iterable[str] | None, field: str = "kind") -> list[str] | None:
    """The kinds asked for, or None for all; an unknown kind is a 422 naming `field`."""
    if kinds is None:
        return None
    wanted = [k for k in kinds if k]
    unknown = [k for k in wanted if k not in KINDS]
    if unknown:
        names = ", ".join(KINDS)
        message = f"There is no kind of entry called {unknown[0]!r}; the kinds are {names}."
        raise InvalidInput.field(field, message)
    return wanted or None


def timeline(
    actor: User, case_id: int | str, kinds: Iterable[str] | None = None
) -> tuple[Case, Grant, list[Entry]]:
    """The case's events the actor may see, oldest first (NotFound for a case they may not see,
    the same as a missing one). `kinds` narrows to those kinds. One query per kind shown."""
    wanted = check_kinds(kinds)
    case, grant = case_for(actor, case_id)
    shown = [k for k in visible_kinds(grant) if wanted is None or k in wanted]
    entries: list[Entry] = []
    for kind in shown:
        entries.extend(READERS[kind](case))
    entries.sort(key=lambda e: (e["at"], e["kind"], e["id"]))
    record(
        actor=actor,
        action=Action.VIEW,
        object_type="missing.timeline",
        object_id=f"case:{case.pk}",
        owner_org=case.owner,
        youth_id=case.youth_id,
        compartments=sorted({KINDS[k][1] for k in shown}),
        purpose=grant.purpose,
        legal_basis=grant.legal_basis,
    )
    return case, grant, entries
