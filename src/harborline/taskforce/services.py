"""Every write to task forces, their members, subcommittees, MDTs, meetings, attendance and
action items; and who may do what (PERMISSIONS below, tested as a table).

Task-force data is not youth data, but every write is audited all the same (no youth_id)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    check_version,
    version_conflict,
)
from harborline.people import grants
from harborline.people.lookups import account_by_email, organization_by_slug, user_by_email
from harborline.people.models import Organization, User, hash_token
from harborline.people.roles import OrgType, Role

from .categories import check_category, check_pack
from .models import (
    NARRATIVE_LIMIT,
    NARRATIVE_SECTIONS,
    ActionItem,
    Attendance,
    AttendanceStatus,
    CalendarFeed,
    Kind,
    Mdt,
    Meeting,
    Member,
    NarrativeSection,
    ReportKind,
    ReportNarrative,
    Subcommittee,
    TaskForce,
)

# --- Who may do what -------------------------------------------------------------------------


class Relation(StrEnum):
    """How the actor stands to one task force (the first that holds, in this order)."""

    COORDINATOR = "coordinator"  # the task force's coordinator
    CHAIR = "chair"  # the task force's chair
    SYSTEM_ADMIN = "system_admin"
    MEMBER = "member"  # a current member, or staff of a current member organization
    OUTSIDER = "outsider"


class Do(StrEnum):
    READ = "read"  # the task force's pages, members, meetings, reports
    MANAGE = "manage"  # members, subcommittees, MDTs, meetings, minutes, attendance, actions
    SEE_PROTECTED = "see_protected"  # the names of protected members (survivors, parents)
    WRITE_REPORT = "write_report"  # the annual reports' narratives: the task force's own words


R = Relation
PERMISSIONS: dict[Do, frozenset[Relation]] = {
    Do.READ: frozenset({R.COORDINATOR, R.CHAIR, R.SYSTEM_ADMIN, R.MEMBER}),
    Do.MANAGE: frozenset({R.COORDINATOR, R.CHAIR, R.SYSTEM_ADMIN}),
    Do.SEE_PROTECTED: frozenset({R.COORDINATOR, R.CHAIR}),
    Do.WRITE_REPORT: frozenset({R.COORDINATOR, R.CHAIR}),
}
# Creating a task force depends on the role alone (no task force exists yet), held in an
# organization where the grant rule lets it be held (people/grants.py: a coordinator in a
# task-force organization; checked here too for accounts made before that rule).
MAY_CREATE: frozenset[str] = frozenset({Role.COORDINATOR, Role.SYSTEM_ADMIN})


def _role(actor: User) -> str:
    membership = actor.membership_or_none
    return membership.role if membership is not None and membership.is_active else ""


def current_members(taskforce: TaskForce, on: date | None = None) -> Any:
    return taskforce.members.current(on)


def relation(actor: User, taskforce: TaskForce) -> Relation:
    if not actor.is_active or actor.pk is None:
        return R.OUTSIDER
    if taskforce.coordinator_id == actor.pk:
        return R.COORDINATOR
    if taskforce.chair_id == actor.pk:
        return R.CHAIR
    role = _role(actor)
    if role == Role.SYSTEM_ADMIN:
        return R.SYSTEM_ADMIN
    membership = actor.membership_or_none
    here = Q(user=actor)
    if membership is not None and membership.is_active:
        here |= Q(organization_id=membership.organization_id)
    if current_members(taskforce).filter(here).exists():
        return R.MEMBER
    return R.OUTSIDER


def may(actor: User, do: Do, taskforce: TaskForce) -> bool:
    return relation(actor, taskforce) in PERMISSIONS[do]


def may_create(actor: User) -> bool:
    role = _role(actor)
    if not actor.is_active or role not in MAY_CREATE:
        return False
    return grants.held_in(role, actor.membership.organization.type)


def require(actor: User, do: Do, taskforce: TaskForce) -> Relation:
    """The actor's relation if allowed. Someone who may not even read gets NotFound (existence
    does not leak); a reader who may not change gets Forbidden."""
    rel = relation(actor, taskforce)
    if rel in PERMISSIONS[do]:
        return rel
    if rel not in PERMISSIONS[Do.READ]:
        raise NotFound()
    raise Forbidden("Only the task force's coordinator or chair can change this.")


def _owner_org(taskforce: TaskForce) -> Organization | None:
    person = taskforce.coordinator
    membership = person.membership_or_none if person is not None else None
    return membership.organization if membership is not None else None


def _audit(actor: User, action: str, obj: Any, taskforce: TaskForce, **detail: Any) -> None:
    record(
        actor=actor,
        action=action,
        obj=obj,
        owner_org=_owner_org(taskforce),
        detail={"taskforce": taskforce.pk, **detail},
    )


def _bump(obj: Any, version: int | None) -> None:
    """Optimistic concurrency: a stale version is a Conflict, never a silent overwrite."""
    check_version(obj.version, version)
    obj.version += 1


def _text(field: str, value: str, *, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput.field(field, "this cannot be empty")
    if len(value) > limit:
        raise InvalidInput.field(field, f"use at most {limit} characters")
    return value


# --- Task forces -----------------------------------------------------------------------------


def _check_leader(field: str, user: User | None) -> User | None:
    if user is not None and (not user.is_active or user.membership_or_none is None):
        raise InvalidInput.field(field, "choose an active user who belongs to an organization")
    if field == "coordinator" and user is not None:
        # Naming a coordinator gives them read reach over the member organizations' agreements,
        # mentor-advocates and training (decision 0032); only people a system administrator
        # made coordinators, in a task-force organization, may hold it.
        membership = user.membership
        if (
            membership.role != Role.COORDINATOR
            or membership.organization.type != OrgType.TASK_FORCE
        ):
            raise InvalidInput.field(
                field, "choose a person with the coordinator role in a task-force organization"
            )
    return user


@transaction.atomic
def create_taskforce(
    *,
    actor: User,
    name: str,
    pack: str,
    region: str = "",
    kind: str = Kind.REGIONAL,
    coordinator: User | None = None,
    chair: User | None = None,
) -> TaskForce:
    """System admins and coordinators (of a task-force organization) create task forces; the
    creator coordinates it unless someone else is named."""
    if not may_create(actor):
        raise Forbidden(
            "Only system administrators and the coordinators of a task-force organization can "
            "create task forces."
        )
    errors: list[FieldError] = []
    for field, check in (
        ("name", lambda: _text("name", name, limit=200)),
        ("pack", lambda: check_pack(pack)),
        ("region", lambda: _text("region", region, limit=120, required=False)),
    ):
        try:
            check()
        except InvalidInput as problem:
            errors.extend(problem.errors or [FieldError(field, problem.detail)])
    if kind not in Kind.values:
        errors.append(FieldError("kind", f"{kind!r} is not one of: {', '.join(Kind.values)}"))
    if errors:
        raise InvalidInput.fields(errors)
    taskforce = TaskForce.objects.create(
        name=name.strip(),
        pack=pack.strip(),
        region=(region or "").strip(),
        kind=kind,
        coordinator=_check_leader(
            "coordinator",
            coordinator or (actor if actor.membership.role == Role.COORDINATOR else None),
        ),
        chair=_check_leader("chair", chair),
    )
    _audit(actor, Action.CREATE, taskforce, taskforce, pack=taskforce.pack)
    return taskforce


@transaction.atomic
def update_leadership(
    *,
    actor: User,
    taskforce: TaskForce,
    version: int,
    coordinator: User | str | None,
    chair: User | str | None,
) -> TaskForce:
    """`coordinator` and `chair` are users or their emails ("" or None: nobody)."""
    require(actor, Do.MANAGE, taskforce)
    coordinator = user_by_email(coordinator, "coordinator")
    chair = user_by_email(chair, "chair")
    taskforce = TaskForce.objects.select_for_update().get(pk=taskforce.pk)
    _bump(taskforce, version)
    taskforce.coordinator = _check_leader("coordinator", coordinator)
    taskforce.chair = _check_leader("chair", chair)
    taskforce.save()
    _audit(actor, Action.UPDATE, taskforce, taskforce, changed=["coordinator", "chair"])
    return taskforce


@transaction.atomic
def add_subcommittee(
    *, actor: User, taskforce: TaskForce, name: str, suggestion: str = ""
) -> Subcommittee:
    require(actor, Do.MANAGE, taskforce)
    name = _text("name", name, limit=120)
    if taskforce.subcommittees.filter(name__iexact=name).exists():
        raise InvalidInput.field("name", "this task force already has a subcommittee of that name")
    sub = Subcommittee.objects.create(taskforce=taskforce, name=name, suggestion=suggestion[:60])
    _audit(actor, Action.CREATE, sub, taskforce)
    return sub


@transaction.atomic
def add_mdt(*, actor: User, taskforce: TaskForce, name: str, county: str = "") -> Mdt:
    require(actor, Do.MANAGE, taskforce)
    name = _text("name", name, limit=120)
    county = _text("county", county, limit=120, required=False)
    if taskforce.mdts.filter(name__iexact=name).exists():
        raise InvalidInput.field("name", "this task force already has an MDT of that name")
    mdt = Mdt.objects.create(taskforce=taskforce, name=name, county=county)
    _audit(actor, Action.CREATE, mdt, taskforce)
    return mdt


# --- Members ---------------------------------------------------------------------------------


@transaction.atomic
def add_member(
    *,
    actor: User,
    taskforce: TaskForce,
    category: str,
    organization: Organization | str | None = None,
    user: User | str | None = None,
    person_name: str = "",
    person_email: str = "",
    since: date | None = None,
    until: date | None = None,
    protected: bool = False,
) -> Member:
    """A member organization, a user, or a person without an account (name, optional email).
    Pages and the API give the organization's short name and the user's email as typed; they
    are resolved here, the same way for both (organization_by_slug, user_by_email). A
    person's email that is an active account's links that account: the member is the user."""
    require(actor, Do.MANAGE, taskforce)
    errors: list[FieldError] = []
    person_name = (person_name or "").strip()
    person_email = (person_email or "").strip().lower()
    try:
        organization = organization_by_slug(organization, "organization")
    except InvalidInput as problem:
        errors.extend(problem.errors)
        organization = None
    try:
        user = user_by_email(user, "user")
    except InvalidInput as problem:
        errors.extend(problem.errors)
        user = None
    if errors:
        raise InvalidInput.fields(errors)
    if organization is None and user is None and person_email:
        user = account_by_email(person_email)
        if user is not None:
            person_name = person_email = ""
    given = [x for x in (organization, user, person_name or None) if x is not None]
    if not given and person_email:
        errors.append(FieldError("person_name", "give the person's name"))
    elif len(given) != 1:
        errors.append(
            FieldError(
                "organization", "give exactly one of: an organization, a user, or a person's name"
            )
        )
    if len(person_name) > 200:
        errors.append(FieldError("person_name", "use at most 200 characters"))
    if person_email:
        if organization is not None or user is not None:
            errors.append(FieldError("person_email", "only for a person without an account"))
        try:
            validate_email(person_email)
        except ValidationError:
            errors.append(FieldError("person_email", f"{person_email!r} is not an email address"))
    try:
        category = check_category(taskforce.pack, category)
    except InvalidInput as problem:
        errors.extend(problem.errors)
    since = since or timezone.localdate()
    if until is not None and until < since:
        errors.append(FieldError("until", "must not be before 'member since'"))
    if organization is not None and not organization.is_active:
        errors.append(FieldError("organization", "this organization is not active"))
    if errors:
        raise InvalidInput.fields(errors)
    if (
        organization is not None
        and current_members(taskforce).filter(organization=organization, category=category).exists()
    ):
        raise Conflict(
            f"{organization.name} is already a member in this category.",
            errors=[FieldError("organization", "already a member in this category")],
        )
    if user is not None and current_members(taskforce).filter(user=user).exists():
        raise Conflict(
            "This person is already a member.",
            errors=[FieldError("user", "already a member")],
        )
    member = Member.objects.create(
        taskforce=taskforce,
        organization=organization,
        user=user,
        person_name=person_name if organization is None and user is None else "",
        person_email=person_email,
        category=category,
        since=since,
        until=until,
        protected=protected,
    )
    # Never the name of a protected member in the audit detail.
    _audit(actor, Action.CREATE, member, taskforce, category=category, kind=member.kind)
    return member


@transaction.atomic
def update_member(
    *,
    actor: User,
    member: Member,
    version: int,
    category: str | None = None,
    until: date | None = None,
    end_tenure: bool = False,
    clear_until: bool = False,
    protected: bool | None = None,
) -> Member:
    """Change a member's category, the end of their tenure (a day, today with `end_tenure`, or
    none with `clear_until`) or the protected flag. Only the coordinator and the chair may lift
    a member's protection: anyone else would learn the name by doing so."""
    taskforce = member.taskforce
    rel = require(actor, Do.MANAGE, taskforce)
    member = Member.objects.select_for_update().get(pk=member.pk)
    _bump(member, version)
    errors: list[FieldError] = []
    changed = []
    if category is not None and category != member.category:
        try:
            member.category = check_category(taskforce.pack, category)
            changed.append("category")
        except InvalidInput as problem:
            errors.extend(problem.errors)
    if end_tenure or until is not None:
        day = until or timezone.localdate()
        if day < member.since:
            errors.append(FieldError("until", "must not be before 'member since'"))
        elif day != member.until:
            member.until = day
            changed.append("until")
    elif clear_until and member.until is not None:
        member.until = None
        changed.append("until")
    if protected is not None and protected != member.protected:
        if member.protected and rel not in PERMISSIONS[Do.SEE_PROTECTED]:
            raise Forbidden(
                "Only the task force's coordinator or chair can lift a member's protection.",
                errors=[FieldError("protected", "only the coordinator or the chair can lift this")],
            )
        member.protected = protected
        changed.append("protected")
    if errors:
        raise InvalidInput.fields(errors)
    if ("category" in changed or "until" in changed) and member.is_current():
        others = current_members(taskforce).exclude(pk=member.pk)
        if (
            member.organization_id is not None
            and (
                others.filter(organization_id=member.organization_id, category=member.category)
            ).exists()
        ):
            raise Conflict(
                "This organization is already a member in this category.",
                errors=[FieldError("category", "the organization is already a member in it")],
            )
        if member.user_id is not None and others.filter(user_id=member.user_id).exists():
            raise Conflict(
                "This person is already a member.",
                errors=[FieldError("until", "the person already has a current membership")],
            )
    member.save()
    _audit(actor, Action.UPDATE, member, taskforce, changed=changed)
    return member


