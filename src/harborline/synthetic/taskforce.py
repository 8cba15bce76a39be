"""Synthetic task forces (see the package docstring for the shape of a domain module).

Demo scale: the Northern Nevada (Washoe County) regional task force on the nevada pack and a
King County task force on the washington pack, both coordinated by the demo coordinator and
chaired by the demo supervisor, with member organizations and people across categories (one
protected survivor member each), subcommittees, an MDT, a year of meetings with attendance and
action items (some overdue, one upcoming), and the narrative of Washoe's Nevada report for fiscal
year 2026. Another state's demo (`seed(pack=...)`): one task force of its big county on its own
pack, members in its categories. State scale: one task force per Nevada region with
the region's organizations as members and quarterly meetings.

Dates are fixed (never the clock): the meetings fall in Nevada's fiscal year 2026 (July 2025 to
June 2026) so the annual report has data, plus one meeting in January 2027."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from harborline.people.models import Organization, User
from harborline.people.roles import OrgType, Role
from harborline.taskforce.models import (
    ActionItem,
    Attendance,
    Kind,
    Mdt,
    Meeting,
    Member,
    ReportKind,
    ReportNarrative,
    Subcommittee,
    TaskForce,
)

from .base import Context
from .people import PACK, demo_email
from .states import demo_state

T = OrgType
# How an organization's type maps to the nevada pack's task-force member categories (see
# docs/decisions/0010-task-force-members.md).
NEVADA_CATEGORY: dict[str, str] = {
    T.LAW_ENFORCEMENT: "law_enforcement",
    T.CHILD_WELFARE: "child_welfare",
    T.PROBATION: "juvenile_probation",
    T.JUVENILE_COURT: "juvenile_court",
    T.COMMUNITY_ADVOCACY: "mentor_advocate",
    T.SYSTEM_ADVOCACY: "service_providers",
    T.PUBLIC_DEFENDER: "other: Public defender",
    T.PROSECUTOR: "district_attorney",
    T.MENTAL_HEALTH: "mental_health",
    T.SUBSTANCE_USE: "service_providers",
    T.MEDICAL: "public_health",
    T.SERVICE_PROVIDER: "service_providers",
    T.CHILD_ADVOCACY_CENTER: "service_providers",
    T.EDUCATION: "school_district",
    T.TRIBAL: "other: Tribal government",
}
SURVIVOR_CATEGORY = "survivors"
# Washington's demo: the toolkit's member categories (seed 002 L396-410).
WASHINGTON_CATEGORY: dict[str, str] = {
    T.LAW_ENFORCEMENT: "local_law_enforcement",
    T.CHILD_WELFARE: "cps",
    T.PROBATION: "other: Juvenile probation",
    T.JUVENILE_COURT: "other: Juvenile court",
    T.COMMUNITY_ADVOCACY: "community_advocates",
    T.SYSTEM_ADVOCACY: "community_advocates",
    T.PUBLIC_DEFENDER: "defense_attorneys",
    T.PROSECUTOR: "prosecutors",
    T.MENTAL_HEALTH: "community_mental_health",
    T.SUBSTANCE_USE: "youth_service_providers",
    T.MEDICAL: "medical",
    T.SERVICE_PROVIDER: "youth_service_providers",
    T.CHILD_ADVOCACY_CENTER: "youth_service_providers",
    T.EDUCATION: "school_personnel",
    T.TRIBAL: "tribal_communities",
}
# Wisconsin's demo: the community response team's categories (wisconsin/lists.yaml).
WISCONSIN_CATEGORY: dict[str, str] = {
    T.LAW_ENFORCEMENT: "government_agencies",
    T.CHILD_WELFARE: "government_agencies",
    T.PROBATION: "government_agencies",
    T.JUVENILE_COURT: "government_agencies",
    T.PROSECUTOR: "government_agencies",
    T.PUBLIC_DEFENDER: "government_agencies",
    T.TRIBAL: "government_agencies",
    T.COMMUNITY_ADVOCACY: "sex_trafficking_advocates",
    T.SYSTEM_ADVOCACY: "sex_trafficking_advocates",
    T.MEDICAL: "health_providers",
    T.MENTAL_HEALTH: "health_providers",
    T.SUBSTANCE_USE: "health_providers",
    T.SERVICE_PROVIDER: "youth_organizations",
    T.CHILD_ADVOCACY_CENTER: "youth_organizations",
    T.EDUCATION: "schools",
}
CATEGORY_BY_PACK: dict[str, dict[str, str]] = {
    "nevada": NEVADA_CATEGORY,
    "washington": WASHINGTON_CATEGORY,
    "wisconsin": WISCONSIN_CATEGORY,
}

# King County: people in 11 of the 13 Washington categories (tribal communities and LGBTQ+
# representatives are left missing, the gaps the toolkit's survey found, seed 002 L129-133).
KING_MEMBERS = (
    ("Avery Cedar", "local_law_enforcement"),
    ("Blake Fernwood", "community_advocates"),
    ("Casey Rainier", "cps"),
    ("Drew Alder", "youth_service_providers"),
    ("Emery Sound", "school_personnel"),
    ("Finley Madrona", "public_health"),
    ("Gray Cascade", "prosecutors"),
    ("Harper Salish", "defense_attorneys"),
    ("Indy Hemlock", "medical"),
    ("Jules Puget", "community_mental_health"),
    ("Kai Olympic", "federal_law_enforcement"),
)
PERIOD_MEETINGS = (date(2025, 7, 10), date(2025, 9, 11), date(2025, 11, 13), date(2026, 1, 8),
                   date(2026, 3, 12), date(2026, 5, 14))  # fmt: skip
UPCOMING = date(2027, 1, 14)
QUARTERS = (7, 10, 13, 16, 19, 22, 25, 28)  # months from January 2024: July 2024 to April 2026
STATUS_WEIGHTS = (("present", 0.75), ("absent", 0.15), ("excused", 0.10))
# The three parts of the Nevada report (seed 001 L1696-1706), written as a coordinator might.
WASHOE_NARRATIVE = (
    "The task force adopted its adapted protocol in September 2025 and piloted it with the "
    "Washoe Standing MDT. Member agencies identified youth through the NRIT and met within 72 "
    "hours in most cases (synthetic data).",
    "Youth need a shelter bed north of Reno and evening access to medical care. A second "
    "mentor-advocate began in March 2026; substance use treatment for youth remains a gap.",
    "Fund a second mentor-advocate position, train school district staff in CSEC 101, and bring "
    "survivor voices into the prevention subcommittee.",
)


def _at(day: date, hour: int = 9, minute: int = 30) -> datetime:
    """Local Pacific time to UTC, taking Pacific as UTC-8 (as base.moment does)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) + timedelta(hours=8)


