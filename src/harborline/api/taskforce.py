"""Task forces over the JSON API: create and read task forces, list and add members, list and
schedule meetings and record attendance. Who may do what is the services' table
(taskforce/services.py::PERMISSIONS); a task force or meeting the caller may not read answers 404,
like one that does not exist; a reader who may not change it gets 403."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from harborline.api.auth import caller
from harborline.errors import InvalidInput
from harborline.people.models import User
from harborline.response.clocks import event_time
from harborline.taskforce import selectors, services
from harborline.taskforce.models import Kind, TaskForce

from .schemas import (
    MAX_ID,
    ORGANIZATION_SLUG,
    USER_EMAIL,
    Instant,
    Problem,
    installed_packs,
    one_of,
    text,
)

router = Router(tags=["taskforce"])


class TaskForceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = text(200, description="The task force's name.")
    region: str = Field(
        default="", max_length=120, description="Free text, or a region slug of the pack."
    )
    pack: str = Field(
        description="A protocol pack, e.g. `nevada`, `washington`.",
        json_schema_extra=one_of(installed_packs()),
    )
    kind: str = Field(
        default=Kind.REGIONAL,
        description="regional, tribal or statewide.",
        json_schema_extra=one_of(Kind.values),
    )


class TaskForceOut(Schema):
    id: int
    name: str
    kind: str
    region: str
    pack: str
    coordinator: str | None = Field(description="The coordinator's email.")
    chair: str | None = Field(description="The chair's email.")
    members: int = Field(description="Current members.")
    version: int


class MemberIn(Schema):
    model_config = ConfigDict(extra="forbid")

    # Each may be left out (not sent as null): give exactly one of the first three.
    organization: (
        Annotated[str, Field(json_schema_extra=ORGANIZATION_SLUG)] | SkipJsonSchema[None]
    ) = Field(default=None, description="A member organization's slug.")
    user: Annotated[str, Field(json_schema_extra=USER_EMAIL)] | SkipJsonSchema[None] = Field(
        default=None, description="A user's email."
    )
    person_name: Annotated[str, Field(max_length=200)] | SkipJsonSchema[None] = Field(
        default=None, description="A person without an account."
    )
    person_email: (
        Annotated[str, Field(max_length=254, json_schema_extra={"format": "email"})]
        | SkipJsonSchema[None]
    ) = None
    category: str = Field(
        max_length=120,
        description="A member category id of the task force's pack, or `other: <name>`.",
    )
    since: date | None = None
    until: date | None = None
    protected: bool = Field(
        default=False,
        description="A survivor or parent of a survivor: the name is shown only to the "
        "coordinator and chair.",
    )


class MemberOut(Schema):
    id: int
    kind: str = Field(description="organization, user or person")
    name: str = Field(description='"Protected member (survivor)" unless you may see the name.')
    organization: str = Field(description="The organization's slug, for organizations.")
    category: str
    category_label: str
    since: date
    until: date | None
    current: bool
    protected: bool


def _out(taskforce: TaskForce) -> TaskForceOut:
    return TaskForceOut(
        id=taskforce.pk,
        name=taskforce.name,
        kind=taskforce.kind,
        region=taskforce.region,
        pack=taskforce.pack,
        coordinator=taskforce.coordinator.email if taskforce.coordinator else None,
        chair=taskforce.chair.email if taskforce.chair else None,
        members=services.current_members(taskforce).count(),
        version=taskforce.version,
    )


@router.post(
    "/taskforces",
    response={201: TaskForceOut, 401: Problem, 403: Problem, 422: Problem},
    summary="Create a task force",
    description="Coordinators and system administrators. The caller becomes its coordinator. "
    "An unknown pack is 422 naming `pack`.",
)
def create_taskforce(request: HttpRequest, payload: TaskForceIn) -> Status:
    taskforce = services.create_taskforce(
        actor=caller(request),
        name=payload.name,
        region=payload.region,
        pack=payload.pack,
        kind=payload.kind,
    )
    return Status(201, _out(taskforce))


@router.get(
    "/taskforces/{taskforce_id}",
    response={200: TaskForceOut, 401: Problem, 404: Problem, 422: Problem},
    summary="A task force",
)
def get_taskforce(request: HttpRequest, taskforce_id: int) -> TaskForceOut:
    return _out(selectors.get_taskforce(caller(request), taskforce_id))


def _member_out(row: selectors.MemberRow) -> MemberOut:
    return MemberOut(
        id=row.id,
        kind=row.kind,
        name=row.name,
        organization=row.organization,
        category=row.category,
        category_label=row.category_label,
        since=row.since,
        until=row.until,
        current=row.current,
        protected=row.protected,
    )


@router.get(
    "/taskforces/{taskforce_id}/members",
    response={200: list[MemberOut], 401: Problem, 404: Problem, 422: Problem},
    summary="A task force's members",
    description="Protected members' names only for the coordinator and chair.",
)
def list_members(request: HttpRequest, taskforce_id: int) -> list[MemberOut]:
    actor: User = caller(request)
    taskforce = selectors.get_taskforce(actor, taskforce_id)
    return [_member_out(r) for r in selectors.member_rows(actor, taskforce)]


@router.post(
    "/taskforces/{taskforce_id}/members",
    response={201: MemberOut, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem},
    summary="Add a member",
    description="Give exactly one of `organization` (slug), `user` (email) or `person_name`. "
    "Unknown organization, user or category: 422 naming the field (a user must have an active "
    "account in an organization). A `person_email` that is an active account's links that "
    "account, as the page does. The page resolves both the same way (services.add_member).",
)
def add_member(request: HttpRequest, taskforce_id: int, payload: MemberIn) -> Status:
    actor: User = caller(request)
    taskforce = selectors.get_taskforce(actor, taskforce_id)
    member = services.add_member(
        actor=actor,
        taskforce=taskforce,
        category=payload.category,
        organization=payload.organization or None,
        user=payload.user or None,
        person_name=payload.person_name or "",
        person_email=payload.person_email or "",
        since=payload.since,
        until=payload.until,
        protected=payload.protected,
    )
    row = next(r for r in selectors.member_rows(actor, taskforce) if r.id == member.pk)
    return Status(201, _member_out(row))


# --- Meetings --------------------------------------------------------------------------------


def _in_range(value: datetime | None) -> datetime | None:
    if value is not None and not 2000 <= value.year <= 2100:
        raise ValueError("give a date between the years 2000 and 2100")
    return value


class TaskForceMeetingIn(Schema):
    """A task-force meeting (a case's MDT meeting is `MeetingIn`)."""

    model_config = ConfigDict(extra="forbid")

    title: str = text(200, description="What the meeting is.")
    starts_at: Instant = Field(
        description="ISO 8601. With an offset (`2027-01-14T09:30:00-08:00`), or without one: "
        "then it is read in the time zone of the coordinator's organization (a wall-clock time "
        "the clocks skip is refused; one that happens twice is read as the earlier)."
    )
    ends_at: Instant | None = Field(default=None, description="Optional; read like starts_at.")
    location: str = Field(default="", max_length=300)
    agenda: str = Field(default="", max_length=20000)

    check_range = field_validator("starts_at", "ends_at")(_in_range)


class MeetingOut(Schema):
    id: int
    title: str
    subcommittee: str | None = Field(description="The subcommittee's name, if any.")
    starts_at: datetime = Field(description="In UTC.")
    ends_at: datetime | None = Field(description="In UTC.")
    time_zone: str = Field(description="The task force's time zone, for showing the times.")
    location: str
    link: str
    agenda: str
    present: int
    absent: int
    excused: int
    version: int


class AttendanceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    member: int = Field(ge=1, le=MAX_ID, description="A member's id (see .../members).")
    status: Literal["present", "absent", "excused"]


class AttendanceOut(Schema):
    meeting: int
    member: int
    status: str


def _meeting_out(row: selectors.MeetingAttendance, tz: str) -> MeetingOut:
    m = row.meeting
    return MeetingOut(
        id=m.pk,
        title=m.title,
        subcommittee=m.subcommittee.name if m.subcommittee else None,
        starts_at=m.starts_at,
        ends_at=m.ends_at,
        time_zone=tz,
        location=m.location,
        link=m.link,
        agenda=m.agenda,
        present=row.present,
        absent=row.absent,
        excused=row.excused,
        version=m.version,
    )


@router.get(
    "/taskforces/{taskforce_id}/meetings",
    response={200: list[MeetingOut], 401: Problem, 404: Problem, 422: Problem},
    summary="A task force's meetings",
    description="Newest first, with the attendance recorded so far. Times are in UTC; "
    "`time_zone` is the zone the task force's pages show them in.",
)
def list_meetings(request: HttpRequest, taskforce_id: int) -> list[MeetingOut]:
    actor: User = caller(request)
    taskforce = selectors.get_taskforce(actor, taskforce_id)
    tz = taskforce.time_zone
    rows = selectors.attendance_by_meeting(selectors.meetings(taskforce))
    return [_meeting_out(r, tz) for r in rows]


@router.post(
    "/taskforces/{taskforce_id}/meetings",
    response={201: MeetingOut, 401: Problem, 403: Problem, 404: Problem, 422: Problem},
    summary="Schedule a meeting",
    description="The coordinator, the chair or a system administrator. Bad input is 422 naming "
    "the field (`title`, `starts_at`, `ends_at`, `location`, `agenda`).",
)
def create_meeting(request: HttpRequest, taskforce_id: int, payload: TaskForceMeetingIn) -> Status:
    actor: User = caller(request)
    taskforce = selectors.get_taskforce(actor, taskforce_id)
    services.require(actor, services.Do.MANAGE, taskforce)
    tz = taskforce.time_zone
    starts_at = event_time(payload.starts_at, tz, "starts_at")
    ends_at = event_time(payload.ends_at, tz, "ends_at") if payload.ends_at else None
    meeting = services.create_meeting(
        actor=actor,
        taskforce=taskforce,
        title=payload.title,
        starts_at=starts_at,
        ends_at=ends_at,
        location=payload.location,
        agenda=payload.agenda,
    )
    return Status(201, _meeting_out(selectors.attendance_by_meeting([meeting])[0], tz))


@router.post(
    "/taskforces/{taskforce_id}/meetings/{meeting_id}/attendance",
    response={200: AttendanceOut, 401: Problem, 403: Problem, 404: Problem, 422: Problem},
    summary="Record one member's attendance",
    description="Sets `present`, `absent` or `excused` for one member of the task force (a "
    "member's earlier status at this meeting is replaced). A member of another task force is "
    "422 naming `member`.",
)
def record_attendance(
    request: HttpRequest, taskforce_id: int, meeting_id: int, payload: AttendanceIn
) -> AttendanceOut:
    actor: User = caller(request)
    taskforce = selectors.get_taskforce(actor, taskforce_id)
    meeting = selectors.get_meeting(taskforce, meeting_id)
    services.require(actor, services.Do.MANAGE, taskforce)
    if not taskforce.members.filter(pk=payload.member).exists():
        raise InvalidInput.field("member", "not a member of this task force")
    services.record_attendance(
        actor=actor, meeting=meeting, statuses={payload.member: payload.status}
    )
    return AttendanceOut(meeting=meeting.pk, member=payload.member, status=payload.status)
