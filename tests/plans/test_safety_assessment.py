"""The CSEC Safety Assessment (9-A) as a record of its own (issue 12): it fulfils the first-contact
safety-assessment obligation (due 2 hours after the contact, not at the instant); the
supplemental gang-related and lethality parts count as safety issues; safety compartment only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from harborline.audit.models import AuditEvent
from harborline.response.models import Obligation, SafetyAssessment, Screening, Status
from tests.cases.conftest import Api

from .conftest import problem_fields, screen_confirmed, share


def _ago(hours: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).replace(microsecond=0).isoformat()


def test_the_first_contact_obligation_is_due_two_hours_after_the_contact(world):
    created = screen_confirmed(world, _ago(1))
    safety = next(o for o in created["obligations"] if o["kind"] == "safety_assessment")
    ob = Obligation.objects.get(pk=safety["id"])
    assert ob.due_at - ob.trigger_at == timedelta(hours=2)
    assert ob.status == Status.OPEN and not ob.is_overdue()


def test_submitting_a_9a_fulfils_the_safety_assessment_obligation(world):
    screen_confirmed(world, _ago(1))
    r = world.client.post(
        f"/cases/{world.case_id}/safety-assessments",
        {"answers": {"trafficker_weapons": "unknown"}, "assessed_at": _ago(0.5)},
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert [o["kind"] for o in body["fulfilled"]] == ["safety_assessment"]
    ob = Obligation.objects.get(case_id=world.case_id, kind="safety_assessment")
    assert ob.status == Status.DONE and ob.completed_by == world.caseworker
    assessment = SafetyAssessment.objects.get(pk=body["id"])
    assert assessment.fulfilled == ob
    # The 9-A is an assessment, not a screening: nothing was filed as one.
    assert not Screening.objects.filter(instrument="safety_assessment").exists()
    # A second assessment (a later point) fulfils nothing more.
    r = world.client.post(
        f"/cases/{world.case_id}/safety-assessments",
        {"answers": {}, "point": "scheduled_mdt"},
    )
    assert r.status_code == 201 and r.json()["fulfilled"] == []


def test_the_supplemental_parts_count_as_safety_issues(world):
    r = world.client.post(
        f"/cases/{world.case_id}/safety-assessments", {"answers": {"lethality_high_risk": "no"}}
    )
    assert r.status_code == 201 and r.json()["issues_identified"] is False
    for answers in (
        {"lethality_assessment_done": "yes", "lethality_high_risk": "yes"},
        {"gang_assessment_done": "yes", "gang_related_trafficking": "yes"},
    ):
        r = world.client.post(f"/cases/{world.case_id}/safety-assessments", {"answers": answers})
        assert r.status_code == 201 and r.json()["issues_identified"] is True, answers


def test_bad_answers_and_point_name_the_field(world):
    r = world.client.post(
        f"/cases/{world.case_id}/safety-assessments",
        {"answers": {"trafficker_weapons": "maybe"}},
    )
    assert r.status_code == 422 and "trafficker_weapons" in str(problem_fields(r))
    r = world.client.post(
        f"/cases/{world.case_id}/safety-assessments",
        {"answers": {}, "assessed_at": "2999-01-01T00:00:00Z"},
    )
    assert r.status_code == 422 and "assessed_at" in problem_fields(r)


def test_only_who_sees_safety_records_one(world, make_org, make_user):
    other = make_org("probation")
    share(world, other, ["identity", "screening"])
    client = Api(make_user(other, "caseworker"))
    r = client.post(f"/cases/{world.case_id}/safety-assessments", {"answers": {}})
    assert r.status_code == 403
    stranger = Api(make_user(make_org("probation"), "caseworker"))
    r = stranger.post(f"/cases/{world.case_id}/safety-assessments", {"answers": {}})
    assert r.status_code == 404
    assert not SafetyAssessment.objects.exists()
    r = world.client.post(f"/cases/{world.case_id}/safety-assessments", {"answers": {}})
    event = AuditEvent.objects.get(
        object_type="response.safetyassessment", object_id=str(r.json()["id"])
    )
    assert event.action == "create" and event.compartments == ["safety"]


def test_a_9a_is_no_longer_filed_as_a_screening(world):
    # Nor are the 9-F, 9-G, 9-C and 11-A: each is a record of its own (issue 12).
    for instrument in (
        "safety_assessment",
        "safety_plan",
        "runaway_report",
        "return_debrief",
        "runaway_prevention",
        "placement_considerations",
    ):
        r = world.client.post(
            f"/cases/{world.case_id}/screenings",
            {
                "instrument": instrument,
                "answers": {},
                "identified_by": "child_welfare",
                "identified_at": _ago(1),
            },
        )
        assert r.status_code == 422
        assert "recorded" in problem_fields(r)["instrument"]
    assert not Screening.objects.exists()


def test_the_screening_page_offers_only_screening_instruments(world):
    from harborline.protocols.packs import get_pack
    from harborline.web.views.cases_screening import youth_instruments

    offered = [i.instrument for i in youth_instruments(get_pack("nevada"))]
    assert offered == ["nrit"]
