"""Who may read and record missing episodes: the access rule with the `safety` compartment. A case
the caller may not see is 404, the same as one that does not exist; a case they see without its
`safety` compartment is 403 naming it; an organization the case is shared with, `safety`
included, records and reads episodes."""

from __future__ import annotations

import pytest

from harborline.audit.models import AuditEvent
from harborline.missing.models import MissingEpisode
from tests.cases.conftest import Api

from .conftest import ago, report_missing, share


@pytest.fixture
def police(make_org, make_user):
    org = make_org("law_enforcement")
    return org, Api(make_user(org, "caseworker"))


def _calls(case_id: int, episode_id: int) -> list[tuple[str, str, dict]]:
    now = ago(0.5).isoformat()
    return [
        ("get", f"/cases/{case_id}/missing-episodes", {}),
        (
            "post",
            f"/cases/{case_id}/missing-episodes",
            {"last_seen_at": now, "reported_missing_at": now},
        ),
        ("get", f"/missing-episodes/{episode_id}", {}),
        ("post", f"/missing-episodes/{episode_id}/locate-efforts", {"made_at": now, "action": "x"}),
        ("post", f"/missing-episodes/{episode_id}/return", {"returned_at": now}),
        (
            "post",
            f"/missing-episodes/{episode_id}/reports",
            {"to": "ncmec", "report_number": "N-1"},
        ),
    ]


def _call(client: Api, method: str, path: str, body: dict):
    return client.get(path) if method == "get" else client.post(path, body)


def test_without_a_share_every_call_is_not_found(world, police):
    episode_id = report_missing(world).json()["id"]
    _, client = police
    for method, path, body in _calls(world.case_id, episode_id):
        r = _call(client, method, path, body)
        assert r.status_code == 404, (method, path, r.content)
    missing = client.get("/missing-episodes/99999999")
    assert missing.status_code == 404
    assert (
        missing.json()["detail"] == client.get(f"/missing-episodes/{episode_id}").json()["detail"]
    )
    assert MissingEpisode.objects.count() == 1


def test_a_share_without_safety_is_forbidden_naming_the_compartment(world, police):
    episode_id = report_missing(world).json()["id"]
    org, client = police
    share(world, org, ["identity", "screening"])
    for method, path, body in _calls(world.case_id, episode_id):
        r = _call(client, method, path, body)
        assert r.status_code == 403, (method, path, r.content)
        assert "Safety" in r.json()["detail"]
    assert MissingEpisode.objects.count() == 1


def test_a_share_with_safety_reads_and_records_episodes(world, police):
    episode_id = report_missing(world).json()["id"]
    org, client = police
    share(world, org, ["safety"])
    r = client.get(f"/missing-episodes/{episode_id}")
    assert r.status_code == 200
    effort = client.post(
        f"/missing-episodes/{episode_id}/locate-efforts",
        {"made_at": ago(1).isoformat(), "action": "Patrol checked the park"},
    )
    assert effort.status_code == 201
    event = AuditEvent.objects.get(object_type="missing.locateeffort", action="create")
    assert event.owner_org_id == world.org.pk
    assert "safety" in event.compartments
    # The reports are carried by the owning child-welfare agency, not by the police.
    r = client.post(
        f"/missing-episodes/{episode_id}/reports", {"to": "ncmec", "report_number": "N-1"}
    )
    assert r.status_code == 403
