"""Case coordination in Debian's Chromium: a caseworker opens a case, screens the youth with the
NRIT (confirmed, identified by law enforcement) and sees the three clocks, shares screening and
safety with the police, and the officer sees exactly those two sections. axe-core finds no
serious or critical WCAG 2.0/2.1 A/AA violation on any page; screenshots feed the user guide."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from harborline.cases import services as case_services
from tests.factories import PASSWORD, OrganizationFactory, UserFactory, give_totp_device, totp_code

from .conftest import DESKTOP, run_axe, screenshot

# About NRIT screening and Nevada's rapid-response clocks:
# Nevada's pack whatever the home pack (make test-packs).
pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("nevada_home")]

CODE_LABEL = "Code from your authenticator app, or a recovery code"


def _sign_in(page, email: str) -> None:
    from harborline.people.models import User

    device = User.objects.get(email=email).totpdevice_set.get()
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/mfa/verify"))
    page.get_by_label(CODE_LABEL).fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/$"))


def _people() -> None:
    owner = OrganizationFactory(
        slug="washoe-hs", name="Washoe County Human Services", type="child_welfare"
    )
    police = OrganizationFactory(
        slug="reno-pd", name="Reno Police Department", type="law_enforcement"
    )
    for email, name, role, org in (
        ("casey@example.org", "Casey Lane", "caseworker", owner),
        ("sam@example.org", "Sam Ortiz", "supervisor", owner),
        ("officer@example.org", "Dana Reyes", "caseworker", police),
    ):
        give_totp_device(UserFactory(role=role, org=org, email=email, full_name=name))


def _axe(page) -> None:
    assert run_axe(page) == [], page.url


def test_caseworker_screens_shares_and_the_police_see_only_what_is_shared(axe_page, browser):
    page = axe_page
    _people()
    _sign_in(page, "casey@example.org")

    page.goto("/cases/")
    _axe(page)
    page.get_by_role("link", name="New case").click()
    page.wait_for_url(re.compile(r"/cases/new$"))
    _axe(page)
    page.get_by_label("First name").fill("Mara")
    page.get_by_label("Last name").fill("Quill")
    page.get_by_label("Date of birth").fill("2010-05-01")
    page.get_by_label("Gender identity, in the youth's own words").fill("girl")
    page.get_by_label("Pronouns").fill("she/her")
    page.set_viewport_size(DESKTOP)
    screenshot(page, "case-new.png")
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    case_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    _axe(page)

    # Screen with the NRIT: confirmed, identified by law enforcement.
    page.get_by_role("link", name="Screen the youth").click()
    page.wait_for_url(re.compile(r"/screen$"))
    assert (
        "Do not directly ask the child or family" in page.locator("#instrument-notice").inner_text()
    )
    _axe(page)
    page.get_by_label("Identified by", exact=True).select_option("law_enforcement")
    identified = (timezone.localtime() - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    page.locator("#identified-at-change summary").click()  # "now", folded behind "Change"
    page.get_by_label("Identified at", exact=True).fill(identified)
    page.get_by_label("Setting", exact=True).select_option("field")
    page.locator('label[for="f-cv_law_enforcement"]').click()
    screenshot(page, "case-screen.png")
    page.locator("#screen-continue").click()  # check your answers, then confirm (issue 13)
    page.locator("#screen-confirm").click()
    page.wait_for_url(re.compile(r"/screenings/\d+$"))
    assert page.locator("[data-outcome]").inner_text() == "Confirmed"
    started = page.locator("#started").inner_text()
    for title in (
        "Convene a Rapid Response MDT on scene",
        "Convene the full MDT (72-Hour MDT)",
        "Report to the local child-welfare agency",
    ):
        assert title in started
    _axe(page)
    screenshot(page, "case-screening-result.png")

    # The case page, on a 375 px phone: no sideways scrolling.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"/cases/{case_id}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    _axe(page)
    page.set_viewport_size(DESKTOP)
    page.reload()
    screenshot(page, "case-page.png")

    page.goto("/obligations/")
    assert "Convene the full MDT" in page.content()
    _axe(page)
    screenshot(page, "obligations.png")

    # Share screening and safety with the police on a court order, through the wizard.
    page.goto(f"/cases/{case_id}/sharing")
    _axe(page)
    page.get_by_role("link", name="Share with another organization").click()
    page.wait_for_url(re.compile(r"/sharing/new/$"))
    _axe(page)
    page.get_by_label("Share with", exact=True).select_option("reno-pd")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/sharing/new/what$"))
    _axe(page)
    page.locator('label[for="id_share-compartments_3"]').click()  # screening
    page.locator('label[for="id_share-compartments_4"]').click()  # safety
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/sharing/new/why$"))
    page.get_by_role("button", name="Continue").click()  # nothing filled in: every problem at once
    expect(page.locator(".hl-error-summary li")).to_have_count(4)  # waits for the answer
    _axe(page)
    page.get_by_label("Purpose", exact=True).fill("Investigation and MDT coordination")
    page.locator('label[for="id_share-basis_type_2"]').click()  # court order
    page.get_by_label("Reference", exact=True).fill("24-JV-118")
    page.get_by_label("Until (inclusive)").fill("2027-03-03")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/sharing/new/confirm$"))
    assert page.locator("#share-sentence").inner_text() == (
        "Reno Police Department will be able to see: screening, safety — until 3 March 2027, "
        "because: court order 24-JV-118."
    )
    _axe(page)
    screenshot(page, "case-share-confirm.png")
    page.get_by_role("button", name="Share", exact=True).click()
    page.wait_for_url(re.compile(r"/sharing#shares$"))
    summary = page.locator("[data-summary]").inner_text()
    assert summary == (
        "Reno Police Department can see: screening, safety — until 3 March 2027, "
        "because: court order 24-JV-118"
    )
    _axe(page)
    screenshot(page, "case-sharing.png")

    page.goto("/cases/break-glass")
    _axe(page)

    # The officer, in another browser: exactly the two shared sections.
    context = browser.new_context(
        viewport=DESKTOP, base_url=page.url.split("/cases")[0], bypass_csp=True
    )
    officer = context.new_page()
    try:
        _sign_in(officer, "officer@example.org")
        officer.goto(f"/cases/{case_id}/")
        sections = officer.locator("section[id^='section-']")
        ids = {sections.nth(n).get_attribute("id") for n in range(sections.count())}
        assert ids == {"section-screening", "section-safety"}
        html = officer.content()
        assert "Quill" not in html
        assert "Not shared with you" in html
        _axe(officer)
        screenshot(officer, "case-page-shared.png")
    finally:
        context.close()


def test_break_glass_banner_and_review_queue(axe_page):
    page = axe_page
    _people()
    from harborline.people.models import User

    casey = User.objects.get(email="casey@example.org")
    case = case_services.open_case(
        actor=casey, youth={"first_name": "Ola", "last_name": "Brant", "dob": "2009-01-02"}
    )
    _sign_in(page, "officer@example.org")
    page.goto("/cases/")
    page.get_by_role("link", name="Emergency access").click()
    page.wait_for_url(re.compile(r"/cases/break-glass$"))
    page.get_by_label("Youth's last name").fill("Brant")
    page.get_by_label("Date of birth").fill("2009-01-02")
    page.get_by_label("Why this is an emergency").fill("Youth found at a motel, needs placement")
    screenshot(page, "break-glass.png")
    page.get_by_role("button", name="Continue").click()
    assert "for 4 hours, until" in page.locator("#glass-window").inner_text()
    _axe(page)
    screenshot(page, "break-glass-confirm.png")
    page.get_by_role("button", name="Open the case in an emergency").click()
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/$"))
    banner = page.locator("#break-glass-banner").inner_text()
    assert "Emergency access until" in banner and "this is recorded and reviewed" in banner
    _axe(page)
    page.get_by_role("button", name="Sign out").first.click()

    _sign_in(page, "sam@example.org")
    assert page.locator("#queue-reviews").count() == 1
    _axe(page)
    screenshot(page, "home-work-queue.png")
    page.goto("/cases/break-glass/reviews")
    assert "Youth found at a motel" in page.content()
    _axe(page)
    screenshot(page, "break-glass-reviews.png")
    page.locator("label[for^='id_g'][for$='outcome_0']").first.click()
    page.get_by_role("button", name="Record the review").click()
    page.wait_for_url(re.compile(r"/cases/break-glass/reviews$"))
    assert "Review recorded" in page.content()
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Who saw this record").click()
    page.wait_for_url(re.compile(r"/audit/youth/\d+$"))
    assert "officer@example.org" in page.content()
    screenshot(page, "who-saw.png")


def test_case_page_under_the_real_csp(page):
    _people()
    from harborline.people.models import User

    casey = User.objects.get(email="casey@example.org")
    case = case_services.open_case(
        actor=casey, youth={"first_name": "Ola", "last_name": "Brant", "dob": "2009-01-02"}
    )
    _sign_in(page, "casey@example.org")
    for path in (f"/cases/{case.pk}/", f"/cases/{case.pk}/screen", f"/cases/{case.pk}/sharing"):
        page.goto(path)
        assert page.locator("h1").count() == 1
    assert page.console_errors == []