# --- Meetings --------------------------------------------------------------------------------


def _aware(field: str, value: datetime | None, required: bool = True) -> datetime | None:
    if value is None:
        if required:
            raise InvalidInput.field(field, "give a date and time")
        return None
    if timezone.is_naive(value):
        raise InvalidInput.field(field, "give a time with its time zone")
    return value.astimezone(UTC)


@transaction.atomic
def create_meeting(
    *,
    actor: User,
    taskforce: TaskForce,
    title: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    location: str = "",
    link: str = "",
    agenda: str = "",
    subcommittee: Subcommittee | None = None,
) -> Meeting:
    require(actor, Do.MANAGE, taskforce)
    errors: list[FieldError] = []
    for check in (
        lambda: _text("title", title, limit=200),
        lambda: _aware("starts_at", starts_at),
        lambda: _text("location", location, limit=300, required=False),
    ):
        try:
            check()
        except InvalidInput as problem:
            errors.extend(problem.errors)
    if ends_at is not None and starts_at is not None and ends_at <= starts_at:
        errors.append(FieldError("ends_at", "must be after the start"))
    if link:
        try:
            URLValidator(schemes=["https", "http"])(link)
        except ValidationError:
            errors.append(FieldError("link", "give a web address starting with https://"))
    if subcommittee is not None and subcommittee.taskforce_id != taskforce.pk:
        errors.append(FieldError("subcommittee", "not a subcommittee of this task force"))
    if errors:
        raise InvalidInput.fields(errors)
    meeting = Meeting.objects.create(
        taskforce=taskforce,
        subcommittee=subcommittee,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        location=(location or "").strip(),
        link=link,
        agenda=agenda or "",
    )
    _audit(actor, Action.CREATE, meeting, taskforce)
    return meeting


