"""Reads of task forces: what the actor may see, members with protected names masked, the
representation view, action items falling due and meetings for a person's calendar. The
dashboard's training and agreements summaries compose apps above this one and live in
`harborline.reports.taskforce`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from harborline.errors import NotFound
from harborline.people.models import User
from harborline.people.roles import Role

from .categories import OTHER_PREFIX, categories_for
from .models import (
    PROTECTED_LABEL,
    ActionItem,
    Attendance,
    AttendanceStatus,
    CalendarFeed,
    Meeting,
    Member,
    ReportNarrative,
    TaskForce,
)
from .services import Do, current_members, may


def visible_taskforces(actor: User) -> QuerySet[TaskForce]:
    """The task forces the actor may read: all for a system admin; otherwise those they lead or
    belong to (themselves or through their organization)."""
    qs = TaskForce.objects.select_related("coordinator__membership__organization", "chair")
    if not actor.is_active:
        return qs.none()
    membership = actor.membership_or_none
    if membership is not None and membership.is_active and membership.role == Role.SYSTEM_ADMIN:
        return qs.order_by("name")
    who = Q(user=actor)
    if membership is not None and membership.is_active:
        who |= Q(organization_id=membership.organization_id)
    belongs = Member.objects.current().filter(who).values("taskforce_id")
    return qs.filter(Q(coordinator=actor) | Q(chair=actor) | Q(pk__in=belongs)).order_by("name")


def get_taskforce(actor: User, taskforce_id: int, do: Do = Do.READ) -> TaskForce:
    """The task force if the actor may `do` that on it (read it, unless told); NotFound
    otherwise (and for no such id): a page the actor may not use does not exist for them."""
    taskforce = (
        TaskForce.objects.select_related("coordinator__membership__organization", "chair")
        .filter(pk=taskforce_id)
        .first()
    )
    if taskforce is None or not may(actor, do, taskforce):
        raise NotFound()
    return taskforce


@dataclass(frozen=True)
class MemberRow:
    id: int
    kind: str
    name: str
    email: str
    organization: str  # slug, for organizations
    category: str
    category_label: str
    since: date
    until: date | None
    current: bool
    protected: bool
    version: int


def _member_row(m: Member, cats: Any, sees_protected: bool, today: date) -> MemberRow:
    hidden = m.protected and not sees_protected
    return MemberRow(
        id=m.pk,
        kind=m.kind,
        name=PROTECTED_LABEL if hidden else m.real_name,
        email="" if hidden else m.real_email,
        organization=m.organization.slug if m.organization is not None else "",
        category=m.category,
        category_label=cats.label(m.category),
        since=m.since,
        until=m.until,
        current=m.is_current(today),
        protected=m.protected,
        version=m.version,
    )


def member_rows(
    actor: User, taskforce: TaskForce, *, for_export: bool = False, current_only: bool = False
) -> list[MemberRow]:
    """Members as the actor may see them: a protected member's name and email only for the
    coordinator and chair, and never in an export."""
    cats = categories_for(taskforce.pack)
    sees_protected = not for_export and may(actor, Do.SEE_PROTECTED, taskforce)
    qs = current_members(taskforce) if current_only else taskforce.members.all()
    today = timezone.localdate()
    return [
        _member_row(m, cats, sees_protected, today)
        for m in qs.select_related("organization", "user").order_by("category", "id")
    ]


def get_member(actor: User, taskforce: TaskForce, member_id: int) -> tuple[Member, MemberRow]:
    """One member of a task force the actor may read (already checked by get_taskforce), with
    the row as the actor may see it; NotFound for a member of another task force."""
    member = (
        taskforce.members.select_related("organization", "user", "taskforce")
        .filter(pk=member_id)
        .first()
    )
    if member is None:
        raise NotFound()
    sees_protected = may(actor, Do.SEE_PROTECTED, taskforce)
    row = _member_row(member, categories_for(taskforce.pack), sees_protected, timezone.localdate())
    return member, row


def report_narrative(taskforce: TaskForce, kind: str, year: int) -> ReportNarrative | None:
    """The written parts of one annual report, if anyone has written them. Whoever may read the
    task force may read its reports."""
    return (
        ReportNarrative.objects.select_related("updated_by")
        .filter(taskforce=taskforce, kind=kind, year=year)
        .first()
    )


def meetings(taskforce: TaskForce) -> list[Meeting]:
    return list(taskforce.meetings.select_related("subcommittee").order_by("-starts_at"))


@dataclass(frozen=True)
class RepresentationRow:
    category: str
    label: str
    members: int
    represented: bool


@dataclass
class Representation:
    list_title: str
    rows: list[RepresentationRow]
    other: list[tuple[str, int]] = field(default_factory=list)  # "other:" categories in use

    @property
    def missing(self) -> list[RepresentationRow]:
        return [r for r in self.rows if not r.represented]


def representation(taskforce: TaskForce, on: date | None = None) -> Representation:
    """Every category of the pack's list, how many current members count towards it, and which
    are missing. A sub-category (e.g. Washington's 'Healthcare providers: Medical') counts
    towards its parent."""
    cats = categories_for(taskforce.pack)
    counts: Counter[str] = Counter()
    other: Counter[str] = Counter()
    for category in current_members(taskforce, on).values_list("category", flat=True):
        top = cats.covers(category)
        if top:
            counts[top] += 1
        elif category.startswith(OTHER_PREFIX):
            other[cats.label(category)] += 1
    rows = [RepresentationRow(c.id, c.label, counts[c.id], counts[c.id] > 0) for c in cats.top]
    return Representation(cats.title, rows, sorted(other.items()))


def counts_by_category(taskforce: TaskForce) -> list[tuple[str, int]]:
    rep = representation(taskforce)
    return [(r.label, r.members) for r in rep.rows if r.members] + rep.other


def next_meeting(taskforce: TaskForce, now: Any = None) -> Meeting | None:
    now = now or timezone.now()
    return (
        taskforce.meetings.filter(starts_at__gte=now)
        .select_related("subcommittee")
        .order_by("starts_at")
        .first()
    )


REMIND_DAYS = 2


def due_action_items(
    *,
    taskforce: TaskForce | None = None,
    owner: User | None = None,
    today: date | None = None,
    within_days: int = REMIND_DAYS,
) -> list[ActionItem]:
    """Open action items that are overdue or fall due within `within_days` days, oldest first.
    The home page shows them for a task force; the reminder task e-mails them to owners."""
    today = today or timezone.localdate()
    qs = ActionItem.objects.filter(done=False, due__lte=today + timedelta(days=within_days))
    if taskforce is not None:
        qs = qs.filter(taskforce=taskforce)
    if owner is not None:
        qs = qs.filter(owner=owner)
    return list(qs.select_related("owner", "taskforce", "meeting").order_by("due", "id"))


def overdue(items: list[ActionItem], today: date | None = None) -> list[ActionItem]:
    today = today or timezone.localdate()
    return [i for i in items if i.due < today]


def meetings_for_user(user: User) -> QuerySet[Meeting]:
    """The meetings of every task force the person leads or belongs to, plus any meeting where
    they are on the attendance list."""
    visible = visible_taskforces(user).values("pk")
    attended = Attendance.objects.filter(member__user=user).values("meeting_id")
    return (
        Meeting.objects.filter(Q(taskforce__in=visible) | Q(pk__in=attended))
        .select_related("taskforce", "subcommittee")
        .distinct()
        .order_by("starts_at")
    )


@dataclass(frozen=True)
class MeetingAttendance:
    meeting: Meeting
    present: int
    absent: int
    excused: int
    recorded: int

    @property
    def rate(self) -> float | None:
        """Present out of everyone recorded, or None when nothing was recorded."""
        return self.present / self.recorded if self.recorded else None


def attendance_by_meeting(meetings: list[Meeting]) -> list[MeetingAttendance]:
    tally: dict[int, Counter[str]] = {m.pk: Counter() for m in meetings}
    for meeting_id, status in Attendance.objects.filter(meeting__in=meetings).values_list(
        "meeting_id", "status"
    ):
        tally[meeting_id][status] += 1
    out = []
    for m in meetings:
        c = tally[m.pk]
        out.append(
            MeetingAttendance(
                m,
                c[AttendanceStatus.PRESENT],
                c[AttendanceStatus.ABSENT],
                c[AttendanceStatus.EXCUSED],
                sum(c.values()),
            )
        )
    return out


def attendance_sheet(meeting: Meeting) -> dict[int, str]:
    return dict(meeting.attendance.values_list("member_id", "status"))


def get_meeting(taskforce: TaskForce, meeting_id: int) -> Meeting:
    """One meeting of a task force the actor may read (checked by get_taskforce); NotFound for
    a meeting of another task force, like one that does not exist."""
    meeting = taskforce.meetings.select_related("subcommittee").filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound()
    return meeting


def get_action_item(taskforce: TaskForce, item_id: int) -> ActionItem:
    """One action item of the task force; NotFound for another task force's."""
    item = ActionItem.objects.filter(pk=item_id, taskforce=taskforce).first()
    if item is None:
        raise NotFound()
    return item


def action_item_owners(taskforce: TaskForce) -> list[tuple[str, str]]:
    """Who can own an action item, as (user id, name) choices sorted by name: the leaders and
    current members with accounts (never protected members, whose names are not for
    everyone)."""
    people: dict[int, str] = {}
    for person in (taskforce.coordinator, taskforce.chair):
        if person is not None:
            people[person.pk] = person.full_name or person.email
    for m in current_members(taskforce).filter(user__isnull=False, protected=False):
        people[m.user.pk] = m.user.full_name or m.user.email
    return [(str(pk), name) for pk, name in sorted(people.items(), key=lambda x: x[1])]


def action_item_owner(owner_id: str) -> User | None:
    """The user an action item is given to, from ActionItemForm's choice (action_item_owners);
    None for nobody."""
    return User.objects.filter(pk=owner_id).first() if owner_id else None


def meeting_sheet(
    actor: User, taskforce: TaskForce, meeting: Meeting
) -> tuple[list[tuple[MemberRow, str]], list[ActionItem]]:
    """A meeting's page: each current member (and anyone already on the sheet) with their
    attendance status, as the actor may see them, and the meeting's action items by due date."""
    sheet = attendance_sheet(meeting)
    rows = [
        (r, sheet.get(r.id, ""))
        for r in member_rows(actor, taskforce)
        if r.current or r.id in sheet
    ]
    return rows, list(meeting.action_items.select_related("owner").order_by("due"))


def has_calendar_feed(user: User) -> bool:
    """Whether the person has made a calendar address (the address itself is never stored)."""
    return CalendarFeed.objects.filter(user=user).exists()


def my_action_items(actor: User, *, within_days: int = 14, limit: int = 5) -> list[ActionItem]:
    """The actor's open task-force action items, due within `within_days` or late, soonest
    first (one query), for the home page's work queue."""
    horizon = timezone.localdate() + timedelta(days=within_days)
    return list(
        ActionItem.objects.filter(owner=actor, done=False, due__lte=horizon)
        .select_related("taskforce")
        .order_by("due", "id")[:limit]
    )
