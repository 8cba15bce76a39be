"""Crisis events (issue 12 item 4, decision 0042) through the API: a return to the exploiter, a
suicide attempt or an arrest is kept on the case and starts, through the pack's `events` rules,
the MDT's review and a safety reassessment due from when it happened; a runaway (a missing
episode) and a placement disruption (a placement ended with that reason) become crisis events
the same way. A 9-A made after the event fulfils the reassessment (one made before does not), a
plan review fulfils the MDT review, a screening after a return fulfils `rescreen_on_return`.
Bad input is a 422 naming the field with nothing written; another organization gets 404."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from harborline.audit.models import AuditEvent
from harborline.missing.models import CrisisEvent
from harborline.protocols.sections import EVENT_KINDS, Obligations
from harborline.response.models import Obligation, Status
from harborline.response.plans import D5_QUESTIONS
from tests.cases.conftest import NRIT_CONFIRMED, Api

from .conftest import ago, report_missing, share

CRISIS = {"event_review", "safety_reassessment_after_crisis"}
FINE = {q: {"needs_change": False, "note": ""} for q in D5_QUESTIONS}


def _event(world, kind: str = "suicide_attempt", **extra):
    body = {"kind": kind, "occurred_at": ago(5).isoformat(), "note": "Synthetic note", **extra}
    return world.client.post(f"/cases/{world.case_id}/events", body)


def _kinds(rows: list[dict]) -> set[str]:
    return {o["kind"] for o in rows}


@pytest.mark.parametrize("kind", ["return_to_exploiter", "suicide_attempt", "arrest"])
def test_an_event_starts_the_mdt_review_and_a_safety_reassessment_due_when_it_happened(world, kind):
    happened = ago(5)
    r = _event(world, kind, occurred_at=happened.isoformat())
    assert r.status_code == 201, r.content
    body = r.json()
    assert _kinds(body["obligations"]) == CRISIS
    for row in body["obligations"]:
        assert datetime.fromisoformat(row["due_at"]) == happened  # due at once (L1881, L3309)
        assert datetime.fromisoformat(row["trigger_at"]) == happened
        assert row["trigger"] == "crisis_event"
        assert row["status"] == "overdue"
    event = CrisisEvent.objects.get(pk=body["id"])
    assert (event.kind, event.note, event.case_id) == (kind, "Synthetic note", world.case_id)
    assert {o.pk for o in event.obligations.all()} == {o["id"] for o in body["obligations"]}
    assert AuditEvent.objects.filter(
        object_type="missing.crisisevent", object_id=str(event.pk), action="create"
    ).exists()
    listed = world.client.get(f"/cases/{world.case_id}/events").json()
    assert [(e["id"], e["kind"], e["note"]) for e in listed] == [(event.pk, kind, "Synthetic note")]
    assert _kinds(listed[0]["obligations"]) == CRISIS
    assert AuditEvent.objects.filter(
        object_type="missing.crisisevent", object_id=f"case:{world.case_id}", action="view"
    ).exists()


def test_a_second_event_links_the_review_still_pending_instead_of_starting_another(world):
    first = _event(world, "arrest").json()
    second = _event(world, "suicide_attempt", occurred_at=ago(2).isoformat()).json()
    assert {o["id"] for o in second["obligations"]} == {o["id"] for o in first["obligations"]}
    assert Obligation.objects.filter(case_id=world.case_id, kind="event_review").count() == 1


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"kind": "runaway"}, "kind", "missing episode"),
        ({"kind": "placement_disruption"}, "kind", "ending the placement"),
        ({"kind": "fell_asleep"}, "kind", "Select what happened"),
        ({"kind": ""}, "kind", "Select what happened"),
        ({"occurred_at": None}, "occurred_at", ""),
        ({"occurred_at": "yesterday"}, "occurred_at", ""),
        (
            {"occurred_at": (datetime.now().astimezone() + timedelta(days=2)).isoformat()},
            "occurred_at",
            "future",
        ),
        ({"note": "x" * 4001}, "note", ""),
    ],
)
def test_bad_input_is_422_naming_the_field_and_nothing_is_written(world, body, field, words):
    before = (CrisisEvent.objects.count(), Obligation.objects.count())
    r = _event(world, **body)
    assert r.status_code == 422, r.content
    assert r["Content-Type"].startswith("application/problem+json")
    errors = r.json()["errors"]
    assert field in [e["field"] for e in errors]
    assert words in " ".join(e["message"] for e in errors if e["field"] == field)
    assert not any("use one of" in e["message"].lower() for e in errors)
    assert (CrisisEvent.objects.count(), Obligation.objects.count()) == before


def test_another_organization_gets_404_and_one_without_safety_403(world, make_org, make_user):
    stranger = Api(make_user(make_org("law_enforcement"), "caseworker"))
    assert (
        stranger.post(
            f"/cases/{world.case_id}/events", {"kind": "arrest", "occurred_at": ago(1).isoformat()}
        ).status_code
        == 404
    )
    assert stranger.get(f"/cases/{world.case_id}/events").status_code == 404
    school = make_org("education")
    share(world, school, ["identity"])
    partial = Api(make_user(school, "caseworker"))
    r = partial.post(
        f"/cases/{world.case_id}/events", {"kind": "arrest", "occurred_at": ago(1).isoformat()}
    )
    assert r.status_code == 403
    assert not CrisisEvent.objects.exists()


def test_a_partner_who_sees_safety_records_an_arrest_and_the_owner_carries_the_review(
    world, make_org, make_user
):
    police = make_org("law_enforcement")
    share(world, police, ["safety"])
    officer = Api(make_user(police, "caseworker"))
    r = officer.post(
        f"/cases/{world.case_id}/events", {"kind": "arrest", "occurred_at": ago(1).isoformat()}
    )
    assert r.status_code == 201, r.content
    owners = {o["kind"]: o["owner_org"] for o in r.json()["obligations"]}
    assert owners == {k: world.org.slug for k in CRISIS}  # the pack's owner rule, not the recorder


def test_a_9a_after_the_event_fulfils_the_reassessment_and_one_before_it_does_not(world):
    _event(world, "suicide_attempt", occurred_at=ago(5).isoformat())
    early = world.client.post(
        f"/cases/{world.case_id}/safety-assessments",
        {"answers": {}, "point": "crisis_or_return", "assessed_at": ago(6).isoformat()},
    )
    assert early.status_code == 201, early.content
    assert early.json()["fulfilled"] == []
    late = world.client.post(
        f"/cases/{world.case_id}/safety-assessments",
        {"answers": {}, "point": "crisis_or_return", "assessed_at": ago(4).isoformat()},
    )
    assert late.status_code == 201, late.content
    assert _kinds(late.json()["fulfilled"]) == {"safety_reassessment_after_crisis"}
    review = Obligation.objects.get(case_id=world.case_id, kind="event_review")
    assert review.status == Status.OPEN  # the MDT review is answered by a plan review


def test_a_plan_review_after_the_event_fulfils_the_mdt_review(world):
    plan = world.client.post(
        f"/cases/{world.case_id}/service-plans",
        {"outcomes": [{"title": "Stay in school", "priority": 1}]},
    )
    assert plan.status_code == 201, plan.content
    _event(world, "return_to_exploiter", occurred_at=ago(2).isoformat())
    r = world.client.post(
        f"/service-plans/{plan.json()['id']}/reviews",
        {"answers": FINE, "result": "not_progressing", "trigger": "return_to_trafficker"},
    )
    assert r.status_code == 201, r.content
    review = Obligation.objects.get(case_id=world.case_id, kind="event_review")
    assert review.status == Status.DONE


def test_a_runaway_is_a_missing_episode_and_a_crisis_event(world):
    reported = ago(26)
    r = report_missing(world, reported_missing_at=reported.isoformat())
    assert r.status_code == 201, r.content
    body = r.json()
    assert {"missing_report_law_enforcement", "missing_report_ncmec"} | CRISIS <= _kinds(
        body["obligations"]
    )
    [event] = CrisisEvent.objects.filter(case_id=world.case_id)
    assert (event.kind, event.episode_id) == ("runaway", body["id"])
    # The review is due from when the agency learned the youth was missing.
    review = next(o for o in body["obligations"] if o["kind"] == "event_review")
    assert datetime.fromisoformat(review["due_at"]) == reported
    detail = world.client.get(f"/missing-episodes/{body['id']}").json()
    assert _kinds(detail["obligations"]) >= CRISIS


def _returned(world, hours_ago: float = 3) -> int:
    episode_id = report_missing(world).json()["id"]
    r = world.client.post(
        f"/missing-episodes/{episode_id}/return", {"returned_at": ago(hours_ago).isoformat()}
    )
    assert r.status_code == 200, r.content
    return episode_id


def _screen(world, identified_at: datetime):
    r = world.client.post(
        f"/cases/{world.case_id}/screenings",
        {
            "instrument": "nrit",
            "answers": NRIT_CONFIRMED,
            "identified_by": "child_welfare",
            "identified_at": identified_at.isoformat(),
        },
    )
    assert r.status_code == 201, r.content
    return r.json()


def test_a_screening_after_the_return_fulfils_rescreen_on_return(world):
    _returned(world, hours_ago=3)
    _screen(world, ago(10))  # screened before the return: not the re-screen
    rescreen = Obligation.objects.get(case_id=world.case_id, kind="rescreen_on_return")
    assert rescreen.status == Status.OPEN
    screening = _screen(world, ago(1))
    rescreen.refresh_from_db()
    assert rescreen.status == Status.DONE
    assert rescreen.evidence == {"screening": screening["id"]}


def test_the_9a_after_the_return_fulfils_both_reassessments(world):
    _returned(world, hours_ago=3)
    r = world.client.post(
        f"/cases/{world.case_id}/safety-assessments",
        {"answers": {}, "point": "crisis_or_return", "assessed_at": ago(2).isoformat()},
    )
    assert r.status_code == 201, r.content
    assert {"safety_reassessment_on_return", "safety_reassessment_after_crisis"} <= _kinds(
        r.json()["fulfilled"]
    )


def test_danger_now_opens_an_immediate_safety_assessment_that_a_later_9a_fulfils(world):
    episode_id = _returned(world, hours_ago=3)
    held = ago(2)
    r = world.client.post(
        f"/missing-episodes/{episode_id}/debrief",
        {"held_at": held.isoformat(), "led_by_name": "Aunt", "in_danger_now": "yes"},
    )
    assert r.status_code == 201, r.content
    started = {o["kind"]: o for o in r.json()["obligations"]}
    assert set(started) == {"safety_assessment_on_danger", "rapid_response_on_danger"}
    for row in started.values():
        assert datetime.fromisoformat(row["due_at"]) == held  # at once, from the debrief
        assert row["trigger"] == "danger_on_return"
    r = world.client.post(
        f"/cases/{world.case_id}/safety-assessments",
        {"answers": {}, "point": "crisis_or_return", "assessed_at": ago(1).isoformat()},
    )
    assert "safety_assessment_on_danger" in _kinds(r.json()["fulfilled"])
    rapid = Obligation.objects.get(case_id=world.case_id, kind="rapid_response_on_danger")
    assert rapid.status == Status.OPEN  # the rapid response is its own obligation


def test_the_timeline_shows_the_event_by_kind_only(world):
    _event(world, "arrest", note="Held at the synthetic county jail")
    r = world.client.get(f"/cases/{world.case_id}/timeline?kind=crisis_event")
    assert r.status_code == 200, r.content
    [entry] = r.json()
    assert (entry["kind"], entry["summary"]) == ("crisis_event", "Crisis event: Arrest")
    assert "jail" not in r.content.decode()


def _rules(events: list[dict]) -> dict:
    obligation = {
        "id": "event_review",
        "title": "Review",
        "trigger": "crisis_event",
        "due": {"immediately": True},
        "owner": {"org_types": ["child_welfare"]},
        "source": "L1881-1884",
    }
    return {"obligations": [obligation], "events": events}


def test_the_pack_events_rules_are_checked_at_load():
    ok = Obligations.model_validate(
        _rules([{"kind": k, "fire": ["crisis_event"], "source": "L1"} for k in EVENT_KINDS])
    )
    assert [e.kind for e in ok.events] == list(EVENT_KINDS)
    for bad, words in [
        ({"kind": "tantrum", "fire": ["crisis_event"], "source": "L1"}, "not an event kind"),
        ({"kind": "arrest", "fire": ["arrested"], "source": "L1"}, "not a trigger"),
        ({"kind": "arrest", "fire": [], "source": "L1"}, "fire"),
        ({"kind": "arrest", "fire": ["crisis_event"], "source": "because"}, "cite"),
    ]:
        with pytest.raises(ValueError, match=words):
            Obligations.model_validate(_rules([bad]))
    twice = {"kind": "arrest", "fire": ["crisis_event"], "source": "L1"}
    with pytest.raises(ValueError, match="unique"):
        Obligations.model_validate(_rules([twice, twice]))


def test_every_event_kind_of_the_model_is_a_kind_the_packs_may_name():
    from harborline.missing.models import EventKind

    assert tuple(EventKind.values) == EVENT_KINDS
