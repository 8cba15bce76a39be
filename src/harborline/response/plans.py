"""Every write and read of a youth's safety assessments (9-A), safety plans (9-B) and service
plan (CISP) (issue 12). All of it is in the `safety` compartment: `case_for` answers NotFound for
a case the actor may not see; `require` refuses an actor who does not see `safety`;
`require_edit` one who may not change the owner's record. Each write runs in one transaction
and appends to the audit chain; each read records that it was read."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Prefetch
from django.utils import timezone

from harborline.access import compartments as c
from harborline.access.policy import Grant, require, require_edit
from harborline.audit.models import Action
from harborline.cases.selectors import case_for, preferred_language
from harborline.cases.services import audit_case
from harborline.errors import Conflict, FieldError, InvalidInput, NotFound, check_bumped
from harborline.instruments import services as instruments
from harborline.people.models import User
from harborline.protocols.packs import get_pack
from harborline.protocols.translations import named_list, printout_language_codes

from .clocks import event_time
from .models import (
    AssessmentPoint,
    Obligation,
    OutcomeStatus,
    PlanOutcome,
    PlanReview,
    PlanSignature,
    PlanTask,
    SafetyAssessment,
    SafetyPlan,
    ServicePlan,
    ServicePlanVersion,
    Status,
)
from .services import start_obligations
from .youth_copy import STRATEGY_LIST, YouthCopy, build, strategy_parts

if TYPE_CHECKING:
    from harborline.cases.models import Case

SAFETY = c.Compartment.SAFETY
ASSESSMENT_INSTRUMENT = "safety_assessment"
PLAN_INSTRUMENT = "safety_plan"
# A safety assessment answers the pending obligations of these kinds on the case.
ASSESSMENT_FULFILS = (
    "safety_assessment",
    "safety_reassessment_on_return",
    "safety_assessment_at_review",
    "safety_reassessment_after_crisis",  # after a crisis event (decision 0042)
    "safety_assessment_on_danger",  # the returning youth is in danger now (9-G question 1)
)
MAX_ACTIVE_OUTCOMES = 4
TOO_MANY = (
    "at most four active outcomes: the protocol keeps a plan to three or four prioritized "
    "outcomes, the youth's own priorities first, so that it is small enough to succeed "
    "(L4862-4867); mark one achieved or no longer a priority first"
)
# The D5 review questions (L5043-5055; spec nv_service_delivery §3.18).
D5_QUESTIONS: dict[str, str] = {
    "concern_current": "Does the immediate or ongoing concern reflect the youth's current needs?",
    "safety": "Does safety need to be re-assessed, or the safety plan revised?",
    "needs_defined": (
        "Do the immediate or underlying needs reflect current circumstances, and are they well "
        "defined in the plan?"
    ),
    "outcomes_defined": "Are the outcomes and incremental goals well defined in the plan?",
    "resources_fit": "Are the resources individualized and appropriate now?",
    "strengths_goals": "Have the youth's strengths and goals been addressed?",
}
# The D4 results (L4958-4975; spec §4.14).
D4_RESULTS = {
    "goal_attained": "A goal was attained: record it and revise the plan with a new priority",
    "progressing": "Moving toward an incremental goal: the plan stays as it is",
    "not_progressing": "Not moving forward: revise the plan (task, resource or timeline)",
}
# The pack's triggers for plan reviews, and the obligations a review fulfils.
SCHEDULED_TRIGGER = "service_plan"
STALL_TRIGGER = "plan_no_movement"
REVIEW_KINDS = ("plan_review", "plan_no_movement_review", "event_review")
STALL_WEEKS_DEFAULT = 6
REVIEW_TRIGGERS = (
    "scheduled_cisp",
    "scheduled_safety_plan",
    "runaway",
    "return_from_runaway",
    "return_to_trafficker",
    "suicide_attempt",
    "placement_disruption",
    "arrest",
    "new_priority",
    "no_movement",
)


def _lock(case: Case) -> None:
    """Serialise the writes that number a case's records (plan versions, one plan per case)."""
    type(case).objects.select_for_update().filter(pk=case.pk).values_list("pk").first()


