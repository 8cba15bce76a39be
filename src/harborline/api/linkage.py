"""The same youth across agencies at the statistical center (issue 17): `POST /linkage/runs`
links the submissions with encodings not linked yet (or, with `"full": true`, relinks every
record under the current key); the review queue `GET /linkage/pairs?status=pending`, one pair
`GET /linkage/pairs/{id}` (its field agreement pattern, never a name), `POST
/linkage/pairs/{id}/decision` `{"decision": "link"|"split", "reason"}`, `POST
/linkage/pairs/{id}/confirmation-requests` `{"record": "left"|"right", "question"}`; and the
agency's side: `GET /linkage/confirmation-requests`, `GET /linkage/confirmation-requests/{id}`
(its own record's identifiers and the question), `POST .../{id}/answer` `{"answer": "yes"|"no"}`.
Thin: the rules are reports.linking."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Status
from pydantic import Field

from harborline.api.auth import caller
from harborline.reports import linking
from harborline.reports.models import CandidatePair, ConfirmationRequest, LinkRun

from .schemas import ERRORS, Problem, Strict, text

router = Router(tags=["linkage"])


class RunIn(Strict):
    full: bool = Field(
        default=False,
        description="Relink every record under the current key (reviewers' decisions stand) "
        "instead of linking the submissions not linked yet.",
    )
    lower: float = Field(
        default=linking.DEFAULT_LOWER,
        gt=0,
        le=1,
        description="Pairs from this match probability up to `upper` go to review.",
    )
    upper: float = Field(
        default=linking.DEFAULT_UPPER,
        gt=0,
        le=1,
        description="Pairs at or above this probability are linked without review.",
    )


class RunOut(Strict):
    id: int
    submission: int | None
    full: bool
    key_version: int
    lower: float
    upper: float
    records: int
    remapped: int
    candidates: int
    auto_linked: int
    to_review: int
    started_at: datetime


class FieldPattern(Strict):
    field: str
    label: str
    level: int
    agreement: str
    weight: float


class RequestOut(Strict):
    id: int
    pair: int
    record: Literal["left", "right"]
    agency: str
    question: str
    answer: str
    asked_at: datetime
    answered_at: datetime | None


class PairOut(Strict):
    id: int
    status: str
    probability: float
    left_agency: str
    right_agency: str
    fields: list[FieldPattern]
    prior_weight: float
    names_swapped: bool
    decided_by: str | None
    decided_at: datetime | None
    reason: str
    requests: list[RequestOut] = []


class PairQuery(Strict):
    status: Literal["pending", "auto_linked", "linked", "split"] = "pending"


class DecisionIn(Strict):
    decision: Literal["link", "split"]
    reason: str = text(500, description="Why.")


class AskIn(Strict):
    record: Literal["left", "right"] = Field(description="Whose agency is asked.")
    question: str = Field(
        min_length=10, max_length=500, description="A yes-or-no question about its record."
    )


class AnswerIn(Strict):
    answer: Literal["yes", "no"]


class OwnRecord(Strict):
    first_name: str
    last_name: str
    dob: str
    zip_code: str
    case: int


class AgencyRequestOut(Strict):
    id: int
    center: str
    question: str
    answer: str
    asked_at: datetime
    answered_at: datetime | None
    record: OwnRecord | None = None


def _run(run: LinkRun) -> RunOut:
    return RunOut(
        id=run.pk,
        submission=run.submission_id,
        full=run.full,
        key_version=run.key_version,
        lower=run.lower,
        upper=run.upper,
        records=run.records,
        remapped=run.remapped,
        candidates=run.candidates,
        auto_linked=run.auto_linked,
        to_review=run.to_review,
        started_at=run.started_at,
    )


def _request(r: ConfirmationRequest, pair: CandidatePair) -> RequestOut:
    return RequestOut(
        id=r.pk,
        pair=pair.pk,
        record="left" if r.record_id == pair.left_id else "right",
        agency=r.organization.name,
        question=r.question,
        answer=r.answer,
        asked_at=r.asked_at,
        answered_at=r.answered_at,
    )


def _pair(pair: CandidatePair, *, requests: bool = False) -> PairOut:
    pattern: dict[str, Any] = pair.pattern or {}
    return PairOut(
        id=pair.pk,
        status=pair.status,
        probability=round(pair.probability, 6),
        left_agency=pair.left.organization.name,
        right_agency=pair.right.organization.name,
        fields=[FieldPattern(**f) for f in pattern.get("fields", [])],
        prior_weight=pattern.get("prior_weight", 0.0),
        names_swapped=pattern.get("names_swapped", False),
        decided_by=pair.decided_by.email if pair.decided_by else None,
        decided_at=pair.decided_at,
        reason=pair.reason,
        requests=[_request(r, pair) for r in linking.requests_of(pair)] if requests else [],
    )


@router.post(
    "/linkage/runs",
    response={200: list[RunOut], 409: Problem, **ERRORS},
    summary="Link the submissions with encodings not linked yet, or relink everything",
)
def create_runs(request: HttpRequest, body: RunIn) -> list[RunOut]:
    actor = caller(request)
    if body.full:
        return [_run(linking.relink(actor, lower=body.lower, upper=body.upper))]
    return [_run(r) for r in linking.link_new(actor, lower=body.lower, upper=body.upper)]


@router.get(
    "/linkage/pairs",
    response={200: list[PairOut], **ERRORS},
    summary="The review queue: pairs of one status, as field agreement patterns",
)
def list_pairs(request: HttpRequest, query: Query[PairQuery]) -> list[PairOut]:
    return [_pair(p) for p in linking.review_queue(caller(request), status=query.status)]


@router.get(
    "/linkage/pairs/{pair_id}",
    response={200: PairOut, **ERRORS},
    summary="One pair: each field's agreement and match weight, and questions to the agencies",
)
def get_pair(request: HttpRequest, pair_id: int) -> PairOut:
    return _pair(linking.review_item(caller(request), pair_id), requests=True)


@router.post(
    "/linkage/pairs/{pair_id}/decision",
    response={200: PairOut, 409: Problem, **ERRORS},
    summary="Link or split a pair, with a reason (audited; the decision stays)",
)
def decide_pair(request: HttpRequest, pair_id: int, body: DecisionIn) -> PairOut:
    return _pair(linking.decide(caller(request), pair_id, body.decision, body.reason))


@router.post(
    "/linkage/pairs/{pair_id}/confirmation-requests",
    response={201: RequestOut, 409: Problem, **ERRORS},
    summary="Ask the agency owning one record of the pair a yes-or-no question",
)
def ask_agency(request: HttpRequest, pair_id: int, body: AskIn) -> Status:
    made = linking.ask_agency(caller(request), pair_id, body.record, body.question)
    return Status(201, _request(made, made.pair))


def _agency_request(r: ConfirmationRequest, own: linking.ForAgency | None = None) -> Any:
    return AgencyRequestOut(
        id=r.pk,
        center=r.pair.receiver.name,
        question=r.question,
        answer=r.answer,
        asked_at=r.asked_at,
        answered_at=r.answered_at,
        record=OwnRecord(
            first_name=own.first_name,
            last_name=own.last_name,
            dob=own.dob,
            zip_code=own.zip_code,
            case=own.case_id,
        )
        if own is not None
        else None,
    )


@router.get(
    "/linkage/confirmation-requests",
    response={200: list[AgencyRequestOut], **ERRORS},
    summary="The statistical center's questions to your agency",
)
def list_requests(request: HttpRequest) -> list[AgencyRequestOut]:
    return [_agency_request(r) for r in linking.requests_for(caller(request))]


@router.get(
    "/linkage/confirmation-requests/{request_id}",
    response={200: AgencyRequestOut, **ERRORS},
    summary="One question with your own record it is about (the read is audited)",
)
def get_request(request: HttpRequest, request_id: int) -> AgencyRequestOut:
    own = linking.confirmation_for(caller(request), request_id)
    return _agency_request(own.request, own)


@router.post(
    "/linkage/confirmation-requests/{request_id}/answer",
    response={200: AgencyRequestOut, 409: Problem, **ERRORS},
    summary="Answer yes or no (once; audited)",
)
def answer_request(request: HttpRequest, request_id: int, body: AnswerIn) -> AgencyRequestOut:
    return _agency_request(linking.answer(caller(request), request_id, body.answer))
