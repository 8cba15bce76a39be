"""The calendar feed parses back with icalendar (RFC 5545 fields in UTC); the annual report's
data and PDF; e-mail reminders of action items through django-tasks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from icalendar import Calendar

from harborline.reports import taskforce as reports
from harborline.taskforce import services
from harborline.taskforce.models import ActionItem, CalendarFeed
from harborline.taskforce.tasks import remind, send_action_item_reminders


def test_calendar_feed_parses_back_with_utc_times(client, tf, coordinator, staff, outsider):
    start = datetime(2027, 1, 14, 17, 0, tzinfo=UTC)
    meeting = services.create_meeting(
        actor=coordinator,
        taskforce=tf,
        title="January meeting",
        starts_at=start,
        location="Seattle",
    )
    raw = services.create_calendar_feed(actor=staff)
    assert CalendarFeed.objects.get(user=staff).digest != raw  # only a digest is stored
    response = client.get(f"/taskforces/calendar/{raw}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert str(event["UID"]) == f"taskforce-meeting-{meeting.pk}@testserver"
    assert event["DTSTAMP"].dt.tzinfo is not None
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert "January meeting" in str(event["SUMMARY"])
    # An outsider's feed has no events; a wrong or replaced token is 404.
    other = services.create_calendar_feed(actor=outsider)
    assert not list(
        Calendar.from_ical(client.get(f"/taskforces/calendar/{other}.ics").content).walk("VEVENT")
    )
    assert client.get("/taskforces/calendar/cal_nope.ics").status_code == 404
    services.create_calendar_feed(actor=staff)
    assert client.get(f"/taskforces/calendar/{raw}.ics").status_code == 404


@pytest.fixture
def year_of_meetings(tf, coordinator, staff):
    member = tf.members.first()
    person = services.add_member(
        actor=coordinator,
        taskforce=tf,
        person_name="Jordan",
        category="cps",
        since=date(2024, 1, 1),
    )
    for month, (a, b) in zip(
        (2, 5, 9),
        (("present", "present"), ("present", "absent"), ("absent", "excused")),
        strict=True,
    ):
        m = services.create_meeting(
            actor=coordinator,
            taskforce=tf,
            title=f"M{month}",
            starts_at=datetime(2025, month, 10, 17, tzinfo=UTC),
        )
        services.record_attendance(
            actor=coordinator, meeting=m, statuses={member.pk: a, person.pk: b}
        )
    services.add_action_item(
        actor=coordinator, taskforce=tf, text="Draft MOU", due=date(2025, 3, 1), owner=staff
    )
    return tf


def test_report_data(year_of_meetings, coordinator):
    report = reports.annual_report(
        actor=coordinator, taskforce=year_of_meetings, kind="washington", year=2025
    )
    assert report.start == date(2025, 1, 1) and report.due is None
    assert [m.present for m in report.meetings] == [2, 1, 0]
    assert report.average_attendance == pytest.approx((1 + 0.5 + 0) / 3)
    assert report.member_organizations == []  # the sheriff joined after 2025
    assert report.individuals == 1
    assert report.actions_open == 1 and report.actions_overdue == 1
    assert any("Survivors" in g or "survivors" in g for g in report.gaps)
    assert isinstance(report.training.items, list)
    nevada = reports.annual_report(
        actor=coordinator, taskforce=year_of_meetings, kind="nevada", year=2025
    )
    assert (nevada.start, nevada.end, nevada.due) == (
        date(2024, 7, 1),
        date(2025, 6, 30),
        date(2025, 10, 1),
    )
    assert len(nevada.meetings) == 2


def test_report_svg_and_pdf(year_of_meetings, coordinator):
    report = reports.annual_report(
        actor=coordinator, taskforce=year_of_meetings, kind="washington", year=2025
    )
    svg = reports.attendance_svg(report)
    assert svg.startswith("<svg") and svg.count("<rect") == 3 and "style=" not in svg
    pdf = reports.report_pdf(report)
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 1000


def test_report_refuses_outsiders(tf, outsider):
    from harborline.errors import NotFound

    with pytest.raises(NotFound):
        reports.annual_report(actor=outsider, taskforce=tf)


def test_reminders_mail_owners_of_items_due_in_two_days_or_overdue(tf, coordinator, staff, chair):
    today = date(2026, 12, 2)
    services.add_action_item(
        actor=coordinator,
        taskforce=tf,
        text="Overdue one",
        due=today - timedelta(days=5),
        owner=staff,
    )
    services.add_action_item(
        actor=coordinator, taskforce=tf, text="Due soon", due=today + timedelta(days=2), owner=staff
    )
    services.add_action_item(
        actor=coordinator, taskforce=tf, text="Later", due=today + timedelta(days=3), owner=staff
    )
    done = services.add_action_item(
        actor=coordinator, taskforce=tf, text="Done", due=today, owner=chair
    )
    services.set_action_item_done(actor=coordinator, item=done, done=True, version=1)
    assert remind(today) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [staff.email]
    assert (
        "Overdue one" in message.body and "Due soon" in message.body and "Later" not in message.body
    )
    assert remind(today) == 0  # once a day
    assert ActionItem.objects.filter(last_reminded=today).count() == 2


def test_reminder_task_runs_through_django_tasks(tf, coordinator, staff):
    from django.utils import timezone

    services.add_action_item(
        actor=coordinator, taskforce=tf, text="Call the DA", due=timezone.localdate(), owner=staff
    )
    result = send_action_item_reminders.enqueue()
    assert result.return_value == 1
    assert mail.outbox[0].to == [staff.email]


def test_training_and_agreements_summaries_come_from_their_apps(tf, coordinator):
    training = reports.training_compliance(tf)
    agreements = reports.agreements_summary(tf)
    assert all(hasattr(r, "met") and hasattr(r, "required") for r in training.items)
    assert any(line.startswith("MOUs in force: ") for line in agreements.items)
    report = reports.annual_report(actor=coordinator, taskforce=tf)
    assert reports.report_pdf(report).startswith(b"%PDF")
