"""The outcome dashboards' pages (issue 16, item 5): thin — the tables, their rules and the
charts are reports.dashboards'. Readers: reports.dashboards.may_read; anyone else: not found."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from harborline.errors import NotFound
from harborline.protocols.home import home_pack_name
from harborline.protocols.models import Region
from harborline.reports import dashboards
from harborline.reports.tables import Table

from ._util import actor

ROUNDINGS = ((1, "No rounding"), (5, "To the nearest 5"), (10, "To the nearest 10"))


def table_context(table: Table, chart: str) -> dict[str, Any]:
    """What web/reports/_table.html shows of one controlled table: its chart, its rows with
    every figure as text ("suppressed" for a hidden one), its totals and its rules."""
    return {
        "t": table,
        "chart": mark_safe(chart),  # noqa: S308 - built with escape() (reports.charts)
        "rows": [
            (
                label,
                _pairs(table.columns, cells),
                dashboards.shown(total),
                dashboards.shown(table.rates[i], "%") if table.rates else "",
            )
            for i, (label, cells, total) in enumerate(
                zip(table.rows, table.cells, table.row_totals, strict=True)
            )
        ],
        "totals": (
            _pairs(table.columns, table.column_totals),
            dashboards.shown(table.grand_total),
            dashboards.shown(table.total_rate, "%") if table.rate_label else "",
        ),
        "rules": dashboards.rule_lines(table),
    }


def _pairs(columns: list[str], values: list[int | None]) -> list[tuple[str, str]]:
    return [(c, dashboards.shown(v)) for c, v in zip(columns, values, strict=True)]


def _scope(request: HttpRequest) -> dashboards.Scope:
    q = request.GET
    return dashboards.scope_from(
        year=q.get("year"),
        period=q.get("period"),
        region=q.get("region"),
        rounding=q.get("rounding"),
    )


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    if not dashboards.may_read(user):
        raise NotFound(dashboards.HIDDEN)
    scope = _scope(request)
    made = dashboards.dashboard(user, scope)
    sections = [
        (section, [table_context(s.table, s.chart) for s in shown])
        for section, shown in made.sections
    ]
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "web/reports/dashboards.html",
        {
            "scope": scope,
            "sections": sections,
            "regions": Region.objects.filter(pack=home_pack_name(), kind="").order_by("name"),
            "roundings": ROUNDINGS,
            "query": query.urlencode(),
        },
    )


@login_required
@require_GET
def export(request: HttpRequest, table: str) -> HttpResponse:
    """One table as CSV or XLSX (?format=csv|xlsx), through the same disclosure control."""
    content, content_type, filename = dashboards.export(
        actor(request), table, request.GET.get("format", "csv"), _scope(request)
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
