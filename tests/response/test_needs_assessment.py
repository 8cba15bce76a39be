"""The holistic needs assessment (issue 12, item 2) through the API: immediate and underlying
needs, strengths, the youth's priorities in their words and the CANS domain ratings; one current
version per youth, superseded and kept; the team sees it under its share, another organization
gets a 404; bad input is a 422 naming the field with nothing written; every read and write is
audited in the `safety` compartment."""

from __future__ import annotations

from typing import Any

from harborline.audit.models import AuditEvent
from harborline.instruments.models import InstrumentResponse
from harborline.response.models import NeedsAssessment, Screening
from tests.cases.conftest import Api
from tests.plans.conftest import problem_fields, share
from tests.plans.conftest import world as world  # the fixture: a child-welfare case, dob 2010

ANSWERS: dict[str, Any] = {
    "immediate_needs": [
        {
            "area": "basic_needs",
            "urgency": "basic",
            "need": "A place to sleep tonight",
            "youth_words": "I just want somewhere quiet to sleep",
            "goal": "A bed at the youth shelter",
        },
        {"area": "acute_health", "urgency": "acute", "need": "Care for an injured wrist"},
    ],
    "underlying_needs": [
        {
            "domain": "supportive_relationships",
            "concern": "Runs to an older boyfriend",
            "need": "Belonging and an adult who stays",
            "youth_words": "Nobody else ever showed up for me",
        }
    ],
    "strengths": [{"area": "talents_interests", "strength": "I'm good at drawing"}],
    "youth_priorities": [{"words": "Get back to school with my friends"}],
    "cans_completed_on": "2026-11-30",
    "cans_assessor": "A certified clinician (synthetic)",
    "cans_assessor_certified": True,
    "cans_trauma_ace": "r3",
    "cans_behavioral_emotional": "r2",
    "cans_strengths": "r1",
    "cans_transition_to_adulthood": "r2",
    "cans_modules": ["cse", "runaway"],
}


def _post(client: Api, case_id: int, body: dict[str, Any]) -> Any:
    return client.post(f"/cases/{case_id}/needs-assessments", body)


def test_an_assessment_is_recorded_and_read_back_with_its_cans_ratings(world):
    r = _post(world.client, world.case_id, {"answers": ANSWERS})
    assert r.status_code == 201, r.content
    assert r.json()["version"] == 1
    got = world.client.get(f"/cases/{world.case_id}/needs-assessments").json()
    current = got["current"]
    assert current["id"] == r.json()["id"] and current["version"] == 1
    assert current["answers"]["youth_priorities"] == [
        {"words": "Get back to school with my friends"}
    ]
    assert current["cans"] == {
        "cans_trauma_ace": 3,
        "cans_behavioral_emotional": 2,
        "cans_strengths": 1,
        "cans_transition_to_adulthood": 2,
    }
    assert [h["version"] for h in got["history"]] == [1]
    # Stored as an instrument response with the pack version, not filed as a screening.
    stored = NeedsAssessment.objects.get()
    assert stored.response.instrument == "needs_assessment" and stored.pack_version
    assert not Screening.objects.exists()


def test_a_new_version_supersedes_the_current_one_and_history_is_kept(world):
    first = _post(world.client, world.case_id, {"answers": ANSWERS}).json()
    # A revision says what changed.
    r = _post(world.client, world.case_id, {"answers": ANSWERS})
    assert r.status_code == 422 and "changes" in problem_fields(r)
    # A stale version (someone revised it meanwhile) is a conflict.
    r = _post(world.client, world.case_id, {"answers": {}, "changes": "x", "version": 0})
    assert r.status_code == 409 and "version" in problem_fields(r)
    revised = {**ANSWERS, "cans_trauma_ace": "r2"}
    r = _post(
        world.client,
        world.case_id,
        {"answers": revised, "changes": "CANS re-rated at 30 days", "version": 1},
    )
    assert r.status_code == 201 and r.json()["version"] == 2
    got = world.client.get(f"/cases/{world.case_id}/needs-assessments").json()
    assert got["current"]["version"] == 2 and got["current"]["cans"]["cans_trauma_ace"] == 2
    assert [(h["version"], h["changes"]) for h in got["history"]] == [
        (2, "CANS re-rated at 30 days"),
        (1, "First version"),
    ]
    # The superseded version is still there, as it was.
    old = world.client.get(f"/needs-assessments/{first['id']}").json()
    assert old["version"] == 1 and old["cans"]["cans_trauma_ace"] == 3


