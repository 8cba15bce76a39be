"""Crisis events in Debian's Chromium (decision 0042): a caseworker records a suicide attempt and
sees the MDT review and the safety reassessment it started, then the event on the timeline.
axe-core finds no serious or critical WCAG 2.0/2.1 A/AA violation on either page."""

from __future__ import annotations

import re

import pytest

from harborline.cases import services as case_services
from harborline.people.models import User
from tests.factories import OrganizationFactory, UserFactory, give_totp_device

from .conftest import run_axe
from .test_cases import _sign_in
from .test_missing import _local

pytestmark = pytest.mark.e2e


def _axe(page) -> None:
    assert run_axe(page) == [], page.url


def test_caseworker_records_a_crisis_event_and_sees_what_it_started(axe_page):
    page = axe_page
    owner = OrganizationFactory(
        slug="clark-dfs", name="Clark County Family Services", type="child_welfare"
    )
    give_totp_device(
        UserFactory(role="caseworker", org=owner, email="cruz@example.org", full_name="Cruz")
    )
    cruz = User.objects.get(email="cruz@example.org")
    case = case_services.open_case(
        actor=cruz,
        youth={"first_name": "Lena", "last_name": "Vossberg", "dob": "2010-03-01"},
        pack="nevada",
    )
    _sign_in(page, "cruz@example.org")

    page.goto(f"/cases/{case.pk}/events/")
    _axe(page)
    page.get_by_role("link", name="Record a crisis event").click()
    page.wait_for_url(re.compile(r"/events/new$"))
    _axe(page)
    page.get_by_role("button", name="Record the event").click()  # nothing chosen: said beside it
    assert "Select what happened." in page.content()
    _axe(page)
    page.get_by_label("What happened").select_option("suicide_attempt")
    page.get_by_label("When it happened").fill(_local(3, owner.time_zone))
    page.get_by_label("What the MDT should know").fill("Synthetic: taken to the hospital")
    page.get_by_role("button", name="Record the event").click()
    page.wait_for_url(re.compile(r"/events/$"))
    listed = page.content()
    assert "Suicide attempt" in listed
    assert "Reconvene the MDT after a crisis event" in listed
    _axe(page)

    page.goto(f"/cases/{case.pk}/timeline/?kind=crisis_event")
    assert "Crisis event: Suicide attempt" in page.content()
    _axe(page)
