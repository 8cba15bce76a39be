"""A missing episode in Debian's Chromium: a caseworker reports the youth missing (the page says
credentials are never stored) and sees the two 24-hour reports, logs a locate effort, records the
return and sees the debrief, re-screen and safety reassessment start, records the debrief, then a
placement. axe-core finds no serious or critical WCAG 2.0/2.1 A/AA violation on any page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from harborline.cases import services as case_services
from harborline.missing.models import MissingEpisode
from harborline.people.models import User
from tests.factories import OrganizationFactory, UserFactory, give_totp_device

from .conftest import DESKTOP, run_axe, screenshot
from .test_cases import _sign_in

pytestmark = pytest.mark.e2e


def _axe(page) -> None:
    assert run_axe(page) == [], page.url


def _local(hours_ago: float, zone: str) -> str:
    moment = datetime.now(UTC) - timedelta(hours=hours_ago)
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def test_caseworker_records_an_episode_and_the_return(axe_page):
    page = axe_page
    owner = OrganizationFactory(
        slug="washoe-hs", name="Washoe County Human Services", type="child_welfare"
    )
    give_totp_device(
        UserFactory(role="caseworker", org=owner, email="casey@example.org", full_name="Casey")
    )
    casey = User.objects.get(email="casey@example.org")
    case = case_services.open_case(
        actor=casey,
        youth={"first_name": "Mara", "last_name": "Quill", "dob": "2010-05-01"},
        pack="nevada",
    )
    zone = owner.time_zone
    _sign_in(page, "casey@example.org")

    page.goto(f"/cases/{case.pk}/missing/")
    _axe(page)
    page.get_by_role("link", name="Report the youth missing").click()
    page.wait_for_url(re.compile(r"/missing/new$"))
    assert "never stores passwords" in page.locator("#social-hint").inner_text()
    _axe(page)
    page.get_by_label("Last seen (date and time)").fill(_local(30, zone))
    page.get_by_label("When your agency learned the youth was missing").fill(_local(26, zone))
    page.get_by_label("Where the youth was last seen (the address they ran from)").fill(
        "Synthetic youth shelter"
    )
    page.get_by_label("Platform 1").fill("Instagram")
    page.get_by_label("Account or profile name 1").fill("synthetic.youth")
    page.set_viewport_size(DESKTOP)
    screenshot(page, "missing-new.png")
    page.get_by_role("button", name="Record the report").click()
    page.wait_for_url(re.compile(r"/missing/\d+/$"))
    _axe(page)
    reports = page.locator("#reports").inner_text()
    assert "Report the missing youth to law enforcement (for NCIC entry)" in reports
    assert "Report the missing youth to NCMEC" in reports
    episode = MissingEpisode.objects.get()

    page.get_by_role("link", name="Log a locate effort").click()
    page.wait_for_url(re.compile(r"/effort$"))
    _axe(page)
    page.get_by_label("When").fill(_local(20, zone))
    page.get_by_label("What was done").fill("Called the youth's aunt")
    page.get_by_role("button", name="Log a locate effort").click()
    page.wait_for_url(re.compile(rf"/missing/{episode.pk}/"))
    assert "Called the youth's aunt" in page.locator("#efforts").inner_text()

    page.get_by_role("link", name="Record the return").click()
    page.wait_for_url(re.compile(r"/return$"))
    _axe(page)
    page.get_by_label("When the youth returned or was found").fill(_local(2, zone))
    page.get_by_label("Who found the youth").fill("Reno Police")
    page.get_by_role("button", name="Record the return").click()
    page.wait_for_url(re.compile(rf"/missing/{episode.pk}/"))
    reports = page.locator("#reports").inner_text()
    for title in (
        "Debrief the youth after a return from runaway",
        "Re-administer the NRIT after a return from being missing",
        "Reassess the youth's safety after a return from runaway",
    ):
        assert title in reports
    screenshot(page, "missing-episode.png")
    _axe(page)

    page.get_by_role("link", name="Record the debrief").click()
    page.wait_for_url(re.compile(r"/debrief$"))
    _axe(page)
    page.get_by_label("When the debrief was held").fill(_local(1, zone))
    page.get_by_label("Led by (the trusted adult the youth chose)").fill("Jordan")
    page.locator('label[for="id_chosen_by_youth"]').click()  # USWDS hides the box itself
    page.get_by_label("1. Do you feel you are in danger now?").select_option("no")
    page.get_by_role("button", name="Record the debrief").click()
    page.wait_for_url(re.compile(rf"/missing/{episode.pk}/"))
    assert "Jordan" in page.locator("#debrief").inner_text()

    page.goto(f"/cases/{case.pk}/missing/")
    assert "Episodes: 1" in page.content()
    _axe(page)

    page.goto(f"/cases/{case.pk}/placements/")
    _axe(page)
    page.get_by_role("link", name="Record a placement").click()
    page.wait_for_url(re.compile(r"/placements/new$"))
    _axe(page)
    page.get_by_label("Kind of placement").select_option("foster_home")
    page.get_by_label("Started on").fill("2026-11-02")
    page.get_by_label("Address").fill("12 Synthetic Court (not real)")
    page.get_by_role("button", name="Record the placement").click()
    page.wait_for_url(re.compile(r"/placements/$"))
    assert "Foster home" in page.content()
    _axe(page)

    page.goto(f"/cases/{case.pk}/runaway-prevention/")
    page.get_by_label("What has helped prevent you from running in the past?").fill("Music")
    _axe(page)
    page.get_by_role("button", name="Record the guide").click()
    page.wait_for_url(re.compile(r"/runaway-prevention/$"))
    assert "Music" in page.content()
