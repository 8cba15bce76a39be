"""The reporting year in Chromium (issue 16, "Done when"): cases screened through the year; the
January 31 reminder; a caseworker reads a youth's code book; the agency's analyst prepares the
year's submission; a supervisor (not the preparer) approves it; the statistical center's analyst
reads the statewide report with suppressed cells and its "not unduplicated" note; and the
Coalition's October 1 report shows the same figures. axe finds no serious or critical
violation on any page; the screenshots feed the user guide."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core import mail

from harborline.agreements import services as agreements
from harborline.reports import submissions
from harborline.reports.models import Submission
from harborline.response import services as response
from harborline.taskforce.models import TaskForce
from tests.access import factories as f
from tests.agreements.factories import make_dsa, system_admin
from tests.factories import give_totp_device

from .conftest import DESKTOP, run_axe, screenshot
from .test_roles import NARROW, _sign_in

# About Nevada's code book, submissions and Coalition report:
# Nevada's pack whatever the home pack (make test-packs).
pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("nevada_home")]
YEAR = 2025


def _world():
    agency = f.org("child_welfare")
    agency.name = "Washoe County Human Services"
    agency.save(update_fields=["name"])
    people = {
        role: f.user(agency, role) for role in ("caseworker", "analyst", "supervisor", "org_admin")
    }
    first = None
    for n in range(14):  # through the year: 12 confirmed, 2 high risk
        case = f.case(people["caseworker"], notes=False)
        case.opened_at = datetime(YEAR, 1 + n % 12, 9, 18, tzinfo=UTC)
        case.save(update_fields=["opened_at"])
        first = first or case
        response.record_screening(
            actor=people["caseworker"],
            case_id=case.pk,
            instrument="nrit",
            answers={"cv_self_report": True} if n < 12 else {"hr_runaway": True},
            identified_by="child_welfare",
            identified_at=datetime(YEAR, 1 + n % 12, 10, 18, tzinfo=UTC),
        )
    dsa = make_dsa(agency)
    agreements.set_reporting_terms(
        actor=system_admin(), agreement=dsa, version=None, client_level=True
    )
    center = next(p.organization for p in dsa.parties.all() if p.organization != agency)
    people["sac"] = f.user(center, "analyst")
    for user in people.values():
        if not user.totpdevice_set.exists():
            give_totp_device(user)
    return dsa, first, people


def _sign_out(page):
    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_url("**/login**")


def test_the_reporting_year(axe_page):
    page = axe_page
    page.set_viewport_size(DESKTOP)
    dsa, case, people = _world()

    # The January 31 reminder, a month before.
    assert submissions.send_submission_reminders(at=datetime(YEAR + 1, 1, 3, 17, tzinfo=UTC)) == 1
    assert f"{YEAR} data due January 31, {YEAR + 1}" in mail.outbox[-1].subject

    # A caseworker reads a youth's code book.
    _sign_in(page, people["caseworker"].email)
    page.goto(f"/cases/{case.pk}/code-book/")
    assert page.locator("#code-book-items tbody tr").count() == 53
    assert run_axe(page) == []
    screenshot(page, "code-book-1280.png", height=1600)
    page.set_viewport_size(NARROW)
    page.reload()
    assert run_axe(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    page.set_viewport_size(DESKTOP)
    _sign_out(page)

    # The agency's analyst prepares the year's submission.
    _sign_in(page, people["analyst"].email)
    page.goto("/reports/submissions/")
    assert run_axe(page) == []
    page.get_by_label("Data-sharing agreement").select_option(str(dsa.pk))
    page.get_by_label("Reporting year").fill(str(YEAR))
    page.get_by_role("button", name="Prepare for approval").click()
    page.wait_for_url("**/reports/submissions/*/")
    assert "awaiting approval" in page.locator("#submission-status").inner_text().lower()
    assert page.get_by_role("button", name="Approve and send").count() == 0
    _sign_out(page)

    # A supervisor approves it.
    sub = Submission.objects.get()
    _sign_in(page, people["supervisor"].email)
    page.goto(f"/reports/submissions/{sub.pk}/")
    assert run_axe(page) == []
    screenshot(page, "submission-1280.png", height=1400)
    page.get_by_role("button", name="Approve and send").click()
    page.wait_for_url(f"**/reports/submissions/{sub.pk}/")
    assert "submitted" in page.locator("#submission-status").inner_text().lower()
    _sign_out(page)

    # The statistical center's statewide report: the 2 high-risk youth are suppressed, and so is
    # what would give them away.
    _sign_in(page, people["sac"].email)
    page.goto(f"/reports/statistical-center/?year={YEAR}")
    table = page.locator("#table-youth_by_screening_result tbody")
    assert "suppressed" in table.inner_text()  # the 2 high-risk youth, and the 12 beside them
    assert "14" in page.locator("#table-youth_by_screening_result tfoot").inner_text()
    assert "Not unduplicated" in page.locator("#unduplicated-note").inner_text()
    assert run_axe(page) == []
    screenshot(page, "statistical-center-1280.png", height=1400)
    page.set_viewport_size(NARROW)
    page.reload()
    assert run_axe(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    center_rows = _figures(page, "#table-youth_by_screening_result")
    page.set_viewport_size(DESKTOP)
    _sign_out(page)

    # The Coalition's October 1 report (the fiscal year July 2025 - June 2026) carries the
    # statistical center's statewide figures for 2025, as the center released them.
    coordinator = f.user(f.org("task_force"), "coordinator")
    give_totp_device(coordinator)
    tf = TaskForce.objects.create(name="Nevada Coalition", pack="nevada", coordinator=coordinator)
    _sign_in(page, coordinator.email)
    page.goto(f"/taskforces/{tf.pk}/report?kind=nevada&year={YEAR + 1}")
    section = page.locator("#report-center")
    assert f"statewide figures, {YEAR}" in section.inner_text()
    assert _figures(page, "#data-center_youth_by_screening_result") == center_rows
    assert run_axe(page) == []
    screenshot(page, "annual-report-center-1280.png", height=2400)


def _figures(page, selector):
    """The table's figures as a reader sees them (a suppressed one as "suppressed"), row by row."""
    rows = page.locator(f"{selector} tbody tr, {selector} tfoot tr")
    found = []
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        found.append(
            [
                "suppressed"
                if "suppressed" in cells.nth(j).inner_text()
                else cells.nth(j).inner_text().strip()
                for j in range(cells.count())
            ]
        )
    return [row for row in found if row]
