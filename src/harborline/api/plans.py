"""Safety assessments (9-A), safety plans (9-B) and the service plan (CISP) over the API (issue
12). All of it is in the `safety` compartment: a case the caller may not see is 404; one whose
`safety` compartment they do not see is 403; changing a plan takes the right to change the
owner's record (403 otherwise)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from harborline.api.auth import caller
from harborline.api.schemas import Strict
from harborline.response import plans as services
from harborline.response.models import PlanOutcome, SafetyPlan, ServicePlan

from .cases import ObligationOut, _obligation
from .schemas import Instant, Problem
from .schemas import text as required

router = Router(tags=["plans"])

ERRORS: dict[int, type[Problem]] = {401: Problem, 403: Problem, 404: Problem, 422: Problem}


class AssessmentIn(Strict):
    answers: dict[str, Any] = Field(description="The 9-A answers, by item id.")
    point: Literal["initial_contact", "cisp_planning", "scheduled_mdt", "crisis_or_return"] = (
        "initial_contact"
    )
    assessed_at: Instant | None = Field(default=None, description="When (default: now).")


class AssessmentCreated(Schema):
    id: int
    issues_identified: bool
    fulfilled: list[ObligationOut]


@router.post(
    "/cases/{case_id}/safety-assessments",
    response={201: AssessmentCreated, 409: Problem, **ERRORS},
    summary="A CSEC Safety Assessment (9-A): fulfils the pending safety-assessment obligations",
)
def add_assessment(
    request: HttpRequest, case_id: int, payload: AssessmentIn
) -> Status[AssessmentCreated]:
    assessment, fulfilled = services.record_safety_assessment(
        actor=caller(request),
        case_id=case_id,
        **payload.model_dump(),
    )
    return Status(
        201,
        AssessmentCreated(
            id=assessment.pk,
            issues_identified=assessment.issues_identified,
            fulfilled=[_obligation(o) for o in fulfilled],
        ),
    )


class SafetyPlanIn(Strict):
    answers: dict[str, Any] = Field(description="The 9-B answers, by item id.")
    changes: str = Field(
        default="", max_length=2000, description="What changed (required for a revision)."
    )


class SafetyPlanOut(Schema):
    id: int
    case_id: int
    number: int
    changes: str
    youth_signed: bool
    staff_signed: bool
    recorded_at: datetime
    answers: dict[str, Any]


def _safety_plan(p: SafetyPlan) -> SafetyPlanOut:
    return SafetyPlanOut(
        id=p.pk,
        case_id=p.case_id,
        number=p.number,
        changes=p.changes,
        youth_signed=p.youth_signed,
        staff_signed=p.staff_signed,
        recorded_at=p.recorded_at,
        answers=p.content,
    )


@router.post(
    "/cases/{case_id}/safety-plans",
    response={201: SafetyPlanOut, 409: Problem, **ERRORS},
    summary="A new version of the youth's safety plan (9-B)",
)
def add_safety_plan(
    request: HttpRequest, case_id: int, payload: SafetyPlanIn
) -> Status[SafetyPlanOut]:
    plan = services.record_safety_plan(
        actor=caller(request),
        case_id=case_id,
        **payload.model_dump(),
    )
    return Status(201, _safety_plan(plan))


@router.get(
    "/safety-plans/{safety_plan_id}",
    response={200: SafetyPlanOut, **ERRORS},
    summary="One version of a safety plan",
)
def get_safety_plan(request: HttpRequest, safety_plan_id: int) -> SafetyPlanOut:
    plan, _ = services.safety_plan(actor=_actor(request), plan_id=safety_plan_id)
    return _safety_plan(plan)


# --- the service plan (CISP) ---


class TaskIn(Strict):
    text: str = required(1000, description="An incremental, specific step.")
    target_on: date = Field(description="The target date.")
    resource: str = Field(default="", max_length=500, description="The resource (free text).")
    responsible: str = required(200, description="Who links the youth to it (the warm handoff).")


class OutcomeIn(Strict):
    title: str = required(500, description="The outcome for an underlying need.")
    priority: int = Field(ge=1, le=99, description="1 is the first priority.")
    youth_priority: bool = Field(default=False, description="The youth's own priority.")
    tasks: list[TaskIn] = []


def _at_most_four(outcomes: list[OutcomeIn]) -> list[OutcomeIn]:
    if len(outcomes) > services.MAX_ACTIVE_OUTCOMES:
        raise PydanticCustomError("too_many_outcomes", services.TOO_MANY)
    return outcomes


class ServicePlanIn(Strict):
    outcomes: list[OutcomeIn] = Field(
        min_length=1,
        json_schema_extra={"maxItems": services.MAX_ACTIVE_OUTCOMES},
        description="At most four active outcomes: the protocol keeps plans small enough to "
        "succeed (a fifth is a 422 naming `outcomes`, saying why).",
    )

    _cap = field_validator("outcomes")(_at_most_four)


class PlanCreated(Schema):
    id: int
    version: int


class TaskOut(Schema):
    id: int
    text: str
    target_on: date
    resource: str
    responsible: str
    done: bool


class OutcomeOut(Schema):
    id: int
    title: str
    priority: int
    youth_priority: bool
    status: str
    tasks: list[TaskOut]


class SignatureOut(Schema):
    name: str
    role: str
    is_youth: bool
    plan_version: int
    signed_at: datetime


class PlanVersionOut(Schema):
    number: int
    changes: str
    recorded_at: datetime


class ReviewOut(Schema):
    id: int
    held_at: datetime
    trigger: str
    result: str
    answers: dict[str, Any]


class ServicePlanOut(Schema):
    id: int
    case_id: int
    version: int
    outcomes: list[OutcomeOut]
    signatures: list[SignatureOut]
    versions: list[PlanVersionOut]
    reviews: list[ReviewOut]


def _outcome(o: PlanOutcome) -> OutcomeOut:
    return OutcomeOut(
        id=o.pk,
        title=o.title,
        priority=o.priority,
        youth_priority=o.youth_priority,
        status=o.status,
        tasks=[
            TaskOut(
                id=t.pk,
                text=t.text,
                target_on=t.target_on,
                resource=t.resource,
                responsible=t.responsible,
                done=t.done_at is not None,
            )
            for t in o.tasks.all()
        ],
    )


def _plan(p: ServicePlan) -> ServicePlanOut:
    return ServicePlanOut(
        id=p.pk,
        case_id=p.case_id,
        version=p.version,
        outcomes=[_outcome(o) for o in p.outcomes.all()],
        signatures=[
            SignatureOut(
                name=s.name,
                role=s.role,
                is_youth=s.is_youth,
                plan_version=s.plan_version,
                signed_at=s.signed_at,
            )
            for s in p.signatures.all()
        ],
        versions=[
            PlanVersionOut(number=v.number, changes=v.changes, recorded_at=v.recorded_at)
            for v in p.versions.all()
        ],
        reviews=[
            ReviewOut(
                id=r.pk, held_at=r.held_at, trigger=r.trigger, result=r.result, answers=r.answers
            )
            for r in p.reviews.all()
        ],
    )


def _actor(request: HttpRequest) -> Any:
    return caller(request)


@router.post(
    "/cases/{case_id}/service-plans",
    response={201: PlanCreated, 409: Problem, **ERRORS},
    summary="The youth's service plan (CISP): at most four active prioritized outcomes",
)
def add_service_plan(
    request: HttpRequest, case_id: int, payload: ServicePlanIn
) -> Status[PlanCreated]:
    plan = services.create_service_plan(
        actor=_actor(request),
        case_id=case_id,
        outcomes=[o.model_dump() for o in payload.outcomes],
    )
    return Status(201, PlanCreated(id=plan.pk, version=plan.version))


@router.get(
    "/service-plans/{plan_id}",
    response={200: ServicePlanOut, **ERRORS},
    summary="The service plan with its outcomes, tasks, signatures, versions and reviews",
)
def get_service_plan(request: HttpRequest, plan_id: int) -> ServicePlanOut:
    plan, _ = services.service_plan(actor=_actor(request), plan_id=plan_id)
    return _plan(plan)


class OutcomesIn(Strict):
    outcomes: list[OutcomeIn] = Field(
        min_length=1,
        json_schema_extra={"maxItems": services.MAX_ACTIVE_OUTCOMES},
        description="New outcomes; with the active ones, still at most four (422 naming "
        "`outcomes` otherwise).",
    )
    changes: str = required(2000, description="What changed and why.")
    version: int | None = Field(default=None, ge=1, description="The plan version you edited.")

    _cap = field_validator("outcomes")(_at_most_four)


@router.post(
    "/service-plans/{plan_id}/outcomes",
    response={200: PlanCreated, 409: Problem, **ERRORS},
    summary="Add outcomes (a new version); still at most four active",
)
def add_plan_outcomes(request: HttpRequest, plan_id: int, payload: OutcomesIn) -> PlanCreated:
    plan = services.add_outcomes(
        actor=_actor(request),
        plan_id=plan_id,
        outcomes=[o.model_dump() for o in payload.outcomes],
        changes=payload.changes,
        version=payload.version,
    )
    return PlanCreated(id=plan.pk, version=plan.version)


class TaskAddIn(Strict):
    task: TaskIn
    changes: str = required(2000, description="What changed and why.")
    version: int | None = Field(default=None, ge=1, description="The plan version you edited.")


@router.post(
    "/service-plans/{plan_id}/outcomes/{outcome_id}/tasks",
    response={200: PlanCreated, 409: Problem, **ERRORS},
    summary="A new step for an outcome (a new version of the plan)",
)
def add_task(
    request: HttpRequest, plan_id: int, outcome_id: int, payload: TaskAddIn
) -> PlanCreated:
    plan = services.add_task(
        actor=_actor(request),
        plan_id=plan_id,
        outcome_id=outcome_id,
        task=payload.task.model_dump(),
        changes=payload.changes,
        version=payload.version,
    )
    return PlanCreated(id=plan.pk, version=plan.version)


class VersionIn(Strict):
    version: int | None = Field(default=None, ge=1, description="The plan version you edited.")


@router.post(
    "/service-plans/{plan_id}/tasks/{task_id}/done",
    response={200: PlanCreated, 409: Problem, **ERRORS},
    summary="A task is done (D4: this does not achieve its outcome)",
)
def task_done(request: HttpRequest, plan_id: int, task_id: int, payload: VersionIn) -> PlanCreated:
    plan = services.complete_task(
        actor=_actor(request), plan_id=plan_id, task_id=task_id, version=payload.version
    )
    return PlanCreated(id=plan.pk, version=plan.version)


class OutcomeStatusIn(Strict):
    status: Literal["active", "achieved", "dropped"]
    changes: str = Field(default="", max_length=2000)
    version: int | None = Field(default=None, ge=1)


@router.post(
    "/service-plans/{plan_id}/outcomes/{outcome_id}/status",
    response={200: PlanCreated, 409: Problem, **ERRORS},
    summary="Mark an outcome achieved (on its own, D4) or no longer a priority",
)
def outcome_status(
    request: HttpRequest, plan_id: int, outcome_id: int, payload: OutcomeStatusIn
) -> PlanCreated:
    plan = services.set_outcome_status(
        actor=_actor(request), plan_id=plan_id, outcome_id=outcome_id, **payload.model_dump()
    )
    return PlanCreated(id=plan.pk, version=plan.version)


class SignatureIn(Strict):
    name: str = required(200)
    role: str = Field(default="", max_length=60, description="The signer's role on the MDT.")
    youth: bool = Field(default=False, description="The youth signs (attested by the member).")


@router.post(
    "/service-plans/{plan_id}/signatures",
    response={201: SignatureOut, 409: Problem, **ERRORS},
    summary="A team member or the youth signs the current version",
)
def sign(request: HttpRequest, plan_id: int, payload: SignatureIn) -> Status[SignatureOut]:
    s = services.sign_plan(actor=_actor(request), plan_id=plan_id, **payload.model_dump())
    return Status(
        201,
        SignatureOut(
            name=s.name,
            role=s.role,
            is_youth=s.is_youth,
            plan_version=s.plan_version,
            signed_at=s.signed_at,
        ),
    )


class D5Answer(Strict):
    needs_change: bool = Field(description="Yes: this needs a change (revise the plan).")
    note: str = Field(default="", max_length=2000)


class D5Answers(Strict):
    """The six monitoring questions (L5043-5055), each answered."""

    concern_current: D5Answer = Field(description=services.D5_QUESTIONS["concern_current"])
    safety: D5Answer = Field(description=services.D5_QUESTIONS["safety"])
    needs_defined: D5Answer = Field(description=services.D5_QUESTIONS["needs_defined"])
    outcomes_defined: D5Answer = Field(description=services.D5_QUESTIONS["outcomes_defined"])
    resources_fit: D5Answer = Field(description=services.D5_QUESTIONS["resources_fit"])
    strengths_goals: D5Answer = Field(description=services.D5_QUESTIONS["strengths_goals"])


class ReviewIn(Strict):
    answers: D5Answers
    result: Literal["goal_attained", "progressing", "not_progressing"] = Field(
        description="D4: goal attained, progressing, or not progressing (revise the plan)."
    )
    trigger: Literal[
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
    ] = "scheduled_cisp"
    held_at: Instant | None = Field(default=None, description="When (default: now).")


@router.post(
    "/service-plans/{plan_id}/reviews",
    response={201: ReviewOut, 409: Problem, **ERRORS},
    summary="An MDT review: the D5 questions answered and kept, and the D4 result",
)
def review(request: HttpRequest, plan_id: int, payload: ReviewIn) -> Status[ReviewOut]:
    r = services.review_plan(actor=_actor(request), plan_id=plan_id, **payload.model_dump())
    return Status(
        201,
        ReviewOut(
            id=r.pk, held_at=r.held_at, trigger=r.trigger, result=r.result, answers=r.answers
        ),
    )
