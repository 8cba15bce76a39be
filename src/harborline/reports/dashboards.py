"""The outcome dashboards (issue 16, item 5): the report tables (`reports.tables`) in sections,
each with its chart (`reports.charts`) and its data table, and each exportable as CSV or XLSX.

Every figure on a dashboard and in an export is the disclosure-controlled one: the same rules
(threshold k = 11 unless set, primary and complementary suppression, rates suppressed with their
counts, the rounding asked for), named on the page and in every file. Nobody sees uncontrolled
counts here, whatever their case access (decision 0060): a dashboard is a publication.

Who reads them: those who read aggregates (`people.roles.reads_aggregates`: coordinators,
analysts, supervisors, organization and system administrators); anyone else gets "not found".
Each table shown or exported is a release, recorded in the audit log (`tables.released`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from harborline.errors import InvalidInput, NotFound
from harborline.people.models import User
from harborline.people.roles import reads_aggregates
from harborline.tabular import write_table

from . import charts, tables
from .disclosure import DEFAULT_THRESHOLD
from .tables import Period, Scope, Table


@dataclass(frozen=True)
class Section:
    slug: str
    heading: str
    tables: tuple[str, ...]
    intro: str


SECTIONS: tuple[Section, ...] = (
    Section(
        "screenings",
        "Screenings",
        (
            "screenings_by_region_result",
            "screenings_by_county_result",
            "screenings_by_month_result",
        ),
        "Each case's latest screening in the period, once, by its result: by region, by county "
        "and by month.",
    ),
    Section(
        "outcomes",
        "Outcomes (code-book items 33-53)",
        ("outcomes_33_53",),
        "The code book's recommended outcomes over the cases open in the period: how many "
        "records say Yes, No, or nothing yet.",
    ),
    Section(
        "obligations",
        "Obligations met on time",
        ("obligations_on_time_by_kind",),
        "The duties the protocol's clocks set (reports, assessments, meetings), due in the "
        "period: done by the due time, done late, or not done.",
    ),
    Section(
        "runaway",
        "Runaway recurrence",
        ("runaway_recurrence_by_region",),
        "Cases with a missing or runaway episode reported in the period, and how many had more "
        "than one.",
    ),
    Section(
        "referrals",
        "Referral completion",
        ("referral_completion_by_region",),
        "Referrals to services requested in the period, and how many were completed.",
    ),
    Section(
        "training",
        "Training compliance",
        ("training_compliance",),
        "The protocol's training requirements for the active organizations, met or not at the "
        "end of the period. These count organizations and staff, not youth, under the same rules.",
    ),
)
FORMATS = ("csv", "xlsx")
HIDDEN = "No such page or record, or you do not have access to it."


def may_read(user: User) -> bool:
    return reads_aggregates(user)


@dataclass
class Shown:
    table: Table
    chart: str  # SVG, built with escape()


@dataclass
class Dashboard:
    scope: Scope
    sections: list[tuple[Section, list[Shown]]]

    @property
    def threshold(self) -> int:
        return self.scope.threshold


def scope_from(
    *, year: Any = None, period: Any = "", region: Any = "", rounding: Any = ""
) -> Scope:
    """The dashboard's scope from what a page or a query string gives (text), each problem a
    4xx naming its field. Defaults: this calendar year, the whole state, no rounding."""
    try:
        y = int(year) if year not in (None, "") else timezone.now().year
    except (TypeError, ValueError):
        raise InvalidInput.field("year", "give a year such as 2026") from None
    try:
        base = int(rounding) if rounding not in (None, "") else 1
    except (TypeError, ValueError):
        raise InvalidInput.field("rounding", "give a whole number such as 5") from None
    if not 1 <= base <= DEFAULT_THRESHOLD:
        raise InvalidInput.field(
            "rounding", f"a base from 1 (no rounding) to the threshold, {DEFAULT_THRESHOLD}"
        )
    if len(str(region or "")) > 60:
        raise InvalidInput.field("region", "a region's slug is at most 60 characters")
    return Scope(Period.of(str(period or "calendar"), y), region=str(region or ""), rounding=base)


def dashboard(actor: User, scope: Scope) -> Dashboard:
    """Every section's tables with their charts, each release audited."""
    if not may_read(actor):
        raise NotFound(HIDDEN)
    sections = []
    for section in SECTIONS:
        shown = []
        for name in section.tables:
            made = tables.build(name, scope)
            tables.released(actor, made, scope, fmt="page")
            shown.append(Shown(made, charts.svg(made)))
        sections.append((section, shown))
    return Dashboard(scope, sections)