def _when(value: datetime | None, case: Case, field: str) -> datetime:
    if value is None:
        return timezone.now()
    at = event_time(value, case.owner.time_zone, field)
    if at > timezone.now() + timedelta(minutes=5):
        raise InvalidInput.field(field, "cannot be in the future")
    return at


def _fulfil(obligation: Obligation, actor: User, note: str) -> None:
    """Close a pending obligation that a record answers (only the fields this change owns: the
    deadline sweep writes reminders_sent concurrently)."""
    obligation.status = Status.DONE
    obligation.completed_at = timezone.now()
    obligation.completed_by = actor
    obligation.evidence = {"note": note}
    obligation.version += 1
    obligation.save(update_fields=["status", "completed_at", "completed_by", "evidence", "version"])


# --- Safety assessment (9-A) ---------------------------------------------------------------


@transaction.atomic
def record_safety_assessment(
    *,
    actor: User,
    case_id: int,
    answers: Any,
    point: str = AssessmentPoint.INITIAL_CONTACT,
    assessed_at: datetime | None = None,
) -> tuple[SafetyAssessment, list[Obligation]]:
    """Score a 9-A on a case and keep it as the youth's safety assessment; it fulfils the
    pending safety-assessment obligations of the case (first contact, after a return)."""
    case, grant = case_for(actor, case_id)
    require(grant, SAFETY)
    if point not in AssessmentPoint.values:
        raise InvalidInput.field("point", "Select when safety is being assessed")
    at = _when(assessed_at, case, "assessed_at")
    pack = get_pack(case.pack)
    response = instruments.submit(
        actor=actor,
        pack=pack,
        instrument=ASSESSMENT_INSTRUMENT,
        answers=answers,
        subject_type="cases.case",
        subject_id=str(case.pk),
    )
    results = (response.sealed or {}).get("results", {})
    assessment = SafetyAssessment.objects.create(
        case=case,
        response=response,
        pack=pack.name,
        pack_version=pack.version,
        point=point,
        assessed_at=at,
        issues_identified=bool(results.get("safety_issues_identified")),
        recorded_by=actor,
    )
    fulfilled = []
    # Only an assessment made after the event answers it: a 9-A from before a crisis does not.
    answered = case.obligations.pending().filter(kind__in=ASSESSMENT_FULFILS, trigger_at__lte=at)
    for pending in answered:
        _fulfil(pending, actor, f"Safety assessment (9-A) {assessment.pk}")
        fulfilled.append(pending)
    if fulfilled:
        assessment.fulfilled = fulfilled[0]
        assessment.save(update_fields=["fulfilled"])
    audit_case(actor, Action.CREATE, assessment, case, grant, [SAFETY])
    for obligation in fulfilled:
        audit_case(actor, Action.UPDATE, obligation, case, grant, [])
    return assessment, fulfilled


def safety_assessments(*, actor: User, case_id: int) -> list[SafetyAssessment]:
    case, grant = case_for(actor, case_id)
    require(grant, SAFETY)
    rows = list(
        SafetyAssessment.objects.filter(case=case)
        .select_related("response")
        .order_by("-assessed_at", "-pk")
    )
    audit_case(actor, Action.VIEW, case, case, grant, [SAFETY])
    return rows


# --- Safety plan (9-B) -----------------------------------------------------------------------


