"""Missing and runaway episodes through the API: the 24-hour report clocks from when the agency
learned the youth was missing, credentials refused with nothing stored, the reports completed with
their numbers, locate efforts, the return's obligations, the debrief and the youth's count and
time missing; each write and read in the audit chain."""

from __future__ import annotations

from datetime import datetime, timedelta

from harborline.audit.models import AuditEvent
from harborline.missing.models import LocateEffort, MissingEpisode
from harborline.response.clocks import business_days_after
from harborline.response.models import Obligation

from .conftest import ago, report_missing


def _due(obligations: list[dict], kind: str) -> datetime:
    [row] = [o for o in obligations if o["kind"] == kind]
    return datetime.fromisoformat(row["due_at"])


def test_a_missing_report_starts_both_reports_due_24_hours_after_the_agency_learned(world):
    reported = ago(26)
    r = report_missing(world, reported_missing_at=reported.isoformat())
    assert r.status_code == 201, r.content
    body = r.json()
    kinds = {o["kind"] for o in body["obligations"]}
    assert {"missing_report_law_enforcement", "missing_report_ncmec"} <= kinds
    for kind in ("missing_report_law_enforcement", "missing_report_ncmec"):
        assert _due(body["obligations"], kind) == reported + timedelta(hours=24)
    # 26 hours ago + 24 hours is already past: the clock ran from the event, not from typing.
    assert {o["status"] for o in body["obligations"]} == {"overdue"}
    assert AuditEvent.objects.filter(
        object_type="missing.missingepisode", object_id=str(body["id"]), action="create"
    ).exists()


def test_a_time_without_an_offset_is_read_in_the_organizations_time_zone(world):
    # America/Los_Angeles in December: UTC-8.
    r = report_missing(
        world, last_seen_at="2026-12-01T08:00:00", reported_missing_at="2026-12-01T09:30:00"
    )
    assert r.status_code == 201, r.content
    due = _due(r.json()["obligations"], "missing_report_ncmec")
    assert due.isoformat().startswith("2026-12-02T17:30:00")


def test_a_password_for_a_social_media_account_is_refused_and_nothing_is_stored(world):
    before = Obligation.objects.count()
    r = report_missing(
        world,
        social_media=[
            {"platform": "Instagram", "account": "synthetic.youth"},
            {"platform": "Snapchat", "account": "syn_youth", "password": "hunter2"},
        ],
    )
    assert r.status_code == 422
    assert r["Content-Type"].startswith("application/problem+json")
    problem = r.json()
    assert [e["field"] for e in problem["errors"]] == ["social_media[1].password"]
    assert "never stores passwords" in problem["errors"][0]["message"]
    assert "hunter2" not in r.content.decode()
    assert MissingEpisode.objects.count() == 0
    assert Obligation.objects.count() == before


def test_any_credential_field_is_refused(world):
    for key in ("pin", "Passcode", "access_token", "login", "recovery_email"):
        r = report_missing(world, social_media=[{"account": "syn_youth", key: "x"}])
        assert r.status_code == 422, key
        assert r.json()["errors"][0]["field"] == f"social_media[0].{key}"
    assert MissingEpisode.objects.count() == 0


def test_account_names_are_kept(world):
    r = report_missing(world, social_media=[{"platform": "Instagram", "account": "synthetic.y"}])
    episode = world.client.get(f"/missing-episodes/{r.json()['id']}").json()
    assert episode["social_media"] == [{"platform": "Instagram", "account": "synthetic.y"}]


def test_reported_before_last_seen_is_refused(world):
    r = report_missing(
        world, last_seen_at=ago(2).isoformat(), reported_missing_at=ago(5).isoformat()
    )
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["reported_missing_at"]


def test_a_youth_already_missing_is_not_reported_twice(world):
    assert report_missing(world).status_code == 201
    assert report_missing(world).status_code == 409


def test_a_report_number_completes_the_report(world):
    episode_id = report_missing(world).json()["id"]
    r = world.client.post(
        f"/missing-episodes/{episode_id}/reports",
        {"to": "ncmec", "report_number": "NCMEC-SYN-0001", "reported_at": ago(1).isoformat()},
    )
    assert r.status_code == 200, r.content
    assert r.json()["obligation"]["kind"] == "missing_report_ncmec"
    assert r.json()["obligation"]["status"] == "done"
    done = Obligation.objects.get(pk=r.json()["obligation"]["id"])
    assert done.evidence["report_number"] == "NCMEC-SYN-0001"
    episode = world.client.get(f"/missing-episodes/{episode_id}").json()
    assert episode["ncmec_report_number"] == "NCMEC-SYN-0001"
    statuses = {o["kind"]: o["status"] for o in episode["obligations"]}
    assert statuses["missing_report_ncmec"] == "done"
    assert statuses["missing_report_law_enforcement"] != "done"


