"""Deadline arithmetic. Clocks run from the event's time (when the youth was identified, went
missing, ...), never from when someone typed it in. Hours are elapsed hours: a 24-hour clock
that crosses a daylight-saving change ends 24 real hours later, whatever the wall clock says.
Times are stored in UTC and shown in the organization's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from harborline.errors import InvalidInput
from harborline.protocols.sections import Due


def event_time(value: datetime, tz_name: str, field: str) -> datetime:
    """An event's time as an aware UTC datetime. A time without an offset is read in the
    organization's time zone; a wall-clock time that does not exist there (the hour skipped when
    clocks go forward) is refused, and one that happens twice (clocks go back) is read as the
    earlier of the two, so a deadline is never later than the law allows."""
    if value.tzinfo is not None and value.utcoffset() is not None:
        return value.astimezone(UTC)
    zone = ZoneInfo(tz_name)
    first = value.replace(tzinfo=zone, fold=0)
    second = value.replace(tzinfo=zone, fold=1)
    try:
        round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    except OverflowError:  # the first or last hours of year 1 or 9999
        raise InvalidInput.field(field, "give a time between the years 1 and 9999") from None
    # A skipped wall-clock time round-trips to a different wall-clock time.
    if round_trip != value:
        raise InvalidInput.field(
            field,
            f"{value:%Y-%m-%d %H:%M} does not exist in {tz_name} (the clocks moved forward); "
            "give the time with its UTC offset",
        )
    return min(first.astimezone(UTC), second.astimezone(UTC))


def due_at(trigger_at: datetime, due: Due) -> datetime:
    """When an obligation falls due: `hours` elapsed after the event, or at the event itself
    ("immediately", "at first contact")."""
    if trigger_at.tzinfo is None:
        raise ValueError("trigger_at must be aware")
    start = trigger_at.astimezone(UTC)
    if due.hours is not None:
        return start + timedelta(hours=due.hours)
    return start


def fraction_point(trigger_at: datetime, due: datetime, fraction: float) -> datetime:
    """The moment `fraction` of the window from trigger to due has passed (reminders)."""
    return trigger_at + (due - trigger_at) * fraction


def local(value: datetime, tz_name: str) -> datetime:
    return value.astimezone(ZoneInfo(tz_name))