@transaction.atomic
def update_meeting_notes(
    *, actor: User, meeting: Meeting, version: int, agenda: str, minutes: str
) -> Meeting:
    taskforce = meeting.taskforce
    require(actor, Do.MANAGE, taskforce)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _bump(meeting, version)
    meeting.agenda = agenda or ""
    meeting.minutes = minutes or ""
    meeting.save()
    _audit(actor, Action.UPDATE, meeting, taskforce, changed=["agenda", "minutes"])
    return meeting


@transaction.atomic
def record_attendance(
    *, actor: User, meeting: Meeting, statuses: Mapping[int, str]
) -> list[Attendance]:
    """Set present/absent/excused for members (by member id); others are left as they were."""
    taskforce = meeting.taskforce
    require(actor, Do.MANAGE, taskforce)
    members = {m.pk: m for m in taskforce.members.filter(pk__in=list(statuses))}
    errors = []
    for member_id, status in statuses.items():
        if member_id not in members:
            errors.append(FieldError(f"attendance.{member_id}", "not a member of this task force"))
        elif status not in AttendanceStatus.values:
            errors.append(
                FieldError(
                    f"attendance.{member_id}",
                    f"{status!r} is not one of: {', '.join(AttendanceStatus.values)}",
                )
            )
    if errors:
        raise InvalidInput.fields(errors)
    saved = []
    for member_id, status in statuses.items():
        row, _ = Attendance.objects.update_or_create(
            meeting=meeting, member=members[member_id], defaults={"status": status}
        )
        saved.append(row)
    _audit(actor, Action.UPDATE, meeting, taskforce, changed=["attendance"], count=len(saved))
    return saved


