"""The outcome dashboards in Chromium (issue 16, item 5): an analyst signs in, follows the menu to
the dashboards, reads every section's chart and its table at 1280 and 375 px — no serious or
critical axe violation, no sideways scroll on a phone — and downloads a table as CSV with the
rules in it; the screenshot feeds the user guide. A Nevada task force's coordinator then finds
the same figures in the Coalition's annual report (issue 16, item 6)."""

from __future__ import annotations

import pytest

from tests.reports.test_dashboards import AT, make_world
from tests.reports.test_tables import CONFIRMED, HIGH_RISK, _screen

from .conftest import DESKTOP, run_axe, screenshot
from .test_roles import NARROW, _sign_in

# About the Nevada Coalition's annual report:
# Nevada's pack whatever the home pack (make test-packs).
pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("nevada_home")]


def test_an_analyst_reads_the_dashboards(axe_page):
    page = axe_page
    world = make_world()
    washoe = world["workers"]["washoe"]
    for answers, times in ((CONFIRMED, 16), (HIGH_RISK, 13), ({"no_indicators": True}, 12)):
        for _ in range(times):
            _screen(washoe, answers, AT)
    _sign_in(page, world["analyst"].email)
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboards").click()
    page.wait_for_url("**/reports/dashboards/**")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**year=2026**")
    for size in (DESKTOP, NARROW):
        page.set_viewport_size(size)
        page.reload()
        assert page.locator("#disclosure-rules").is_visible()
        assert page.locator("svg.hl-chart").count() >= 7
        table = page.locator("#data-screenings_by_region_result")
        assert table.is_visible()
        assert "suppressed" in table.inner_text()
        assert run_axe(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
        if size == DESKTOP:
            screenshot(page, "dashboards-1280.png", height=2000)
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV of Screenings by region and result").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()  # noqa: PTH123, SIM115
    assert text.startswith("Region,") and "Rule: Threshold (k),11" in text


def test_the_coalitions_report_shows_the_dashboards_figures(axe_page):
    """A Nevada task force's coordinator opens the annual report for the fiscal year: its
    figures are the dashboards' for that period and region, readable at 1280 and 375 px."""
    from harborline.reports import dashboards
    from harborline.taskforce.models import TaskForce
    from tests.access import factories as f
    from tests.factories import give_totp_device

    page = axe_page
    world = make_world()
    coordinator = f.user(f.org("task_force"), "coordinator")
    give_totp_device(coordinator)
    tf = TaskForce.objects.create(
        name="Southern Nevada Task Force", pack="nevada", region="southern", coordinator=coordinator
    )
    scope = dashboards.scope_from(year=2026, period="fiscal", region="southern")
    board = dashboards.dashboard(world["analyst"], scope)
    runaway = next(
        s.table for _, shown in board.sections for s in shown if s.table.table.startswith("runaway")
    )
    _sign_in(page, coordinator.email)
    for size in (DESKTOP, NARROW):
        page.set_viewport_size(size)
        response = page.goto(f"/taskforces/{tf.pk}/report?kind=nevada&year=2026")
        assert response is not None and response.status == 200
        figures = page.locator("#report-figures")
        assert "state fiscal year 2025-2026" in figures.inner_text()
        table = page.locator("#data-runaway_recurrence_by_region")
        assert table.is_visible()
        cells = table.locator("tbody tr").first.locator("td")
        shown = [dashboards.shown(v) for v in runaway.cells[0]]
        assert [cells.nth(j).inner_text() for j in range(len(shown))] == shown
        assert run_axe(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
