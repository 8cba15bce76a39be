"""Placements: the history is the one home of the placement address (PUT /placement sets the
current placement's), the 11-A considerations, a disruption starting the MDT review, and the
address never reaching anyone without the `placement_address` compartment — through the case,
the history, the audit trail or an error message."""

from __future__ import annotations

from datetime import date, timedelta

from harborline.audit.models import AuditEvent
from harborline.cases.models import Placement
from harborline.missing.models import CrisisEvent
from tests.cases.conftest import Api

from .conftest import share

ADDRESS = "4417 Quillfeather Lane, Sparks, NV (not real)"
PARTS = ("4417", "Quillfeather", "Sparks")


def _place(world, **extra):
    body = {"kind": "foster_home", "started_on": "2026-11-02", "address": ADDRESS, **extra}
    return world.client.post(f"/cases/{world.case_id}/placements", body)


def test_a_placement_is_recorded_and_becomes_the_current_one(world):
    r = _place(world, considerations={"fit_trained_practices": "yes"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["kind"] == "foster_home" and body["address"] == ADDRESS
    assert body["considerations_complete"] is False
    case = world.client.get(f"/cases/{world.case_id}").json()
    assert case["sections"]["placement_address"]["address"] == ADDRESS
    # A move: the next placement ends the current one the day it starts.
    r = _place(world, kind="csec_group_home", started_on="2026-11-20", address="9 Synthetic Rd")
    history = world.client.get(f"/cases/{world.case_id}/placements").json()
    assert [(p["kind"], p["ended_on"], p["end_reason"]) for p in history] == [
        ("csec_group_home", None, ""),
        ("foster_home", "2026-11-20", "planned"),
    ]
    case = world.client.get(f"/cases/{world.case_id}").json()
    assert case["sections"]["placement_address"]["address"] == "9 Synthetic Rd"


def test_put_placement_sets_the_current_placements_address(world):
    version = world.client.get(f"/cases/{world.case_id}").json()["version"]
    r = world.client.client.put(
        f"/api/v1/cases/{world.case_id}/placement",
        {"version": version, "address": "12 Synthetic Court"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    [only] = Placement.objects.filter(case_id=world.case_id)
    assert only.address == "12 Synthetic Court" and only.kind == "unknown"
    _place(world, started_on=(date.today() + timedelta(days=1)).isoformat())
    version = world.client.get(f"/cases/{world.case_id}").json()["version"]
    world.client.client.put(
        f"/api/v1/cases/{world.case_id}/placement",
        {"version": version, "address": "13 Synthetic Court"},
        content_type="application/json",
    )
    assert Placement.objects.filter(case_id=world.case_id).count() == 2
    case = world.client.get(f"/cases/{world.case_id}").json()
    assert case["sections"]["placement_address"]["address"] == "13 Synthetic Court"


def test_every_11a_question_answered_completes_the_considerations(world):
    answers = {
        "fit_trained_practices": "yes",
        "fit_understands_needs": "yes",
        "fit_can_implement_safety_plan": "yes",
        "fit_support_supervision_level": "no",
        "fit_support_supervision_level_notes": "Needs a 24/7 alarm first",
        "fit_support_available_to_provider": "Weekly visits by the mentor-advocate",
        "fit_accepts_support": "yes",
        "fit_mdt_coordination": "yes",
    }
    r = _place(world, considerations=answers)
    assert r.json()["considerations_complete"] is True
    assert r.json()["considerations"] == answers


def test_a_start_before_the_current_placement_is_refused(world):
    _place(world)
    r = _place(world, started_on="2026-10-01")
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "started_on"


def test_a_disruption_starts_the_mdt_review_due_at_once(world):
    placement_id = _place(world).json()["id"]
    r = world.client.post(
        f"/placements/{placement_id}/end",
        {
            "ended_on": "2026-11-30",
            "reason": "disruption",
            "disrupted_at": "2026-11-30T21:15:00-08:00",
            "note": "Youth left after a conflict",
        },
    )
    assert r.status_code == 200, r.content
    # The pack's `events` rule for a disruption: the MDT reconvenes (L1881-1884) and safety is
    # reassessed (L3309-3310), both due from the disruption (decision 0042).
    started = {o["kind"]: o for o in r.json()["obligations"]}
    assert set(started) == {"event_review", "safety_reassessment_after_crisis"}
    for review in started.values():
        assert review["due_at"].startswith("2026-12-01T05:15:00")
    [event] = CrisisEvent.objects.filter(case_id=world.case_id)
    assert (event.kind, event.placement_id) == ("placement_disruption", placement_id)
    assert event.note == "Youth left after a conflict"
    again = world.client.post(
        f"/placements/{placement_id}/end", {"ended_on": "2026-11-30", "reason": "planned"}
    )
    assert again.status_code == 409


def test_a_planned_end_starts_nothing(world):
    placement_id = _place(world).json()["id"]
    r = world.client.post(
        f"/placements/{placement_id}/end", {"ended_on": "2026-11-30", "reason": "planned"}
    )
    assert r.status_code == 200
    assert r.json()["obligations"] == []


def test_without_placement_address_no_part_of_the_address_is_seen(world, make_org, make_user):
    _place(world)
    police = make_org("law_enforcement")
    client = Api(make_user(police, "caseworker"))
    share(world, police, ["identity", "safety", "screening", "legal"])
    case = client.get(f"/cases/{world.case_id}")
    assert case.status_code == 200
    assert "placement_address" not in case.json()["sections"]
    history = client.get(f"/cases/{world.case_id}/placements")
    assert history.status_code == 200
    assert [p["address"] for p in history.json()] == [None]
    for response in (case, history):
        text = response.content.decode()
        for part in PARTS:
            assert part not in text
    # Trying to change it says which compartment is missing, not what is in it.
    r = client.client.put(
        f"/api/v1/cases/{world.case_id}/placement",
        {"version": case.json()["version"], "address": "x"},
        content_type="application/json",
    )
    assert r.status_code == 403
    assert not any(part in r.content.decode() for part in PARTS)
    # The read is audited without the address compartment.
    event = AuditEvent.objects.filter(object_type="cases.placement", actor_id=client.user.pk).get()
    assert event.compartments == ["safety"]
    assert not any(part in str(event.detail) for part in PARTS)


def test_with_placement_address_the_history_holds_it(world, make_org, make_user):
    _place(world)
    advocates = make_org("community_advocacy")
    client = Api(make_user(advocates, "mentor_advocate"))
    share(world, advocates, ["safety", "placement_address"])
    history = client.get(f"/cases/{world.case_id}/placements").json()
    assert [p["address"] for p in history] == [ADDRESS]


def test_a_share_without_safety_does_not_see_the_history(world, make_org, make_user):
    _place(world)
    org = make_org("service_provider")
    client = Api(make_user(org, "caseworker"))
    share(world, org, ["identity"])
    assert client.get(f"/cases/{world.case_id}/placements").status_code == 403
    stranger = Api(make_user(make_org("law_enforcement"), "caseworker"))
    assert stranger.get(f"/cases/{world.case_id}/placements").status_code == 404


def test_a_reader_cannot_record_placements(world, make_org, make_user):
    org = make_org("community_advocacy")
    client = Api(make_user(org, "mentor_advocate"))
    share(world, org, ["safety", "placement_address"])
    r = client.post(
        f"/cases/{world.case_id}/placements", {"kind": "shelter", "started_on": "2026-11-02"}
    )
    assert r.status_code == 403
    assert Placement.objects.count() == 0
