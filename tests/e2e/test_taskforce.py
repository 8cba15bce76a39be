"""A coordinator runs a task force in Debian's Chromium: creates it, adds members (one of them a
protected survivor), changes a member, names the chair on the Structure page, schedules a meeting
and records attendance and an action item, then opens the home page and the annual report and
writes its narrative. axe-core finds no serious or critical violation; the `page`
test runs under the real Content-Security-Policy (the report's inline SVG chart included)."""

from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD, OrganizationFactory, UserFactory, give_totp_device, totp_code

from .conftest import DESKTOP, run_axe, screenshot

pytestmark = pytest.mark.e2e

CODE_LABEL = "Code from your authenticator app, or a recovery code"


def _sign_in_coordinator(page) -> None:
    org = OrganizationFactory(
        slug="tf-northern", name="Northern Nevada Task Force", type="task_force"
    )
    OrganizationFactory(slug="washoe-le", name="Washoe County Sheriff", type="law_enforcement")
    OrganizationFactory(slug="washoe-cw", name="Washoe County Human Services", type="child_welfare")
    user = UserFactory(
        role="coordinator", org=org, email="casey@example.org", full_name="Casey Lane"
    )
    UserFactory(role="supervisor", email="judge@example.org", full_name="Judge Alma Reyes")
    device = give_totp_device(user)
    page.goto("/login")
    page.get_by_label("Email address").fill("casey@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/mfa/verify"))
    page.get_by_label(CODE_LABEL).fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/$"))


def _tf_page(page, name: str) -> None:
    """Follow the task-force menu: a row of buttons on a wide screen, one "Task force pages"
    disclosure on a phone (opened first)."""
    nav = page.get_by_role("navigation", name="Task force")
    toggle = nav.locator("summary")
    if toggle.is_visible():
        toggle.click()
    nav.get_by_role("link", name=name, exact=True).click()


def _run_the_month(page, *, check) -> None:
    page.goto("/taskforces/")
    check("taskforce-list.png")
    page.get_by_label("Name", exact=True).fill("Washoe County Regional CSEC Task Force")
    page.get_by_label("Protocol pack").select_option("washington")
    page.get_by_label("Region").fill("Washoe County")
    page.get_by_role("button", name="Create task force").click()
    page.wait_for_url(re.compile(r"/taskforces/\d+/$"))
    home = page.url

    _tf_page(page, "Members")
    for slug, category in (("washoe-le", "local_law_enforcement"), ("washoe-cw", "cps")):
        page.get_by_label("Member is").select_option("organization")
        page.get_by_label("Organization (short name)").fill(slug)
        page.get_by_label("Member category").select_option(category)
        page.get_by_role("button", name="Add member").click()
        page.wait_for_selector("text=Member added.")
    page.get_by_label("Member is").select_option("person")
    page.get_by_label("Person's name").fill("Robin Sagebrush")
    page.get_by_label("Member category").select_option("survivors")
    page.locator('label[for="id_protected"]').click()
    page.get_by_role("button", name="Add member").click()
    page.wait_for_selector("text=Member added.")
    assert (
        "Robin Sagebrush" in page.locator("#member-table").inner_text()
    )  # the coordinator sees it
    check("taskforce-members.png")

    page.get_by_role("link", name="Change Washoe County Sheriff").click()
    page.wait_for_selector("text=Change this member")
    page.get_by_label("Member until").fill("2027-06-30")
    check("taskforce-member.png")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_selector("text=Member changed.")
    assert "30 Jun 2027" in page.locator("#member-table").inner_text()

    _tf_page(page, "Structure")
    page.get_by_label("Chair's email").fill("judge@example.org")
    page.get_by_role("button", name="Save coordinator and chair").click()
    page.wait_for_selector("text=Coordinator and chair saved.")
    assert "Judge Alma Reyes" in page.locator("#leadership").inner_text()
    check("taskforce-structure.png")

    _tf_page(page, "Meetings")
    page.get_by_label("Title").fill("January task force meeting")
    page.get_by_label("Starts").fill("2026-11-12T09:30")
    page.get_by_label("Location").fill("Reno (synthetic)")
    page.get_by_role("button", name="Schedule meeting").click()
    page.wait_for_selector("text=Meeting scheduled.")
    # One row of choices per member (USWDS hides the radio itself: click its label).
    page.locator('#attendance-table label[for$="-absent"]').nth(1).click()
    page.get_by_role("button", name="Mark everyone present").click()
    page.wait_for_selector("text=Attendance saved.")
    assert page.locator("#attendance-table input:checked").count() == 3
    assert page.locator('#attendance-table input[value="absent"]').nth(1).is_checked()
    page.get_by_label("Action", exact=True).fill("Circulate the draft MOU")
    page.get_by_label("Due", exact=True).fill("2026-11-20")
    page.get_by_role("button", name="Add action item").click()
    page.wait_for_selector("text=Action item added.")
    check("taskforce-meeting.png")

    page.goto(home)
    assert "Circulate the draft MOU" in page.locator("#overdue-heading + *").inner_text() or (
        "Circulate the draft MOU" in page.content()
    )
    check("taskforce-home.png")
    _tf_page(page, "Annual report")
    page.get_by_label("Year the period ends").select_option("2026")
    page.get_by_role("button", name="Show").click()
    page.wait_for_selector("svg[role=img]")
    check("taskforce-report.png")

    page.get_by_label("Activities and trainings").fill(
        "Two CSEC 101 trainings for 85 staff of member agencies; a community night in Sparks "
        "(synthetic)."
    )
    page.get_by_label("How services connect").fill(
        "Member agencies now refer youth to one another through the task force's MDT."
    )
    page.get_by_label("Challenges and requests to the committee").fill(
        "The task force asks the committee for a regional trainer."
    )
    page.get_by_role("button", name="Save the narrative").click()
    page.wait_for_selector("text=Narrative saved.")
    assert (
        "regional trainer"
        in page.get_by_label("Challenges and requests to the committee").input_value()
    )
    check("taskforce-report-narrative.png")


def test_coordinator_runs_the_month_under_the_real_csp(page):
    _sign_in_coordinator(page)
    _run_the_month(page, check=lambda name: None)
    assert page.console_errors == []


def test_task_force_pages_are_accessible(axe_page):
    page = axe_page
    _sign_in_coordinator(page)
    page.set_viewport_size(DESKTOP)

    def check(name: str) -> None:
        assert run_axe(page) == [], name
        screenshot(page, name)

    _run_the_month(page, check=check)