def test_locate_efforts_are_logged_in_order(world):
    episode_id = report_missing(world).json()["id"]
    for hours, action in ((20, "Called the youth's aunt"), (22, "Checked the bus station")):
        r = world.client.post(
            f"/missing-episodes/{episode_id}/locate-efforts",
            {"made_at": ago(hours).isoformat(), "action": action, "outcome": "Not there"},
        )
        assert r.status_code == 201, r.content
    episode = world.client.get(f"/missing-episodes/{episode_id}").json()
    assert [e["action"] for e in episode["locate_efforts"]] == [
        "Checked the bus station",
        "Called the youth's aunt",
    ]
    assert LocateEffort.objects.count() == 2


def test_the_return_starts_the_debrief_the_rescreen_and_the_safety_reassessment(world):
    episode_id = report_missing(world).json()["id"]
    returned = ago(2)
    r = world.client.post(
        f"/missing-episodes/{episode_id}/return",
        {"returned_at": returned.isoformat(), "returned_where": "Reno", "found_by": "Police"},
    )
    assert r.status_code == 200, r.content
    obligations = r.json()["obligations"]
    kinds = {o["kind"] for o in obligations}
    assert {"return_debrief", "rescreen_on_return", "safety_reassessment_on_return"} <= kinds
    # Two business days in Nevada's calendar, counted where the case owner is (decision 0057).
    owner_tz = MissingEpisode.objects.get(pk=episode_id).case.owner.time_zone
    rescreen_due = business_days_after(returned, 2, "US-NV", owner_tz)
    assert _due(obligations, "rescreen_on_return") == rescreen_due
    assert _due(obligations, "return_debrief") == returned
    again = world.client.post(
        f"/missing-episodes/{episode_id}/return", {"returned_at": returned.isoformat()}
    )
    assert again.status_code == 409


def test_a_return_before_last_seen_is_refused(world):
    episode_id = report_missing(world).json()["id"]
    r = world.client.post(
        f"/missing-episodes/{episode_id}/return", {"returned_at": ago(40).isoformat()}
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "returned_at"


def _returned(world) -> int:
    episode_id = report_missing(world).json()["id"]
    r = world.client.post(
        f"/missing-episodes/{episode_id}/return", {"returned_at": ago(3).isoformat()}
    )
    assert r.status_code == 200
    return episode_id


def test_the_debrief_fulfils_its_obligation_and_danger_now_opens_an_immediate_response(
    world, make_org
):
    advocates = make_org("community_advocacy")
    episode_id = _returned(world)
    r = world.client.post(
        f"/missing-episodes/{episode_id}/debrief",
        {
            "held_at": ago(1).isoformat(),
            "led_by_name": "Jordan (mentor-advocate the youth chose)",
            "led_by_organization": advocates.slug,
            "in_danger_now": "yes",
            "answers": {"reasons_left": ["unsafe_placement"], "harmed": "no"},
        },
    )
    assert r.status_code == 201, r.content
    started = r.json()["obligations"]
    # Question 1 answered yes: a safety assessment and a rapid response, both due at once
    # (L11314), through the pack's danger_on_return rules.
    assert sorted(o["kind"] for o in started) == [
        "rapid_response_on_danger",
        "safety_assessment_on_danger",
    ]
    assert {o["status"] for o in started} == {"overdue"}  # due at once
    episode = world.client.get(f"/missing-episodes/{episode_id}").json()
    assert episode["debrief"]["led_by_organization"] == advocates.slug
    assert episode["debrief"]["answers"] == {"reasons_left": ["unsafe_placement"], "harmed": "no"}
    statuses = {o["kind"]: o["status"] for o in episode["obligations"]}
    assert statuses["return_debrief"] == "done"


def test_no_danger_starts_nothing_more(world):
    episode_id = _returned(world)
    r = world.client.post(
        f"/missing-episodes/{episode_id}/debrief",
        {"held_at": ago(1).isoformat(), "led_by_name": "Aunt", "in_danger_now": "no"},
    )
    assert r.status_code == 201
    assert r.json()["obligations"] == []


def test_a_debrief_before_the_return_is_a_conflict(world):
    episode_id = report_missing(world).json()["id"]
    r = world.client.post(
        f"/missing-episodes/{episode_id}/debrief",
        {"held_at": ago(1).isoformat(), "led_by_name": "Aunt"},
    )
    assert r.status_code == 409


def test_the_youth_summary_counts_episodes_and_time_missing(world):
    first = report_missing(
        world, last_seen_at=ago(100).isoformat(), reported_missing_at=ago(99).isoformat()
    ).json()["id"]
    world.client.post(f"/missing-episodes/{first}/return", {"returned_at": ago(90).isoformat()})
    report_missing(world, last_seen_at=ago(10).isoformat(), reported_missing_at=ago(9).isoformat())
    r = world.client.get(f"/cases/{world.case_id}/missing-episodes")
    assert r.status_code == 200
    summary = r.json()["summary"]
    assert summary["count"] == 2
    assert summary["missing_now"] is True
    assert summary["last_12_months"] == 2
    assert 19.9 <= summary["total_hours_missing"] <= 20.1  # 10 h returned + 10 h so far
    assert summary["mean_days_between"] == 3.8  # 90 hours apart
    assert AuditEvent.objects.filter(
        object_type="missing.missingepisode", object_id=f"case:{world.case_id}", action="view"
    ).exists()
