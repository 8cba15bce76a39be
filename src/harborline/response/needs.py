"""Every write and read of a youth's holistic needs assessment (issue 12, item 2): immediate
needs (acute and basic), underlying needs by the protocol's domains, strengths, the youth's own
priorities in their words, and the Nevada CANS domain ratings (ratings only: the CANS items are
licensed and never reproduced). The questions are the pack's `needs_assessment` instrument, so
the engine checks the answers and the pack version is kept with them.

One current assessment per youth, shared with the team so the youth is not assessed again by
each agency (L3771-3775): a new version supersedes the current one and every version is kept.
All of it is in the `safety` compartment, beside the service plan it feeds (decision 0041):
`case_for` answers NotFound for a case the actor may not see; `require` refuses an actor who
does not see `safety`. Any team member who sees it may add a version (the assessor is often a
clinician of another organization, L3764); nothing is overwritten. Each write runs in one
transaction and appends to the audit chain; each read records that it was read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from harborline.access import compartments as c
from harborline.access.policy import require
from harborline.audit.models import Action
from harborline.cases.selectors import case_for
from harborline.cases.services import audit_case
from harborline.errors import FieldError, InvalidInput, NotFound, check_version
from harborline.instruments import services as instruments
from harborline.people.models import User
from harborline.protocols.packs import get_pack

from .clocks import event_time
from .models import NeedsAssessment

if TYPE_CHECKING:
    from harborline.cases.models import Case
    from harborline.instruments.schema import Instrument, Item

SAFETY = c.Compartment.SAFETY
INSTRUMENT = "needs_assessment"
NOT_FOUND = "No such needs assessment, or you do not have access to it."
CANS_PREFIX = "cans_"
# Age-gated CANS domains (L3892-3910: early childhood 0-6, transition to adulthood 14-21),
# by the youth's age on the day of the assessment; not checked when the birth date is unknown.
CANS_AGES = {"cans_early_childhood": (0, 6), "cans_transition_to_adulthood": (14, 21)}


def cans_domains(instrument: Instrument) -> dict[str, str]:
    """The CANS domains the pack rates (item id -> label): its `cans_*` rating items."""
    return {
        item.id: item.label
        for item in instrument.all_items()
        if item.type == "rating" and item.id.startswith(CANS_PREFIX)
    }


def cans_ratings(instrument: Instrument, answers: dict[str, Any]) -> dict[str, int]:
    """The domains rated, as numbers 0-3 (item id -> rating), from stored answers."""
    items = instrument.item_map()
    ratings: dict[str, int] = {}
    for item_id in cans_domains(instrument):
        value = answers.get(item_id)
        score = next((o.score for o in items[item_id].options if o.value == value), None)
        if score is not None:
            ratings[item_id] = int(score)
    return ratings


def _lock(case: Case) -> None:
    """Serialise the writes that number a case's assessment versions."""
    type(case).objects.select_for_update().filter(pk=case.pk).values_list("pk").first()


def _age_errors(case: Case, answers: Any, day: datetime) -> list[FieldError]:
    if not isinstance(answers, dict):
        return []
    age = case.youth.age_on(day.date())
    if age is None:
        return []
    errors = []
    for item_id, (low, high) in CANS_AGES.items():
        if answers.get(item_id) not in (None, "") and not low <= age <= high:
            errors.append(
                FieldError(item_id, f"rated only for a youth aged {low} to {high} (Nevada CANS)")
            )
    return errors


