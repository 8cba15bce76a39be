"""The outcome dashboards (issue 16, item 5): every section's table after disclosure control, with
its SVG chart and its data table, CSV and XLSX exports carrying the same figures and naming their
rules, the rates suppressed with their counts, and bad input answered 4xx naming the field."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from openpyxl import load_workbook

from harborline.audit.models import AuditEvent
from harborline.missing.models import MissingEpisode
from harborline.protocols.geography import load_geography
from harborline.protocols.models import County
from harborline.reports import charts, dashboards, tables
from harborline.response.models import Obligation, Status
from tests.access import factories as f
from tests.factories import give_totp_device, sign_in

from .test_tables import CONFIRMED, HIGH_RISK, _screen

# Nevada's regions and the NRIT's outcomes are counted here: Nevada pinned as the home pack,
# whatever HARBORLINE_PACK says (make test-packs; a test may still set another).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("nevada_home")]
AT = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
PAGE = "/reports/dashboards/"


@pytest.fixture
def world():
    return make_world()


def make_world():
    """Two child-welfare agencies (Washoe, Clark); 12 confirmed and 2 high-risk screenings in
    Clark in March 2026; the 12 confirmed ran away once each, one of them four times; and an
    analyst of the statistical center."""
    load_geography("nevada")
    workers = {}
    for slug in ("washoe", "clark"):
        county = County.objects.get(pack="nevada", slug=slug)
        org = f.org("child_welfare")
        org.county, org.region = county, county.region
        org.save(update_fields=["county", "region"])
        workers[slug] = f.user(org, "caseworker")
    clark = [_screen(workers["clark"], CONFIRMED, AT) for _ in range(12)]
    for _ in range(2):
        _screen(workers["clark"], HIGH_RISK, AT)
    # Runaway episodes: 12 Clark cases ran once, one of them three more times.
    for n, case in enumerate(clark):
        times = 4 if n == 0 else 1
        for k in range(times):
            at = AT + timedelta(days=10 + k)
            MissingEpisode.objects.create(
                case=case,
                last_seen_at=at,
                reported_missing_at=at,
                recorded_by=workers["clark"],
                recorded_by_org=case.owner,
            )
    analyst = f.user(f.org("statistical_center"), "analyst")
    return {"analyst": analyst, "workers": workers, "clark": clark}


def _client(user) -> Client:
    if user.rules.sees_youth_data:
        give_totp_device(user)
    return sign_in(Client(), user)


def _scope(**kw) -> tables.Scope:
    return dashboards.scope_from(year=2026, **kw)


def test_the_page_shows_every_section_with_chart_table_rules_and_exports(world):
    html = _client(world["analyst"]).get(f"{PAGE}?year=2026").content.decode()
    for section in dashboards.SECTIONS:
        assert f'id="{section.slug}-heading"' in html, section.slug
        for name in section.tables:
            assert f'id="data-{name}"' in html, name
            assert f"/reports/dashboards/{name}/export?" in html
    assert html.count("<svg") >= len(tables.TABLES) - 1  # a table with no rows draws nothing
    assert html.count("<caption>") == len(tables.TABLES)
    assert "threshold k = 11" in html and "Threshold (k)" in html
    assert "suppressed" in html  # the 2 high-risk screenings
    releases = AuditEvent.objects.filter(object_type="reports.table")
    assert {e.object_id for e in releases} == set(tables.TABLES)


def test_exports_carry_the_page_figures_and_the_rules(world):
    client = _client(world["analyst"])
    scope = _scope()
    made = tables.build("screenings_by_region_result", scope)
    answer = client.get(
        "/reports/dashboards/screenings_by_region_result/export?year=2026&format=csv"
    )
    assert answer.status_code == 200 and "attachment" in answer["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == ["Region", *made.columns, "Total"]
    body = {r[0]: r[1:] for r in rows[1:] if r and r[0]}
    for label, cells, total in zip(made.rows, made.cells, made.row_totals, strict=True):
        assert body[label] == [dashboards.shown(v) for v in [*cells, total]]
    assert body["Rule: Threshold (k)"][0] == "11"
    assert "Rule: Complementary suppression" in body and "Rule: Rounding" in body
    xlsx = client.get(
        "/reports/dashboards/obligations_on_time_by_kind/export?year=2026&format=xlsx"
    )
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0][-1] == "Percent on time (%)"
    assert any(row[0] == "Rule: Rates" for row in values)
    total = next(row for row in values if row[0] == "Total")
    assert all(isinstance(v, int | float) or v == "suppressed" for v in total[1:])


def test_bad_input_names_the_field(world):
    client = _client(world["analyst"])
    for query, field in [
        ("year=abc", "year"),
        ("year=1800", "year"),
        ("period=lunar", "period"),
        ("region=atlantis", "region"),
        ("rounding=12", "rounding"),
        ("rounding=x", "rounding"),
    ]:
        answer = client.get(f"{PAGE}?{query}")
        assert answer.status_code in (400, 422), query
        assert field in answer.content.decode(), query
    bad = client.get("/reports/dashboards/screenings_by_region_result/export?format=pdf")
    assert bad.status_code in (400, 422) and "format" in bad.content.decode()
    assert client.get("/reports/dashboards/horoscopes/export?format=csv").status_code == 404


def test_the_recurrence_table(world):
    made = tables.build("runaway_recurrence_by_region", _scope())
    southern = next(i for i, r in enumerate(made.rows) if r.startswith("Southern Nevada"))
    assert made.rate_label == "Percent with more than one episode"
    # 11 cases ran once and 1 more than once: the 1 is suppressed, and with it its rate.
    assert made.cells[southern][1] is None and made.rates[southern] is None
    assert made.column_totals[1] is None and made.total_rate is None
    assert all(v is None or v == 0 or v >= 11 for row in made.cells for v in row)


def test_obligations_on_time(world):
    scope = _scope()
    made = tables.build("obligations_on_time_by_kind", scope)
    assert made.columns == [tables.ON_TIME, tables.LATE, tables.NOT_DONE]
    assert made.row_header == "Obligation" and len(made.rates) == len(made.rows)
    for pct, cells, total in zip(made.rates, made.cells, made.row_totals, strict=True):
        if cells[0] is None or total is None:
            assert pct is None
    # A kind whose duties were all left undone (the screenings' clocks ran out) ...
    row = next(i for i, c in enumerate(made.cells) if c[:2] == [0, 0] and (c[2] or 0) >= 11)
    assert made.rates[row] == 0.0
    # ... done, each a minute before it was due: all on time, none late, 100 %.
    of_kind = Obligation.objects.filter(title=made.rows[row])
    for obligation in of_kind:
        obligation.status = Status.DONE
        obligation.completed_at = obligation.due_at - timedelta(minutes=1)
        obligation.save(update_fields=["status", "completed_at"])
    after = tables.build("obligations_on_time_by_kind", scope)
    assert after.grand_total == made.grand_total  # done or not, the same duties are counted
    assert after.cells[row] == [made.cells[row][2], 0, 0] and after.rates[row] == 100.0


def test_a_chart_is_svg_with_a_title_and_marks_suppressed_rows():
    made = tables.Table(
        table="demo",
        title="Demo <table>",
        row_header="Region",
        rows=["North & South"],
        columns=["Yes", "No"],
        cells=[[12, None]],
        row_totals=[None],
        column_totals=[12, None],
        grand_total=None,
    )
    drawn = charts.svg(made)
    assert drawn.startswith("<svg") and 'role="img"' in drawn
    assert "Demo &lt;table&gt;" in drawn and "North &amp; South" in drawn
    assert "includes suppressed counts" in drawn and "suppressed*" in drawn
    made.rate_label, made.rates = "Percent yes", [None]
    assert "rate suppressed" in charts.svg(made)
    made.rows, made.cells, made.rates = [], [], []
    assert charts.svg(made) == ""


def test_case_access_does_not_lift_disclosure_control(world):
    """A supervisor of the organization that owns every counted Clark case sees the same
    controlled figures as an analyst who sees no case (decision 0060)."""
    clark_org = world["clark"][0].owner
    supervisor = f.user(clark_org, "supervisor")
    scope = _scope(region="southern")
    theirs = dashboards.dashboard(supervisor, scope)
    ours = dashboards.dashboard(world["analyst"], scope)
    mine = [s.table for _, shown in theirs.sections for s in shown]
    for table in mine:
        table.rules.pop("differencing", None)  # the second release says it was checked
    for table in (s.table for _, shown in ours.sections for s in shown):
        table.rules.pop("differencing", None)
    assert mine == [s.table for _, shown in ours.sections for s in shown]
    screenings = next(t for t in mine if t.table == "screenings_by_county_result")
    assert None in screenings.cells[0]  # the 2 high-risk Clark screenings stay hidden


def test_the_queries_do_not_grow_with_the_cases(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    scope = _scope(region="southern")

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            dashboards.dashboard(world["analyst"], scope)
        return len(seen.captured_queries)

    queries()  # the first release of every table
    _screen(world["workers"]["clark"], CONFIRMED, AT)
    before = queries()  # the tables that count screenings changed: each logs a release
    for _ in range(3):
        _screen(world["workers"]["clark"], CONFIRMED, AT)
    assert queries() == before


def test_a_home_pack_without_a_code_book_or_an_instrument_still_has_dashboards(settings):
    """Washington's toolkit names no screening instrument and no data code book: the page
    answers, and says what it cannot count."""
    settings.HARBORLINE_PACK = "washington"
    load_geography("washington")
    analyst = f.user(f.org("statistical_center"), "analyst")
    answer = _client(analyst).get(f"{PAGE}?year=2026")
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "protocol defines no data code book" in html
    outcomes = tables.build("outcomes_33_53", _scope())
    assert outcomes.rows == [] and outcomes.column_totals == [0, 0, 0]
