"""The Coalition's annual report (issue 16, item 6) carries the dashboards' figures: for a Nevada
task force, the state fiscal year ending in the report's year and the task force's region, the
same controlled tables as the outcome dashboards for that period and region — on the page and in
the PDF, "suppressed" where a count is hidden, with the rules named."""

from __future__ import annotations

import pytest
from django.test import Client

from harborline.reports import dashboards, tables
from harborline.reports import taskforce as reports
from harborline.taskforce.models import TaskForce
from tests.access import factories as f
from tests.factories import give_totp_device, sign_in
from tests.taskforce.pdftext import pdf_text

from .test_dashboards import world  # noqa: F401 - the fixture

# Nevada's regions and the NRIT's outcomes are counted here: Nevada pinned as the home pack,
# whatever HARBORLINE_PACK says (make test-packs; a test may still set another).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("nevada_home")]


def test_the_report_has_the_dashboards_figures_for_its_period_and_region(world):  # noqa: F811
    coordinator = f.user(f.org("task_force"), "coordinator")
    give_totp_device(coordinator)
    tf = TaskForce.objects.create(
        name="Southern Nevada Task Force", pack="nevada", region="southern", coordinator=coordinator
    )
    report = reports.annual_report(actor=coordinator, taskforce=tf, kind="nevada", year=2026)
    assert report.data_scope is not None
    assert report.data_scope.period.start.isoformat() == "2025-07-01"
    assert report.data_scope.region == "southern"
    assert [t.table for t in report.data] == list(reports.DATA_TABLES)

    scope = dashboards.scope_from(year=2026, period="fiscal", region="southern")
    board = dashboards.dashboard(world["analyst"], scope)
    on_board = {s.table.table: s.table for _, shown in board.sections for s in shown}
    for made in report.data:
        shown = on_board[made.table]
        # The dashboard's release is checked against the report's (the differencing check): the
        # same figures, and its rules say so.
        assert "1 earlier release" in shown.rules["differencing"]
        assert made.rules.pop("differencing") and shown.rules.pop("differencing")
        assert made == shown, made.table
    screenings = report.data[0]
    assert screenings.rows == ["Southern Nevada (Clark County)"]
    # One row: the 2 high-risk screenings are suppressed, and so the 12 confirmed beside them
    # (the column totals would give either back).
    assert screenings.cells[0][:2] == [None, None]
    assert screenings.column_totals[:2] == [None, None]

    html = (
        sign_in(Client(), coordinator)
        .get(f"/taskforces/{tf.pk}/report?kind=nevada&year=2026")
        .content.decode()
    )
    assert 'id="r-figures"' in html and 'id="data-outcomes_33_53"' in html
    assert "state fiscal year 2025-2026" in html and "suppressed" in html

    text = pdf_text(reports.report_pdf(report))
    assert "Figures from the cases" in text
    assert "Screenings by region and result" in text and "suppressed" in text
    assert "Threshold k = 11" in text


def test_another_packs_task_force_gets_no_figures(world):  # noqa: F811
    coordinator = f.user(f.org("task_force"), "coordinator")
    tf = TaskForce.objects.create(name="King County", pack="washington", coordinator=coordinator)
    report = reports.annual_report(actor=coordinator, taskforce=tf, kind="washington", year=2026)
    assert report.data_scope is None and report.data == []
    assert "another pack" in pdf_text(reports.report_pdf(report))
    assert tables.TABLES  # the tables exist; this task force's pack has none of its cases
