"""Training in Debian's Chromium: a supervisor creates an event, records attendance and
completion, prepares the survivor speaker, and views the agency's compliance. axe-core finds no
serious or critical WCAG 2.0/2.1 A/AA violation; screenshots go to the user guide."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from harborline.people.models import Organization
from tests.factories import PASSWORD, UserFactory, give_totp_device, totp_code

from .conftest import DESKTOP, run_axe, screenshot

# About Nevada's training minimums:
# Nevada's pack whatever the home pack (make test-packs).
pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("nevada_home")]

CODE_LABEL = "Code from your authenticator app, or a recovery code"


def _sign_in(page, email, device) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/mfa/verify"))
    page.get_by_label(CODE_LABEL).fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/$"))


def test_record_an_event_with_attendance_and_view_compliance(axe_page):
    page = axe_page
    org = Organization.objects.create(
        slug="harbor-cw", name="Harbor Child Welfare (synthetic)", type="child_welfare"
    )
    supervisor = UserFactory(
        role="supervisor", org=org, email="sam@example.org", full_name="Sam Rivera"
    )
    UserFactory(role="caseworker", org=org, email="alex@example.org", full_name="Alex Moss")
    UserFactory(role="caseworker", org=org, email="kai@example.org", full_name="Kai Ford")
    device = give_totp_device(supervisor)
    _sign_in(page, "sam@example.org", device)
    page.set_viewport_size(DESKTOP)

    page.goto("/training/")
    assert run_axe(page) == []
    page.goto("/training/catalogue/nevada/")
    assert run_axe(page) == []
    screenshot(page, "training-catalogue.png")

    page.goto("/training/events/new")
    assert run_axe(page) == []
    page.get_by_label("Course code").fill("101B")
    page.get_by_label("Date").fill((dt.date.today() - dt.timedelta(days=3)).isoformat())
    page.get_by_label("Format").select_option("in_person")
    page.get_by_label("Hours").fill("6")
    page.get_by_label("Trainers").fill("Synthetic Trainer")
    page.get_by_label("Location").fill("Training Room (synthetic)")
    page.locator('label[for="id_survivor_speaker"]').click()
    page.get_by_label("Survivor's role").select_option("guest_speaker")
    page.get_by_label("Survivor's name (optional)").fill("Speaker (synthetic)")
    screenshot(page, "training-event-new.png")
    page.get_by_role("button", name="Create the event").click()
    page.wait_for_url(re.compile(r"/training/events/\d+/$"))
    assert "Speaker (synthetic)" in page.locator("#event-facts").inner_text()

    page.get_by_label("Attendee's email").fill("alex@example.org")
    page.get_by_role("button", name="Add to attendance").click()
    page.wait_for_selector("#attendance >> text=Alex Moss")
    page.get_by_label("Attendee's email").fill("sam@example.org")
    page.get_by_role("button", name="Add to attendance").click()
    page.wait_for_selector("#attendance >> text=Sam Rivera")
    page.locator('label[for="step-vetted"]').click()
    page.locator('label[for="step-advocate"]').click()
    page.get_by_role("button", name="Save the checklist").click()
    page.wait_for_selector("text=2 of 19 steps done")
    assert run_axe(page) == []
    screenshot(page, "training-event.png")

    # The page shows the error beside the field for someone the supervisor may not record.
    page.get_by_label("Attendee's email").fill("stranger@example.org")
    page.get_by_role("button", name="Add to attendance").click()
    assert "whose training you may record" in page.get_by_role("alert").inner_text()
    assert run_axe(page) == []

    page.goto(f"/training/compliance/agency/{org.slug}/?pack=nevada")
    row = page.locator('tr[data-requirement="csec_101_within_60_days"]')
    assert "Kai Ford" in row.inner_text()
    assert run_axe(page) == []
    screenshot(page, "training-compliance.png")

    page.goto("/training/import")
    assert run_axe(page) == []
    screenshot(page, "training-import.png")