@transaction.atomic
def record_safety_plan(*, actor: User, case_id: int, answers: Any, changes: str = "") -> SafetyPlan:
    """A new version of the youth's safety plan: the 9-B answers, checked by the instrument
    engine; a revision says what changed."""
    case, grant = case_for(actor, case_id)
    require_edit(grant, SAFETY)
    _lock(case)
    last = SafetyPlan.objects.filter(case=case).order_by("-number").first()
    if last is not None and not changes.strip():
        raise InvalidInput.field("changes", "say what changed since the last version")
    if len(changes) > 2000:
        raise InvalidInput.field("changes", "at most 2000 characters")
    pack = get_pack(case.pack)
    response = instruments.submit(
        actor=actor,
        pack=pack,
        instrument=PLAN_INSTRUMENT,
        answers=answers,
        subject_type="cases.case",
        subject_id=str(case.pk),
    )
    content = dict(response.answers or {})
    plan = SafetyPlan.objects.create(
        case=case,
        number=(last.number + 1) if last else 1,
        content=content,
        changes=changes.strip() or "First version",
        youth_signed=bool(content.get("youth_signature")),
        staff_signed=bool(content.get("staff_signature")),
        recorded_by=actor,
    )
    audit_case(actor, Action.CREATE, plan, case, grant, [SAFETY])
    return plan


def safety_plan(*, actor: User, plan_id: int, export: bool = False) -> tuple[SafetyPlan, Case]:
    plan = SafetyPlan.objects.filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("No such safety plan, or you do not have access to it.")
    try:
        case, grant = case_for(actor, plan.case_id)
    except NotFound:
        raise NotFound("No such safety plan, or you do not have access to it.") from None
    require(grant, SAFETY)
    audit_case(actor, Action.EXPORT if export else Action.VIEW, plan, case, grant, [SAFETY])
    return plan, case


def safety_plans(*, actor: User, case_id: int) -> list[SafetyPlan]:
    case, grant = case_for(actor, case_id)
    require(grant, SAFETY)
    rows = list(SafetyPlan.objects.filter(case=case).order_by("-number"))
    audit_case(actor, Action.VIEW, case, case, grant, [SAFETY])
    return rows


# --- Service plan (CISP) ---------------------------------------------------------------------


def _clean_outcomes(outcomes: Any, field: str = "outcomes") -> list[dict[str, Any]]:
    if not isinstance(outcomes, list) or not outcomes:
        raise InvalidInput.field(field, "give at least one outcome")
    errors: list[FieldError] = []
    clean = []
    for i, item in enumerate(outcomes):
        item = item if isinstance(item, dict) else {}
        title = str(item.get("title") or "").strip()
        if not title or len(title) > 500:
            errors.append(FieldError(f"{field}[{i}].title", "say the outcome (1-500 characters)"))
        priority = item.get("priority")
        if not isinstance(priority, int) or isinstance(priority, bool) or not 1 <= priority <= 99:
            errors.append(FieldError(f"{field}[{i}].priority", "a whole number from 1 (first)"))
            priority = 99
        tasks = []
        for j, task in enumerate(item.get("tasks") or []):
            tasks.append(_clean_task(task, f"{field}[{i}].tasks[{j}]", errors))
        clean.append(
            {
                "title": title,
                "priority": priority,
                "youth_priority": bool(item.get("youth_priority")),
                "tasks": tasks,
            }
        )
    if errors:
        raise InvalidInput.fields(errors)
    return clean


def _clean_task(task: Any, field: str, errors: list[FieldError]) -> dict[str, Any]:
    task = task if isinstance(task, dict) else {}
    text = str(task.get("text") or "").strip()
    responsible = str(task.get("responsible") or "").strip()
    resource = str(task.get("resource") or "").strip()
    target = task.get("target_on")
    if not text or len(text) > 1000:
        errors.append(FieldError(f"{field}.text", "say the step (1-1000 characters)"))
    if not responsible or len(responsible) > 200:
        errors.append(
            FieldError(f"{field}.responsible", "name the person who links the youth (warm handoff)")
        )
    if len(resource) > 500:
        errors.append(FieldError(f"{field}.resource", "at most 500 characters"))
    day = None
    if isinstance(target, date):
        day = target
    else:
        try:
            day = date.fromisoformat(str(target or ""))
        except ValueError:
            errors.append(FieldError(f"{field}.target_on", "give a target date like 2027-01-15"))
    return {"text": text, "responsible": responsible, "resource": resource, "target_on": day}


