"""Submissions to the statistical center (issue 16's contract): `POST /submissions`
`{"agreement", "year"}` → 201 awaiting approval; `POST /submissions/{id}/approve` → submitted
with its SHA-256 (approving your own is refused); refuse, list, read, the client-level file; and
the statistical center's report `GET /reports/statistical-center?year=&level=` with its
unduplicated count; the center's linkage and review queue are api/linkage.py. Thin: the rules
are reports.submissions and reports.statistical_center."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status
from pydantic import Field

from harborline.api.auth import caller
from harborline.reports import statistical_center, submissions
from harborline.reports.models import Submission
from harborline.tabular import CSV_CONTENT_TYPE

from .linkage import router as linkage_router
from .reports import TableOut
from .schemas import ERRORS, Problem, Strict, text

router = Router(tags=["reports"])
router.add_router("", linkage_router)  # the center's same-youth linkage (api/linkage.py)


class SubmissionIn(Strict):
    agreement: int = Field(description="The data-sharing agreement's id.")
    year: int = Field(
        ge=2000,
        le=2100,
        description="The reporting year (due January 31 after it); not a year still to come.",
    )


class RefuseIn(Strict):
    reason: str = text(500, description="Why.")


class SubmissionOut(Strict):
    id: int
    status: str
    agreement: int
    organization: str
    receiver: str
    year: int
    due_on: str
    parameters: dict[str, Any]
    row_count: int
    sha256: str
    prepared_by: str
    prepared_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    refused_reason: str


class SubmissionDetail(SubmissionOut):
    aggregate: dict[str, Any]
    investigations: dict[str, Any]


def _out(sub: Submission) -> SubmissionOut:
    return SubmissionOut(
        id=sub.pk,
        status=sub.status,
        agreement=sub.agreement_id,
        organization=sub.organization.slug,
        receiver=sub.receiver.slug,
        year=sub.year,
        due_on=submissions.due_on(sub.year).isoformat(),
        parameters=sub.parameters,
        row_count=sub.row_count,
        sha256=sub.sha256,
        prepared_by=sub.prepared_by.email,
        prepared_at=sub.prepared_at,
        decided_by=sub.decided_by.email if sub.decided_by else None,
        decided_at=sub.decided_at,
        refused_reason=sub.refused_reason,
    )


@router.post(
    "/submissions",
    response={201: SubmissionOut, 409: Problem, **ERRORS},
    summary="Prepare the year's submission under a data-sharing agreement (awaits approval)",
)
def create_submission(request: HttpRequest, body: SubmissionIn) -> Status:
    return Status(201, _out(submissions.prepare(caller(request), body.agreement, body.year)))


@router.get(
    "/submissions",
    response={200: list[SubmissionOut], **ERRORS},
    summary="Your agency's submissions, or those your statistical center received",
)
def list_submissions(request: HttpRequest) -> list[SubmissionOut]:
    return [_out(s) for s in submissions.visible_submissions(caller(request))[:200]]


@router.get(
    "/submissions/{submission_id}",
    response={200: SubmissionDetail, **ERRORS},
    summary="A submission with its aggregate counts (the read is audited)",
)
def get_submission(request: HttpRequest, submission_id: int) -> SubmissionDetail:
    sub = submissions.read_summary(caller(request), submission_id)
    return SubmissionDetail(
        **_out(sub).model_dump(), aggregate=sub.aggregate, investigations=sub.investigations
    )


@router.get(
    "/submissions/{submission_id}/file",
    response={200: None, **ERRORS},
    summary="The client-level file as CSV (the read is audited)",
)
def get_submission_file(request: HttpRequest, submission_id: int) -> HttpResponse:
    sub, content = submissions.read_file(caller(request), submission_id)
    response = HttpResponse(content, content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="submission-{sub.pk}-{sub.year}.csv"'
    return response


@router.post(
    "/submissions/{submission_id}/approve",
    response={200: SubmissionOut, 409: Problem, **ERRORS},
    summary="Approve and send to the statistical center (not your own)",
)
def approve_submission(request: HttpRequest, submission_id: int) -> SubmissionOut:
    return _out(submissions.approve(caller(request), submission_id))


@router.post(
    "/submissions/{submission_id}/refuse",
    response={200: SubmissionOut, 409: Problem, **ERRORS},
    summary="Refuse: nothing leaves (not your own)",
)
def refuse_submission(request: HttpRequest, submission_id: int, body: RefuseIn) -> SubmissionOut:
    return _out(submissions.refuse(caller(request), submission_id, body.reason))


class CenterQuery(Strict):
    year: int = Field(default_factory=lambda: timezone.now().year - 1, ge=2000, le=2100)
    level: Literal["statewide", "regional", "agency"] = "statewide"


class CenterReportOut(Strict):
    year: int
    level: str
    threshold: int
    agencies: int
    submissions: list[int]
    tables: list[TableOut]
    notes: list[str]
    linkage: dict[str, Any] | None = Field(
        default=None,
        description="How the unduplicated count was reached: the probability thresholds, the "
        "runs, the key versions, the unduplicated youth as published (null when suppressed); "
        "null until a linking has been run at the center.",
    )


@router.get(
    "/reports/statistical-center",
    response={200: CenterReportOut, **ERRORS},
    summary="The statistical center's agency, regional or statewide report (controlled)",
)
def center_report(request: HttpRequest, query: Query[CenterQuery]) -> CenterReportOut:
    made = statistical_center.sac_report(caller(request), year=query.year, level=query.level)
    return CenterReportOut(
        **{k: v for k, v in asdict(made).items() if k != "tables"},
        tables=[TableOut(**asdict(t)) for t in made.tables],
    )
