"""The training endpoints of the JSON API: the packs' course catalogues, recording a person's
training, and a task force's compliance with its pack's training requirements."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from harborline.api.auth import caller
from harborline.training import selectors, services
from harborline.training.catalogue import training_of, training_packs
from harborline.training.models import Level, Source
from harborline.training.services import EARLIEST, MAX_HOURS

from .schemas import USER_EMAIL, Problem, one_of

router = Router(tags=["training"])


class CourseOut(Schema):
    code: str
    title: str
    levels: list[str]
    tier: str
    competencies: list[str]
    hours: float | None
    audience: str
    source: str


class RecordIn(Schema):
    model_config = ConfigDict(extra="forbid")

    person: str = Field(description="The person's sign-in email.", json_schema_extra=USER_EMAIL)
    course: str = Field(
        description="A course code of a pack, e.g. 101B or CSEC-101.", max_length=40
    )
    level: str = Field(
        description="basic, intermediate, advanced or in_depth.",
        json_schema_extra=one_of(Level.values),
    )
    completed_on: dt.date = Field(
        description=f"The day the course was completed: from {EARLIEST.isoformat()}, not in the "
        "future."
    )
    hours: float = Field(
        ge=0, le=float(MAX_HOURS), description=f"Hours of training (0 to {MAX_HOURS})."
    )
    pack: str = Field(
        default="",
        json_schema_extra=one_of(["", *training_packs()]),
        description="The pack the course belongs to; needed only when several packs have the "
        "course code and the person's county does not settle it.",
    )


class RecordOut(Schema):
    id: int
    person: str
    course: str
    pack: str
    level: str
    completed_on: dt.date
    hours: float
    source: str
    event: int | None


class RequirementOut(Schema):
    id: str
    scope: str
    subject: str
    required: int
    actual: int
    met: bool
    missing: list[str]
    due: dt.date | None
    requirement: str
    subject_type: str
    subject_id: str
    source: str


class ComplianceOut(Schema):
    taskforce: int
    pack: str
    requirements: list[RequirementOut]


@router.get(
    "/training-courses",
    response={200: list[CourseOut], 401: Problem, 422: Problem},
    summary="A pack's training courses",
    description="The course catalogue a protocol pack defines, with the levels each course is "
    "offered at. An unknown pack answers 422 naming `pack`.",
)
def list_courses(
    request: HttpRequest,
    pack: str,
) -> list[CourseOut]:
    return [
        CourseOut(
            code=c.code,
            title=c.title,
            levels=list(c.levels),
            tier=c.tier,
            competencies=list(c.competencies),
            hours=c.hours,
            audience=c.audience,
            source=c.source,
        )
        for c in training_of(pack).courses
    ]


@router.post(
    "/training-records",
    response={201: RecordOut, 401: Problem, 422: Problem},
    summary="Record that a person completed a course",
    description="Who may record: supervisors, organization administrators and coordinators of "
    "the person's organization, the coordinator of a task force the organization belongs to, "
    "and system administrators. A person who does not exist or whose training the caller may "
    "not record answers 422 naming `person` (the same answer for both); an unknown course "
    "answers 422 naming `course`.",
)
def create_record(request: HttpRequest, payload: RecordIn) -> Status[RecordOut]:
    row = services.record_training(
        actor=caller(request),
        person=payload.person,
        course=payload.course,
        pack=payload.pack,
        level=payload.level,
        completed_on=payload.completed_on,
        hours=payload.hours,
        source=Source.API,
    )
    return Status(
        201,
        RecordOut(
            id=row.pk,
            person=row.person.email,
            course=row.course_code,
            pack=row.pack,
            level=row.level,
            completed_on=row.completed_on,
            hours=float(row.hours),
            source=row.source,
            event=row.event_id,
        ),
    )


@router.get(
    "/taskforces/{taskforce_id}/training-compliance",
    response={200: ComplianceOut, 401: Problem, 404: Problem, 422: Problem},
    summary="A task force's compliance with its pack's training requirements",
    description="Every requirement of the task force's pack, evaluated for its current member "
    "organizations: per person, agency, county, region or the whole task force, with how many "
    "are required and trained, whether it is met, what is missing and by when. A task force "
    "that does not exist or that the caller may not see answers 404; one whose pack defines no "
    "training has no requirements.",
)
def taskforce_compliance(request: HttpRequest, taskforce_id: int) -> ComplianceOut:
    taskforce = selectors.taskforce_for(caller(request), taskforce_id)
    if taskforce.pack not in training_packs():
        # A pack without training requires none: nothing to comply with.
        return ComplianceOut(taskforce=taskforce.pk, pack=taskforce.pack, requirements=[])
    results = selectors.compliance_summary(taskforce=taskforce)
    return ComplianceOut(
        taskforce=taskforce.pk,
        pack=taskforce.pack,
        requirements=[RequirementOut(**r.as_dict()) for r in results],
    )