def _snapshot(plan: ServicePlan) -> dict[str, Any]:
    return {
        "outcomes": [
            {
                "id": o.pk,
                "title": o.title,
                "priority": o.priority,
                "youth_priority": o.youth_priority,
                "status": o.status,
                "tasks": [
                    {
                        "id": t.pk,
                        "text": t.text,
                        "target_on": t.target_on.isoformat(),
                        "resource": t.resource,
                        "responsible": t.responsible,
                        "done": t.done_at is not None,
                    }
                    for t in o.tasks.all()
                ],
            }
            for o in plan.outcomes.all()
        ]
    }


def _bump(plan: ServicePlan, actor: User, changes: str, version: int | None) -> None:
    """The next version of the plan, kept with what changed; a stale version is a conflict."""
    expected = plan.version if version is None else version
    check_bumped(
        ServicePlan.objects.filter(pk=plan.pk, version=expected).update(version=F("version") + 1)
    )
    plan.version = expected + 1
    ServicePlanVersion.objects.create(
        plan=plan,
        number=plan.version,
        snapshot=_snapshot(plan),
        changes=changes,
        recorded_by=actor,
    )


def _add_outcomes(plan: ServicePlan, outcomes: list[dict[str, Any]]) -> None:
    for item in outcomes:
        outcome = PlanOutcome.objects.create(
            plan=plan,
            title=item["title"],
            priority=item["priority"],
            youth_priority=item["youth_priority"],
        )
        PlanTask.objects.bulk_create(
            PlanTask(outcome=outcome, **{k: v for k, v in t.items()}) for t in item["tasks"]
        )


@transaction.atomic
def create_service_plan(*, actor: User, case_id: int, outcomes: Any) -> ServicePlan:
    """The youth's CISP: at most four active prioritized outcomes (a fifth is refused, naming
    `outcomes`, with the protocol's reason), each with tasks (target date, resource, the person
    responsible). A case has one plan; revise it rather than start another."""
    case, grant = case_for(actor, case_id)
    require_edit(grant, SAFETY)
    clean = _clean_outcomes(outcomes)
    if len(clean) > MAX_ACTIVE_OUTCOMES:
        raise InvalidInput.field("outcomes", TOO_MANY)
    _lock(case)
    if ServicePlan.objects.filter(case=case).exists():
        raise Conflict(
            "This youth already has a service plan: revise it instead of starting another.",
            errors=[FieldError("case", "already has a service plan: revise it")],
        )
    plan = ServicePlan.objects.create(case=case, created_by=actor)
    _add_outcomes(plan, clean)
    ServicePlanVersion.objects.create(
        plan=plan, number=1, snapshot=_snapshot(plan), changes="First version", recorded_by=actor
    )
    audit_case(actor, Action.CREATE, plan, case, grant, [SAFETY])
    # The first scheduled review (the pack's `service_plan` rules: 30 days by default).
    start_obligations(
        actor=actor, case=case, grant=grant, triggers=[SCHEDULED_TRIGGER], at=plan.created_at
    )
    return plan


def _plan_for(actor: User, plan_id: int) -> tuple[ServicePlan, Case, Grant]:
    plan = ServicePlan.objects.filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("No such service plan, or you do not have access to it.")
    try:
        case, grant = case_for(actor, plan.case_id)
    except NotFound:
        raise NotFound("No such service plan, or you do not have access to it.") from None
    require(grant, SAFETY)
    return plan, case, grant


def service_plan(*, actor: User, plan_id: int) -> tuple[ServicePlan, Case]:
    plan, case, grant = _plan_for(actor, plan_id)
    plan = (
        ServicePlan.objects.filter(pk=plan.pk)
        .prefetch_related(
            Prefetch("outcomes", queryset=PlanOutcome.objects.prefetch_related("tasks")),
            "signatures",
            "versions",
            "reviews",
        )
        .get()
    )
    audit_case(actor, Action.VIEW, plan, case, grant, [SAFETY])
    return plan, case


