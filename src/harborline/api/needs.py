"""The holistic needs assessment over the API (issue 12, item 2). In the `safety` compartment: a
case the caller may not see is 404 (the same as a missing one); one whose `safety` compartment
they do not see is 403. A new version supersedes the current one; every version is kept."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from harborline.api.auth import caller
from harborline.instruments.schema import Instrument
from harborline.response import needs as services
from harborline.response.models import NeedsAssessment

from .schemas import Instant, Problem

router = Router(tags=["needs"])

ERRORS: dict[int, type[Problem]] = {401: Problem, 403: Problem, 404: Problem, 422: Problem}


class NeedsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    answers: dict[str, Any] = Field(
        description="The pack's `needs_assessment` answers, by item id: `immediate_needs` "
        "[{area, urgency, need, youth_words, goal}], `underlying_needs` [{domain, concern, need, "
        "youth_words}], `strengths` [{area, strength}], `youth_priorities` [{words}], and the "
        "CANS domain ratings `cans_<domain>` (r0-r3; ratings only)."
    )
    changes: str = Field(
        default="", max_length=2000, description="What changed (required for a new version)."
    )
    version: int | None = Field(
        default=None, ge=0, description="The current version you revised (409 when stale)."
    )
    assessed_at: Instant | None = Field(default=None, description="When (default: now).")


class NeedsCreated(Schema):
    id: int
    version: int


class NeedsVersion(Schema):
    id: int
    version: int
    assessed_at: datetime
    recorded_at: datetime
    changes: str
    pack: str
    pack_version: str


class NeedsOut(NeedsVersion):
    case_id: int
    answers: dict[str, Any]
    cans: dict[str, int] = Field(description="The CANS domains rated, 0-3, by item id.")


class NeedsList(Schema):
    current: NeedsOut | None
    history: list[NeedsVersion] = Field(description="Every version, newest first.")


def _version(a: NeedsAssessment) -> NeedsVersion:
    return NeedsVersion(
        id=a.pk,
        version=a.number,
        assessed_at=a.assessed_at,
        recorded_at=a.recorded_at,
        changes=a.changes,
        pack=a.pack,
        pack_version=a.pack_version,
    )


def _full(a: NeedsAssessment, instrument: Instrument) -> NeedsOut:
    answers = a.response.answers or {}
    return NeedsOut(
        **_version(a).model_dump(),
        case_id=a.case_id,
        answers=answers,
        cans=services.cans_ratings(instrument, answers),
    )


@router.post(
    "/cases/{case_id}/needs-assessments",
    response={201: NeedsCreated, 409: Problem, **ERRORS},
    summary="A new version of the youth's holistic needs assessment (supersedes the current one)",
)
def add_needs_assessment(
    request: HttpRequest, case_id: int, payload: NeedsIn
) -> Status[NeedsCreated]:
    assessment = services.record_needs_assessment(
        actor=caller(request), case_id=case_id, **payload.model_dump()
    )
    return Status(201, NeedsCreated(id=assessment.pk, version=assessment.number))


@router.get(
    "/cases/{case_id}/needs-assessments",
    response={200: NeedsList, **ERRORS},
    summary="The youth's current needs assessment and every version",
)
def list_needs_assessments(request: HttpRequest, case_id: int) -> NeedsList:
    page = services.needs_assessments(actor=caller(request), case_id=case_id)
    return NeedsList(
        current=_full(page.current, page.instrument) if page.current else None,
        history=[_version(a) for a in page.history],
    )


@router.get(
    "/needs-assessments/{assessment_id}",
    response={200: NeedsOut, **ERRORS},
    summary="One version of a needs assessment (current or superseded)",
)
def get_needs_assessment(request: HttpRequest, assessment_id: int) -> NeedsOut:
    assessment, instrument = services.needs_assessment(
        actor=caller(request), assessment_id=assessment_id
    )
    return _full(assessment, instrument)
