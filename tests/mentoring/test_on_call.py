"""on_call_now and the week's schedule: shift boundaries in UTC versus Nevada time, coverage by
county, region, organization and statewide, and the gaps with nobody on call."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from harborline.errors import InvalidInput
from harborline.mentoring import selectors, services
from harborline.mentoring.selectors import on_call_now
from harborline.protocols.models import County
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
NEVADA = ZoneInfo("America/Los_Angeles")


def local(*args):
    return datetime(*args, tzinfo=NEVADA)


@pytest.fixture
def night(program, geography):
    """Avery on call for Washoe County from 17:00 to 08:00 Nevada time, 1-2 December 2026."""
    _, supervisor, a1, _ = program
    return services.add_shift(
        actor=supervisor,
        advocate=a1,
        starts_at=local(2026, 12, 1, 17),
        ends_at=local(2026, 12, 2, 8),
        county="Washoe",
    )


def test_a_shift_is_stored_in_utc(night):
    night.refresh_from_db()
    assert night.starts_at == datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # PST is UTC-8


@pytest.mark.parametrize(
    ("at", "on"),
    [
        (datetime(2026, 12, 2, 0, 59, tzinfo=UTC), False),  # 16:59 in Nevada
        (datetime(2026, 12, 2, 1, 0, tzinfo=UTC), True),  # 17:00 in Nevada: starts
        (local(2026, 12, 2, 7, 59), True),
        (datetime(2026, 12, 2, 16, 0, tzinfo=UTC), False),  # 08:00 in Nevada: ended
    ],
)
def test_a_shift_covers_its_start_but_not_its_end(night, at, on):
    assert (night in on_call_now(at=at)) is on


def test_naive_times_are_refused(night):
    with pytest.raises(InvalidInput):
        on_call_now(at=datetime(2026, 12, 2, 3, 0))


def test_coverage_by_county_region_organization_and_statewide(program, geography, night):
    _, supervisor, a1, a2 = program
    at = local(2026, 12, 1, 22)
    clark_pd = OrganizationFactory(
        slug="lv-pd",
        name="Las Vegas Police",
        type="law_enforcement",
        county=County.objects.get(slug="clark"),
        region=County.objects.get(slug="clark").region,
    )
    statewide = services.add_shift(
        actor=supervisor,
        advocate=a2,
        starts_at=local(2026, 12, 1, 20),
        ends_at=local(2026, 12, 2, 2),
    )
    southern = services.add_shift(
        actor=supervisor,
        advocate=a2,
        starts_at=local(2026, 12, 1, 20),
        ends_at=local(2026, 12, 2, 2),
        region="southern",
    )
    for_pd = services.add_shift(
        actor=supervisor,
        advocate=a1,
        starts_at=local(2026, 12, 1, 20),
        ends_at=local(2026, 12, 2, 2),
        organization=clark_pd,
    )
    assert set(on_call_now(at=at)) == {night, statewide, southern, for_pd}
    assert set(on_call_now(at=at, county="washoe")) == {night, statewide}
    assert set(on_call_now(at=at, county="Clark County")) == {statewide, southern}
    assert set(on_call_now(at=at, organization=clark_pd)) == {statewide, southern, for_pd}
    with pytest.raises(InvalidInput) as caught:
        on_call_now(at=at, county="Atlantis")
    assert caught.value.errors[0].field == "county"


def test_someone_who_left_the_roster_is_not_on_call(program, night):
    _, supervisor, a1, _ = program
    services.update_advocate(actor=supervisor, advocate=a1, version=None, active=False)
    assert on_call_now(at=local(2026, 12, 1, 22)) == []


def test_shift_input_is_checked(program, geography):
    _, supervisor, a1, _ = program
    with pytest.raises(InvalidInput) as caught:
        services.add_shift(
            actor=supervisor,
            advocate=a1,
            starts_at=local(2026, 12, 2, 8),
            ends_at=local(2026, 12, 2, 7),
            county="Washoe",
            region="rural",
            phone="none",
        )
    assert {e.field for e in caught.value.errors} == {"ends_at", "county", "phone"}
    with pytest.raises(InvalidInput):
        services.add_shift(
            actor=supervisor,
            advocate=a1,
            starts_at=datetime(2026, 12, 2, 8),
            ends_at=datetime(2026, 12, 2, 9),
        )


def test_the_week_shows_gaps_in_local_time(program, geography, night):
    _, supervisor, _, a2 = program
    services.add_shift(
        actor=supervisor,
        advocate=a2,
        starts_at=local(2026, 12, 2, 8),
        ends_at=local(2026, 12, 2, 17),
        county="washoe",
    )
    week = selectors.week_schedule(
        start=date(2026, 12, 1), time_zone="America/Los_Angeles", county="washoe"
    )
    first, second = week.days[0], week.days[1]
    assert first.gaps == [(local(2026, 12, 1, 0), local(2026, 12, 1, 17))]
    assert second.gaps == [(local(2026, 12, 2, 17), local(2026, 12, 3, 0))]
    assert len(second.shifts) == 2
    assert week.gap_hours == 7 * 24 - 15 - 9
    assert week.gaps[0] == (local(2026, 12, 1, 0), local(2026, 12, 1, 17))


def test_the_week_across_the_end_of_daylight_saving_has_a_25_hour_day(program, geography):
    _, supervisor, a1, _ = program
    week = selectors.week_schedule(start=date(2026, 11, 1), time_zone="America/Los_Angeles")
    assert week.days[0].gaps[0][1] - week.days[0].gaps[0][0] == timedelta(hours=25)
    assert week.gap_hours == 7 * 24 + 1