def service_plan_of_case(*, actor: User, case_id: int) -> ServicePlan | None:
    case, grant = case_for(actor, case_id)
    require(grant, SAFETY)
    return ServicePlan.objects.filter(case=case).first()


@transaction.atomic
def add_outcomes(
    *, actor: User, plan_id: int, outcomes: Any, changes: str, version: int | None = None
) -> ServicePlan:
    plan, case, grant = _plan_for(actor, plan_id)
    require_edit(grant, SAFETY)
    clean = _clean_outcomes(outcomes)
    active = plan.outcomes.filter(status=OutcomeStatus.ACTIVE).count()
    if active + len(clean) > MAX_ACTIVE_OUTCOMES:
        raise InvalidInput.field("outcomes", TOO_MANY)
    if not changes.strip():
        raise InvalidInput.field("changes", "say what changed and why")
    _add_outcomes(plan, clean)
    _bump(plan, actor, changes.strip(), version)
    ServicePlan.objects.filter(pk=plan.pk).update(last_movement_at=timezone.now())
    audit_case(actor, Action.UPDATE, plan, case, grant, [SAFETY])
    return plan


@transaction.atomic
def add_task(
    *,
    actor: User,
    plan_id: int,
    outcome_id: int,
    task: Any,
    changes: str,
    version: int | None = None,
) -> ServicePlan:
    """A new step for an outcome (D4 case 3: revise the task, resource or timeline)."""
    plan, case, grant = _plan_for(actor, plan_id)
    require_edit(grant, SAFETY)
    outcome = PlanOutcome.objects.filter(pk=outcome_id, plan=plan).first()
    if outcome is None:
        raise NotFound("No such outcome in this plan.")
    errors: list[FieldError] = []
    clean = _clean_task(task, "task", errors)
    if not changes.strip():
        errors.append(FieldError("changes", "say what changed and why"))
    if errors:
        raise InvalidInput.fields(errors)
    PlanTask.objects.create(outcome=outcome, **clean)
    _bump(plan, actor, changes.strip(), version)
    audit_case(actor, Action.UPDATE, plan, case, grant, [SAFETY])
    return plan


@transaction.atomic
def complete_task(
    *, actor: User, plan_id: int, task_id: int, version: int | None = None
) -> ServicePlan:
    """Mark a task done. D4: this does not achieve its outcome (L4958-4961)."""
    plan, case, grant = _plan_for(actor, plan_id)
    require_edit(grant, SAFETY)
    task = PlanTask.objects.filter(pk=task_id, outcome__plan=plan).first()
    if task is None:
        raise NotFound("No such task in this plan.")
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
    _bump(plan, actor, f"Task done: {task.text}", version)
    ServicePlan.objects.filter(pk=plan.pk).update(last_movement_at=timezone.now())
    audit_case(actor, Action.UPDATE, plan, case, grant, [SAFETY])
    return plan


@transaction.atomic
def set_outcome_status(
    *,
    actor: User,
    plan_id: int,
    outcome_id: int,
    status: str,
    changes: str = "",
    version: int | None = None,
) -> ServicePlan:
    """An outcome is achieved (or no longer a priority) only when the team says so, on its own:
    never because its tasks are done (D4)."""
    plan, case, grant = _plan_for(actor, plan_id)
    require_edit(grant, SAFETY)
    if status not in OutcomeStatus.values:
        raise InvalidInput.field("status", "Select where the outcome stands")
    outcome = PlanOutcome.objects.filter(pk=outcome_id, plan=plan).first()
    if outcome is None:
        raise NotFound("No such outcome in this plan.")
    if status == OutcomeStatus.ACTIVE and outcome.status != OutcomeStatus.ACTIVE:
        active = plan.outcomes.filter(status=OutcomeStatus.ACTIVE).count()
        if active >= MAX_ACTIVE_OUTCOMES:
            raise InvalidInput.field("outcomes", TOO_MANY)
    outcome.status = status
    outcome.status_at = timezone.now()
    outcome.save(update_fields=["status", "status_at"])
    label = OutcomeStatus(status).label.lower()
    _bump(plan, actor, changes.strip() or f"Outcome {label}: {outcome.title}", version)
    ServicePlan.objects.filter(pk=plan.pk).update(last_movement_at=timezone.now())
    audit_case(actor, Action.UPDATE, plan, case, grant, [SAFETY])
    return plan