# --- Action items ----------------------------------------------------------------------------


@transaction.atomic
def add_action_item(
    *,
    actor: User,
    taskforce: TaskForce,
    text: str,
    due: date | None,
    owner: User | None = None,
    meeting: Meeting | None = None,
) -> ActionItem:
    require(actor, Do.MANAGE, taskforce)
    errors = []
    try:
        text = _text("text", text, limit=500)
    except InvalidInput as problem:
        errors.extend(problem.errors)
    if due is None:
        errors.append(FieldError("due", "give a due date"))
    if meeting is not None and meeting.taskforce_id != taskforce.pk:
        errors.append(FieldError("meeting", "not a meeting of this task force"))
    if owner is not None and not owner.is_active:
        errors.append(FieldError("owner", "this account is disabled"))
    if errors or due is None:
        raise InvalidInput.fields(errors)
    item = ActionItem.objects.create(
        taskforce=taskforce, meeting=meeting, text=text, due=due, owner=owner
    )
    _audit(actor, Action.CREATE, item, taskforce)
    return item


@transaction.atomic
def set_action_item_done(
    *, actor: User, item: ActionItem, done: bool, version: int | None = None
) -> ActionItem:
    taskforce = item.taskforce
    if not (item.owner_id == actor.pk and may(actor, Do.READ, taskforce)):
        require(actor, Do.MANAGE, taskforce)  # owners may tick their own items too
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    _bump(item, version)
    item.done = done
    item.done_at = timezone.now() if done else None
    item.save()
    _audit(actor, Action.UPDATE, item, taskforce, changed=["done"], done=done)
    return item


