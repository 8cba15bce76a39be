"""Placements: the case's placement history (the one home of the placement address), the 11-A
considerations, and a placement's end — a disruption is a crisis event that starts the obligations
of the pack's `events` rule for it, which is why these writes sit above `response` (decisions 0037,
0042). The address is in the `placement_address` compartment and goes only to those who see it:
never into a list, an audit record's detail or an error message for anyone else. The rest of a
placement is in `safety`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from harborline.access import compartments as c
from harborline.access.policy import Grant, require, require_edit
from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.cases.models import Case, Placement, PlacementEnd, PlacementKind
from harborline.cases.selectors import case_for
from harborline.cases.services import audit_case
from harborline.errors import Conflict, FieldError, InvalidInput, NotFound, check_bumped
from harborline.people.models import User
from harborline.response.clocks import event_time
from harborline.response.models import Obligation
from harborline.response.services import start_obligations

from .events import record_crisis
from .models import EventKind

SAFETY = c.Compartment.SAFETY
ADDRESS = c.Compartment.PLACEMENT_ADDRESS
NOT_FOUND = "No such placement, or you do not have access to it."
EARLIEST = date(1990, 1, 1)
# Resource 11-A: the "fit" of a placement must be ensured by answering every question
# (seed 001 L11568). Yes/no questions, and one free-text question.
FIT_YES_NO = (
    "fit_trained_practices",
    "fit_understands_needs",
    "fit_can_implement_safety_plan",
    "fit_support_supervision_level",
    "fit_accepts_support",
    "fit_mdt_coordination",
)
FIT_TEXT = ("fit_support_available_to_provider",)
FIT_QUESTIONS = {
    "fit_trained_practices": "Does the provider have suitable CSEC-informed, trauma-informed, "
    "culturally informed and victim-centered training and practices?",
    "fit_understands_needs": "Does the provider understand the youth's holistic and complex needs?",
    "fit_can_implement_safety_plan": "Can the provider fully implement the youth's safety plan?",
    "fit_support_supervision_level": "Is the level of support and supervision right for the "
    "youth's needs?",
    "fit_support_available_to_provider": "How much support is available to the provider to keep "
    "the placement going?",
    "fit_accepts_support": "Is the provider willing to accept support and services to maintain "
    "the placement?",
    "fit_mdt_coordination": "Is the provider willing to coordinate with other service providers "
    "and take part in the youth's MDT?",
}


def clean_considerations(answers: Any) -> dict[str, str]:
    """The 11-A answers: yes/no (with `<question>_notes`) and one text answer."""
    if answers in (None, ""):
        return {}
    if not isinstance(answers, dict):
        raise InvalidInput.field("considerations", "give an object of the 11-A answers")
    errors: list[FieldError] = []
    clean: dict[str, str] = {}
    notes = {f"{q}_notes" for q in FIT_YES_NO}
    for key, value in answers.items():
        text = "" if value is None else str(value).strip()
        where = f"considerations.{key}"
        if key in FIT_YES_NO:
            if text not in ("", "yes", "no"):
                errors.append(FieldError(where, "Answer yes or no."))
        elif key in FIT_TEXT or key in notes:
            if len(text) > 2000:
                errors.append(FieldError(where, "at most 2000 characters"))
        else:
            errors.append(FieldError(where, "not a question of the 11-A considerations"))
            continue
        if text:
            clean[key] = text
    if errors:
        raise InvalidInput.fields(errors)
    return clean


def considerations_complete(answers: dict[str, str]) -> bool:
    """11-A: selection is complete only when every fit question has an answer (L11568)."""
    return all(answers.get(q) for q in (*FIT_YES_NO, *FIT_TEXT))


def _day(value: date | None, field: str, errors: list[FieldError], case: Case) -> date | None:
    if value is None:
        return None
    today = timezone.localtime(timezone=ZoneInfo(case.owner.time_zone)).date()
    if not (EARLIEST <= value <= today + timedelta(days=366)):
        errors.append(FieldError(field, "give a date from 1990 to a year from now"))
        return None
    return value


def placement_for(actor: User, placement_id: int | str) -> tuple[Placement, Case, Grant]:
    try:
        placement = Placement.objects.get(pk=int(placement_id))
    except (Placement.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(NOT_FOUND) from None
    try:
        case, grant = case_for(actor, placement.case_id)
    except NotFound:
        raise NotFound(NOT_FOUND) from None
    require(grant, SAFETY)
    return placement, case, grant


def case_for_placing(actor: User, case_id: int | str) -> tuple[Case, Grant]:
    """The case, if the actor may change its placement history (NotFound, or Forbidden)."""
    case, grant = case_for(actor, case_id)
    require_edit(grant, SAFETY)
    return case, grant


@transaction.atomic
def record_placement(
    *,
    actor: User,
    case_id: int | str,
    kind: str,
    started_on: date | None,
    address: str = "",
    considerations: Any = None,
    notes: str = "",
) -> Placement:
    """A new placement, which becomes the current one: the one it follows ends the day this one
    starts (a planned move; a disruption is recorded with `end_placement` first). Changing the
    placement history is a change to the owner's record (`require_edit` on `safety`, and on
    `placement_address` to give an address)."""
    case, grant = case_for_placing(actor, case_id)
    if address.strip():
        require_edit(grant, ADDRESS)
    errors: list[FieldError] = []
    if kind not in PlacementKind.values:
        errors.append(FieldError("kind", "Select the kind of placement."))
    if started_on is None:
        errors.append(FieldError("started_on", "say when the placement started"))
    start = _day(started_on, "started_on", errors, case)
    if len(address) > 500:
        errors.append(FieldError("address", "at most 500 characters"))
    if len(notes) > 4000:
        errors.append(FieldError("notes", "at most 4000 characters"))
    try:
        fit = clean_considerations(considerations)
    except InvalidInput as exc:
        errors.extend(exc.errors)
        fit = {}
    if errors:
        raise InvalidInput.fields(errors)
    assert start is not None  # noqa: S101 - checked above
    current = (
        case.placements.select_for_update()
        .filter(ended_on__isnull=True)
        .order_by("-started_on", "-pk")
        .first()
    )
    if current is not None:
        if start < current.started_on:
            raise InvalidInput.field(
                "started_on",
                f"the current placement started on {current.started_on:%Y-%m-%d}; a new one "
                "cannot start before it",
            )
        current.ended_on = start
        current.end_reason = PlacementEnd.PLANNED
        current.version += 1
        current.save(update_fields=["ended_on", "end_reason", "version"])
    moved = case.placements.exists()  # a change of placement, not the first one
    placement = Placement.objects.create(
        case=case,
        kind=kind,
        started_on=start,
        address=address.strip(),
        considerations=fit,
        notes=notes.strip(),
        recorded_by=actor,
    )
    Case.objects.filter(pk=case.pk).update(version=F("version") + 1)
    if moved:
        # The agency's own policy may screen the youth after each change of placement (Resource
        # 8-B; decision 0065): the pack's `placement_change` trigger, from the day it started.
        zone = ZoneInfo(case.owner.time_zone)
        at = datetime.combine(start, time(0), tzinfo=zone).astimezone(ZoneInfo("UTC"))
        start_obligations(actor=actor, case=case, grant=grant, triggers=["placement_change"], at=at)
    touched = [SAFETY, ADDRESS] if placement.address else [SAFETY]
    audit_case(actor, Action.CREATE, placement, case, grant, touched)
    return placement


@transaction.atomic
def end_placement(
    *,
    actor: User,
    placement_id: int | str,
    ended_on: date | None,
    reason: str,
    note: str = "",
    disrupted_at: datetime | None = None,
    version: int | None = None,
) -> tuple[Placement, list[Obligation]]:
    """The placement ended. A disruption (`reason="disruption"`) is a crisis event: it starts the
    obligations of the pack's `events` rule for it (the MDT reconvenes, L1881-1884, and safety is
    reassessed, L3309-3310), due from `disrupted_at` — or, without it, from the start of
    `ended_on` in the owner's time zone."""
    placement, case, grant = placement_for(actor, placement_id)
    require_edit(grant, SAFETY)
    errors: list[FieldError] = []
    if reason not in PlacementEnd.values:
        errors.append(
            FieldError("reason", "Select how the placement ended: planned, disruption or other.")
        )
    if ended_on is None:
        errors.append(FieldError("ended_on", "say when the placement ended"))
    end = _day(ended_on, "ended_on", errors, case)
    if end is not None and end < placement.started_on:
        errors.append(FieldError("ended_on", "cannot be before the placement started"))
    if len(note) > 4000:
        errors.append(FieldError("note", "at most 4000 characters"))
    at = None
    if disrupted_at is not None:
        try:
            at = event_time(disrupted_at, case.owner.time_zone, "disrupted_at")
        except InvalidInput as exc:
            errors.extend(exc.errors)
    if errors:
        raise InvalidInput.fields(errors)
    assert end is not None  # noqa: S101 - checked above
    if placement.ended_on is not None:
        raise Conflict("This placement has already ended.")
    expected = placement.version if version is None else version
    check_bumped(
        Placement.objects.filter(pk=placement.pk, version=expected, ended_on__isnull=True).update(
            version=F("version") + 1, ended_on=end, end_reason=reason
        )
    )
    placement.refresh_from_db()
    placement.end_note = note.strip()
    placement.save(update_fields=["end_note"])
    started: list[Obligation] = []
    if reason == PlacementEnd.DISRUPTION:
        if at is None:
            zone = ZoneInfo(case.owner.time_zone)
            at = datetime.combine(end, time(0), tzinfo=zone).astimezone(ZoneInfo("UTC"))
        # A disruption is a crisis event: the pack's `events` rule for it (decision 0042).
        _, started = record_crisis(
            actor=actor,
            case=case,
            grant=grant,
            kind=EventKind.PLACEMENT_DISRUPTION,
            at=at,
            note=placement.end_note,
            placement=placement,
        )
    audit_case(actor, Action.UPDATE, placement, case, grant, [SAFETY])
    return placement, started


