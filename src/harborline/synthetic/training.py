"""Synthetic training data: Nevada training events with attendance, and training records
(another state's demo: events of its own catalogue, `_demo_courses`).

Demo scale: a few events per core organization (CSEC 101B, 102 and a 300-series session), with
most staff completing them, so that some requirements are met and some are short (people never
trained, staff trained before their supervisor, too few continuing-education hours).
State scale: records for a good share of the state's active users, made with `bulk_create`:
CSEC 101 for most, a 300-series session for some, supervisors usually trained first.

Rows are made with `bulk_create` (no per-row audit; `seed()` writes one record for the run).
Dates come from the fixed calendar in `base.py`, never from the clock."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from harborline.people.models import Membership
from harborline.people.roles import Role
from harborline.training.models import (
    Attendance,
    Format,
    Level,
    Source,
    TrainingEvent,
    TrainingRecord,
)

from .base import PERIOD_END, Context

PACK = "nevada"  # state scale; the demo follows Context.pack
BATCH = 2000

# --- Proportions -----------------------------------------------------------------------------
# Synthetic estimates, not measured figures. Nevada asks for CSEC 101 within 60 days of hire and
# 3 hours a year of continuing education (seed 001 L6702-6707, L1157-1160).
CSEC_101_SHARE = 0.75  # people who have a CSEC 101 record
CSEC_101_ON_TIME = 0.8  # of those, within 60 days of starting
CE_SHARE = 0.35  # people with a 300-series record in the last year of the period
SUPERVISOR_FIRST = 0.85  # organizations whose supervisors were trained before their staff
DEMO_ORGS_WITH_EVENTS = 8
DEMO_TRAINERS = ("Synthetic Trainer A", "Synthetic Trainer B", "Synthetic Trainer C")
DEMO_ROOMS = ("Training Room (synthetic)", "Community Center (synthetic)", "Online")


def _people(ctx: Context) -> dict[int, list[tuple[int, str, date]]]:
    """Active people by organization: (user id, role, membership start)."""
    by_org: dict[int, list[tuple[int, str, date]]] = defaultdict(list)
    for user_id, org_id, role, since in (
        Membership.objects.filter(is_active=True, user__is_active=True)
        .order_by("organization_id", "user_id")
        .values_list("user_id", "organization_id", "role", "since")
    ):
        if role in (Role.SYSTEM_ADMIN, Role.ANALYST):
            continue
        by_org[org_id].append((user_id, role, since))
    return by_org


def _day_after(rng: random.Random, start: date, *, within: int) -> date:
    day = start + timedelta(days=rng.randint(0, within))
    return min(day, PERIOD_END)


def _records(
    ctx: Context, rng: random.Random, by_org: dict[int, list[tuple[int, str, date]]]
) -> list[TrainingRecord]:
    rows: list[TrainingRecord] = []
    for org_id in sorted(by_org):
        people = by_org[org_id]
        supervisors_first = rng.random() < SUPERVISOR_FIRST
        for user_id, role, since in people:
            if rng.random() < CSEC_101_SHARE:
                on_time = rng.random() < CSEC_101_ON_TIME
                day = _day_after(rng, since, within=55 if on_time else 400)
                if role == Role.SUPERVISOR and supervisors_first:
                    day = min(day, since + timedelta(days=5))
                elif role != Role.SUPERVISOR and not supervisors_first:
                    day = min(day, since + timedelta(days=2))
                rows.append(
                    TrainingRecord(
                        person_id=user_id,
                        pack=PACK,
                        course_code=rng.choice(["101A", "101B", "101B"]),
                        level=Level.BASIC,
                        completed_on=day,
                        hours=Decimal(rng.choice(["2", "6", "8"])),
                        source=Source.IMPORT,
                    )
                )
            if rng.random() < CE_SHARE:
                rows.append(
                    TrainingRecord(
                        person_id=user_id,
                        pack=PACK,
                        course_code="300",
                        level=Level.BASIC,
                        completed_on=PERIOD_END - timedelta(days=rng.randint(0, 300)),
                        hours=Decimal(rng.choice(["1", "1.5", "2", "3", "4"])),
                        source=Source.IMPORT,
                    )
                )
    return rows


# The demo's three events: course, title, hours, level, (days before the period's end, plus
# this many days per organization). Nevada: CSEC 101B, 102 and a 300-series session.
NEVADA_EVENTS = (
    ("101B", "CSEC Introductory Course – In Person", "6", Level.BASIC, (400, -20)),
    ("102", "CSEC Skill Development for MDT Partners", "4", Level.INTERMEDIATE, (200, -10)),
    ("300", "Continuing Education – CSEC topics", "1.5", Level.BASIC, (30, 5)),
)


def _demo_courses(pack: str) -> tuple[tuple[str, str, str, str, tuple[int, int]], ...]:
    """Nevada's three events, or the first three numbered courses of another pack's catalogue:
    the first at the basic level, the second at the deepest level its minimums ask for (so
    Washington's two-officer in-depth minimum is met by some agencies and not others)."""
    if pack == PACK:
        return NEVADA_EVENTS
    from harborline.protocols.packs import get_pack

    training = get_pack(pack).section("training.yaml")
    courses = list(getattr(training, "courses", []))
    numbered = [c for c in courses if c.tier] or courses
    levels = {r.level for r in getattr(training, "requirements", [])}
    deep = next(
        (lv for lv in (Level.IN_DEPTH, Level.ADVANCED, Level.INTERMEDIATE) if lv in levels),
        Level.BASIC,
    )
    backs = ((400, -20), (200, -10), (30, 5))
    out = []
    for index, course in enumerate(numbered[:3]):
        level = deep if index == 1 else Level.BASIC
        hours = f"{course.hours:g}" if course.hours else ("6", "4", "2")[index]
        out.append((course.code, course.title[:200], hours, str(level), backs[index]))
    return tuple(out)


def _demo_events(
    ctx: Context, rng: random.Random, by_org: dict[int, list[tuple[int, str, date]]]
) -> tuple[int, int, int]:
    from harborline.people.models import Organization

    orgs = [
        o
        for o in Organization.objects.filter(pk__in=list(by_org)).order_by("slug")
        if any(r in (Role.SUPERVISOR, Role.ORG_ADMIN, Role.COORDINATOR) for _, r, _ in by_org[o.pk])
    ][:DEMO_ORGS_WITH_EVENTS]
    events = records = attendance = 0
    for n, org in enumerate(orgs):
        people = by_org[org.pk]
        organizer = next(
            u for u, r, _ in people if r in (Role.SUPERVISOR, Role.ORG_ADMIN, Role.COORDINATOR)
        )
        for index, (course, title, hours, level, back) in enumerate(_demo_courses(ctx.pack)):
            days_before = back[0] + back[1] * n
            speaker = index == 0 and n % 2 == 0
            event = TrainingEvent.objects.create(
                pack=ctx.pack,
                course_code=course,
                title=title,
                organization=org,
                organizer_id=organizer,
                starts_on=PERIOD_END - timedelta(days=days_before),
                format=rng.choice(Format.values),
                hours=Decimal(hours),
                level=level,
                trainers=rng.choice(DEMO_TRAINERS),
                location=rng.choice(DEMO_ROOMS),
                survivor_speaker=speaker,
                speaker_role="guest_speaker" if speaker else "",
                speaker_name="Speaker (synthetic)" if speaker else "",
                speaker_checklist={"vetted": True, "advocate": True} if speaker else {},
            )
            events += 1
            rows = []
            marks = []
            for user_id, _, _ in people:
                if rng.random() < 0.3:
                    continue  # did not attend: some requirements stay short
                completed = rng.random() < 0.9
                marks.append((user_id, completed))
                if completed:
                    rows.append(
                        TrainingRecord(
                            person_id=user_id,
                            pack=ctx.pack,
                            course_code=course,
                            level=level,
                            completed_on=event.starts_on,
                            hours=event.hours,
                            event=event,
                            source=Source.EVENT,
                            recorded_by_id=organizer,
                        )
                    )
            created = {r.person_id: r for r in TrainingRecord.objects.bulk_create(rows)}
            Attendance.objects.bulk_create(
                Attendance(event=event, person_id=u, completed=c, record=created.get(u))
                for u, c in marks
            )
            records += len(rows)
            attendance += len(marks)
    return events, records, attendance


def build(ctx: Context) -> None:
    rng = ctx.rng("training")
    by_org = _people(ctx)
    if ctx.scale == "demo":
        events, from_events, attendance = _demo_events(ctx, rng, by_org)
        ctx.counts["training_events"] = events
        ctx.counts["training_attendance"] = attendance
        ctx.counts["training_records"] = from_events
        ctx.say(f"training: {events} events, {from_events} records")
        return
    rows = _records(ctx, rng, by_org)
    for start in range(0, len(rows), BATCH):
        TrainingRecord.objects.bulk_create(rows[start : start + BATCH])
    ctx.counts["training_records"] = len(rows)
    ctx.say(f"training: {len(rows)} records")