@transaction.atomic
def record_needs_assessment(
    *,
    actor: User,
    case_id: int,
    answers: Any,
    changes: str = "",
    version: int | None = None,
    assessed_at: datetime | None = None,
) -> NeedsAssessment:
    """A new version of the youth's needs assessment, superseding the current one (kept). A
    revision says what changed; `version`, when given, is the current version the caller
    revised (a stale one is a 409). Bad answers are a 422 naming each field, nothing written."""
    case, grant = case_for(actor, case_id)
    require(grant, SAFETY)
    _lock(case)
    last = NeedsAssessment.objects.filter(case=case).order_by("-number").first()
    check_version(last.number if last else 0, version)
    errors: list[FieldError] = []
    changes = str(changes or "").strip()
    if last is not None and not changes:
        errors.append(FieldError("changes", "say what changed since the last version"))
    if len(changes) > 2000:
        errors.append(FieldError("changes", "at most 2000 characters"))
    at = timezone.now()
    if assessed_at is not None:
        try:
            at = event_time(assessed_at, case.owner.time_zone, "assessed_at")
        except InvalidInput as exc:
            errors.extend(exc.errors)
        else:
            if at > timezone.now() + timedelta(minutes=5):
                errors.append(FieldError("assessed_at", "cannot be in the future"))
    errors.extend(_age_errors(case, answers, at))
    if errors:
        raise InvalidInput.fields(errors)
    pack = get_pack(case.pack)
    response = instruments.submit(
        actor=actor,
        pack=pack,
        instrument=INSTRUMENT,
        answers=answers,
        subject_type="cases.case",
        subject_id=str(case.pk),
    )
    assessment = NeedsAssessment.objects.create(
        case=case,
        number=(last.number + 1) if last else 1,
        response=response,
        pack=pack.name,
        pack_version=pack.version,
        assessed_at=at,
        changes=changes or "First version",
        recorded_by=actor,
    )
    audit_case(actor, Action.CREATE, assessment, case, grant, [SAFETY])
    return assessment


@dataclass
class NeedsHistory:
    """The youth's current needs assessment (None before the first) and every version, newest
    first, with the pack's instrument to label the answers."""

    case: Case
    current: NeedsAssessment | None
    history: list[NeedsAssessment]
    instrument: Instrument


def needs_assessments(*, actor: User, case_id: int) -> NeedsHistory:
    """Everything the needs page and the API's list show, read once and recorded once."""
    case, grant = case_for(actor, case_id)
    require(grant, SAFETY)
    history = list(
        NeedsAssessment.objects.filter(case=case)
        .select_related("response", "recorded_by")
        .order_by("-number")
    )
    audit_case(actor, Action.VIEW, case, case, grant, [SAFETY])
    return NeedsHistory(
        case=case,
        current=history[0] if history else None,
        history=history,
        instrument=get_pack(case.pack).instrument(INSTRUMENT),
    )


def needs_assessment(*, actor: User, assessment_id: int) -> tuple[NeedsAssessment, Instrument]:
    """One version (current or superseded); NotFound, the same for a missing one and one the
    actor may not see."""
    assessment = NeedsAssessment.objects.filter(pk=assessment_id).select_related("response").first()
    if assessment is None:
        raise NotFound(NOT_FOUND)
    try:
        case, grant = case_for(actor, assessment.case_id)
    except NotFound:
        raise NotFound(NOT_FOUND) from None
    require(grant, SAFETY)
    audit_case(actor, Action.VIEW, assessment, case, grant, [SAFETY])
    return assessment, get_pack(assessment.pack).instrument(INSTRUMENT)


@dataclass
class ReadableSection:
    """One part of an assessment as the page shows it: its title and, per entry, the labelled
    values that were given (in the form's order)."""

    id: str
    title: str
    entries: list[list[tuple[str, str]]]


def readable(instrument: Instrument, answers: dict[str, Any]) -> list[ReadableSection]:
    """The parts of an assessment with option values turned into the pack's labels, for the
    page (the API gives the answers as stored). The CANS part is one entry of rated domains."""
    parts: list[ReadableSection] = []
    for section in instrument.sections:
        entries: list[list[tuple[str, str]]] = []
        single: list[tuple[str, str]] = []  # the section's items outside a group, as one entry
        for item in section.items:
            if item.type == "group":
                entries += [_labelled(item.items, e) for e in answers.get(item.id) or []]
            else:
                single += _labelled([item], answers)
        if single:
            entries.insert(0, single)
        parts.append(ReadableSection(section.id, section.title, entries))
    return parts


def _labelled(items: list[Item], values: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = []
    for item in items:
        value = values.get(item.id)
        if value in (None, "", [], False):
            continue
        labels = {o.value: o.label for o in item.options}
        if isinstance(value, list):
            text = ", ".join(labels.get(str(v), str(v)) for v in value)
        elif value is True:
            text = "Yes"
        else:
            text = labels.get(value, str(value))
        pairs.append((item.label, text))
    return pairs