@transaction.atomic
def sign_plan(
    *, actor: User, plan_id: int, name: str, role: str, youth: bool = False
) -> PlanSignature:
    """A team member (or the youth, attested by the member present) signs the current version."""
    plan, case, grant = _plan_for(actor, plan_id)
    errors = []
    if not name.strip() or len(name) > 200:
        errors.append(FieldError("name", "the signer's name (1-200 characters)"))
    if not youth and (not role.strip() or len(role) > 60):
        errors.append(FieldError("role", "the signer's role on the team (1-60 characters)"))
    if errors:
        raise InvalidInput.fields(errors)
    signature = PlanSignature.objects.create(
        plan=plan,
        plan_version=plan.version,
        name=name.strip(),
        role="youth" if youth else role.strip(),
        is_youth=youth,
        user=None if youth else actor,
    )
    audit_case(actor, Action.CREATE, signature, case, grant, [SAFETY])
    return signature


@transaction.atomic
def review_plan(
    *,
    actor: User,
    plan_id: int,
    answers: Any,
    result: str,
    trigger: str = "scheduled_cisp",
    held_at: datetime | None = None,
) -> PlanReview:
    """An MDT review: every D5 question answered (needs a change, or not, with a note) and the
    D4 result, kept with the plan."""
    plan, case, grant = _plan_for(actor, plan_id)
    require_edit(grant, SAFETY)
    errors: list[FieldError] = []
    clean: dict[str, dict[str, Any]] = {}
    given = answers if isinstance(answers, dict) else {}
    if not isinstance(answers, dict):
        errors.append(FieldError("answers", "answer each review question by its id"))
    for key in given:
        if key not in D5_QUESTIONS:
            errors.append(FieldError(f"answers.{key}", f"use: {', '.join(D5_QUESTIONS)}"))
    for key in D5_QUESTIONS:
        value = given.get(key)
        if not isinstance(value, dict) or not isinstance(value.get("needs_change"), bool):
            errors.append(
                FieldError(f"answers.{key}", 'answer {"needs_change": true or false, "note": ""}')
            )
            continue
        note = str(value.get("note") or "").strip()
        if len(note) > 2000:
            errors.append(FieldError(f"answers.{key}.note", "at most 2000 characters"))
        clean[key] = {"needs_change": value["needs_change"], "note": note}
    if result not in D4_RESULTS:
        errors.append(FieldError("result", "Select the result of the review"))
    if trigger not in REVIEW_TRIGGERS:
        errors.append(FieldError("trigger", "Select what prompted the review"))
    at = None
    try:
        at = _when(held_at, case, "held_at")
    except InvalidInput as exc:
        errors.extend(exc.errors)
    if errors:
        raise InvalidInput.fields(errors)
    assert at is not None  # noqa: S101 - checked above
    review = PlanReview.objects.create(
        plan=plan, held_at=at, trigger=trigger, answers=clean, result=result, recorded_by=actor
    )
    for pending in case.obligations.pending().filter(kind__in=REVIEW_KINDS, trigger_at__lte=at):
        _fulfil(pending, actor, f"Plan review {review.pk}")
    # Monitoring starts again (L5057-5062): the next scheduled review runs from this one.
    start_obligations(actor=actor, case=case, grant=grant, triggers=[SCHEDULED_TRIGGER], at=at)
    audit_case(actor, Action.CREATE, review, case, grant, [SAFETY])
    return review


# --- the youth-safe copy of a safety plan ----------------------------------------------------

UNSAFE_ITEMS = ("trafficker_name", "known_associates")


