"""The runaway-prevention guide (9-C) through the API: scored by the pack's instrument (bad
answers named by field), kept with the pack version, in the `safety` compartment, audited."""

from __future__ import annotations

from harborline.audit.models import AuditEvent
from harborline.missing.models import RunawayPrevention
from tests.cases.conftest import Api

from .conftest import share

ANSWERS = {
    "run_triggers": "When staff raise their voice",
    "support_person": "My aunt",
    "interventions_log": [{"intervention": "awol_problem_solve", "rating": "helpful"}],
}


def test_the_guide_is_kept_with_what_helped(world):
    r = world.client.post(f"/cases/{world.case_id}/runaway-prevention", {"answers": ANSWERS})
    assert r.status_code == 201, r.content
    assert r.json()["pack"] == "nevada" and r.json()["pack_version"]
    listed = world.client.get(f"/cases/{world.case_id}/runaway-prevention").json()
    [entry] = listed
    assert entry["answers"]["interventions_log"][0]["rating"] == "helpful"
    assert AuditEvent.objects.filter(object_type="missing.runawayprevention", action="create")
    assert AuditEvent.objects.filter(object_type="missing.runawayprevention", action="view")


def test_an_unknown_rating_is_named(world):
    bad = {"interventions_log": [{"intervention": "awol_problem_solve", "rating": "meh"}]}
    r = world.client.post(f"/cases/{world.case_id}/runaway-prevention", {"answers": bad})
    assert r.status_code == 422
    assert any("rating" in e["field"] for e in r.json()["errors"])
    assert RunawayPrevention.objects.count() == 0


def test_without_safety_it_is_forbidden(world, make_org, make_user):
    org = make_org("law_enforcement")
    client = Api(make_user(org, "caseworker"))
    assert client.get(f"/cases/{world.case_id}/runaway-prevention").status_code == 404
    share(world, org, ["identity"])
    assert client.get(f"/cases/{world.case_id}/runaway-prevention").status_code == 403
    r = client.post(f"/cases/{world.case_id}/runaway-prevention", {"answers": ANSWERS})
    assert r.status_code == 403
