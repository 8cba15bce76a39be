"""Closed-loop referrals (issue 14's contract): create one from a case to a directory service,
move it through the HL7 Gravity states, read it. Thin: the rules are directory.referrals."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Query, Router, Status
from pydantic import Field

from harborline.api.auth import caller
from harborline.directory import gaps, matching
from harborline.directory import referrals as services
from harborline.directory.models import Referral

from .cases import BasisIn, CompartmentName
from .schemas import COUNTY, ERRORS, NON_BLANK, Problem, Strict

router = Router(tags=["referrals"])


class ReferralIn(Strict):
    case: int
    service: str | int = Field(description="The directory service: its HSDS id (or number).")
    needs: list[str] = Field(min_length=1, max_length=20)
    compartments: list[CompartmentName] = Field(default_factory=list)
    basis: BasisIn
    plan_task: int | None = Field(default=None, description="The service-plan task it serves.")
    warm_handoff: str = Field(default="", max_length=200, description="Who walks the youth over.")
    draft: bool = False


class ReferralActionIn(Strict):
    reason: str = Field(default="", max_length=1000)
    outcome: str = Field(default="", max_length=2000)
    said_by: str = Field(
        default="", max_length=200, description="External referral: who at the service said so."
    )
    version: int | None = None


class ReferralEventOut(Strict):
    action: str
    from_status: str
    to_status: str
    at: datetime
    said_by: str


class ReferralOut(Strict):
    id: int
    case: int
    service: str
    service_name: str
    status: str
    external: bool
    referrer: str
    receiver: str | None
    needs: list[str]
    compartments: list[str]
    warm_handoff: str
    plan_task: int | None
    outcome: dict[str, str]
    allowed_actions: list[str]
    version: int
    events: list[ReferralEventOut]


def _out(referral: Referral) -> ReferralOut:
    return ReferralOut(
        id=referral.pk,
        case=referral.case_id,
        service=referral.service.hsds_id,
        service_name=referral.service.name,
        status=referral.status,
        external=referral.external,
        referrer=referral.referrer.slug,
        receiver=referral.receiver.slug if referral.receiver else None,
        needs=referral.needs,
        compartments=referral.compartments,
        warm_handoff=referral.warm_handoff,
        plan_task=referral.plan_task_id,
        outcome=referral.outcome,
        allowed_actions=services.allowed(referral),
        version=referral.version,
        events=[
            ReferralEventOut(
                action=e.action,
                from_status=e.from_status,
                to_status=e.to_status,
                at=e.at,
                said_by=e.said_by,
            )
            for e in referral.events.all()
        ],
    )


@router.post(
    "/referrals",
    response={201: ReferralOut, 409: Problem, **ERRORS},
    summary="Refer a youth to a directory service (status `requested`, or `draft`)",
)
def create(request: HttpRequest, payload: ReferralIn) -> Status[ReferralOut]:
    referral = services.create_referral(
        actor=caller(request),
        case_id=payload.case,
        service=payload.service,
        needs=payload.needs,
        compartments=list(payload.compartments),
        basis_type=payload.basis.type,
        basis_reference=payload.basis.reference,
        plan_task_id=payload.plan_task,
        warm_handoff=payload.warm_handoff,
        draft=payload.draft,
    )
    return Status(201, _out(referral))


@router.get("/referrals/{referral_id}", response={200: ReferralOut, **ERRORS})
def read(request: HttpRequest, referral_id: int) -> ReferralOut:
    return _out(services.referral_for(caller(request), referral_id)[0])


@router.get("/cases/{case_id}/referrals", response={200: list[ReferralOut], **ERRORS})
def of_case(request: HttpRequest, case_id: int) -> list[ReferralOut]:
    return [_out(r) for r in services.referrals_of_case(caller(request), case_id)]


@router.post(
    "/referrals/{referral_id}/{action}",
    response={200: ReferralOut, 409: Problem, **ERRORS},
    summary="Move a referral: accept, reject, start, hold, resume, complete, fail or cancel "
    "(409 when its state does not allow it)",
)
def move(
    request: HttpRequest,
    referral_id: int,
    action: Literal["accept", "reject", "start", "hold", "resume", "complete", "fail", "cancel"],
    payload: ReferralActionIn | None = None,
) -> ReferralOut:
    body = payload or ReferralActionIn()
    referral = services.act(
        actor=caller(request),
        referral_id=referral_id,
        action=action,
        reason=body.reason,
        outcome=body.outcome,
        said_by=body.said_by,
        version=body.version,
    )
    return _out(referral)


class MatchOut(Strict):
    service: str
    name: str
    provider: str | None
    score: float
    reasons: list[str]


@router.get(
    "/cases/{case_id}/service-matches",
    response={200: list[MatchOut], **ERRORS},
    summary="Directory services for one of the youth's needs, best first, each with why",
)
def service_matches(
    request: HttpRequest,
    case_id: int,
    need: Annotated[str, Query(min_length=1, max_length=100, pattern=NON_BLANK)],
    language: str = "",
    urgent: bool = False,
    near: Annotated[
        str,
        Query(
            max_length=10,
            pattern=r"^([0-9]{5}(-[0-9]{4})?)?$",
            description="A ZIP code: rank by distance from it",
        ),
    ] = "",
) -> list[MatchOut]:
    found = matching.matches(
        caller(request), case_id, need, language=language, urgent=urgent, near=near
    )
    return [
        MatchOut(
            service=m.service.hsds_id,
            name=m.service.name,
            provider=m.service.provider.name if m.service.provider else None,
            score=m.score,
            reasons=m.reasons,
        )
        for m in found
    ]


class FigureOut(Strict):
    value: int | None
    suppressed: bool


class GapOut(Strict):
    category: str
    label: str
    services: int
    with_space: int
    always_open: int
    vetted: int
    referrals: FigureOut
    declined: FigureOut
    median_days_to_accept: float | None


class GapsOut(Strict):
    county: str
    county_name: str
    small_cell: int
    categories: list[GapOut]


class GapsQuery(Strict):
    county: str = Field(description="pack/slug, e.g. nevada/clark", json_schema_extra=COUNTY)


@router.get(
    "/directory/gaps",
    response={200: GapsOut, **ERRORS},
    summary="Supply and demand per service category in a county (demand counts under 5 suppressed)",
)
def directory_gaps(request: HttpRequest, query: Query[GapsQuery]) -> GapsOut:
    where, rows = gaps.gaps(caller(request), query.county)
    return GapsOut(
        county=where.qualified,
        county_name=where.name,
        small_cell=gaps.SMALL_CELL,
        categories=[GapOut(**gaps.as_dict(r)) for r in rows],
    )
