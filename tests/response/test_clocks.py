"""Deadline arithmetic across time zones and daylight-saving changes (property tests), and the
API's reading of `identified_at` around Nevada's 2026 fall-back and 2027 spring-forward."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from hypothesis import example, given, settings
from hypothesis import strategies as st

from harborline.errors import InvalidInput
from harborline.protocols.sections import Due
from harborline.response import clocks
from tests.cases.conftest import NRIT_CONFIRMED

from .conftest import Api

ZONES = (
    "America/Los_Angeles",
    "America/New_York",
    "America/Denver",
    "Pacific/Honolulu",
    "America/Phoenix",
    "Europe/London",
    "UTC",
    "Australia/Lord_Howe",  # a 30-minute daylight-saving shift
)
FIELD = "identified_at"
STEP = timedelta(minutes=15)


@cache
def transitions(zone_name: str) -> tuple[tuple[datetime, timedelta, timedelta], ...]:
    """(UTC instant, offset before, offset after) of every offset change in 2025-2028."""
    zone = ZoneInfo(zone_name)
    found = []
    at = datetime(2025, 1, 1, tzinfo=UTC)
    before = at.astimezone(zone).utcoffset()
    while at < datetime(2029, 1, 1, tzinfo=UTC):
        at += STEP
        after = at.astimezone(zone).utcoffset()
        if after != before:
            assert before is not None and after is not None
            found.append((at, before, after))
            before = after
    return tuple(found)


def test_the_zones_change_their_clocks_as_expected():
    assert len(transitions("America/Los_Angeles")) == 8
    assert len(transitions("Australia/Lord_Howe")) == 8
    assert transitions("Australia/Lord_Howe")[0][2] - transitions("Australia/Lord_Howe")[0][1] in (
        timedelta(minutes=30),
        timedelta(minutes=-30),
    )
    for fixed in ("UTC", "America/Phoenix", "Pacific/Honolulu"):
        assert transitions(fixed) == ()


@st.composite
def near_a_change(draw: st.DrawFn) -> tuple[str, datetime]:
    """A zone and an instant within three days of one of its clock changes (or anywhere in
    2025-2028 for a zone without changes)."""
    zone = draw(st.sampled_from(ZONES))
    changes = transitions(zone)
    if changes:
        base = draw(st.sampled_from(changes))[0]
        minutes = draw(st.integers(-3 * 24 * 60, 3 * 24 * 60))
        seconds = draw(st.integers(0, 59))
        return zone, base + timedelta(minutes=minutes, seconds=seconds)
    instant = draw(
        st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31))
    ).replace(tzinfo=UTC)
    return zone, instant


HOURS = st.one_of(
    st.sampled_from([0.5, 1, 2, 23, 24, 25, 48, 72, 120, 2160]),
    st.integers(1, 24 * 120),
)


@settings(max_examples=300, deadline=None)
@given(near_a_change(), HOURS)
@example(("America/Los_Angeles", datetime(2026, 11, 1, 8, 30, tzinfo=UTC)), 24)
@example(("America/Los_Angeles", datetime(2027, 3, 14, 9, 30, tzinfo=UTC)), 24)
def test_a_clock_of_h_hours_ends_h_elapsed_hours_later(where, hours):
    zone, instant = where
    trigger = instant.astimezone(ZoneInfo(zone))  # however the trigger's zone is written
    due = clocks.due_at(trigger, Due(hours=hours))
    assert due.tzinfo is not None and due.utcoffset() == timedelta(0)
    assert due - trigger == timedelta(hours=hours)
    assert (due - instant).total_seconds() == hours * 3600


@settings(max_examples=300, deadline=None)
@given(near_a_change())
def test_an_existing_local_time_round_trips_to_the_same_wall_clock(where):
    zone_name, instant = where
    zone = ZoneInfo(zone_name)
    wall = instant.astimezone(zone).replace(tzinfo=None)
    at = clocks.event_time(wall, zone_name, FIELD)
    assert at.tzinfo is not None and at.utcoffset() == timedelta(0)
    assert clocks.local(at, zone_name).replace(tzinfo=None) == wall
    # the same instant, or the earlier reading of a wall-clock time that happens twice
    assert at == instant or (at < instant and at.astimezone(zone).fold == 0)


def _gaps_and_overlaps(kind: str) -> list[tuple[str, datetime, timedelta]]:
    """(zone, first wall-clock time of the gap/overlap, its length) for every change."""
    out = []
    for zone in ZONES:
        for at, before, after in transitions(zone):
            shift = after - before
            if (shift > timedelta(0)) == (kind == "gap"):
                start = (at + min(before, after)).replace(tzinfo=None)
                out.append((zone, start, abs(shift)))
    return out


GAPS = _gaps_and_overlaps("gap")
OVERLAPS = _gaps_and_overlaps("overlap")


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(GAPS), st.data())
def test_a_local_time_that_does_not_exist_is_refused_naming_the_field(gap, data):
    zone, start, length = gap
    minutes = data.draw(st.integers(0, int(length.total_seconds() // 60) - 1))
    wall = start + timedelta(minutes=minutes)
    with pytest.raises(InvalidInput) as caught:
        clocks.event_time(wall, zone, FIELD)
    assert [e.field for e in caught.value.errors] == [FIELD]
    assert "does not exist" in caught.value.errors[0].message


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(OVERLAPS), st.data())
def test_an_ambiguous_local_time_is_read_as_the_earlier_instant(overlap, data):
    zone_name, start, length = overlap
    minutes = data.draw(st.integers(0, int(length.total_seconds() // 60) - 1))
    wall = start + timedelta(minutes=minutes)
    zone = ZoneInfo(zone_name)
    earlier = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    later = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    assert earlier < later  # really ambiguous
    assert clocks.event_time(wall, zone_name, FIELD) == earlier


def test_the_gaps_and_overlaps_are_where_the_law_puts_them():
    assert ("America/Los_Angeles", datetime(2027, 3, 14, 2, 0), timedelta(hours=1)) in GAPS
    assert ("America/Los_Angeles", datetime(2026, 11, 1, 1, 0), timedelta(hours=1)) in OVERLAPS
    assert any(z == "Australia/Lord_Howe" and n == timedelta(minutes=30) for z, _, n in GAPS)


# --- through the API --------------------------------------------------------------------------


def _screen(client: Api, case_id: int, identified_at: str):
    return client.post(
        f"/cases/{case_id}/screenings",
        {
            "instrument": "nrit",
            "answers": NRIT_CONFIRMED,
            "identified_by": "law_enforcement",
            "identified_at": identified_at,
        },
    )


def _dues(response) -> dict[str, datetime]:
    return {o["kind"]: datetime.fromisoformat(o["due_at"]) for o in response.json()["obligations"]}


@pytest.mark.parametrize(
    ("identified_at", "start_utc"),
    [
        # 01:30 happens twice on 2026-11-01 in Nevada: the earlier (PDT) reading is used.
        ("2026-11-01T01:30:00", datetime(2026, 11, 1, 8, 30, tzinfo=UTC)),
        ("2026-11-01T01:30:00-08:00", datetime(2026, 11, 1, 9, 30, tzinfo=UTC)),
        ("2026-11-01T01:30:00-07:00", datetime(2026, 11, 1, 8, 30, tzinfo=UTC)),
        ("2026-10-31T23:00:00", datetime(2026, 11, 1, 6, 0, tzinfo=UTC)),
        ("2026-11-01T09:30:00Z", datetime(2026, 11, 1, 9, 30, tzinfo=UTC)),
    ],
)
def test_the_api_reads_identified_at_around_the_fall_back(setup, identified_at, start_utc):
    r = _screen(setup.client, setup.case_id, identified_at)
    assert r.status_code == 201, r.content
    dues = _dues(r)
    assert dues["child_welfare_report"] == start_utc + timedelta(hours=24)
    assert dues["mdt_72h"] == start_utc + timedelta(hours=72)
    assert dues["rapid_response_mdt"] == start_utc + timedelta(hours=2)
    # Due at first contact within the pack's 2 hours, not at the instant (issue 12).
    assert dues["safety_assessment"] == start_utc + timedelta(hours=2)


@pytest.fixture
def after_spring_2027(monkeypatch):
    """Pretend it is 2027-03-20 so that identifications in March 2027 are not in the future."""
    fixed = datetime(2027, 3, 20, 12, 0, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: fixed)
    return fixed


def test_the_api_reads_identified_at_around_the_spring_forward(setup, after_spring_2027):
    client = Api(setup.lead)  # a token valid at the pretended time
    # 01:30 PST exists; 24 elapsed hours later the wall clock says 02:30 PDT
    r = _screen(client, setup.case_id, "2027-03-14T01:30:00")
    assert r.status_code == 201, r.content
    due = _dues(r)["child_welfare_report"]
    assert due == datetime(2027, 3, 15, 9, 30, tzinfo=UTC)
    assert clocks.local(due, "America/Los_Angeles").strftime("%d %H:%M %Z") == "15 02:30 PDT"
    # 02:30 does not exist that night: refused, naming the field, nothing written
    count = len(client.get(f"/cases/{setup.case_id}/obligations").json())
    r = _screen(client, setup.case_id, "2027-03-14T02:30:00")
    assert r.status_code == 422
    assert r["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in r.json()["errors"]] == ["identified_at"]
    assert len(client.get(f"/cases/{setup.case_id}/obligations").json()) == count
    # with its offset the same instant is accepted
    r = _screen(client, setup.case_id, "2027-03-14T03:30:00-07:00")
    assert r.status_code == 201, r.content
