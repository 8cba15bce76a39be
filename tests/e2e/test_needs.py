"""The holistic needs assessment in Debian's Chromium: a caseworker opens it from the case page,
records immediate needs, a strength, the youth's priority in their words and CANS domain ratings,
sees them on the page (the CANS as ratings), then records a new version that supersedes the first
(what changed is asked for first) and finds the first in the history. axe-core finds no serious
or critical WCAG 2.0/2.1 A/AA violation on any page."""

from __future__ import annotations

import re

import pytest

from harborline.cases import services as case_services
from harborline.people.models import User
from harborline.response.models import NeedsAssessment
from tests.factories import OrganizationFactory, UserFactory, give_totp_device

from .conftest import DESKTOP, run_axe, screenshot
from .test_cases import _sign_in

pytestmark = pytest.mark.e2e


def _axe(page) -> None:
    assert run_axe(page) == [], page.url


def _choose(page, choice_id: str) -> None:
    page.locator(f"label[for='{choice_id}']").click()


def test_caseworker_records_and_revises_the_needs_assessment(axe_page):
    page = axe_page
    owner = OrganizationFactory(
        slug="clark-dfs", name="Clark County Family Services", type="child_welfare"
    )
    give_totp_device(
        UserFactory(role="caseworker", org=owner, email="robin@example.org", full_name="Robin")
    )
    robin = User.objects.get(email="robin@example.org")
    case = case_services.open_case(
        actor=robin,
        youth={"first_name": "Lio", "last_name": "Marsh", "dob": "2010-05-01"},
        pack="nevada",
    )
    _sign_in(page, "robin@example.org")

    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Needs assessment").click()
    page.wait_for_url(re.compile(r"/needs/$"))
    _axe(page)
    page.get_by_role("link", name="Record the needs assessment").click()
    page.wait_for_url(re.compile(r"/needs/new$"))
    _axe(page)
    _choose(page, "f-immediate_needs-0-area-basic_needs")
    _choose(page, "f-immediate_needs-0-urgency-basic")
    page.locator("#f-immediate_needs-0-need").fill("A place to sleep tonight")
    page.locator("#f-immediate_needs-0-youth_words").fill("Somewhere quiet where nobody yells")
    _choose(page, "f-underlying_needs-0-domain-supportive_relationships")
    page.locator("#f-underlying_needs-0-concern").fill("Runs to an older boyfriend")
    page.locator("#f-underlying_needs-0-need").fill("Belonging, and an adult who stays")
    _choose(page, "f-strengths-0-area-talents_interests")
    page.locator("#f-strengths-0-strength").fill("I'm good at drawing")
    page.locator("#f-youth_priorities-0-words").fill("Get back to school with my friends")
    page.locator("#f-cans_assessor").fill("A certified clinician (synthetic)")
    _choose(page, "f-cans_trauma_ace-r3")
    _choose(page, "f-cans_strengths-r1")
    _choose(page, "f-cans_transition_to_adulthood-r2")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/needs/$"))
    _axe(page)
    body = page.locator("main").inner_text()
    assert "Get back to school with my friends" in body
    assert "Somewhere quiet where nobody yells" in body
    cans = page.locator("table").inner_text()
    assert "Potentially traumatic or adverse childhood experiences" in cans and "3" in cans
    screenshot(page, "needs-page.png")

    # A new version: what changed is asked for, beside its field, and nothing is written.
    page.get_by_role("link", name="Record a new version").click()
    page.wait_for_url(re.compile(r"/needs/new$"))
    page.get_by_role("button", name="Save").click()
    assert "say what changed" in page.locator("#changes-error").inner_text()
    _axe(page)
    assert NeedsAssessment.objects.count() == 1
    page.get_by_label("What changed since the last version").fill("CANS re-rated at 30 days")
    _choose(page, "f-cans_trauma_ace-r2")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/needs/$"))
    assert "Version 2" in page.locator("main").inner_text()
    page.get_by_role("link", name="Version 1").click()
    page.wait_for_url(re.compile(r"/needs-assessments/\d+/$"))
    _axe(page)
    assert "Get back to school with my friends" in page.locator("main").inner_text()
    assert list(NeedsAssessment.objects.values_list("number", flat=True).order_by("number")) == [
        1,
        2,
    ]