def test_bad_input_names_the_field_and_writes_nothing(world):
    cases = [
        (
            {"immediate_needs": [{"area": "hunger", "urgency": "basic", "need": "food"}]},
            "immediate_needs[0].area",
        ),
        ({"underlying_needs": [{"domain": "safety"}]}, "underlying_needs[0].need"),
        ({"cans_trauma_ace": "4"}, "cans_trauma_ace"),
        ({"cans_item_1": "r1"}, "cans_item_1"),
        ({"cans_completed_on": "2026-11-30"}, "cans_assessor"),
        # The youth is 16: the early-childhood domain is not rated for them.
        ({"cans_early_childhood": "r1"}, "cans_early_childhood"),
    ]
    for answers, field in cases:
        r = _post(world.client, world.case_id, {"answers": answers})
        assert r.status_code == 422, (answers, r.content)
        assert field in problem_fields(r), (field, problem_fields(r))
    r = _post(world.client, world.case_id, {"answers": {}, "assessed_at": "2999-01-01T00:00:00Z"})
    assert r.status_code == 422 and "assessed_at" in problem_fields(r)
    r = _post(world.client, world.case_id, {"answers": {}, "surprise": 1})
    assert r.status_code == 422 and "surprise" in problem_fields(r)
    assert not NeedsAssessment.objects.exists()
    assert not InstrumentResponse.objects.filter(instrument="needs_assessment").exists()
    assert not AuditEvent.objects.filter(object_type="response.needsassessment").exists()


def test_the_team_shares_it_under_its_share_and_others_get_404(world, make_org, make_user):
    _post(world.client, world.case_id, {"answers": ANSWERS})
    # A clinician of a mental-health provider the youth's share names (safety) reads it and
    # adds the next version, so the youth is not assessed again.
    clinic = make_org("mental_health")
    share(world, clinic, ["identity", "safety"])
    clinician = Api(make_user(clinic, "caseworker"))
    got = clinician.get(f"/cases/{world.case_id}/needs-assessments")
    assert got.status_code == 200 and got.json()["current"]["version"] == 1
    r = _post(
        clinician,
        world.case_id,
        {"answers": ANSWERS, "changes": "CANS completed by the clinic", "version": 1},
    )
    assert r.status_code == 201 and r.json()["version"] == 2
    # A share without `safety`: 403; no share at all: the same 404 as a case that is not there.
    probation = make_org("probation")
    share(world, probation, ["identity", "screening"])
    officer = Api(make_user(probation, "caseworker"))
    assert officer.get(f"/cases/{world.case_id}/needs-assessments").status_code == 403
    assert _post(officer, world.case_id, {"answers": {}, "changes": "x"}).status_code == 403
    stranger = Api(make_user(make_org("law_enforcement"), "caseworker"))
    for path in (f"/cases/{world.case_id}/needs-assessments", "/cases/999999/needs-assessments"):
        r = stranger.get(path)
        assert r.status_code == 404
    own = NeedsAssessment.objects.order_by("number").first()
    assert stranger.get(f"/needs-assessments/{own.pk}").status_code == 404
    r = _post(stranger, world.case_id, {"answers": ANSWERS, "changes": "x"})
    assert r.status_code == 404
    assert NeedsAssessment.objects.count() == 2


def test_every_read_and_write_is_audited_in_the_safety_compartment(world):
    r = _post(world.client, world.case_id, {"answers": ANSWERS})
    created = AuditEvent.objects.get(
        object_type="response.needsassessment", object_id=str(r.json()["id"])
    )
    assert created.action == "create" and created.compartments == ["safety"]
    before = AuditEvent.objects.filter(action="view").count()
    world.client.get(f"/cases/{world.case_id}/needs-assessments")
    world.client.get(f"/needs-assessments/{r.json()['id']}")
    views = AuditEvent.objects.filter(action="view").order_by("pk")[before:]
    assert [(v.object_type, v.compartments) for v in views] == [
        ("cases.case", ["safety"]),
        ("response.needsassessment", ["safety"]),
    ]


def test_it_is_not_filed_as_a_screening(world):
    r = world.client.post(
        f"/cases/{world.case_id}/screenings",
        {
            "instrument": "needs_assessment",
            "answers": {},
            "identified_by": "child_welfare",
            "identified_at": "2026-11-30T10:00:00Z",
        },
    )
    assert r.status_code == 422
    assert "needs-assessments" in problem_fields(r)["instrument"]
    assert not Screening.objects.exists()


def test_the_cans_part_holds_domain_names_and_ratings_only():
    """The CANS items are licensed: the pack names the nine domains (L3892-3910) and rates each
    0-3 with bare numbers — no item text, no anchor descriptions, no free-text clinical notes."""
    from harborline.protocols.packs import get_pack
    from harborline.response.needs import INSTRUMENT, cans_domains

    instrument = get_pack("nevada").instrument(INSTRUMENT)
    assert set(cans_domains(instrument)) == {
        "cans_trauma_ace",
        "cans_behavioral_emotional",
        "cans_life_functioning",
        "cans_strengths",
        "cans_cultural_factors",
        "cans_risk_behaviors",
        "cans_caregiver_resources_needs",
        "cans_early_childhood",
        "cans_transition_to_adulthood",
    }
    cans = next(s for s in instrument.sections if s.id == "cans")
    for item in cans.items:
        if item.type == "rating":
            assert [(o.label, o.score) for o in item.options] == [
                ("0", 0),
                ("1", 1),
                ("2", 2),
                ("3", 3),
            ]
    assert [i.id for i in cans.items if i.type in ("text", "long_text")] == ["cans_assessor"]
