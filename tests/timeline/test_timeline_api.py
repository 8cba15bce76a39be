"""The API contract: `GET /api/v1/cases/{id}/timeline` → 200 `[{"at", "kind", "summary", ...}]`
in time order, only what the caller may see; `?kind=` narrows it; an unknown kind is 422 naming
`kind`; a case the caller may not see is 404 like a missing one."""

from __future__ import annotations

from datetime import datetime

from tests.cases.conftest import Api

from .conftest import ADDRESS, seed, share


def test_contract(world):
    seed(world, 2)
    r = world.client.get(f"/cases/{world.case_id}/timeline")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body and all({"at", "kind", "summary"} <= set(e) for e in body)
    times = [datetime.fromisoformat(e["at"]) for e in body]
    assert times == sorted(times)
    assert ADDRESS not in r.content.decode()


def test_kind_filter(world):
    seed(world, 2)
    r = world.client.get(f"/cases/{world.case_id}/timeline?kind=missing")
    assert r.status_code == 200, r.content
    assert {e["kind"] for e in r.json()} == {"missing"}
    bad = world.client.get(f"/cases/{world.case_id}/timeline?kind=nope")
    assert bad.status_code == 422
    assert bad["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in bad.json()["errors"]] == ["kind"]


def test_only_what_the_caller_may_see(world, make_org, make_user):
    seed(world, 1)
    police = make_org("law_enforcement")
    client = Api(make_user(police, "caseworker"))
    assert client.get(f"/cases/{world.case_id}/timeline").status_code == 404
    assert client.get("/cases/99999999/timeline").status_code == 404
    share(world, police, ["identity", "screening"])
    r = client.get(f"/cases/{world.case_id}/timeline")
    assert r.status_code == 200, r.content
    assert {e["kind"] for e in r.json()} == {"screening", "obligation"}
