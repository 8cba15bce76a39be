"""Agreements and the mentor-advocate program in Debian's Chromium: an org admin adds an MOU,
records its signatures and 4-A checklist; the DSA duties page and the on-call page render.
axe-core finds no serious or critical WCAG 2.0/2.1 A/AA violation; the `page` test runs under
the real Content-Security-Policy and fails on any console error. Screenshots for the guide."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from harborline.mentoring import services as mentoring
from harborline.protocols.geography import load_geography
from tests.agreements.factories import make_dsa
from tests.factories import PASSWORD, OrganizationFactory, UserFactory, give_totp_device, totp_code

from .conftest import DESKTOP, run_axe, screenshot

pytestmark = pytest.mark.e2e

CODE_LABEL = "Code from your authenticator app, or a recovery code"


def _sign_in(page, user) -> None:
    device = give_totp_device(user)
    page.goto("/login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/mfa/verify"))
    page.get_by_label(CODE_LABEL).fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/$"))


def _world():
    load_geography("nevada")
    cw = OrganizationFactory(slug="washoe-cw", name="Washoe County Human Services")
    pd = OrganizationFactory(
        slug="washoe-le", name="Washoe County Sheriff's Office", type="law_enforcement"
    )
    admin = UserFactory(
        role="org_admin", org=cw, email="admin@example.org", full_name="Morgan Admin"
    )
    supervisor = UserFactory(role="supervisor", org=cw, email="sup@example.org")
    mentor = UserFactory(
        role="mentor_advocate", org=cw, email="mentor@example.org", full_name="Avery Mentor"
    )
    advocate = mentoring.add_to_program(actor=supervisor, user=mentor, phone="775-555-0101")
    now = timezone.now()
    mentoring.add_shift(
        actor=supervisor,
        advocate=advocate,
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(hours=10),
        county="washoe",
    )
    make_dsa(cw, reference="DSA-WASHOE-2025", signed_on=(date(2025, 1, 10), date(2025, 1, 20)))
    return cw, pd, admin


def _add_mou(page, pd_name: str) -> None:
    page.goto("/agreements/add?kind=mou")
    page.get_by_label("Reference").fill("MOU-WASHOE-2026-01")
    page.get_by_label("Title").fill("Northern Nevada MDT memorandum of understanding")
    page.locator("label", has_text=pd_name).click()
    page.get_by_label("In force from").fill("2026-01-01")
    page.get_by_label("Last day in force").fill("2028-06-30")
    for label in ("Identity", "Safety (incl. information about the exploiter)", "Screening"):
        page.locator("label", has_text=label).first.click()
    page.locator("label", has_text="Service coordination by the multidisciplinary team").click()
    page.locator("label", has_text="Safety planning").click()
    page.get_by_role("button", name="Add agreement").click()
    page.wait_for_url(re.compile(r"/agreements/\d+/$"))


def test_mou_checklist_signatures_duties_and_on_call_under_the_real_csp(page):
    cw, pd, admin = _world()
    _sign_in(page, admin)
    _add_mou(page, pd.name)
    assert "awaiting signatures" in page.locator("main").inner_text().lower()
    page.get_by_role("link", name=f"Record signature of {cw.name}").click()
    page.get_by_label("Name of the person who signed").fill("Synthetic Director")
    page.get_by_label("Date of the signature").fill("2025-12-15")
    page.get_by_role("button", name="Record signature").click()
    page.wait_for_url(re.compile(r"/agreements/\d+/$"))
    assert "Synthetic Director" in page.locator("main").inner_text()
    page.get_by_role("link", name="Edit the 4-A checklist").click()
    page.locator('label[for="present-MOU-1"]').click()
    page.get_by_label("Where in the document").first.fill("Section 1")
    page.get_by_role("button", name="Save checklist").click()
    page.wait_for_url(re.compile(r"/agreements/\d+/$"))
    assert "1 of 13 elements covered" in page.locator("main").inner_text()
    assert "safety" in page.locator("#mou-compartments").inner_text()
    page.goto("/agreements/duties")
    assert "Overdue" in page.locator("main").inner_text()
    page.goto("/mentoring/on-call?county=washoe")
    assert "Avery Mentor" in page.locator("#on-call-now").inner_text()
    assert page.console_errors == []


def test_agreement_and_on_call_pages_are_accessible(axe_page):
    page = axe_page
    cw, pd, admin = _world()
    _sign_in(page, admin)
    _add_mou(page, pd.name)
    detail = page.url
    for url, shot in (
        ("/agreements/add?kind=mou", "agreements-add.png"),
        (detail, "agreements-detail.png"),
        (detail + "checklist", "agreements-checklist.png"),
        ("/agreements/", "agreements-list.png"),
        ("/agreements/duties", "agreements-duties.png"),
        ("/mentoring/", "mentoring-roster.png"),
        ("/mentoring/on-call", "mentoring-on-call.png"),
    ):
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(url)
        assert run_axe(page) == [], url
        page.set_viewport_size(DESKTOP)
        page.reload()
        assert run_axe(page) == [], url
        screenshot(page, shot)
