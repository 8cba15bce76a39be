"""The youth timeline selector (issue 12, item 7): every kind, in time order, each only if the
viewer's grant sees its compartment, a constant number of queries, one audit read."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from harborline.audit.models import AuditEvent
from harborline.errors import InvalidInput, NotFound
from harborline.missing.timeline import KINDS, timeline

from .conftest import ADDRESS, seed, share


def test_every_kind_in_time_order(world):
    seed(world, 2)
    _, _, entries = timeline(world.caseworker, world.case_id)
    assert {e["kind"] for e in entries} == set(KINDS)
    times = [e["at"] for e in entries]
    assert times == sorted(times)
    # Kinds interleave by time: the first seeded screening comes before the second seeded
    # block's placement, and a screening follows a placement (the second block).
    kinds = [e["kind"] for e in entries]
    assert kinds.index("placement") < len(kinds) - 1 - kinds[::-1].index("screening")
    events = {(e["kind"], e.get("event")) for e in entries}
    assert {("obligation", "started"), ("obligation", "done")} <= events
    assert {("missing", "missing"), ("missing", "returned")} <= events
    assert {("placement", "started"), ("placement", "ended")} <= events


def test_placements_name_the_kind_never_the_address(world):
    seed(world, 1)
    _, _, entries = timeline(world.caseworker, world.case_id)
    placements = [e for e in entries if e["kind"] == "placement"]
    assert placements and all("Foster home" in e["summary"] for e in placements)
    # A placement's date is the start of that day where the owning organization is.
    zone = ZoneInfo(world.org.time_zone)
    assert all(e["at"].astimezone(zone).hour == 0 for e in placements)
    assert ADDRESS not in repr(entries)
    assert "Synthetic Youth Shelter" not in repr(entries)


def test_filter_by_kind(world):
    seed(world, 2)
    _, _, entries = timeline(world.caseworker, world.case_id, ["placement", "meeting"])
    assert {e["kind"] for e in entries} == {"placement", "meeting"}
    with pytest.raises(InvalidInput) as raised:
        timeline(world.caseworker, world.case_id, ["passwords"])
    assert raised.value.errors[0].field == "kind"


def test_viewer_without_safety_sees_no_safety_entries(world, make_org, make_user):
    seed(world, 2)
    other = make_org("law_enforcement")
    share(world, other, ["identity", "screening"])
    _, grant, entries = timeline(make_user(other, "caseworker"), world.case_id)
    assert not grant.sees("safety")
    assert {e["kind"] for e in entries} == {"screening", "obligation"}


def test_viewer_without_access_gets_not_found(world, make_org, make_user):
    seed(world, 1)
    outsider = make_user(make_org("law_enforcement"), "caseworker")
    with pytest.raises(NotFound):
        timeline(outsider, world.case_id)
    with pytest.raises(NotFound):
        timeline(world.caseworker, 99_999_999)


def _queries(world) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        _, _, entries = timeline(world.caseworker, world.case_id)
    return len(ctx.captured_queries), len(entries)


def test_query_count_is_constant_in_the_number_of_events(world, make_org, make_user):
    seed(world, 5)
    few, few_entries = _queries(world)
    seed(world, 45)
    many, many_entries = _queries(world)
    assert many_entries > few_entries + 400
    assert many == few


def test_one_audit_read_naming_the_compartments_shown(world):
    seed(world, 1)
    before = AuditEvent.objects.count()
    timeline(world.caseworker, world.case_id)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-pk").first()
    assert event.action == "view"
    assert event.object_type == "missing.timeline"
    assert set(event.compartments) == {"screening", "safety"}
