"""Synthetic mentor-advocate program (see the package docstring for the shape of a domain module).

Every user with the mentor-advocate role is on the roster, with a qualification route, a
background check on a fixed date and, for one in three, a survivor flag with a readiness review.

The one exception to "dates never from the clock": so that the demo always has someone on call
*now* and a recent supervision history, the demo's on-call schedule and supervision sessions are
laid out around the week the data is seeded in (the demo state's time): 12-hour shifts from a
week before to three weeks after, statewide plus daytime shifts for Washoe County (or the county
standing for it, states.py), with one four-hour gap each Sunday night to show what a gap looks
like. The number of rows does not depend on the date."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from harborline.mentoring.models import (
    MentorAdvocate,
    OnCallShift,
    QualificationRoute,
    ReadinessReview,
    SupervisionSession,
)
from harborline.people.models import Membership, User
from harborline.people.roles import Role
from harborline.protocols.models import County

from .base import Context
from .states import demo_state

ROUTES = [QualificationRoute.DEGREE, QualificationRoute.EXPERIENCE, QualificationRoute.PEER]
SURVIVOR_EVERY = 3  # one in three demo mentor-advocates is a survivor mentor-advocate


def build(ctx: Context) -> None:
    rng = ctx.rng("mentoring")
    users = list(
        User.objects.filter(membership__role=Role.MENTOR_ADVOCATE, is_active=True)
        .select_related("membership__organization")
        .order_by("pk")
    )
    advocates = MentorAdvocate.objects.bulk_create(
        MentorAdvocate(
            user=u,
            organization=u.membership.organization,
            phone=f"775-555-{100 + i % 900:04d}",
            qualification_route=ROUTES[i % len(ROUTES)],
            background_check_on=date(2025, 1, 6) + timedelta(days=rng.randint(0, 500)),
            is_survivor=i % SURVIVOR_EVERY == 1,
            training_url="https://training.example.org/records/synthetic",
            added_at=datetime(2025, 1, 6, 17, tzinfo=UTC),
        )
        for i, u in enumerate(users)
    )
    ReadinessReview.objects.bulk_create(
        ReadinessReview(
            advocate=a,
            reviewed_on=date(2026, 3, 2) + timedelta(days=rng.randint(0, 120)),
            reviewer="Synthetic Clinician, LCSW",
            outcome=ReadinessReview.Outcome.READY,
        )
        for a in advocates
        if a.is_survivor
    )
    ctx.counts["mentor_advocates"] = len(advocates)
    if ctx.scale != "demo" or not advocates:
        return
    _demo_schedule(ctx, advocates)


def _demo_schedule(ctx: Context, advocates: list[MentorAdvocate]) -> None:
    state = demo_state(ctx.pack)
    local = ZoneInfo(state.time_zone)
    second = state.county("washoe") or ""
    today = timezone.now().astimezone(local).date()
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(days=7)
    counties = {c.slug: c for c in County.objects.filter(pack=ctx.pack, slug=second)}
    shifts: list[tuple[datetime, datetime, str | None]] = []
    for day_index in range(28):
        day = first + timedelta(days=day_index)
        for half, (start_h, hours) in enumerate(((8, 12), (20, 12))):
            starts = datetime.combine(day, time(start_h), tzinfo=local)
            ends = starts + timedelta(hours=hours)
            if day.weekday() == 6 and half == 1:
                ends = starts + timedelta(hours=6)  # Sunday 02:00-06:00 left uncovered
                shifts.append((starts, ends, None))
                shifts.append((ends + timedelta(hours=4), starts + timedelta(hours=12), None))
            else:
                shifts.append((starts, ends, None))
            if half == 0:  # the second county (Washoe) has its own daytime mentor-advocate
                shifts.append((starts, ends, second))
    rows = []
    for n, (starts, ends, county) in enumerate(shifts):
        advocate = advocates[n % len(advocates)]
        rows.append(
            OnCallShift(
                advocate=advocate,
                starts_at=starts.astimezone(UTC),
                ends_at=ends.astimezone(UTC),
                county=counties.get(county) if county else None,
                phone=advocate.phone,
                created_at=datetime(2025, 1, 6, 17, tzinfo=UTC),
            )
        )
    OnCallShift.objects.bulk_create(rows)
    supervisors = {
        m.organization_id: m.user
        for m in Membership.objects.filter(
            role__in=[Role.SUPERVISOR, Role.ORG_ADMIN], is_active=True
        )
        .select_related("user")
        .order_by("role", "pk")  # supervisors win over org admins
    }
    fallback = next(iter(supervisors.values()), None)
    sessions = []
    for i, advocate in enumerate(advocates):
        supervisor = supervisors.get(advocate.organization_id, fallback)
        if supervisor is None:
            continue
        # weekly for the last six weeks; every third person missed the last one (flagged)
        for week in range(1 if i % 3 == 2 else 0, 6):
            sessions.append(
                SupervisionSession(
                    advocate=advocate,
                    held_on=today - timedelta(days=2 + 7 * week),
                    kind=SupervisionSession.Kind.INDIVIDUAL
                    if week % 2
                    else SupervisionSession.Kind.GROUP,
                    supervisor=supervisor,
                    notes="Debrief, boundaries and self-care (synthetic).",
                )
            )
    SupervisionSession.objects.bulk_create(sessions)
    ctx.counts["on_call_shifts"] = len(rows)
    ctx.counts["supervision_sessions"] = len(sessions)