@dataclass
class PlacementRow:
    placement: Placement
    address: str | None  # None: the viewer does not see the placement_address compartment

    @property
    def complete(self) -> bool:
        return considerations_complete(self.placement.considerations)


@dataclass
class History:
    case: Case
    grant: Grant
    rows: list[PlacementRow]

    @property
    def shows_addresses(self) -> bool:
        return self.grant.sees(ADDRESS)


def placement_history(actor: User, case_id: int | str) -> History:
    """The case's placements, newest first, for those who see `safety`; each address only for
    those who also see `placement_address` (for anyone else it is never loaded into the page).
    One read recorded, naming the compartments shown."""
    case, grant = case_for(actor, case_id)
    require(grant, SAFETY)
    sees_address = grant.sees(ADDRESS)
    rows = case.placements.order_by("-started_on", "-pk")
    if not sees_address:
        rows = rows.defer("address")
    history = [PlacementRow(p, p.address if sees_address else None) for p in rows]
    record(
        actor=actor,
        action=Action.VIEW,
        object_type="cases.placement",
        object_id=f"case:{case.pk}",
        owner_org=case.owner,
        youth_id=case.youth_id,
        compartments=[SAFETY, ADDRESS] if sees_address else [SAFETY],
        purpose=grant.purpose,
        legal_basis=grant.legal_basis,
    )
    return History(case, grant, history)
