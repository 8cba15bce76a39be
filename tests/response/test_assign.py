"""Handing an obligation to another organization (issue 12, decision 0038): an obligation the
pack's rule could not place is held by the case owner "to assign"; the carrier hands it to the
case owner or a case-team organization that can hold its role and sees the case's screening
section. Service, API and case page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from harborline.access.policy import Grant
from harborline.audit.models import Action, AuditEvent
from harborline.cases.models import CaseTeamMember
from harborline.response.models import Obligation
from harborline.response.services import assign_candidates, start_obligations
from tests.access import factories as f
from tests.cases.conftest import Api
from tests.factories import give_totp_device, sign_in

AT = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
OWNER = Grant(compartments=frozenset({"screening"}), via="owner", is_owner=True)


def _team(case, org, by) -> None:
    CaseTeamMember.objects.create(case=case, organization=org, role_on_case="other", added_by=by)


@pytest.fixture
def world(db):
    """A school opens a case: the safety assessment at first contact names no school (L3299-3310),
    so the school holds it "to assign". Then child welfare and a police department join the team;
    child welfare has a share of the screening section, the police department none."""
    school = f.org("education")
    worker = f.user(school, "caseworker")
    case = f.case(worker, notes=False)
    (safety,) = start_obligations(
        actor=worker, case=case, grant=OWNER, triggers=["first_contact"], at=AT
    )
    assert safety.kind == "safety_assessment" and safety.to_assign
    assert safety.owner_org_id == school.pk
    # Later, child welfare and the police join the case team; child welfare gets a share.
    cw, police, medical = f.org("child_welfare"), f.org("law_enforcement"), f.org("medical")
    for org in (cw, police):
        _team(case, org, worker)
    f.share(case, cw, ["screening"], by=worker)
    return {
        "school": school,
        "worker": worker,
        "case": case,
        "cw": cw,
        "police": police,
        "medical": medical,
        "obligation": safety,
    }


def test_the_page_offers_the_team_organizations_that_can_hold_the_role(world):
    o = world["obligation"]
    team = [world["cw"], world["police"]]
    offered = assign_candidates(o, world["case"].owner, team)
    assert offered == sorted([world["cw"], world["police"]], key=lambda x: x.name)
    world["cw"].is_active = False
    assert world["cw"] not in assign_candidates(o, world["case"].owner, team)


def test_handed_to_child_welfare_it_is_theirs_to_close(world):
    o = world["obligation"]
    r = Api(world["worker"]).post(
        f"/obligations/{o.pk}/assign", {"organization": world["cw"].slug, "version": o.version}
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["owner_org"], body["to_assign"]) == (world["cw"].slug, False)
    # The clock did not restart: due 2 hours after first contact on 2 November, so overdue.
    assert body["status"] == "overdue"
    o.refresh_from_db()
    assert (o.trigger_at, o.due_at) == (AT, world["obligation"].due_at)
    event = AuditEvent.objects.filter(
        action=Action.UPDATE, object_type="response.obligation", object_id=str(o.pk)
    ).get()
    assert event.detail == {"assigned_from": world["school"].pk, "assigned_to": world["cw"].pk}
    # The school no longer carries it: it can neither close nor hand it on again.
    again = Api(world["worker"]).post(
        f"/obligations/{o.pk}/assign", {"organization": world["school"].slug}
    )
    assert again.status_code == 403
    # Child welfare's caseworker marks it done.
    cw_worker = f.user(world["cw"], "caseworker")
    done = Api(cw_worker).post(
        f"/obligations/{o.pk}/complete", {"evidence": {"note": "9-A done at the school"}}
    )
    assert done.status_code == 200, done.content


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("police", "cannot see this case's screening"),  # on the team, no share
        ("medical", "on the case team"),  # not on the team
        ("school", "already carries"),
        ("nobody", "no active organization"),
    ],
)
def test_a_target_that_cannot_carry_it_is_refused_naming_the_field(world, target, message):
    o = world["obligation"]
    slug = world[target].slug if target in world else "no-such-org"
    r = Api(world["worker"]).post(f"/obligations/{o.pk}/assign", {"organization": slug})
    assert r.status_code == 422, r.content
    assert [e["field"] for e in r.json()["errors"]] == ["organization"]
    assert message in r.json()["errors"][0]["message"]
    o.refresh_from_db()
    assert (o.owner_org_id, o.to_assign, o.version) == (world["school"].pk, True, 1)


def test_a_stale_version_is_a_conflict_and_a_finished_one_cannot_move(world):
    o = world["obligation"]
    api = Api(world["worker"])
    stale = api.post(
        f"/obligations/{o.pk}/assign", {"organization": world["cw"].slug, "version": 0}
    )
    assert stale.status_code == 409
    Obligation.objects.filter(pk=o.pk).update(status="done")
    done = api.post(f"/obligations/{o.pk}/assign", {"organization": world["cw"].slug})
    assert done.status_code == 409


def test_someone_who_cannot_see_the_case_gets_the_same_not_found(world):
    stranger = f.user(f.org("child_welfare"), "caseworker")
    o = world["obligation"]
    r = Api(stranger).post(f"/obligations/{o.pk}/assign", {"organization": world["cw"].slug})
    missing = Api(stranger).post("/obligations/999999/assign", {"organization": world["cw"].slug})
    assert r.status_code == missing.status_code == 404
    assert r.json()["detail"] == missing.json()["detail"]


def test_the_case_page_shows_to_assign_and_hands_it_over(client, world):
    o = world["obligation"]
    give_totp_device(world["worker"])
    sign_in(client, world["worker"])
    page = client.get(f"/cases/{world['case'].pk}/").content.decode()
    assert "to assign" in page
    assert "Hand to another organization" in page
    assert f'value="{world["cw"].slug}"' in page and f'value="{world["police"].slug}"' in page
    url = f"/cases/{world['case'].pk}/obligations/{o.pk}/assign"
    refused = client.post(
        url,
        {
            f"a{o.pk}-obligation": o.pk,
            f"a{o.pk}-version": o.version,
            f"a{o.pk}-organization": world["police"].slug,
        },
    )
    assert refused.status_code == 422
    assert "share the screening section with it first" in refused.content.decode()
    moved = client.post(
        url,
        {
            f"a{o.pk}-obligation": o.pk,
            f"a{o.pk}-version": o.version,
            f"a{o.pk}-organization": world["cw"].slug,
        },
    )
    assert moved.status_code == 302
    o.refresh_from_db()
    assert o.owner_org_id == world["cw"].pk and not o.to_assign
    page = client.get(f"/cases/{world['case'].pk}/").content.decode()
    assert "Hand to another organization" not in page
