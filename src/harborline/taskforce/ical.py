"""A person's meetings as an iCalendar feed (RFC 5545), built with the `icalendar` package:
every event carries a stable UID, DTSTAMP and DTSTART/DTEND in UTC."""

from __future__ import annotations

from datetime import UTC, timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from harborline.people.models import User

from .selectors import meetings_for_user

PRODID = "-//Harborline//Task force meetings//EN"
DEFAULT_LENGTH = timedelta(hours=1)


def feed_for(user: User, *, domain: str = "harborline.invalid") -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Harborline task-force meetings")
    stamp = timezone.now().astimezone(UTC).replace(microsecond=0)
    for meeting in meetings_for_user(user):
        start = meeting.starts_at.astimezone(UTC)
        end = (meeting.ends_at or meeting.starts_at + DEFAULT_LENGTH).astimezone(UTC)
        event = Event()
        event.add("uid", f"taskforce-meeting-{meeting.pk}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", end)
        title = meeting.title
        if meeting.subcommittee is not None:
            title = f"{title} ({meeting.subcommittee.name})"
        event.add("summary", f"{meeting.taskforce.name}: {title}")
        if meeting.location:
            event.add("location", meeting.location)
        if meeting.link:
            event.add("url", meeting.link)
        if meeting.agenda:
            event.add("description", meeting.agenda)
        event.add("sequence", meeting.version)
        cal.add_component(event)
    return cal.to_ical()
