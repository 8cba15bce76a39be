"""The protocol pages in Debian's Chromium: browse the packs, fill in the NRIT preview, see the
outcome. axe-core finds no serious or critical WCAG 2.0/2.1 A/AA violation; the `page` test runs
under the real Content-Security-Policy and fails on any console error."""

from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD, OrganizationFactory, UserFactory, give_totp_device, totp_code

from .conftest import DESKTOP, run_axe, screenshot

pytestmark = pytest.mark.e2e

CODE_LABEL = "Code from your authenticator app, or a recovery code"


def _signed_in(page) -> None:
    org = OrganizationFactory(name="Washoe County Human Services")
    user = UserFactory(
        role="caseworker", org=org, email="casey@example.org", full_name="Casey Lane"
    )
    device = give_totp_device(user)
    page.goto("/login")
    page.get_by_label("Email address").fill("casey@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/mfa/verify"))
    page.get_by_label(CODE_LABEL).fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/$"))


def test_nrit_preview_under_the_real_csp(page):
    _signed_in(page)
    page.goto("/protocols/nevada/nrit/")
    notice = page.locator("#instrument-notice")
    assert "This is not a questionnaire" in notice.inner_text()
    # USWDS draws its own box: a person ticks the label, as here.
    page.locator('label[for="f-hr_runaway"]').click()
    page.get_by_role("button", name="Preview results").click()
    page.wait_for_selector("#results")
    assert page.locator('[data-result="outcome"]').inner_text() == "High risk"
    assert "Proceed with safety planning" in page.locator("#results").inner_text()
    assert page.get_by_label("A history of multiple runaways").is_checked()
    assert page.console_errors == []


def test_protocol_browser_and_nrit_preview_are_accessible(axe_page):
    page = axe_page
    _signed_in(page)
    page.goto("/protocols/")
    page.wait_for_url(re.compile(r"/protocols/$"))
    assert page.title() == "Protocols | Harborline"
    assert run_axe(page) == []
    page.set_viewport_size(DESKTOP)
    page.reload()
    assert run_axe(page) == []
    screenshot(page, "protocols.png")
    summaries = page.locator("details > summary")
    for n in range(summaries.count()):  # the code book, courses and lists, opened
        summaries.nth(n).click()
    assert page.locator("details[open]").count() == summaries.count()
    assert run_axe(page) == []

    page.goto("/protocols/nevada/nrit/")
    assert run_axe(page) == []
    # Nothing ticked: the error sits beside "No indicators" and in the summary, linked.
    page.get_by_role("button", name="Preview results").click()
    alert = page.get_by_role("alert")
    assert "Check every indicator that applies" in alert.inner_text()
    assert run_axe(page) == []
    page.locator('label[for="f-cv_self_report"]').click()
    page.get_by_role("button", name="Preview results").click()
    page.wait_for_selector("#results")
    assert page.locator('[data-result="outcome"]').inner_text() == "Confirmed"
    assert "Initiate a multidisciplinary team (MDT)." in page.locator("#results").inner_text()
    assert run_axe(page) == []
    page.goto("/protocols/nevada/nrit/")
    assert run_axe(page) == []
    screenshot(page, "nrit-preview.png")