def shown(value: int | float | None, suffix: str = "") -> str:
    """A published figure as text (a count in full, a rate without a trailing .0); a suppressed
    one says so."""
    if value is None:
        return "suppressed"
    return f"{value}{suffix}" if isinstance(value, int) else f"{value:g}{suffix}"


def rule_lines(table: Table) -> list[tuple[str, str]]:
    """The rules a table applied, as (name, words) lines for a page or a file."""
    names = {
        "threshold": "Threshold (k)",
        "primary": "Primary suppression",
        "complementary": "Complementary suppression",
        "rounding": "Rounding",
        "rates": "Rates",
        "differencing": "Differencing",
        "suppressed": "Entries suppressed",
        "counted": "Counted",
        "period": "Period",
        "region": "Region",
        # An unduplicated count (the statistical center's linkage) says how it was reached.
        "note": (
            "How the count was unduplicated"
            if table.rules.get("unduplicated") is True
            else "Not unduplicated"
        ),
    }
    return [(label, str(table.rules[key])) for key, label in names.items() if key in table.rules]


def export_rows(table: Table) -> tuple[list[str], list[dict[str, Any]]]:
    """The table as spreadsheet rows: one per row of the table, the totals, then the rules (so
    the file states them wherever it goes)."""
    first = table.row_header or "Row"
    columns = [first, *table.columns, "Total"]
    if table.rate_label:
        columns.append(f"{table.rate_label} (%)")

    def figure(value: int | float | None) -> int | float | str:
        # Numbers stay numbers (a spreadsheet can add them up); a hidden one says so.
        return "suppressed" if value is None else value

    def line(label: str, cells: list[int | None], total: int | None, pct: float | None) -> dict:
        row: dict[str, Any] = {first: label, "Total": figure(total)}
        row.update({c: figure(v) for c, v in zip(table.columns, cells, strict=True)})
        if table.rate_label:
            row[columns[-1]] = figure(pct)
        return row

    rows = [
        line(label, cells, total, table.rates[i] if table.rates else None)
        for i, (label, cells, total) in enumerate(
            zip(table.rows, table.cells, table.row_totals, strict=True)
        )
    ]
    rows.append(line("Total", table.column_totals, table.grand_total, table.total_rate))
    rows.append({})
    rows += [
        {first: f"Rule: {name}", table.columns[0] if table.columns else "Total": words}
        for name, words in rule_lines(table)
    ]
    return columns, rows


def export(actor: User, name: str, fmt: str, scope: Scope) -> tuple[bytes, str, str]:
    """One table as CSV or XLSX: (content, content type, file name). The release is audited."""
    if not may_read(actor):
        raise NotFound(HIDDEN)
    if fmt not in FORMATS:
        raise InvalidInput.field("format", "Choose csv or xlsx.")
    if name not in tables.TABLES:
        raise NotFound(f"No report table {name!r}. Tables: {', '.join(tables.TABLES)}.")
    made = tables.build(name, scope)
    tables.released(actor, made, scope, fmt=fmt)
    columns, rows = export_rows(made)
    content, content_type = write_table(rows, columns, fmt)
    where = f"-{scope.region}" if scope.region else ""
    filename = f"{name}-{scope.period.kind}-{scope.period.year}{where}.{fmt}"
    return content, content_type, filename