def _status(rng: random.Random) -> str:
    return rng.choices([s for s, _ in STATUS_WEIGHTS], [w for _, w in STATUS_WEIGHTS])[0]


def _meetings(
    ctx: Context,
    rng: random.Random,
    tf: TaskForce,
    days: list[date],
    owners: list[User],
    *,
    subcommittee: Subcommittee | None = None,
) -> None:
    members = list(Member.objects.filter(taskforce=tf))
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                taskforce=tf,
                subcommittee=subcommittee,
                title=(
                    f"{subcommittee.name} subcommittee" if subcommittee else "Task force meeting"
                )
                + f", {day:%B %Y}",
                starts_at=_at(day),
                ends_at=_at(day, 11, 0),
                location="Conference room B (synthetic address)",
                agenda="1. Welcome and introductions\n2. MDT updates\n3. Training calendar\n"
                "4. Gaps in services\n5. Action items",
                minutes="" if day >= UPCOMING else "Synthetic minutes: updates were shared.",
            )
            for day in days
        ]
    )
    rows = []
    items = []
    for meeting, day in zip(meetings, days, strict=True):
        if day >= UPCOMING:
            continue
        rows += [
            Attendance(meeting=meeting, member=m, status=_status(rng))
            for m in members
            if m.since <= day and (m.until is None or m.until >= day)
        ]
        if owners:
            due = day + timedelta(days=rng.choice((14, 21, 30)))
            done = rng.random() < 0.6
            items.append(
                ActionItem(
                    taskforce=tf,
                    meeting=meeting,
                    text=rng.choice(
                        (
                            "Circulate the draft MOU to member agencies",
                            "Confirm a CSEC 101 trainer for the spring",
                            "Collect MDT feedback on the adapted protocol",
                            "Update the list of emergency placement options",
                            "Invite a tribal representative to the next meeting",
                        )
                    ),
                    owner=rng.choice(owners),
                    due=due,
                    done=done,
                    done_at=_at(due) if done else None,
                )
            )
    Attendance.objects.bulk_create(rows, batch_size=1000)
    ActionItem.objects.bulk_create(items)
    ctx.counts["taskforce_meetings"] = ctx.counts.get("taskforce_meetings", 0) + len(meetings)
    ctx.counts["taskforce_attendance"] = ctx.counts.get("taskforce_attendance", 0) + len(rows)
    ctx.counts["taskforce_action_items"] = ctx.counts.get("taskforce_action_items", 0) + len(items)


