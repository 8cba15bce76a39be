"""Closed-loop referrals through the API (issue 14's contract): POST /api/v1/referrals → 201
requested; each action through POST /referrals/{id}/{action}; an action the state does not allow
→ 409; the receiver sees only the referral's compartments while it is open and nothing once it
ends; an external referral's answers are recorded by the referrer with who said so; the outcome
returns to the CISP task."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from harborline.directory import services
from harborline.directory.models import Provider
from harborline.response.clocks import business_days_after
from tests.cases.conftest import Api, make_org, make_user, open_case  # noqa: F401

pytestmark = pytest.mark.django_db

COURT = {"type": "court_order", "reference": "JV-2026-118"}


@pytest.fixture
def world(make_org, make_user):  # noqa: F811
    services.ensure_taxonomies()
    services.save_rows(
        [
            ("organization", {"id": "o-shelter", "name": "Harbor Shelter", "description": "x"}),
            ("organization", {"id": "o-out", "name": "Faraway Clinic", "description": "x"}),
            (
                "service",
                {
                    "id": "s-bed",
                    "organization_id": "o-shelter",
                    "name": "Shelter bed",
                    "status": "active",
                },
            ),
            (
                "service",
                {
                    "id": "s-out",
                    "organization_id": "o-out",
                    "name": "Clinic visit",
                    "status": "active",
                },
            ),
        ]
    )
    owner_org, shelter_org, police = (
        make_org("child_welfare"),
        make_org("service_provider"),
        make_org("law_enforcement"),
    )
    Provider.objects.filter(hsds_id="o-shelter").update(organization=shelter_org)
    owner = Api(make_user(owner_org))
    shelter = Api(make_user(shelter_org))
    outsider = Api(make_user(police))
    case_id = open_case(owner)
    return {"owner": owner, "shelter": shelter, "outsider": outsider, "case": case_id}


def _refer(world, service="s-bed", **extra):
    body = {
        "case": world["case"],
        "service": service,
        "needs": ["emergency_housing"],
        "compartments": ["identity", "safety"],
        "basis": COURT,
        **extra,
    }
    return world["owner"].post("/referrals", body)


def test_the_whole_loop_and_the_receivers_access(world):
    owner, shelter = world["owner"], world["shelter"]
    assert shelter.get(f"/cases/{world['case']}").status_code == 404
    r = _refer(world)
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "requested"
    rid = r.json()["id"]
    seen = shelter.get(f"/cases/{world['case']}")
    assert seen.status_code == 200
    assert set(seen.json()["sections"]) <= {"identity", "safety"}
    for action, status in [
        ("accept", "accepted"),
        ("start", "in_progress"),
        ("hold", "on_hold"),
        ("resume", "in_progress"),
    ]:
        r = shelter.post(f"/referrals/{rid}/{action}")
        assert r.status_code == 200, (action, r.content)
        assert r.json()["status"] == status
    r = shelter.post(f"/referrals/{rid}/complete", {"outcome": "Placed; settled in"})
    assert r.json()["status"] == "completed"
    mine = owner.get(f"/referrals/{rid}").json()
    assert mine["outcome"] == {"outcome": "Placed; settled in"}
    assert [e["to_status"] for e in mine["events"]] == [
        "requested",
        "accepted",
        "in_progress",
        "on_hold",
        "in_progress",
        "completed",
    ]
    assert shelter.get(f"/cases/{world['case']}").status_code == 404


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (["complete"], 409),
        (["accept", "accept"], 409),
        (["reject"], 422),
        (["accept", "resume"], 409),
        (["accept", "start", "complete", "fail"], 409),
    ],
)
def test_actions_the_state_does_not_allow_are_409(world, path, status):
    rid = _refer(world).json()["id"]
    last = None
    for action in path:
        last = world["shelter"].post(f"/referrals/{rid}/{action}")
    assert last.status_code == status, last.content
    if status == 409:
        assert last["Content-Type"] == "application/problem+json"


def test_only_the_right_side_acts_and_outsiders_see_nothing(world):
    rid = _refer(world).json()["id"]
    assert world["owner"].post(f"/referrals/{rid}/accept").status_code == 409
    assert world["shelter"].post(f"/referrals/{rid}/cancel", {"reason": "x"}).status_code == 409
    assert world["outsider"].get(f"/referrals/{rid}").status_code == 404
    assert world["outsider"].post(f"/referrals/{rid}/accept").status_code == 404
    r = world["owner"].post(f"/referrals/{rid}/cancel", {"reason": "Youth moved away"})
    assert r.json()["status"] == "cancelled"
    assert world["shelter"].get(f"/cases/{world['case']}").status_code == 404


def test_a_declined_referral_names_why(world):
    rid = _refer(world).json()["id"]
    r = world["shelter"].post(f"/referrals/{rid}/reject", {"reason": "No beds for 14-year-olds"})
    assert r.json()["status"] == "rejected"
    assert world["owner"].get(f"/referrals/{rid}").json()["outcome"]["reason"]


def test_an_external_referral_is_answered_by_the_referrer_with_who_said_so(world):
    r = _refer(world, service="s-out")
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    assert r.json()["external"] is True
    refused = world["owner"].post(f"/referrals/{rid}/accept")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "said_by"
    r = world["owner"].post(f"/referrals/{rid}/accept", {"said_by": "Dr. Lane, intake"})
    assert r.json()["status"] == "accepted"
    assert r.json()["events"][-1]["said_by"] == "Dr. Lane, intake"


def test_bad_input_names_the_field_and_writes_nothing(world):
    from harborline.access.models import Share
    from harborline.directory.models import Referral

    r = world["owner"].post(
        "/referrals",
        {"case": world["case"], "service": "nope", "needs": ["x"], "basis": COURT},
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "service"
    r = _refer(world, compartments=["nonsense"])
    assert r.status_code == 422
    assert not Referral.objects.exists() and not Share.objects.exists()
    assert (
        world["outsider"]
        .post(
            "/referrals",
            {"case": world["case"], "service": "s-bed", "needs": ["x"], "basis": COURT},
        )
        .status_code
        == 404
    )


def test_business_days_skip_weekends_and_holidays():
    friday = datetime(2026, 12, 24, 10, 0, tzinfo=UTC)  # Christmas Eve, a Thursday
    assert business_days_after(friday, 1).date().isoformat() == "2026-12-28"
    assert business_days_after(friday, 3).date().isoformat() == "2026-12-30"


def test_the_sweep_starts_a_follow_up_for_a_referral_left_unanswered(world):
    """The worker's sweep (config.cli.run_sweep) starts the pack's `referral_follow_up` once a
    referral has waited the business days without an answer, once per referral, for the team
    that sent it; a referral already answered starts nothing."""
    from datetime import timedelta

    from harborline.config.cli import run_sweep
    from harborline.directory.models import Referral
    from harborline.response.models import Obligation

    waiting = _refer(world).json()["id"]
    answered = _refer(world).json()["id"]
    assert world["shelter"].post(f"/referrals/{answered}/accept", {}).status_code == 200
    sent = Referral.objects.get(pk=waiting).requested_at
    follow_ups = Obligation.objects.filter(case_id=world["case"], kind="referral_follow_up")

    assert run_sweep(now=sent + timedelta(hours=1)).referrals_followed_up == 0
    assert not follow_ups.exists()
    later = sent + timedelta(days=10)
    report = run_sweep(now=later)
    assert report.referrals_followed_up == 1
    assert "1 unanswered referrals to follow up" in report.summary()
    (obligation,) = follow_ups
    assert obligation.trigger == "referral_unanswered"
    assert obligation.owner_org.type == "child_welfare"  # the team that referred, not the shelter
    assert obligation.due_at > obligation.trigger_at > sent
    assert run_sweep(now=later + timedelta(days=1)).referrals_followed_up == 0
    assert follow_ups.count() == 1
