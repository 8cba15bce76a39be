"""Reads of the mentor-advocate program: the roster with its flags (caseload against 7-12,
background check, readiness review, weekly supervision), who is on call now, and the week's
schedule with its gaps."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from harborline.errors import InvalidInput, NotFound
from harborline.people.models import Organization, User
from harborline.protocols.geography import find_county
from harborline.protocols.home import home_pack_name
from harborline.protocols.models import County

from .models import (
    BACKGROUND_CHECK_WARN_DAYS,
    SUPERVISION_EVERY_DAYS,
    MentorAdvocate,
    OnCallShift,
)
from .permissions import Do, Scope, may_on, organization_filter, scope_for, sees_private

if TYPE_CHECKING:
    from .models import ReadinessReview, SupervisionSession


def _local_today(actor: User | None, at: datetime | None = None) -> date:
    m = actor.membership_or_none if actor is not None else None
    tz = m.organization.time_zone if m else "America/Los_Angeles"
    return (at or timezone.now()).astimezone(ZoneInfo(tz)).date()


def visible_advocates(*, actor: User, include_inactive: bool = False) -> QuerySet[MentorAdvocate]:
    scope = scope_for(actor, Do.READ)
    qs = MentorAdvocate.objects.select_related("user", "organization")
    if not include_inactive:
        qs = qs.filter(active=True)
    if scope is None:
        return qs.none()
    if scope == Scope.SELF:
        return qs.filter(user=actor)
    if scope in (Scope.ORG, Scope.TASK_FORCE):
        return qs.filter(organization_filter(actor, scope))
    return qs


def get_advocate(*, actor: User, pk: int, do: Do | None = None) -> MentorAdvocate:
    """A mentor-advocate the actor sees (and may `do` that on, when given); NotFound
    otherwise."""
    found = visible_advocates(actor=actor, include_inactive=True).filter(pk=pk).first()
    if found is None or (do is not None and not may_on(actor, do, found)):
        raise NotFound()
    return found


def counties() -> QuerySet[County]:
    """The installation's own counties, by their qualified name: a name several packs have
    (Clark County) would otherwise be listed three times and be ambiguous."""
    return County.objects.filter(pack=home_pack_name()).order_by("name")


# --- caseload ------------------------------------------------------------------------------


def caseloads(user_ids: Iterable[int]) -> dict[int, int]:
    """Open cases on which each user is an active mentor-advocate of the case team."""
    from harborline.cases.models import CaseTeamMember  # the cases app is imported lazily

    ids = list(user_ids)
    rows = (
        CaseTeamMember.objects.filter(
            user_id__in=ids, role_on_case="mentor_advocate", active=True, case__status="open"
        )
        .values("user_id")
        .annotate(n=Count("case_id", distinct=True))
    )
    found = {r["user_id"]: r["n"] for r in rows}
    return {uid: found.get(uid, 0) for uid in ids}


def caseload_status(count: int, *, low: int, high: int) -> tuple[str, str]:
    """('above'|'below'|'ok', message) against the protocol's suggested caseload."""
    if count > high:
        return "above", f"{count} open cases: above the maximum of {high}"
    if count < low:
        return "below", f"{count} open cases: below the suggested {low}-{high}"
    return "ok", f"{count} open cases (suggested {low}-{high})"


# --- the roster ----------------------------------------------------------------------------


@dataclass
class RosterRow:
    advocate: MentorAdvocate
    caseload: int
    caseload_state: str
    caseload_message: str
    background_state: str  # missing | expired | expiring | current
    background_expires_on: date | None
    last_supervision_on: date | None
    supervision_overdue: bool
    shows_private: bool
    readiness_next_due: date | None = None
    readiness_state: str = ""  # "" (not shown / not a survivor) | missing | overdue | current
    flags: list[str] = field(default_factory=list)


def _background(advocate: MentorAdvocate, today: date) -> tuple[str, date | None]:
    expires = advocate.background_check_expires_on()
    if expires is None:
        return "missing", None
    if expires < today:
        return "expired", expires
    if (expires - today).days <= BACKGROUND_CHECK_WARN_DAYS:
        return "expiring", expires
    return "current", expires


def supervision_overdue(last: date | None, today: date) -> bool:
    """No supervision logged in the last 7 days (today and the six days before)."""
    return last is None or (today - last).days >= SUPERVISION_EVERY_DAYS


