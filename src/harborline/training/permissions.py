# ruff: noqa: E501 - the permission table is Markdown, one row per line
"""Who may do what with training. Training records are not youth data, but they are personal
(who is short of a requirement), so they are kept to the people who manage that person's work.

| action | who may |
|---|---|
| record a person's training (API, event completion, import, by hand) | supervisors, org admins and coordinators of the person's own organization; the coordinator of a task force the person's organization currently belongs to; system admins |
| see a person's training record | the person; everyone who may record it |
| create a training event | supervisors, org admins, coordinators, system admins (for their own organization) |
| manage an event (attendance, survivor-speaker checklist) | the organizer; supervisors, org admins and coordinators of the host organization; system admins |
| see the survivor speaker's name | the event's organizer only |
| evaluate an event (form 2-B) | people recorded as attending it |
| see an agency's compliance | that agency's supervisors, org admins and coordinators; system admins |
| see a county's or region's compliance | coordinators, analysts and system admins (counts only, no names) |
| see a task force's compliance | its coordinator and chair; supervisors, org admins and coordinators of its current member organizations; system admins |
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harborline.people.roles import Role, working_role

if TYPE_CHECKING:
    from harborline.people.models import Organization, User
    from harborline.taskforce.models import TaskForce

    from .models import TrainingEvent

MANAGER_ROLES = frozenset({Role.SUPERVISOR, Role.ORG_ADMIN, Role.COORDINATOR})
AREA_ROLES = frozenset({Role.COORDINATOR, Role.ANALYST, Role.SYSTEM_ADMIN})


def is_system_admin(actor: User) -> bool:
    return working_role(actor) == Role.SYSTEM_ADMIN


def _org_id(user: User) -> int | None:
    membership = user.membership_or_none
    return membership.organization_id if membership is not None else None


def coordinates_org(actor: User, organization_id: int | None) -> bool:
    """Is the actor the coordinator of a task force this organization currently belongs to?"""
    if organization_id is None:
        return False
    from harborline.taskforce.models import organizations_coordinated_by

    return organizations_coordinated_by(actor).filter(organization_id=organization_id).exists()


def manages_org(actor: User, organization_id: int | None) -> bool:
    role = working_role(actor)
    if role is None:
        return False
    if role == Role.SYSTEM_ADMIN:
        return True
    return role in MANAGER_ROLES and _org_id(actor) == organization_id


def may_record(actor: User, person: User) -> bool:
    role = working_role(actor)
    if role is None:
        return False
    if role == Role.SYSTEM_ADMIN:
        return True
    org_id = _org_id(person)
    if org_id is None:
        return False
    if role in MANAGER_ROLES and _org_id(actor) == org_id:
        return True
    return coordinates_org(actor, org_id)


def may_view_person(actor: User, person: User) -> bool:
    return (actor.pk == person.pk and working_role(actor) is not None) or may_record(actor, person)


def may_create_event(actor: User) -> bool:
    role = working_role(actor)
    return role == Role.SYSTEM_ADMIN or role in MANAGER_ROLES


def may_manage_event(actor: User, event: TrainingEvent) -> bool:
    if working_role(actor) is None:
        return False
    return event.organizer_id == actor.pk or manages_org(actor, event.organization_id)


def may_see_speaker_name(actor: User, event: TrainingEvent) -> bool:
    return event.organizer_id == actor.pk


def may_view_agency(actor: User, organization: Organization) -> bool:
    return manages_org(actor, organization.pk)


def may_view_area(actor: User) -> bool:
    return working_role(actor) in AREA_ROLES


def may_view_taskforce(actor: User, taskforce: TaskForce) -> bool:
    role = working_role(actor)
    if role is None:
        return False
    if role == Role.SYSTEM_ADMIN:
        return True
    if actor.pk in (taskforce.coordinator_id, taskforce.chair_id):
        return True
    org_id = _org_id(actor)
    if role not in MANAGER_ROLES or org_id is None:
        return False
    return taskforce.members.current().filter(organization_id=org_id).exists()
