"""A case's code-book record (issue 16's contract): `GET /cases/{id}/code-book` →
`{"items": [{"number", "name", "value", "code"}], ...}` as far as the caller may see the case,
and `PATCH /cases/{id}/code-book` to record by hand what nothing else in Harborline records.
Thin: the rules are reports.codebook."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import Field

from harborline.api.auth import caller
from harborline.reports import codebook

from .schemas import ERRORS, Problem, Strict

router = Router(tags=["reports"])


class CodeBookQuery(Strict):
    rule: Literal["latest", "first", "confirmed"] = Field(
        "latest", description="Which screening counts: latest, first or ever confirmed."
    )
    year: int | None = Field(None, ge=2000, le=2100, description="Count screenings of this year.")


class CodeBookItem(Strict):
    number: int
    name: str
    label: str
    value: str
    code: int | str | None
    tier: str
    compartment: str
    status: Literal["derived", "hand_coded", "not_recorded", "withheld"]
    source: str


class CodeBookOut(Strict):
    case: int
    title: str
    rules: dict[str, Any]
    items: list[CodeBookItem]


class CodingIn(Strict):
    answers: dict[str, int | str | None] = Field(
        description='Code-book item name -> code (coded items) or text; null or "" clears.'
    )
    version: int | None = Field(None, description="The coding's version you read (optional).")


class CodingOut(Strict):
    version: int
    answers: list[str]


def _out(made: codebook.CodeBookRecord) -> CodeBookOut:
    return CodeBookOut(
        case=made.case_id,
        title=made.title,
        rules=made.rules(),
        items=[CodeBookItem(**asdict(item)) for item in made.items],
    )


@router.get(
    "/cases/{case_id}/code-book",
    response={200: CodeBookOut, **ERRORS},
    summary="The case's code-book record (53 items), as far as you may see the case",
)
def get_code_book(request: HttpRequest, case_id: int, query: Query[CodeBookQuery]) -> CodeBookOut:
    return _out(codebook.case_code_book(caller(request), case_id, rule=query.rule, year=query.year))


@router.patch(
    "/cases/{case_id}/code-book",
    response={200: CodingOut, 409: Problem, **ERRORS},
    summary="Record code-book answers by hand (items nothing else in Harborline records)",
)
def patch_code_book(request: HttpRequest, case_id: int, body: CodingIn) -> CodingOut:
    coding = codebook.set_coding(caller(request), case_id, body.answers, version=body.version)
    return CodingOut(version=coding.version, answers=sorted(coding.answers))
