"""Emergency access by lookup over the API (issue 13, item 4): `POST /break-glass/lookup` opens,
for 4 hours, the cases that match the youth's exact last name and date of birth, or a UNITY,
NCMEC or law-enforcement report number. Nothing matched and a match the caller may not open give
the same 404 (`sharing.services.break_glass_by_lookup`); the case-number form stays
`POST /cases/{id}/break-glass`."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from harborline.api.auth import caller
from harborline.sharing import services as sharing

from .schemas import AT_LEAST_10, ERRORS, Strict

router = Router(tags=["cases"])


class LookupIn(Strict):
    # The service checks every field (a refusal must be recorded in the audit log, which
    # validation here would skip); the schema only says what is expected.
    reason: str = Field(
        description="Why this is an emergency (at least 10 characters).",
        json_schema_extra={"maxLength": 2000, "pattern": AT_LEAST_10},
    )
    last_name: str = Field("", description="The youth's exact last name (with dob).")
    dob: str = Field(
        "",
        description="The youth's date of birth, YYYY-MM-DD (with last_name).",
        json_schema_extra={"anyOf": [{"format": "date"}, {"maxLength": 0}]},
    )
    reference_kind: str = Field(
        "",
        description="unity, ncmec_report or le_report (with reference).",
        json_schema_extra={"enum": ["", "unity", "ncmec_report", "le_report"]},
    )
    reference: str = Field("", description="The reference number; spaces and dashes ignored.")


class OpenedOut(Schema):
    id: int
    case_id: int
    expires_at: datetime


@router.post(
    "/break-glass/lookup",
    response={201: list[OpenedOut], **ERRORS},
    summary="Emergency access for 4 hours to the cases matching a name and birth date or a number",
)
def lookup(request: HttpRequest, payload: LookupIn) -> Status[list[OpenedOut]]:
    glasses = sharing.break_glass_by_lookup(
        actor=caller(request),
        reason=payload.reason,
        last_name=payload.last_name,
        dob=payload.dob,
        reference_kind=payload.reference_kind,
        reference=payload.reference,
    )
    return Status(
        201, [OpenedOut(id=g.pk, case_id=g.case_id, expires_at=g.expires_at) for g in glasses]
    )
