"""Deadline arithmetic. Clocks run from the event's time (when the youth was identified, went
missing, ...), never from when someone typed it in. Hours are elapsed hours: a 24-hour clock
that crosses a daylight-saving change ends 24 real hours later, whatever the wall clock says.
Times are stored in UTC and shown in the organization's time zone.

A pack's clock is in elapsed hours (`due: {hours: 48}`) or in business days (`due:
{business_days: 2}`): business days skip Saturdays, Sundays and the public holidays of the pack's
state, from the `holidays` library (its calendar `US-NV`, `US-WA`, `US-WI`: the manifest's
`holidays`), never a hand-written list (decision 0057). `describe` says in words which rule set a
time, and each obligation keeps those words (`Obligation.clock`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays

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


DEFAULT_CALENDAR = "US"  # the federal holidays, for a pack that names no state


@lru_cache(maxsize=32)
def _calendar(code: str) -> Any:
    """The `holidays` calendar for `US` or `US-NV` (country, then an optional subdivision)."""
    country, _, subdivision = (code or DEFAULT_CALENDAR).partition("-")
    return holidays.country_holidays(country, subdiv=subdivision or None)


def is_business_day(day: date, calendar: str = DEFAULT_CALENDAR) -> bool:
    return day.weekday() < 5 and day not in _calendar(calendar)


def business_days_after(
    start: datetime, days: int, calendar: str = DEFAULT_CALENDAR, tz_name: str = "UTC"
) -> datetime:
    """`start` plus `days` business days, at the same wall-clock time in `tz_name`: each day
    counted is one that is neither a weekend day nor a public holiday of `calendar` (`US`, or a
    state: `US-NV`), judged by its date where the clock runs. An event on a weekend or holiday
    is counted from the next business day (one business day after Saturday 10:00 is Monday
    10:00). The result is aware, in UTC when `start` is."""
    if start.tzinfo is None:
        raise ValueError("start must be aware")
    zone = ZoneInfo(tz_name)
    at, left = start.astimezone(zone), days
    while left > 0:
        at += timedelta(days=1)  # wall-clock arithmetic: the same local time the next day
        if is_business_day(at.date(), calendar):
            left -= 1
    # A wall-clock time the clocks skip on the last day is normalised through UTC.
    return at.astimezone(start.tzinfo)


def due_at(
    trigger_at: datetime, due: Due, calendar: str = DEFAULT_CALENDAR, tz_name: str = "UTC"
) -> datetime:
    """When an obligation falls due: `hours` elapsed after the event, `business_days` after it
    (in the holidays of `calendar`, by the dates of `tz_name`, where the clock runs), or at the
    event itself ("immediately", "at first contact")."""
    if trigger_at.tzinfo is None:
        raise ValueError("trigger_at must be aware")
    start = trigger_at.astimezone(UTC)
    if due.hours is not None:
        return start + timedelta(hours=due.hours)
    if due.business_days is not None:
        return business_days_after(start, due.business_days, calendar, tz_name).astimezone(UTC)
    return start


def describe(due: Due, calendar: str = DEFAULT_CALENDAR) -> str:
    """The clock in words, as an obligation records it: "48 hours", "2 business days
    (weekends and US-NV public holidays skipped)", "immediately", "at the event"."""
    if due.hours is not None:
        hours = int(due.hours) if float(due.hours).is_integer() else due.hours
        return f"{hours} hour{'s' if hours != 1 else ''}"
    if due.business_days is not None:
        n = due.business_days
        return (
            f"{n} business day{'s' if n != 1 else ''} "
            f"(weekends and {calendar or DEFAULT_CALENDAR} public holidays skipped)"
        )
    return "immediately" if due.immediately else "at the event"


def fraction_point(trigger_at: datetime, due: datetime, fraction: float) -> datetime:
    """The moment `fraction` of the window from trigger to due has passed (reminders)."""
    return trigger_at + (due - trigger_at) * fraction


def local(value: datetime, tz_name: str) -> datetime:
    return value.astimezone(ZoneInfo(tz_name))
