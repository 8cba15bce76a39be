"""Business-day clocks (issue 15, item 3; decision 0057): a pack's clock is in elapsed hours or in
business days, and business days skip weekends and the public holidays of the pack's state from
the `holidays` library. Each obligation keeps, in words, the rule that set its time. Washington's
48-hour report stays in clock hours; Nevada's re-screening after a return is two business days;
the county protocol's clocks count by the state of the county that adopted it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from harborline.cases import services as cases
from harborline.missing.events import record_event
from harborline.people.models import Organization
from harborline.protocols.geography import adopt, load_geography
from harborline.protocols.models import County
from harborline.protocols.packs import get_pack
from harborline.protocols.sections import Due, Manifest
from harborline.response.clocks import business_days_after, describe, due_at
from harborline.response.obligations import holiday_calendar, plan
from tests.access import factories as f

PACIFIC = "America/Los_Angeles"
CENTRAL = "America/Chicago"


def pacific(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(PACIFIC))  # type: ignore[misc]


def test_a_weekend_is_skipped_and_the_wall_clock_time_is_kept_across_daylight_saving():
    friday = pacific(2026, 3, 6, 10, 0)  # clocks go forward on Sunday March 8
    monday = business_days_after(friday, 1, "US-NV", PACIFIC)
    assert monday == pacific(2026, 3, 9, 10, 0)
    elapsed = monday.astimezone(UTC) - friday.astimezone(UTC)
    assert elapsed.total_seconds() == 71 * 3600  # 72 wall-clock hours, one of them skipped


def test_an_event_on_a_weekend_counts_from_the_next_business_day():
    saturday = pacific(2026, 6, 6, 10, 0)
    assert business_days_after(saturday, 1, "US-WA", PACIFIC) == pacific(2026, 6, 8, 10, 0)


@pytest.mark.parametrize(
    ("calendar", "due"),
    [
        # Nevada Day (last Friday of October) is a Nevada holiday, not a Washington one.
        ("US-NV", pacific(2026, 11, 3, 10, 0)),
        ("US-WA", pacific(2026, 11, 2, 10, 0)),
        ("US", pacific(2026, 11, 2, 10, 0)),
    ],
)
def test_the_states_own_holidays_are_skipped(calendar, due):
    thursday = pacific(2026, 10, 29, 10, 0)
    assert business_days_after(thursday, 2, calendar, PACIFIC) == due


def test_wisconsin_skips_christmas_eve_and_new_years_eve():
    wednesday = datetime(2026, 12, 23, 9, 30, tzinfo=ZoneInfo(CENTRAL))
    # Dec 24 (Christmas Eve, WI) and 25 (federal), the weekend, then Mon 28, Tue 29, Wed 30.
    due = business_days_after(wednesday, 3, "US-WI", CENTRAL)
    assert due == datetime(2026, 12, 30, 9, 30, tzinfo=ZoneInfo(CENTRAL))
    # Dec 31 (New Year's Eve, WI) and Jan 1 are skipped too.
    assert business_days_after(due, 1, "US-WI", CENTRAL).date().isoformat() == "2027-01-04"
    assert business_days_after(due, 1, "US-NV", CENTRAL).date().isoformat() == "2026-12-31"


def test_the_day_is_judged_where_the_clock_runs():
    """Friday 23:00 in Los Angeles is already Saturday in UTC: one business day from it is
    Monday in Los Angeles, not Tuesday."""
    late_friday = pacific(2026, 6, 5, 23, 0).astimezone(UTC)
    due = business_days_after(late_friday, 1, "US-WA", PACIFIC)
    assert due.tzinfo == UTC
    assert due.astimezone(ZoneInfo(PACIFIC)) == pacific(2026, 6, 8, 23, 0)


def test_due_at_and_the_words_an_obligation_keeps():
    at = pacific(2026, 10, 29, 10, 0)
    assert due_at(at, Due(hours=48)) == pacific(2026, 10, 31, 10, 0)
    assert due_at(at, Due(business_days=2), "US-NV", PACIFIC) == pacific(2026, 11, 3, 10, 0)
    assert due_at(at, Due(immediately=True)) == at
    assert describe(Due(hours=48)) == "48 hours"
    assert describe(Due(business_days=1), "US-NV") == (
        "1 business day (weekends and US-NV public holidays skipped)"
    )
    assert describe(Due(immediately=True)) == "immediately"


def test_a_clock_is_hours_or_business_days_not_both():
    with pytest.raises(ValidationError, match="exactly one of"):
        Due(hours=48, business_days=2)
    with pytest.raises(ValidationError):
        Due(business_days=0)


def test_a_pack_naming_an_unknown_holiday_calendar_is_refused():
    manifest = {
        "pack": "p",
        "version": "1.0.0",
        "title": "P",
        "jurisdiction": "Somewhere",
        "source": {"document": "d", "title": "t"},
    }
    assert Manifest(**manifest, holidays="US-OR").holidays == "US-OR"
    with pytest.raises(ValidationError, match="holidays library"):
        Manifest(**manifest, holidays="US-XX")


def test_each_state_pack_names_its_holidays_and_the_county_protocol_takes_its_countys():
    assert holiday_calendar(get_pack("nevada")) == "US-NV"
    assert holiday_calendar(get_pack("washington")) == "US-WA"
    assert holiday_calendar(get_pack("wisconsin")) == "US-WI"
    county = get_pack("county-protocol")
    assert holiday_calendar(county) == "US"
    assert holiday_calendar(county, get_pack("wisconsin")) == "US-WI"


def test_nevadas_rescreen_after_a_return_is_two_business_days_by_nevadas_calendar():
    returned = pacific(2026, 10, 29, 10, 0)  # the Thursday before Nevada Day
    planned = {p.rule.id: p for p in plan(get_pack("nevada"), triggers=["return"], at=returned)}
    rescreen = planned["rescreen_on_return"]
    assert rescreen.due_at == pacific(2026, 11, 3, 10, 0)
    assert rescreen.clock == "2 business days (weekends and US-NV public holidays skipped)"
    assert planned["return_debrief"].clock in {"immediately", "at the event"}


def test_washingtons_report_is_48_clock_hours_weekends_included():
    friday = pacific(2026, 12, 24, 16, 0)  # Christmas Eve, a Thursday
    (report,) = plan(get_pack("washington"), triggers=["reasonable_cause"], at=friday)
    assert report.due_at == pacific(2026, 12, 26, 16, 0)  # over Christmas Day, not around it
    assert report.clock == "48 hours"


# --- on a case -------------------------------------------------------------------------------


def _in_county(org_type: str, county: str) -> tuple:
    actor = f.user(f.org(org_type), "caseworker")
    found = County.objects.get(pack=county.split("/")[0], slug=county.split("/")[1])
    Organization.objects.filter(pk=actor.membership.organization_id).update(
        county=found, region=found.region, time_zone=found.time_zone
    )
    return actor, found


@pytest.mark.django_db
def test_an_obligation_says_which_rule_set_its_time():
    load_geography("washington")
    actor, _ = _in_county("law_enforcement", "washington/spokane")
    case = cases.open_case(
        actor=actor, youth={"first_name": "Ana", "last_name": "Reyes"}, pack="washington"
    )
    happened = pacific(2025, 12, 24, 16, 0)  # in the past: events cannot be future
    _, started = record_event(
        actor=actor, case_id=case.pk, kind="reasonable_cause", occurred_at=happened, note=""
    )
    (report,) = started
    assert (report.pack, report.kind, report.clock, report.clock_set_by) == (
        "washington",
        "child_welfare_report",
        "48 hours",
        "pack",
    )


@pytest.mark.django_db
def test_a_county_that_adopted_the_county_protocol_gets_its_rape_crisis_referral():
    """A Washington case in Spokane County, which adopted the county protocol: a disclosure in
    custody starts the county protocol's automatic referral (its own pack names none), and in
    a county that did not adopt it nothing starts."""
    load_geography("washington")
    adopt("county-protocol", "washington/spokane")
    actor, _ = _in_county("medical", "washington/spokane")
    case = cases.open_case(
        actor=actor, youth={"first_name": "Ana", "last_name": "Reyes"}, pack="washington"
    )
    happened = pacific(2025, 12, 24, 16, 0)  # in the past: events cannot be future
    _, started = record_event(
        actor=actor, case_id=case.pk, kind="disclosure_in_custody", occurred_at=happened, note=""
    )
    (referral,) = started
    assert (referral.pack, referral.kind, referral.due_at) == (
        "county-protocol",
        "rape_crisis_referral",
        happened,
    )
    assert referral.clock == "immediately" and referral.owner_org_id == case.owner_id

    elsewhere, _ = _in_county("medical", "washington/king")
    other = cases.open_case(
        actor=elsewhere, youth={"first_name": "Bo", "last_name": "Lee"}, pack="washington"
    )
    _, none = record_event(
        actor=elsewhere,
        case_id=other.pk,
        kind="disclosure_in_custody",
        occurred_at=happened,
        note="",
    )
    assert none == []


@pytest.mark.django_db
def test_wisconsins_sexual_assault_starts_the_120_hour_medical_window():
    load_geography("wisconsin")
    actor, _ = _in_county("child_welfare", "wisconsin/dane")
    case = cases.open_case(
        actor=actor, youth={"first_name": "Ana", "last_name": "Reyes"}, pack="wisconsin"
    )
    assaulted = datetime(2025, 12, 24, 22, 0, tzinfo=ZoneInfo(CENTRAL))
    _, started = record_event(
        actor=actor, case_id=case.pk, kind="sexual_assault", occurred_at=assaulted, note=""
    )
    got = {o.kind: o for o in started}
    window = got["medical_evaluation"]
    assert window.due_at == datetime(2025, 12, 29, 22, 0, tzinfo=ZoneInfo(CENTRAL))
    assert window.clock == "120 hours" and window.pack == "wisconsin"
