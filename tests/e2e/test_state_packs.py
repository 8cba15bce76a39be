"""Each state's core path in Debian's Chromium (issue 15, "Done when"): for Washington, Wisconsin
and a county that adopted the county protocol, the state's demo is built in the test's database
the way `harborline demo --pack X` builds it (synthetic.seed, with the pack as home), and one
browser session runs the core path:

- the demo's system administrator registers an agency in one of the state's counties (its
  region is the state's) and adds its first caseworker;
- the caseworker opens a case and screens the youth with the pack's own instrument
  (Wisconsin's case-management intake) or, where the pack has none (Washington), records the
  concern, reasonable cause to believe, that starts the pack's clock;
- the obligation is shown with that state's clock and the rule that set it: Washington's report
  48 hours after reasonable cause, Wisconsin's due immediately and its 120-hour medical window,
  the county protocol's automatic referral to a rape crisis center on a disclosure in custody;
- Washington: the agency's training page shows the two-officer in-depth minimum.

The county protocol's own instrument, the agency decision checklist, is filled in and stored."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from harborline.people.models import User
from harborline.protocols.geography import adopt
from harborline.synthetic import DEMO_PASSWORD, seed
from harborline.synthetic.people import demo_email
from tests.factories import PASSWORD, give_totp_device, totp_code

from .test_cases import CODE_LABEL

pytestmark = pytest.mark.e2e


def _sign_in(page, email: str, password: str) -> None:
    page.context.clear_cookies()
    device = User.objects.get(email=email).totpdevice_set.get()
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/mfa/verify"))
    page.get_by_label(CODE_LABEL).fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/$"))


def _demo(settings, pack: str) -> None:
    """The state's demo, as `harborline demo --pack` builds it, with its pack as home."""
    settings.HARBORLINE_PACK = pack
    seed(scale="demo", seed=1, pack=pack)


def _register(page, *, name: str, slug: str, type_label: str, county: str, region: str) -> None:
    """The system administrator registers an agency and adds its first caseworker."""
    _sign_in(page, demo_email("system_admin"), DEMO_PASSWORD)
    page.goto("/organizations/new")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Short name").fill(slug)
    page.get_by_label("What the agency does").select_option(label=type_label)
    page.get_by_label("County").select_option(county)
    page.get_by_role("button", name="Register the agency").click()
    page.wait_for_url(re.compile(rf"/organizations/#org-{slug}$"))
    row = page.locator(f"#org-{slug}").inner_text()
    assert name in row and region in row, row
    page.goto(f"/org/users/add?org={slug}")
    page.get_by_label("Email address").fill(f"first@{slug}.example.org")
    page.get_by_label("Full name").fill("Jordan Vale")
    page.get_by_label("Role").select_option("caseworker")
    page.get_by_label("Initial password (optional)").fill(PASSWORD)
    page.get_by_role("button", name="Add user").click()
    page.wait_for_url(re.compile(r"/org/users"))
    # The authenticator app the person would set up on first sign-in (tested in test_mfa).
    give_totp_device(User.objects.get(email=f"first@{slug}.example.org"))


def _open_case(page, slug: str) -> int:
    _sign_in(page, f"first@{slug}.example.org", PASSWORD)
    page.goto("/cases/new")
    page.get_by_label("First name").fill("Rowan")
    page.get_by_label("Last name").fill("Ashby")
    page.get_by_label("Date of birth").fill("2010-04-12")
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_url(re.compile(r"/cases/\d+/"))
    found = re.search(r"/cases/(\d+)/", page.url)
    assert found is not None
    return int(found.group(1))


