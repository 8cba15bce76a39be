"""The task-force pages through the Django test client: 404 for outsiders, forms with errors
beside fields, the import preview and confirm, the report page and PDF."""

from __future__ import annotations

import pytest
from django.utils import timezone

from harborline.taskforce import services
from harborline.taskforce.models import Meeting, Member, TaskForce
from tests.factories import give_totp_device, sign_in


@pytest.fixture(autouse=True)
def _no_demo(settings):
    settings.DEMO_MODE = False


def as_(client, user):
    give_totp_device(user)
    return sign_in(client, user)


def test_coordinator_creates_a_task_force_from_the_list(client, coordinator):
    c = as_(client, coordinator)
    response = c.post(
        "/taskforces/", {"name": "", "kind": "regional", "pack": "nevada", "region": ""}
    )
    assert response.status_code == 422 or response.status_code == 400
    assert "usa-error-message" in response.content.decode()
    response = c.post(
        "/taskforces/",
        {"name": "Washoe TF", "kind": "regional", "pack": "nevada", "region": "northern"},
    )
    tf = TaskForce.objects.get(name="Washoe TF")
    assert response.status_code == 302 and response["Location"] == f"/taskforces/{tf.pk}/"
    assert "Washoe TF" in c.get("/taskforces/").content.decode()


def test_home_page_shows_the_month(client, tf, coordinator, staff):
    services.add_action_item(
        actor=coordinator,
        taskforce=tf,
        text="Send the MOU draft",
        due=timezone.localdate() - timezone.timedelta(days=3),
        owner=staff,
    )
    page = as_(client, coordinator).get(f"/taskforces/{tf.pk}/").content.decode()
    assert "Send the MOU draft" in page
    assert "Missing representation: 12 of 13" in page
    assert "Local law enforcement: 1" in page


def test_outsider_gets_404_and_member_reads_without_forms(client, tf, outsider, staff):
    assert as_(client, outsider).get(f"/taskforces/{tf.pk}/").status_code == 404
    client.logout()
    page = as_(client, staff).get(f"/taskforces/{tf.pk}/members")
    assert page.status_code == 200
    assert "Add a member" not in page.content.decode()
    assert client.post(f"/taskforces/{tf.pk}/members", {"who": "person"}).status_code == 404


def test_add_member_errors_sit_beside_the_field(client, tf, coordinator):
    c = as_(client, coordinator)
    response = c.post(
        f"/taskforces/{tf.pk}/members",
        {"who": "organization", "organization": "nowhere", "category": "cps"},
    )
    assert response.status_code == 422
    assert 'id="id_organization_error"' in response.content.decode()
    response = c.post(
        f"/taskforces/{tf.pk}/members",
        {"who": "person", "person_name": "Riley", "category": "survivors", "protected": "on"},
    )
    assert response.status_code == 302
    assert Member.objects.get(person_name="Riley").protected


def test_meeting_attendance_and_action_item(client, tf, coordinator):
    c = as_(client, coordinator)
    response = c.post(
        f"/taskforces/{tf.pk}/meetings",
        {"title": "January", "starts_at": "2027-01-14T09:30", "location": "Reno"},
    )
    meeting = Meeting.objects.get(title="January")
    assert response.status_code == 302
    assert meeting.starts_at.isoformat() == "2027-01-14T17:30:00+00:00"  # Pacific -> UTC
    member = tf.members.first()
    c.post(
        f"/taskforces/{tf.pk}/meetings/{meeting.pk}/attendance", {f"status-{member.pk}": "present"}
    )
    assert meeting.attendance.get().status == "present"
    c.post(
        f"/taskforces/{tf.pk}/meetings/{meeting.pk}/action",
        {"text": "Call", "owner": "", "due": "2027-01-20"},
    )
    assert meeting.action_items.get().text == "Call"
    page = c.get(f"/taskforces/{tf.pk}/meetings/{meeting.pk}/").content.decode()
    assert "9:30 AM" in page


def test_mark_everyone_present_keeps_the_marks_chosen(client, tf, coordinator):
    c = as_(client, coordinator)
    for name in ("Avery", "Blair", "Casey"):
        services.add_member(actor=coordinator, taskforce=tf, person_name=name, category="cps")
    meeting = services.create_meeting(
        actor=coordinator, taskforce=tf, title="March", starts_at=timezone.now()
    )
    members = list(tf.members.order_by("pk"))
    page = c.get(f"/taskforces/{tf.pk}/meetings/{meeting.pk}/").content.decode()
    assert f'type="radio" name="status-{members[0].pk}" value="present"' in page
    assert "Mark everyone present" in page
    response = c.post(
        f"/taskforces/{tf.pk}/meetings/{meeting.pk}/attendance",
        {
            "member": [str(m.pk) for m in members],
            f"status-{members[1].pk}": "excused",
            "everyone": "present",
        },
    )
    assert response.status_code == 302
    got = dict(meeting.attendance.values_list("member_id", "status"))
    assert got == {m.pk: "excused" if m == members[1] else "present" for m in members}


def test_import_preview_then_confirm(client, tf, coordinator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = as_(client, coordinator)
    upload = SimpleUploadedFile(
        "m.csv", b"name,category\nJordan Vale,cps\n", content_type="text/csv"
    )
    response = c.post(f"/taskforces/{tf.pk}/import/members", {"file": upload})
    assert response.status_code == 200
    assert "Row 2: Jordan Vale" in response.content.decode()
    assert not Member.objects.filter(person_name="Jordan Vale").exists()
    response = c.post(f"/taskforces/{tf.pk}/import/members", {"confirm": "1"})
    assert response.status_code == 302
    assert Member.objects.filter(person_name="Jordan Vale").exists()
    bad = SimpleUploadedFile("m.csv", b"name,category\nPat,mayors\n", content_type="text/csv")
    response = c.post(f"/taskforces/{tf.pk}/import/members", {"file": bad})
    assert response.status_code == 422
    assert "nothing was imported" in response.content.decode()


def test_report_page_and_pdf(client, tf, coordinator):
    c = as_(client, coordinator)
    page = c.get(f"/taskforces/{tf.pk}/report?kind=nevada&year=2026")
    assert page.status_code == 200
    assert "Annual report to the Nevada CSEC Coalition" in page.content.decode()
    pdf = c.get(f"/taskforces/{tf.pk}/report.pdf?kind=washington&year=2026")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_exports_download(client, tf, coordinator):
    c = as_(client, coordinator)
    for what in ("members", "representation", "attendance"):
        for fmt in ("csv", "xlsx"):
            response = c.get(f"/taskforces/{tf.pk}/export/{what}.{fmt}")
            assert response.status_code == 200, (what, fmt)
    assert c.get(f"/taskforces/{tf.pk}/export/secrets.csv").status_code == 404


def test_calendar_page_shows_the_link_once(client, staff):
    c = as_(client, staff)
    page = c.post("/taskforces/calendar").content.decode()
    assert "/taskforces/calendar/cal_" in page
    assert "/taskforces/calendar/cal_" not in c.get("/taskforces/calendar").content.decode()
