"""The youth timeline over the API (issue 12, item 7): `GET /cases/{id}/timeline`, the case's
events in time order, only those the caller's grant sees; `?kind=` narrows to one kind."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema

from harborline.api.auth import caller
from harborline.missing.timeline import timeline

from .schemas import Problem

router = Router(tags=["timeline"])

Kind = Literal[
    "screening",
    "obligation",
    "meeting",
    "safety_assessment",
    "safety_plan",
    "needs_assessment",
    "service_plan",
    "plan_review",
    "missing",
    "placement",
    "crisis_event",
]


class TimelineEntry(Schema):
    at: datetime
    kind: Kind
    summary: str
    id: int
    event: str | None = None


@router.get(
    "/cases/{case_id}/timeline",
    response={200: list[TimelineEntry], 401: Problem, 404: Problem, 422: Problem},
    summary="The youth's timeline: what happened on the case, oldest first, as far as you may see",
)
def get_timeline(
    request: HttpRequest, case_id: int, kind: Kind | None = None
) -> list[TimelineEntry]:
    _, _, entries = timeline(
        caller(request),  # set by the BearerToken auth
        case_id,
        [kind] if kind else None,
    )
    return [TimelineEntry(**e) for e in entries]
