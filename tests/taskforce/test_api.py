"""The task-force API through HTTP with a bearer token: the names are checked from outside."""

from __future__ import annotations

import pytest

from harborline.people import services as people
from harborline.people.models import Organization
from tests.factories import UserFactory

PROBLEM = "application/problem+json"


@pytest.fixture
def api(client, db):
    org = Organization.objects.create(slug="tf-northern", name="Northern TF", type="task_force")
    user = UserFactory(role="coordinator", org=org, email="coord@example.org")
    _, raw = people.create_token(actor=None, user=user, days=30)
    Organization.objects.create(slug="washoe-le", name="Washoe Sheriff", type="law_enforcement")

    def call(method, path, body=None, token=raw):
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if body is not None:
            kwargs.update(data=body, content_type="application/json")
        return getattr(client, method)(f"/api/v1{path}", **kwargs)

    return call


def make_tf(api, pack="washington"):
    response = api(
        "post", "/taskforces", {"name": "King County TF", "region": "king", "pack": pack}
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_create_read_and_add_member(api):
    tf = make_tf(api)
    assert tf["id"] and tf["pack"] == "washington" and tf["coordinator"] == "coord@example.org"
    response = api(
        "post",
        f"/taskforces/{tf['id']}/members",
        {"organization": "washoe-le", "category": "local_law_enforcement"},
    )
    assert response.status_code == 201, response.content
    member = response.json()
    assert member["id"] and member["name"] == "Washoe Sheriff"
    got = api("get", f"/taskforces/{tf['id']}").json()
    assert got["members"] == 1
    listed = api("get", f"/taskforces/{tf['id']}/members").json()
    assert [m["category"] for m in listed] == ["local_law_enforcement"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "region": "", "pack": "atlantis"}, "pack"),
        ({"name": "", "region": "", "pack": "nevada"}, "name"),
    ],
)
def test_bad_task_force_input_is_422_naming_the_field(api, body, field):
    response = api("post", "/taskforces", body)
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert field in {e["field"] for e in response.json()["errors"]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"organization": "nowhere", "category": "cps"}, "organization"),
        ({"organization": "washoe-le", "category": "mayors"}, "category"),
    ],
)
def test_bad_member_input_is_422_naming_the_field(api, body, field):
    tf = make_tf(api)
    response = api("post", f"/taskforces/{tf['id']}/members", body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_unknown_task_force_is_404(api):
    assert api("get", "/taskforces/999999").status_code == 404
    assert api("get", "/taskforces/999999/members").status_code == 404
    response = api(
        "post", "/taskforces/999999/members", {"organization": "washoe-le", "category": "cps"}
    )
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_someone_elses_task_force_is_404_and_a_caseworker_cannot_create(api, client, db):
    tf = make_tf(api)
    other = UserFactory(role="caseworker", email="cw@example.org")
    _, raw = people.create_token(actor=None, user=other, days=30)
    assert api("get", f"/taskforces/{tf['id']}", token=raw).status_code == 404
    response = api("post", "/taskforces", {"name": "X", "region": "", "pack": "nevada"}, token=raw)
    assert response.status_code == 403


def test_protected_member_is_masked_for_members_of_member_orgs(api, db):
    tf = make_tf(api)
    api("post", f"/taskforces/{tf['id']}/members", {"organization": "washoe-le", "category": "cps"})
    response = api(
        "post",
        f"/taskforces/{tf['id']}/members",
        {"person_name": "Riley Survivor", "category": "survivors", "protected": True},
    )
    assert response.json()["name"] == "Riley Survivor"  # the coordinator sees it
    staff = UserFactory(role="caseworker", org=Organization.objects.get(slug="washoe-le"))
    _, raw = people.create_token(actor=None, user=staff, days=30)
    names = [m["name"] for m in api("get", f"/taskforces/{tf['id']}/members", token=raw).json()]
    assert "Riley Survivor" not in names
    assert "Protected member (survivor)" in names
