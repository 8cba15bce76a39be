"""Every role × where they work × action of `review_table.py`, through the HTTP API: allowed is
200/201, denied is 403 or 404 (the same 404 whether a pair or a question exists or not)."""

from __future__ import annotations

from harborline.people.roles import Role
from harborline.reports import linking
from harborline.reports.models import CandidatePair, Confirmation, ConfirmationRequest
from tests.access import factories as f
from tests.agreements.factories import system_admin
from tests.cases.conftest import Api

from .center import AT_NEVADAS_CENTER, Center, two_agencies
from .review_table import ACTIONS, ROLES, WHERE, allowed, cells

pytestmark = AT_NEVADAS_CENTER

OK = {"run": 200, "queue": 200, "item": 200, "decide": 200, "ask": 201}


def test_the_table_names_every_role():
    assert set(ROLES) == set(Role.values)


def test_the_table_has_every_cell():
    assert len(cells()) == len(WHERE) * len(ROLES) * len(ACTIONS)


def _actor(orgs, where, role):
    if role == "system_admin":
        return system_admin()
    if role == "coordinator":
        return f.user(f.org("task_force"), "coordinator")
    return f.user(orgs[where], role)


def test_every_cell():
    center = Center.make()
    cw, le = two_agencies(center)
    cw.submit()
    le.submit()
    linking.link_new(center.analyst, lower=0.0001, upper=1.0)
    pair = CandidatePair.objects.get()  # the Reyes pair, waiting for review
    side = "left" if pair.left.organization_id == cw.org.pk else "right"
    asked = linking.ask_agency(center.analyst, pair.pk, side, "Is the date of birth confirmed?")
    orgs = {"center": center.org, "agency": cw.org, "other": f.org("probation")}
    wrong = []
    for where in WHERE:
        for role in ROLES:
            api = Api(_actor(orgs, where, role))
            for action in ACTIONS:
                expect = allowed(where, role, action)
                if action == "run":
                    r = api.post("/linkage/runs", {})
                elif action == "queue":
                    r = api.get("/linkage/pairs")
                elif action == "item":
                    r = api.get(f"/linkage/pairs/{pair.pk}")
                elif action == "decide":
                    r = api.post(
                        f"/linkage/pairs/{pair.pk}/decision",
                        {"decision": "link", "reason": "The same youth, by the pattern"},
                    )
                elif action == "ask":
                    other_side = "right" if side == "left" else "left"
                    r = api.post(
                        f"/linkage/pairs/{pair.pk}/confirmation-requests",
                        {"record": other_side, "question": "Is the ZIP code confirmed?"},
                    )
                    if r.status_code == 201:  # make room for the next asker
                        ConfirmationRequest.objects.filter(pk=r.json()["id"]).update(
                            answer=Confirmation.NO
                        )
                elif action == "requests":
                    r = api.get("/linkage/confirmation-requests")
                elif action == "request":
                    r = api.get(f"/linkage/confirmation-requests/{asked.pk}")
                else:
                    r = api.post(
                        f"/linkage/confirmation-requests/{asked.pk}/answer", {"answer": "yes"}
                    )
                    if r.status_code == 200:  # let the next answerer answer too
                        ConfirmationRequest.objects.filter(pk=asked.pk).update(
                            answer=Confirmation.WAITING
                        )
                got = r.status_code in (200, 201)
                if got and r.status_code != OK.get(action, 200):
                    got = False
                if not got and r.status_code not in (403, 404) or got is not expect:
                    wrong.append((where, role, action, r.status_code, r.content[:200]))
    assert not wrong, wrong


def test_the_agency_sees_its_own_record_and_never_the_other():
    center = Center.make()
    cw, le = two_agencies(center, spelled=("Anna", "Reyes-Lopez"))
    cw.submit()
    le.submit()
    linking.link_new(center.analyst, lower=0.0001, upper=1.0)
    pair = CandidatePair.objects.get()
    side = "left" if pair.left.organization_id == cw.org.pk else "right"
    asked = linking.ask_agency(center.analyst, pair.pk, side, "Is the date of birth confirmed?")
    r = Api(cw.supervisor).get(f"/linkage/confirmation-requests/{asked.pk}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["record"]["first_name"] == "Ana" and body["record"]["last_name"] == "Reyes"
    assert "Anna" not in r.content.decode() and "Lopez" not in r.content.decode()
    assert "pattern" not in body and "probability" not in body
    # The center's view of the pair holds no name at all.
    seen = Api(center.analyst).get(f"/linkage/pairs/{pair.pk}").content.decode()
    assert "Reyes" not in seen and "Ana" not in seen and "2010" not in seen
    r = Api(cw.supervisor).post(
        f"/linkage/confirmation-requests/{asked.pk}/answer", {"answer": "no"}
    )
    assert r.status_code == 200
    item = Api(center.analyst).get(f"/linkage/pairs/{pair.pk}").json()
    assert [q["answer"] for q in item["requests"]] == ["no"]
