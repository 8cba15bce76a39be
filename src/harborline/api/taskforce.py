"""Task forces over the JSON API: create and read task forces, list and add members. Who may do
what is the services' table (taskforce/services.py::PERMISSIONS); a task force the caller may
not read answers 404, like one that does not exist."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from harborline.errors import InvalidInput
from harborline.people.models import Organization, User
from harborline.taskforce import selectors, services
from harborline.taskforce.models import Kind, TaskForce

from .schemas import Problem

router = Router(tags=["taskforce"])


class TaskForceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=200, description="The task force's name.")
    region: str = Field(
        default="", max_length=120, description="Free text, or a region slug of the pack."
    )
    pack: str = Field(max_length=40, description="A protocol pack, e.g. `nevada`, `washington`.")
    kind: str = Field(default=Kind.REGIONAL, description="regional, tribal or statewide.")


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

    organization: str | None = Field(
        default=None, max_length=60, description="A member organization's slug."
    )
    user: str | None = Field(default=None, max_length=254, description="A user's email.")
    person_name: str | None = Field(
        default=None, max_length=200, description="A person without an account."
    )
    person_email: str | None = Field(default=None, max_length=254)
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
        actor=request.auth,  # type: ignore[attr-defined]
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
    return _out(selectors.get_taskforce(request.auth, taskforce_id))  # type: ignore[attr-defined]


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
    actor: User = request.auth  # type: ignore[attr-defined]
    taskforce = selectors.get_taskforce(actor, taskforce_id)
    return [_member_out(r) for r in selectors.member_rows(actor, taskforce)]


@router.post(
    "/taskforces/{taskforce_id}/members",
    response={201: MemberOut, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem},
    summary="Add a member",
    description="Give exactly one of `organization` (slug), `user` (email) or `person_name`. "
    "Unknown organization, user or category: 422 naming the field.",
)
def add_member(request: HttpRequest, taskforce_id: int, payload: MemberIn) -> Status:
    actor: User = request.auth  # type: ignore[attr-defined]
    taskforce = selectors.get_taskforce(actor, taskforce_id)
    services.require(actor, services.Do.MANAGE, taskforce)
    organization = user = None
    if payload.organization:
        organization = Organization.objects.filter(slug=payload.organization).first()
        if organization is None:
            raise InvalidInput.field(
                "organization", f"no organization with slug {payload.organization!r}"
            )
    if payload.user:
        user = User.objects.filter(email=payload.user.strip().lower()).first()
        if user is None:
            raise InvalidInput.field("user", f"no user with email {payload.user!r}")
    member = services.add_member(
        actor=actor,
        taskforce=taskforce,
        category=payload.category,
        organization=organization,
        user=user,
        person_name=payload.person_name or "",
        person_email=payload.person_email or "",
        since=payload.since,
        until=payload.until,
        protected=payload.protected,
    )
    row = next(r for r in selectors.member_rows(actor, taskforce) if r.id == member.pk)
    return Status(201, _member_out(row))