def roster(
    *, actor: User, at: datetime | None = None, organization: Organization | None = None
) -> list[RosterRow]:
    today = _local_today(actor, at)
    advocates = visible_advocates(actor=actor).prefetch_related("readiness_reviews")
    if organization is not None:
        advocates = advocates.filter(organization=organization)
    advocates = advocates.annotate(last_supervision=_max_held_on())
    items = list(advocates)
    loads = caseloads([a.user_id for a in items])
    return [_row(actor, a, today, loads[a.user_id], a.last_supervision) for a in items]


def _max_held_on():  # type: ignore[no-untyped-def]  # returns a query expression
    from django.db.models import Max

    return Max("supervision__held_on")


def row_for(*, actor: User, advocate: MentorAdvocate, at: datetime | None = None) -> RosterRow:
    today = _local_today(actor, at)
    last = advocate.supervision.order_by("-held_on").values_list("held_on", flat=True).first()
    return _row(actor, advocate, today, caseloads([advocate.user_id])[advocate.user_id], last)


def _row(
    actor: User, advocate: MentorAdvocate, today: date, load: int, last: date | None
) -> RosterRow:
    state, message = caseload_status(load, low=advocate.caseload_min, high=advocate.caseload_max)
    bg_state, bg_expires = _background(advocate, today)
    row = RosterRow(
        advocate=advocate,
        caseload=load,
        caseload_state=state,
        caseload_message=message,
        background_state=bg_state,
        background_expires_on=bg_expires,
        last_supervision_on=last,
        supervision_overdue=supervision_overdue(last, today),
        shows_private=sees_private(actor, advocate),
    )
    if row.shows_private and advocate.is_survivor:
        reviews: list[ReadinessReview] = sorted(
            advocate.readiness_reviews.all(), key=lambda r: r.reviewed_on, reverse=True
        )
        if not reviews:
            row.readiness_state = "missing"
        else:
            row.readiness_next_due = reviews[0].next_due_on
            row.readiness_state = "overdue" if reviews[0].next_due_on < today else "current"
    if state == "above":
        row.flags.append(message)
    if bg_state in ("missing", "expired"):
        row.flags.append(f"background check {bg_state}")
    if row.supervision_overdue:
        row.flags.append("no supervision logged in the last 7 days")
    if row.readiness_state in ("missing", "overdue"):
        row.flags.append(f"readiness review {row.readiness_state}")
    return row


def supervision_log(*, actor: User, advocate: MentorAdvocate) -> list[SupervisionSession]:
    get_advocate(actor=actor, pk=advocate.pk)
    return list(advocate.supervision.select_related("supervisor")[:52])


# --- on call -------------------------------------------------------------------------------


def _coverage(county: str | None, organization: Organization | None) -> Q | None:
    """Shifts that cover the county and/or organization asked about (statewide shifts cover
    everything); None when nothing narrows the question."""
    if not county and organization is None:
        return None
    q = Q(county__isnull=True, region__isnull=True, organization__isnull=True)
    if county:
        found = find_county(county)
        if found is None:
            raise InvalidInput.field("county", f"no county named {county!r}")
        q |= Q(county=found) | Q(region_id=found.region_id)
    if organization is not None:
        q |= Q(organization=organization)
        if organization.county_id:
            q |= Q(county_id=organization.county_id)
        if organization.region_id:
            q |= Q(region_id=organization.region_id)
    return q


def on_call_now(
    *,
    at: datetime | None = None,
    county: str | None = None,
    organization: Organization | None = None,
) -> list[OnCallShift]:
    """The shifts on call at `at` (default now; a shift runs from its start up to, not
    including, its end) covering `county` (a name or slug) and/or `organization`: their own
    shifts, their county's and region's, and statewide ones. Active roster members only."""
    at = at or timezone.now()
    if timezone.is_naive(at):
        raise InvalidInput.field("at", "give a time with its time zone")
    qs = OnCallShift.objects.filter(starts_at__lte=at, ends_at__gt=at, advocate__active=True)
    coverage = _coverage(county, organization)
    if coverage is not None:
        qs = qs.filter(coverage)
    return list(
        qs.select_related(
            "advocate__user", "advocate__organization", "county", "region", "organization"
        ).order_by("starts_at", "id")
    )