def _org_members(tf: TaskForce, orgs: list[Organization], since: date) -> list[Member]:
    seen: set[tuple[int, str]] = set()
    out = []
    categories = CATEGORY_BY_PACK[tf.pack]
    for org in orgs:
        category = categories.get(org.type)
        if category is None or (org.pk, category) in seen:
            continue
        seen.add((org.pk, category))
        out.append(Member(taskforce=tf, organization=org, category=category, since=since))
    return out


def _demo(ctx: Context, rng: random.Random) -> None:
    coordinator = User.objects.filter(email=demo_email(Role.COORDINATOR)).first()
    chair = User.objects.filter(email=demo_email(Role.SUPERVISOR)).first()
    caseworker = User.objects.filter(email=demo_email(Role.CASEWORKER)).first()
    owners = [u for u in (coordinator, chair, caseworker) if u is not None]

    washoe = TaskForce.objects.create(
        kind=Kind.REGIONAL,
        name="Washoe County Regional CSEC Task Force (synthetic)",
        region="northern",
        pack=PACK,
        coordinator=coordinator,
        chair=chair,
    )
    orgs = list(Organization.objects.filter(county__slug="washoe").order_by("pk"))
    members = _org_members(washoe, orgs, date(2024, 9, 1))
    members.append(
        Member(
            taskforce=washoe,
            person_name="Robin Sagebrush",
            person_email="robin.sagebrush@example.net",
            category=SURVIVOR_CATEGORY,
            since=date(2025, 1, 15),
            protected=True,
        )
    )
    members.append(
        Member(
            taskforce=washoe,
            person_name="Morgan Truckee",
            category="public_health",
            since=date(2023, 3, 1),
            until=date(2025, 6, 30),  # a former member
        )
    )
    if caseworker is not None:
        members.append(
            Member(
                taskforce=washoe, user=caseworker, category="child_welfare", since=date(2025, 2, 1)
            )
        )
    Member.objects.bulk_create(members)
    subs = Subcommittee.objects.bulk_create(
        [
            Subcommittee(taskforce=washoe, name="Training"),
            Subcommittee(taskforce=washoe, name="Data Collection, Analysis and Sharing"),
        ]
    )
    Mdt.objects.create(taskforce=washoe, name="Washoe Standing MDT", county="Washoe County")
    _meetings(ctx, rng, washoe, [*PERIOD_MEETINGS, UPCOMING], owners)
    _meetings(ctx, rng, washoe, [date(2025, 10, 2), date(2026, 4, 2)], owners, subcommittee=subs[0])
    ReportNarrative.objects.create(
        taskforce=washoe,
        kind=ReportKind.NEVADA,
        year=2026,
        progress=WASHOE_NARRATIVE[0],
        service_needs=WASHOE_NARRATIVE[1],
        recommendations=WASHOE_NARRATIVE[2],
        updated_by=coordinator,
        updated_at=_at(date(2026, 8, 20), 15, 0),
    )

    king = TaskForce.objects.create(
        kind=Kind.REGIONAL,
        name="King County CSEC Task Force (synthetic)",
        region="king",
        pack="washington",
        coordinator=coordinator,
        chair=chair,
    )
    people = [
        Member(
            taskforce=king,
            person_name=name,
            person_email=f"{name.split()[0].lower()}@example.net",
            category=category,
            since=date(2024, 1, 1) + timedelta(days=rng.randint(0, 300)),
        )
        for name, category in KING_MEMBERS
    ]
    people.append(
        Member(
            taskforce=king,
            person_name="Quinn Evergreen",
            category="survivors",
            since=date(2024, 6, 1),
            protected=True,
        )
    )
    Member.objects.bulk_create(people)
    Subcommittee.objects.bulk_create(
        [
            Subcommittee(taskforce=king, name="Demand reduction", suggestion="demand_reduction"),
            Subcommittee(taskforce=king, name="Education", suggestion="education"),
        ]
    )
    Mdt.objects.create(taskforce=king, name="Seattle Youth MDT", county="King County")
    king_days = [date(2025, 2, 6), date(2025, 5, 8), date(2025, 8, 7), date(2025, 11, 6),
                 date(2026, 2, 5), UPCOMING]  # fmt: skip
    _meetings(ctx, rng, king, king_days, owners)
    ctx.counts["taskforces"] = 2
    ctx.counts["taskforce_members"] = len(members) + len(people)