# --- Annual-report narratives ---------------------------------------------------------------


def narrative_sections(kind: str) -> tuple[NarrativeSection, ...]:
    if kind not in NARRATIVE_SECTIONS:
        raise InvalidInput.field("kind", f"{kind!r} is not one of: {', '.join(ReportKind.values)}")
    return NARRATIVE_SECTIONS[kind]


@transaction.atomic
def save_report_narrative(
    *,
    actor: User,
    taskforce: TaskForce,
    kind: str,
    year: int,
    version: int,
    sections: Mapping[str, str],
) -> ReportNarrative:
    """Write the narrative sections of one annual report (the coordinator and the chair).
    `version` is 0 for a narrative nobody has written yet; a stale version is a Conflict.
    Sections not given keep their text. The audit record names the sections, never the text."""
    require(actor, Do.WRITE_REPORT, taskforce)
    errors: list[FieldError] = []
    allowed: tuple[NarrativeSection, ...] = ()
    try:
        allowed = narrative_sections(kind)
    except InvalidInput as problem:
        errors.extend(problem.errors)
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors.append(FieldError("year", "give a year between 2000 and 2100"))
    names = {s.field for s in allowed}
    cleaned: dict[str, str] = {}
    for name, text in sections.items():
        if allowed and name not in names:
            errors.append(FieldError(name, f"not a section of the {kind} report"))
            continue
        text = (text or "").replace("\r\n", "\n").strip()
        if len(text) > NARRATIVE_LIMIT:
            errors.append(FieldError(name, f"use at most {NARRATIVE_LIMIT:,} characters"))
        cleaned[name] = text
    if errors:
        raise InvalidInput.fields(errors)
    narrative = (
        ReportNarrative.objects.select_for_update()
        .filter(taskforce=taskforce, kind=kind, year=year)
        .first()
    )
    if narrative is None:
        if version:
            raise version_conflict()
        narrative = ReportNarrative(taskforce=taskforce, kind=kind, year=year, version=1)
    else:
        _bump(narrative, version)
    created = narrative.pk is None
    changed = [name for name, text in cleaned.items() if getattr(narrative, name) != text]
    for name, text in cleaned.items():
        setattr(narrative, name, text)
    narrative.updated_by = actor
    narrative.updated_at = timezone.now()
    try:
        with transaction.atomic():
            narrative.save()
    except IntegrityError:  # someone else wrote the first version at the same moment
        raise version_conflict() from None
    action = Action.CREATE if created else Action.UPDATE
    _audit(actor, action, narrative, taskforce, kind=kind, year=year, changed=changed)
    return narrative


# --- Calendar feeds --------------------------------------------------------------------------

FEED_PREFIX = "cal_"


@transaction.atomic
def create_calendar_feed(*, actor: User) -> str:
    """A new secret calendar address for the actor (any earlier one stops working). Returns
    the raw token, shown once; only its digest is stored."""
    raw = FEED_PREFIX + secrets.token_urlsafe(32)
    CalendarFeed.objects.filter(user=actor).delete()
    feed = CalendarFeed.objects.create(user=actor, digest=hash_token(raw))
    record(actor=actor, action=Action.CREATE, obj=feed, owner_org=None)
    return raw


def user_for_feed(raw: str) -> User:
    if not raw or not raw.startswith(FEED_PREFIX) or len(raw) > 100:
        raise NotFound()
    feed = CalendarFeed.objects.select_related("user").filter(digest=hash_token(raw)).first()
    if feed is None or not feed.user.is_active:
        raise NotFound()
    return feed.user


def exported(*, actor: User, taskforce: TaskForce, what: str, fmt: str) -> None:
    """Record an export (member list, representation, attendance, report)."""
    _audit(actor, Action.EXPORT, taskforce, taskforce, what=what, format=fmt)