@dataclass
class DaySchedule:
    day: date
    shifts: list[OnCallShift]
    gaps: list[tuple[datetime, datetime]]


@dataclass
class WeekSchedule:
    start: date
    time_zone: str
    days: list[DaySchedule]
    gaps: list[tuple[datetime, datetime]]

    @property
    def gap_hours(self) -> float:
        return round(sum((e - s).total_seconds() for s, e in self.gaps) / 3600, 1)


def _merge(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for s, e in sorted(intervals):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def gaps_between(
    covered: list[tuple[datetime, datetime]], start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The parts of [start, end) that no interval covers."""
    gaps = []
    cursor = start
    for s, e in _merge([(max(s, start), min(e, end)) for s, e in covered if e > start and s < end]):
        if s > cursor:
            gaps.append((cursor, s))
        cursor = max(cursor, e)
    if cursor < end:
        gaps.append((cursor, end))
    return gaps


def week_schedule(
    *,
    start: date,
    time_zone: str,
    county: str | None = None,
    organization: Organization | None = None,
) -> WeekSchedule:
    """Seven local days from `start` in `time_zone`: each day's shifts and the stretches with
    nobody on call (for the county/organization asked about, or anyone at all)."""
    tz = ZoneInfo(time_zone)
    # Bounds in UTC: subtracting two times of one ZoneInfo gives wall-clock, not elapsed, time.
    bounds = [
        datetime.combine(start + timedelta(days=i), time(0), tzinfo=tz).astimezone(UTC)
        for i in range(8)
    ]
    qs = OnCallShift.objects.filter(
        starts_at__lt=bounds[-1], ends_at__gt=bounds[0], advocate__active=True
    ).select_related("advocate__user", "county", "region", "organization")
    coverage = _coverage(county, organization)
    if coverage is not None:
        qs = qs.filter(coverage)
    shifts = list(qs.order_by("starts_at", "id"))
    covered = [(s.starts_at, s.ends_at) for s in shifts]
    days = []
    for i in range(7):
        lo, hi = bounds[i], bounds[i + 1]
        days.append(
            DaySchedule(
                day=start + timedelta(days=i),
                shifts=[s for s in shifts if s.starts_at < hi and s.ends_at > lo],
                gaps=gaps_between(covered, lo, hi),
            )
        )
    return WeekSchedule(
        start=start,
        time_zone=time_zone,
        days=days,
        gaps=gaps_between(covered, bounds[0], bounds[-1]),
    )


def program_candidates(*, actor: User) -> QuerySet[User]:
    """Users the actor may add to the roster: active users of their organization (any of them
    for a system admin) not already on it, ordered by role and email."""
    scope = scope_for(actor, Do.MANAGE)
    qs = User.objects.filter(is_active=True, membership__isnull=False).exclude(
        mentor_profile__active=True
    )
    if scope is None:
        return qs.none()
    if scope != Scope.ANY:
        qs = qs.filter(membership__organization_id=actor.membership.organization_id)
    return qs.select_related("membership__organization").order_by("membership__role", "email")


def advocate_page(*, actor: User, advocate: MentorAdvocate) -> dict[str, object]:
    """What a mentor-advocate's page shows the actor: the roster row, the private parts
    (readiness reviews) only to those who see them, the supervision log, the coming shifts,
    and what the actor may do."""
    private = sees_private(actor, advocate)
    return {
        "m": advocate,
        "row": row_for(actor=actor, advocate=advocate),
        "private": private,
        "reviews": list(advocate.readiness_reviews.all()[:12]) if private else [],
        "sessions": supervision_log(actor=actor, advocate=advocate),
        "shifts": list(
            advocate.shifts.filter(ends_at__gt=timezone.now()).select_related(
                "county", "region", "organization"
            )[:20]
        ),
        "may_manage": may_on(actor, Do.MANAGE, advocate),
        "may_supervise": may_on(actor, Do.SUPERVISE, advocate),
    }


def shift_for(*, actor: User, shift_id: int) -> OnCallShift:
    """An on-call shift the actor may change (schedule); NotFound otherwise."""
    shift = (
        OnCallShift.objects.select_related("advocate__user", "advocate__organization")
        .filter(pk=shift_id)
        .first()
    )
    if shift is None or not may_on(actor, Do.SCHEDULE, shift.advocate):
        raise NotFound()
    return shift