def youth_copy(
    *, actor: User, plan_id: int, lang: str = "en", export: bool = False
) -> tuple[YouthCopy, SafetyPlan, Case]:
    """The youth-safe copy of one safety-plan version (page or PDF: `export`), in `lang` (one of
    settings.LANGUAGES), with no name the youth's safety assessments give for the trafficker or
    associates. The strategies are worded as the case's pack words them for the youth."""
    if lang not in printout_language_codes():
        raise InvalidInput.field("lang", "Select a language the copy is available in")
    plan, case = safety_plan(actor=actor, plan_id=plan_id, export=export)
    unsafe: list[str] = []
    for assessment in SafetyAssessment.objects.filter(case=case).select_related("response"):
        answers = assessment.response.answers or {}
        for item in UNSAFE_ITEMS:
            value = str(answers.get(item) or "")
            unsafe += [part for part in re.split(r"[,;\n]+", value) if part.strip()]
    pack = get_pack(case.pack)
    words = named_list(pack, STRATEGY_LIST)
    form = pack.instruments.get(PLAN_INSTRUMENT)
    copy = build(
        plan.content or {},
        number=plan.number,
        lang=lang,
        unsafe_names=unsafe,
        parts=strategy_parts(words, form, lang),
    )
    return copy, plan, case


@dataclass
class PlansPage:
    case: Case
    assessments: list[SafetyAssessment]
    safety_plans: list[SafetyPlan]
    service_plan: ServicePlan | None
    may_edit: bool
    preferred_language: str = ""  # the youth's, for the printouts' first choice (decision 0064)


def plans_page(*, actor: User, case_id: int) -> PlansPage:
    """Everything the plans page shows, read once and recorded once (safety compartment)."""
    case, grant = case_for(actor, case_id)
    require(grant, SAFETY)
    plan = (
        ServicePlan.objects.filter(case=case)
        .prefetch_related(
            Prefetch("outcomes", queryset=PlanOutcome.objects.prefetch_related("tasks")),
            "signatures",
            "versions",
            "reviews",
        )
        .first()
    )
    page = PlansPage(
        case=case,
        assessments=list(SafetyAssessment.objects.filter(case=case).order_by("-assessed_at")),
        safety_plans=list(SafetyPlan.objects.filter(case=case).order_by("-number")),
        service_plan=plan,
        may_edit=grant.edits(SAFETY),
        preferred_language=preferred_language(actor, case, grant),
    )
    audit_case(actor, Action.VIEW, case, case, grant, [SAFETY])
    return page


# --- no movement ---------------------------------------------------------------------------


def stall_weeks() -> int:
    """How many weeks without movement start a review (HARBORLINE_PLAN_STALL_WEEKS; 6)."""
    value = getattr(settings, "HARBORLINE_PLAN_STALL_WEEKS", None) or os.environ.get(
        "HARBORLINE_PLAN_STALL_WEEKS", ""
    )
    try:
        weeks = int(value)
    except (TypeError, ValueError):
        return STALL_WEEKS_DEFAULT
    return weeks if weeks > 0 else STALL_WEEKS_DEFAULT


def sweep_stalled_plans(*, now: datetime | None = None) -> list[Obligation]:
    """Start the pack's `plan_no_movement` review for every open case whose service plan has not
    moved (no step done, no outcome added, achieved or changed) for `stall_weeks()`, once per
    stall: not again until the plan moves. The deadline sweep runs this; the obligation's
    wording puts the plan, not the youth, at fault (L5021-5025)."""
    now = now or timezone.now()
    cutoff = now - timedelta(weeks=stall_weeks())
    started: list[Obligation] = []
    stalled = ServicePlan.objects.filter(
        last_movement_at__lte=cutoff, case__status="open"
    ).select_related("case", "case__owner")
    for plan in stalled:
        flagged = Obligation.objects.filter(
            case_id=plan.case_id,
            kind="plan_no_movement_review",
            created_at__gte=plan.last_movement_at,
        ).exists()
        if flagged:
            continue
        with transaction.atomic():
            started += start_obligations(
                actor=None,
                case=plan.case,
                grant=Grant(),
                triggers=[STALL_TRIGGER],
                at=now,
            )
    return started
