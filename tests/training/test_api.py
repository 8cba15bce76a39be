"""The training API through HTTP with bearer tokens: courses of a pack, recording a person's
training (with who may record it), and a task force's compliance."""

from __future__ import annotations

import pytest

from harborline.people import services as people
from harborline.taskforce.models import Member

from .factories import org, person, taskforce, train, washington_geography

PROBLEM = "application/problem+json"


def bearer_for(user):
    _, raw = people.create_token(actor=None, user=user, days=30, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def field_errors(response):
    assert response["Content-Type"] == PROBLEM
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_courses_of_a_pack_with_their_levels(client, db):
    user = person(org("child_welfare"))
    response = client.get("/api/v1/training-courses?pack=nevada", **bearer_for(user))
    assert response.status_code == 200
    courses = {c["code"]: c for c in response.json()}
    assert {"101A", "101B", "102", "401"} <= courses.keys()
    assert courses["101B"]["title"] == "CSEC Introductory Course – In Person"
    assert courses["101B"]["levels"] == ["basic"]
    assert courses["101B"]["competencies"][:2] == ["W1", "C1"]
    washington = client.get("/api/v1/training-courses?pack=washington", **bearer_for(user)).json()
    assert "CSEC-101" in {c["code"] for c in washington}


def test_unknown_pack_is_422_naming_pack(client, db):
    user = person(org("child_welfare"))
    response = client.get("/api/v1/training-courses?pack=atlantis", **bearer_for(user))
    assert response.status_code == 422
    assert "pack" in field_errors(response)


def test_courses_need_a_token(client, db):
    response = client.get("/api/v1/training-courses?pack=nevada")
    assert response.status_code == 401


def _body(**overrides):
    body = {
        "person": "officer@example.org",
        "course": "CSEC-101",
        "level": "in_depth",
        "completed_on": "2026-03-04",
        "hours": 6,
    }
    body.update(overrides)
    return body


def test_a_supervisor_records_an_officers_training(client, db):
    police = org("law_enforcement")
    officer = person(police, email="officer@example.org")
    supervisor = person(police, role="supervisor")
    response = client.post(
        "/api/v1/training-records",
        _body(),
        content_type="application/json",
        **bearer_for(supervisor),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"] > 0
    assert body | {"id": 0} == {
        "id": 0,
        "person": "officer@example.org",
        "course": "CSEC-101",
        "pack": "washington",
        "level": "in_depth",
        "completed_on": "2026-03-04",
        "hours": 6.0,
        "source": "api",
        "event": None,
    }
    assert officer.training_records.get().recorded_by == supervisor


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"person": "nobody@example.org"}, "person"),
        ({"course": "CSEC-999"}, "course"),
        ({"level": "expert"}, "level"),
        ({"hours": -1}, "hours"),
        ({"completed_on": "2999-01-01"}, "completed_on"),
        ({"completed_on": "yesterday"}, "completed_on"),
        ({"pack": "nevada"}, "course"),
    ],
)
def test_bad_records_are_422_naming_the_field(client, db, body, field):
    police = org("law_enforcement")
    person(police, email="officer@example.org")
    admin = person(police, role="org_admin")
    response = client.post(
        "/api/v1/training-records",
        _body(**body),
        content_type="application/json",
        **bearer_for(admin),
    )
    assert response.status_code == 422
    assert field in field_errors(response)
    assert not police.memberships.filter(user__training_records__isnull=False).exists()


def test_a_person_outside_the_callers_reach_is_422_naming_person_like_an_unknown_one(client, db):
    police = org("law_enforcement")
    person(police, email="officer@example.org")
    outsider = person(org("law_enforcement"), role="supervisor")
    response = client.post(
        "/api/v1/training-records", _body(), content_type="application/json", **bearer_for(outsider)
    )
    unknown = client.post(
        "/api/v1/training-records",
        _body(person="nobody@example.org"),
        content_type="application/json",
        **bearer_for(outsider),
    )
    assert response.status_code == unknown.status_code == 422
    assert field_errors(response) == field_errors(unknown)


def test_taskforce_compliance_through_the_api(client, db):
    _, county = washington_geography()
    police = org("law_enforcement", county=county, name="Harbor Police (synthetic)")
    officer = person(police)
    coordinator = person(org("task_force"), role="coordinator")
    tf = taskforce("washington", police, coordinator=coordinator)
    train(officer, course="CSEC-101", pack="washington", level="in_depth")
    response = client.get(
        f"/api/v1/taskforces/{tf.pk}/training-compliance", **bearer_for(coordinator)
    )
    assert response.status_code == 200
    body = response.json()
    row = next(
        r
        for r in body["requirements"]
        if r["id"] == "law_enforcement_in_depth" and r["subject"] == "Harbor Police (synthetic)"
    )
    assert {k: row[k] for k in ("scope", "required", "actual", "met", "missing")} == {
        "scope": "agency",
        "required": 2,
        "actual": 1,
        "met": False,
        "missing": ["1 more officer with in-depth training"],
    }


def test_unknown_or_hidden_taskforce_compliance_is_404(client, db):
    police = org("law_enforcement")
    tf = taskforce("washington", police)
    stranger = person(org("child_welfare"), role="supervisor")
    for path in (
        f"/api/v1/taskforces/{tf.pk}/training-compliance",
        "/api/v1/taskforces/999999/training-compliance",
    ):
        response = client.get(path, **bearer_for(stranger))
        assert response.status_code == 404
        assert response["Content-Type"] == PROBLEM


def test_member_agency_supervisor_sees_the_taskforce_compliance(client, db):
    police = org("law_enforcement")
    tf = taskforce("washington", police)
    supervisor = person(police, role="supervisor")
    caseworker = person(police)
    assert (
        client.get(
            f"/api/v1/taskforces/{tf.pk}/training-compliance", **bearer_for(supervisor)
        ).status_code
        == 200
    )
    assert (
        client.get(
            f"/api/v1/taskforces/{tf.pk}/training-compliance", **bearer_for(caseworker)
        ).status_code
        == 404
    )
    Member.objects.filter(taskforce=tf).delete()
    assert (
        client.get(
            f"/api/v1/taskforces/{tf.pk}/training-compliance", **bearer_for(supervisor)
        ).status_code
        == 404
    )
