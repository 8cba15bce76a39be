"""Every role × where they work × action of `submission_table.py`, through the HTTP API: allowed
is 200/201, denied is 403 or 404 (404 where the submission's existence must not leak)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from harborline.people.roles import Role
from harborline.reports import submissions
from harborline.reports.models import Submission
from harborline.response import services as response
from tests.access import factories as f
from tests.agreements.factories import make_dsa, system_admin
from tests.cases.conftest import Api

from .submission_table import ACTIONS, ROLES, WHERE, allowed, cells

pytestmark = pytest.mark.django_db
YEAR = 2026


def test_the_table_names_every_role():
    assert set(ROLES) == set(Role.values)


@pytest.fixture
def world():
    agency = f.org("child_welfare")
    worker = f.user(agency, "caseworker")
    case = f.case(worker, notes=False)
    response.record_screening(
        actor=worker,
        case_id=case.pk,
        instrument="nrit",
        answers={"cv_self_report": True},
        identified_by="child_welfare",
        identified_at=datetime(YEAR, 3, 1, 18, tzinfo=UTC),
    )
    dsa = make_dsa(agency)
    center = next(p.organization for p in dsa.parties.all() if p.organization != agency)
    orgs = {"agency": agency, "center": center, "other": f.org("probation")}
    preparer = f.user(agency, "analyst")
    return {"dsa": dsa, "orgs": orgs, "preparer": preparer}


def _actor(world, where, role):
    if role == "system_admin":
        return system_admin()
    if role == "coordinator":
        return f.user(f.org("task_force"), "coordinator") if where != "agency" else None
    return f.user(world["orgs"][where], role)


@pytest.mark.parametrize(("where", "role"), [(w, r) for w in WHERE for r in ROLES])
def test_every_cell(world, where, role):
    actor = _actor(world, where, role)
    if actor is None:  # a coordinator works for a task force, never for an agency
        return
    api = Api(actor)
    expect = {a: allowed(where, role, a) for a in ACTIONS}
    body = {"agreement": world["dsa"].pk, "year": YEAR}

    r = api.post("/submissions", body)
    assert (r.status_code == 201) is expect["prepare"], (where, role, "prepare", r.content)
    if r.status_code == 201:
        own = r.json()["id"]
        r = api.post(f"/submissions/{own}/approve")
        assert r.status_code == 403, (where, role, "approve_own", r.content)
        Submission.objects.filter(pk=own).update(status="refused")  # make room for the next

    other = submissions.prepare(world["preparer"], world["dsa"].pk, YEAR)
    r = api.post(f"/submissions/{other.pk}/approve")
    assert (r.status_code == 200) is expect["approve_other"], (where, role, r.content)
    if r.status_code != 200:
        assert r.status_code in (403, 404)
        Submission.objects.filter(pk=other.pk).update(status="submitted")

    r = api.get(f"/submissions/{other.pk}")
    assert (r.status_code == 200) is expect["read"], (where, role, "read", r.content)
    r = api.get(f"/reports/statistical-center?year={YEAR}")
    assert (r.status_code == 200) is expect["center_report"], (where, role, r.content)


def test_the_table_has_every_cell():
    assert len(cells()) == len(WHERE) * len(ROLES) * len(ACTIONS)