def _state(ctx: Context, rng: random.Random) -> None:
    made = 0
    member_count = 0
    for region, label in (("southern", "Southern"), ("northern", "Northern"), ("rural", "Rural")):
        home = (
            Organization.objects.filter(type=T.TASK_FORCE, region__slug=region)
            .order_by("pk")
            .first()
        )
        coordinator = (
            User.objects.filter(membership__organization=home, membership__role=Role.COORDINATOR)
            .order_by("pk")
            .first()
            if home
            else None
        )
        tf = TaskForce.objects.create(
            kind=Kind.REGIONAL,
            name=f"{label} Nevada Regional CSEC Task Force (synthetic)",
            region=region,
            pack=PACK,
            coordinator=coordinator,
        )
        orgs = list(
            Organization.objects.filter(region__slug=region)
            .exclude(type=T.TASK_FORCE)
            .order_by("pk")
        )
        # Every core agency and a sample of the rest, as a real task force would have.
        core = [o for o in orgs if o.type in NEVADA_CATEGORY][: ctx.scaled(60, minimum=5)]
        members = _org_members(tf, core, date(2023, 7, 1))
        Member.objects.bulk_create(members, batch_size=1000)
        member_count += len(members)
        owners = [coordinator] if coordinator else []
        days = [date(2024 + (m - 1) // 12, (m - 1) % 12 + 1, 15) for m in QUARTERS]
        _meetings(ctx, rng, tf, days, owners)
        made += 1
    ctx.counts["taskforces"] = made
    ctx.counts["taskforce_members"] = member_count


def _demo_state(ctx: Context, rng: random.Random) -> None:
    """Another state's demo: the task force of its big county on its own pack, with the
    county's organizations and people in the pack's categories (Washington: the King County
    people above too)."""
    state = demo_state(ctx.pack)
    coordinator = User.objects.filter(email=demo_email(Role.COORDINATOR)).first()
    chair = User.objects.filter(email=demo_email(Role.SUPERVISOR)).first()
    caseworker = User.objects.filter(email=demo_email(Role.CASEWORKER)).first()
    owners = [u for u in (coordinator, chair, caseworker) if u is not None]
    county = state.county("clark") or ""
    orgs = list(Organization.objects.filter(county__slug=county).order_by("pk"))
    region = next((o.region.slug for o in orgs if o.region is not None), county)
    label = state.task_force_labels["clark"]
    tf = TaskForce.objects.create(
        kind=Kind.REGIONAL,
        name=f"{label} CSEC Task Force (synthetic)",
        region=region,
        pack=ctx.pack,
        coordinator=coordinator,
        chair=chair,
    )
    members = _org_members(tf, orgs, date(2024, 9, 1))
    if ctx.pack == "washington":
        members += [
            Member(
                taskforce=tf,
                person_name=name,
                person_email=f"{name.split()[0].lower()}@example.net",
                category=category,
                since=date(2024, 1, 1) + timedelta(days=rng.randint(0, 300)),
            )
            for name, category in KING_MEMBERS
        ]
    members.append(
        Member(
            taskforce=tf,
            person_name="Quinn Evergreen",
            category=SURVIVOR_CATEGORY,
            since=date(2024, 6, 1),
            protected=True,
        )
    )
    Member.objects.bulk_create(members)
    Subcommittee.objects.bulk_create([Subcommittee(taskforce=tf, name="Training")])
    Mdt.objects.create(taskforce=tf, name=f"{label} Youth MDT", county=state.label(county))
    _meetings(ctx, rng, tf, [*PERIOD_MEETINGS, UPCOMING], owners)
    ctx.counts["taskforces"] = 1
    ctx.counts["taskforce_members"] = len(members)


def build(ctx: Context) -> None:
    rng = ctx.rng("taskforce")
    if ctx.scale == "demo" and ctx.pack != PACK:
        _demo_state(ctx, rng)
    elif ctx.scale == "demo":
        _demo(ctx, rng)
    else:
        _state(ctx, rng)
    ctx.say(f"taskforce: {ctx.counts.get('taskforces', 0)} task forces")