def _record_event(page, case_id: int, kind_label: str, when: datetime, zone: str) -> str:
    """Record an event on the case; returns the text of its entry on the events page."""
    page.goto(f"/cases/{case_id}/events/new")
    page.get_by_label("What happened").select_option(label=kind_label)
    page.get_by_label("When it happened").fill(
        when.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_role("button", name="Record the event").click()
    page.wait_for_url(re.compile(rf"/cases/{case_id}/events/$"))
    return page.locator("[data-event-kind]").first.inner_text()


def _event_labels(page) -> dict[str, str]:
    return {
        o.get_attribute("value"): o.inner_text()
        for o in page.locator("#id_kind option").all()
        if o.get_attribute("value")
    }


def _kind_label(page, case_id: int, kind: str) -> str:
    page.goto(f"/cases/{case_id}/events/new")
    return _event_labels(page)[kind]


def _an_hour_ago() -> datetime:
    return (datetime.now(UTC) - timedelta(hours=1)).replace(second=0, microsecond=0)


def test_washington_registers_records_the_concern_and_sees_its_48_hours(page, settings):
    _demo(settings, "washington")
    _register(
        page,
        name="Spokane County Sheriff's Office",
        slug="spokane-sheriff",
        type_label="Law enforcement",
        county="washington/spokane",
        region="DSHS Region 1",
    )
    # The two-officer minimum, for the agency just registered: none trained yet.
    page.goto("/training/compliance/agency/spokane-sheriff/")
    training = page.locator("main").inner_text()
    assert "At least two officers" in training, training

    case_id = _open_case(page, "spokane-sheriff")
    # Washington's documents name no screening instrument: the concern starts the clock.
    label = _kind_label(page, case_id, "reasonable_cause")
    at = _an_hour_ago()
    entry = _record_event(page, case_id, label, at, "America/Los_Angeles")
    due = (at + timedelta(hours=48)).astimezone(ZoneInfo("America/Los_Angeles"))
    assert "Report to child welfare or law enforcement" in entry, entry
    assert f"due {due:%Y-%m-%d %H:%M}" in entry, entry
    assert "Clock: 48 hours, set by the protocol pack's rule (washington)" in entry, entry
    assert page.console_errors == []


def test_wisconsin_screens_with_its_intake_and_sees_its_own_clocks(page, settings):
    _demo(settings, "wisconsin")
    _register(
        page,
        name="Dane County Human Services",
        slug="dane-hs",
        type_label="Child welfare",
        county="wisconsin/dane",
        region="Southern",
    )
    case_id = _open_case(page, "dane-hs")

    # Screen with Wisconsin's own instrument: the case-management intake.
    page.goto(f"/cases/{case_id}/screen")
    assert "Initial case management intake" in page.locator("main").inner_text()
    page.get_by_label("Identified by", exact=True).select_option("child_welfare")
    page.locator("label[for='f-ci_needs_assessment']").click()
    page.locator("#f-needs_notes").fill("Shelter tonight; a phone; school enrolment")
    page.locator("#screen-continue").click()
    page.locator("#screen-confirm").wait_for()
    page.locator("#screen-confirm").click()
    page.wait_for_url(re.compile(r"/screenings/\d+$"))

    # The report is due immediately; a sexual assault starts the 120-hour medical window.
    at = _an_hour_ago()
    report = _record_event(
        page, case_id, _kind_label(page, case_id, "reasonable_cause"), at, "America/Chicago"
    )
    assert "Report to the local child welfare agency or law enforcement" in report, report
    assert "Clock: immediately, set by the protocol pack's rule (wisconsin)" in report, report
    window = _record_event(
        page, case_id, _kind_label(page, case_id, "sexual_assault"), at, "America/Chicago"
    )
    due = (at + timedelta(hours=120)).astimezone(ZoneInfo("America/Chicago"))
    assert "Arrange an emergency medical evaluation after a sexual assault" in window, window
    assert f"due {due:%Y-%m-%d %H:%M}" in window and "Clock: 120 hours" in window, window
    assert page.console_errors == []


def test_a_county_adopting_the_county_protocol_gets_its_checklist_and_referral(page, settings):
    _demo(settings, "washington")
    adopt("county-protocol", "washington/yakima")  # harborline protocols adopt ... --county
    _register(
        page,
        name="Yakima Valley Youth Clinic",
        slug="yakima-clinic",
        type_label="Medical provider",
        county="washington/yakima",
        region="DSHS Region 1",
    )
    # The county protocol's instrument: the agency decision checklist, stored.
    page.goto("/protocols/county-protocol/agency_protocol/")
    page.locator("#f-county_name").fill("Yakima County")
    page.get_by_role("button", name="Submit", exact=True).click()
    page.wait_for_url(re.compile(r"/submitted/\d+$"))

    case_id = _open_case(page, "yakima-clinic")
    at = _an_hour_ago()
    label = _kind_label(page, case_id, "disclosure_in_custody")
    entry = _record_event(page, case_id, label, at, "America/Los_Angeles")
    due = at.astimezone(ZoneInfo("America/Los_Angeles"))
    assert "Refer to a rape crisis center" in entry, entry
    assert f"due {due:%Y-%m-%d %H:%M}" in entry, entry
    assert "set by the protocol pack's rule (county-protocol)" in entry, entry
    assert page.console_errors == []
