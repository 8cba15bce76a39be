"""The meetings API through HTTP with bearer tokens: list, schedule (times with an offset or in
the coordinator organization's zone), attendance; 422 naming the field, 404 for what the caller
may not see, 403 for readers who may not change."""

from __future__ import annotations

import pytest

from harborline.people import services as people
from harborline.taskforce.models import Attendance, Meeting
from tests.factories import UserFactory

PROBLEM = "application/problem+json"


@pytest.fixture
def call(client, tf, coordinator):
    def call(method, path, body=None, user=coordinator):
        _, raw = people.create_token(actor=None, user=user, days=30)
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        if body is not None:
            kwargs.update(data=body, content_type="application/json")
        return getattr(client, method)(f"/api/v1{path}", **kwargs)

    return call


def schedule(call, tf, **body):
    return call(
        "post",
        f"/taskforces/{tf.pk}/meetings",
        {"title": "January", "starts_at": "2027-01-14T09:30:00", **body},
    )


def fields(response):
    assert response["Content-Type"] == PROBLEM
    return [e["field"] for e in response.json()["errors"]]


def test_schedule_in_the_coordinators_zone_or_with_an_offset_and_list(call, tf):
    response = schedule(call, tf, location="Seattle (synthetic)", agenda="Welcome")
    assert response.status_code == 201, response.content
    first = response.json()
    assert first["starts_at"] in ("2027-01-14T17:30:00Z", "2027-01-14T17:30:00+00:00")
    assert first["time_zone"] == "America/Los_Angeles"
    assert (first["location"], first["agenda"], first["present"]) == (
        "Seattle (synthetic)",
        "Welcome",
        0,
    )
    response = schedule(call, tf, title="February", starts_at="2027-02-11T09:30:00-05:00")
    assert response.status_code == 201
    assert (
        Meeting.objects.get(title="February").starts_at.isoformat() == "2027-02-11T14:30:00+00:00"
    )
    listed = call("get", f"/taskforces/{tf.pk}/meetings")
    assert listed.status_code == 200
    assert [m["title"] for m in listed.json()] == ["February", "January"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"starts_at": "next Tuesday"}, "starts_at"),
        ({"starts_at": "2027-03-14T02:30:00"}, "starts_at"),  # skipped by the clocks
        ({"starts_at": "9999-01-01T00:00:00"}, "starts_at"),
        ({"ends_at": "2027-01-14T08:00:00"}, "ends_at"),
        ({"location": "x" * 301}, "location"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_meeting_input_is_422_naming_the_field(call, tf, body, field):
    response = schedule(call, tf, **body)
    assert response.status_code == 422
    assert field in fields(response)
    assert not Meeting.objects.exists()


def test_record_attendance_and_see_it_in_the_list(call, tf):
    meeting = schedule(call, tf).json()
    member = tf.members.get()
    path = f"/taskforces/{tf.pk}/meetings/{meeting['id']}/attendance"
    response = call("post", path, {"member": member.pk, "status": "present"})
    assert response.status_code == 200, response.content
    assert response.json() == {"meeting": meeting["id"], "member": member.pk, "status": "present"}
    response = call("post", path, {"member": member.pk, "status": "excused"})
    assert Attendance.objects.get().status == "excused"  # replaced, not added
    listed = call("get", f"/taskforces/{tf.pk}/meetings").json()
    assert (listed[0]["present"], listed[0]["excused"]) == (0, 1)


def test_bad_attendance_is_422_naming_the_field(call, tf, coordinator):
    meeting = schedule(call, tf).json()
    path = f"/taskforces/{tf.pk}/meetings/{meeting['id']}/attendance"
    member = tf.members.get()
    assert fields(call("post", path, {"member": member.pk, "status": "late"})) == ["status"]
    other = call("post", "/taskforces", {"name": "Other TF", "pack": "washington"}).json()
    stranger = call(
        "post", f"/taskforces/{other['id']}/members", {"person_name": "Pat", "category": "cps"}
    ).json()
    assert fields(call("post", path, {"member": stranger["id"], "status": "present"})) == ["member"]
    assert fields(call("post", path, {"status": "present"})) == ["member"]
    assert not Attendance.objects.exists()


def test_unknown_or_unreadable_task_force_or_meeting_is_404(call, tf, outsider):
    meeting = schedule(call, tf).json()
    member = tf.members.get()
    body = {"member": member.pk, "status": "present"}
    for response in (
        call("get", "/taskforces/999999/meetings"),
        call(
            "post",
            "/taskforces/999999/meetings",
            {"title": "X", "starts_at": "2027-01-01T10:00:00Z"},
        ),
        call("post", f"/taskforces/{tf.pk}/meetings/999999/attendance", body),
        call("get", f"/taskforces/{tf.pk}/meetings", user=outsider),
        call(
            "post", f"/taskforces/{tf.pk}/meetings/{meeting['id']}/attendance", body, user=outsider
        ),
    ):
        assert response.status_code == 404
        assert response["Content-Type"] == PROBLEM
    other = call("post", "/taskforces", {"name": "Other TF", "pack": "washington"}).json()
    # A meeting of another task force is not found under this one.
    assert (
        call(
            "post", f"/taskforces/{other['id']}/meetings/{meeting['id']}/attendance", body
        ).status_code
        == 404
    )


def test_readers_who_may_not_change_get_403(call, tf, staff, sysadmin):
    meeting = schedule(call, tf).json()
    member = tf.members.get()
    assert call("get", f"/taskforces/{tf.pk}/meetings", user=staff).status_code == 200
    response = schedule(lambda *a, **k: call(*a, **k, user=staff), tf)
    assert response.status_code == 403 and response["Content-Type"] == PROBLEM
    response = call(
        "post",
        f"/taskforces/{tf.pk}/meetings/{meeting['id']}/attendance",
        {"member": member.pk, "status": "present"},
        user=staff,
    )
    assert response.status_code == 403
    assert Meeting.objects.count() == 1 and not Attendance.objects.exists()
    # A system administrator manages every task force.
    assert (
        schedule(lambda *a, **k: call(*a, **k, user=sysadmin), tf, title="Admin").status_code == 201
    )


def test_without_a_token_is_401(client, tf):
    response = client.get(f"/api/v1/taskforces/{tf.pk}/meetings")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


def test_every_status_is_in_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").json()["paths"]
    listing = doc["/api/v1/taskforces/{taskforce_id}/meetings"]
    assert set(listing["get"]["responses"]) == {"200", "401", "404", "422"}
    assert set(listing["post"]["responses"]) == {"201", "401", "403", "404", "422"}
    attendance = doc["/api/v1/taskforces/{taskforce_id}/meetings/{meeting_id}/attendance"]
    assert set(attendance["post"]["responses"]) == {"200", "401", "403", "404", "422"}


def test_a_new_user_token_for_another_org_sees_nothing(call, tf):
    someone = UserFactory(role="coordinator")
    assert call("get", f"/taskforces/{tf.pk}/meetings", user=someone).status_code == 404
