"""Report tables (issue 16's contract): `GET /reports/tables/{table}?year=&region=`, every figure
through disclosure control (`null` is a suppressed value). Thin: the rules are reports.tables and
reports.disclosure."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from pydantic import Field

from harborline.api.auth import caller
from harborline.reports import tables

from .schemas import ERRORS, Strict

router = Router(tags=["reports"])


class TableQuery(Strict):
    year: int = Field(default_factory=lambda: timezone.now().year, ge=2000, le=2100)
    region: str = Field("", max_length=60, description="A region of the home pack (slug).")
    period: str = Field(
        "calendar",
        max_length=10,
        description="calendar (January-December) or fiscal (Nevada's July-June, ending in year).",
    )
    rounding: int = Field(
        1, ge=1, le=11, description="Round published counts to this base (1: no rounding)."
    )


class TableOut(Strict):
    table: str
    rows: list[str]
    columns: list[str]
    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    grand_total: int | None
    rules: dict[str, Any]
    title: str
    row_header: str
    rate_label: str
    rates: list[float | None]
    total_rate: float | None


@router.get(
    "/reports/tables/{table}",
    response={200: TableOut, **ERRORS},
    summary="A report table with disclosure control (null: suppressed)",
)
def report_table(request: HttpRequest, table: str, query: Query[TableQuery]) -> TableOut:
    found = tables.table(
        caller(request),
        table,
        year=query.year,
        region=query.region,
        period=query.period,
        rounding=query.rounding,
    )
    return TableOut(**asdict(found))
