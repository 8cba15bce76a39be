"""Who may do what in the mentor-advocate program: one table.

Scopes: ANY; TASK_FORCE = mentor-advocates of the actor's own organization and of the current
member organizations of the task forces the actor coordinates (what the task force holds:
decision 0032); ORG = mentor-advocates of the actor's own organization; SELF = the actor's own
roster entry. Reading refused -> NotFound; a write the actor may read but not do -> Forbidden.
The on-call schedule (who to call, and their phone) is for everyone who works with youth."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import Q

from harborline.people.roles import Role, require_scope_in, scope_in

if TYPE_CHECKING:
    from harborline.people.models import User

    from .models import MentorAdvocate


class Scope(StrEnum):
    ANY = "any"
    TASK_FORCE = "task_force"
    ORG = "org"
    SELF = "self"


class Do(StrEnum):
    READ = "read"  # the roster entry: qualifications, caseload, supervision flag
    MANAGE = "manage"  # add to the program, qualifications, readiness reviews
    SUPERVISE = "supervise"  # log supervision sessions
    SCHEDULE = "schedule"  # add and remove on-call shifts
    SEE_ON_CALL = "see_on_call"  # who is on call, with their phone


R = Role
RULES: dict[Do, dict[str, Scope]] = {
    Do.READ: {
        R.SYSTEM_ADMIN: Scope.ANY,
        R.COORDINATOR: Scope.TASK_FORCE,
        R.ORG_ADMIN: Scope.ORG,
        R.SUPERVISOR: Scope.ORG,
        R.MENTOR_ADVOCATE: Scope.SELF,
    },
    Do.MANAGE: {R.SYSTEM_ADMIN: Scope.ANY, R.ORG_ADMIN: Scope.ORG, R.SUPERVISOR: Scope.ORG},
    Do.SUPERVISE: {R.SYSTEM_ADMIN: Scope.ANY, R.ORG_ADMIN: Scope.ORG, R.SUPERVISOR: Scope.ORG},
    Do.SCHEDULE: {R.SYSTEM_ADMIN: Scope.ANY, R.ORG_ADMIN: Scope.ORG, R.SUPERVISOR: Scope.ORG},
    Do.SEE_ON_CALL: {
        R.SYSTEM_ADMIN: Scope.ANY,
        R.COORDINATOR: Scope.ANY,
        R.ORG_ADMIN: Scope.ANY,
        R.SUPERVISOR: Scope.ANY,
        R.CASEWORKER: Scope.ANY,
        R.MENTOR_ADVOCATE: Scope.ANY,
    },
}

# Survivor status and readiness reviews are the mentor-advocate's own sensitive history: only
# those who manage the program see them (MANAGE), and the person themself.


def scope_for(actor: User, action: Do) -> Scope | None:
    return scope_in(RULES, actor, action)


def require_scope(actor: User, action: Do) -> Scope:
    """The actor's scope for `action`; NotFound if they have none: the page does not exist for
    them."""
    return require_scope_in(RULES, actor, action)


def may(
    actor: User, action: Do, *, organization_id: int | None = None, user_id: int | None = None
) -> bool:
    scope = scope_for(actor, action)
    if scope is None:
        return False
    if scope == Scope.ANY:
        return True
    if scope == Scope.SELF:
        return user_id is not None and user_id == actor.pk
    if organization_id is None:
        return False
    if organization_id == actor.membership.organization_id:
        return True
    if scope == Scope.TASK_FORCE:
        from harborline.taskforce.models import organizations_coordinated_by

        return organizations_coordinated_by(actor).filter(organization_id=organization_id).exists()
    return False


def organization_filter(actor: User, scope: Scope) -> Q:
    """The mentor-advocates an ORG or TASK_FORCE scope reaches, as a filter on MentorAdvocate."""
    condition = Q(organization_id=actor.membership.organization_id)
    if scope == Scope.TASK_FORCE:
        from harborline.taskforce.models import organizations_coordinated_by

        condition |= Q(organization_id__in=organizations_coordinated_by(actor))
    return condition


def may_on(actor: User, action: Do, advocate: MentorAdvocate) -> bool:
    return may(actor, action, organization_id=advocate.organization_id, user_id=advocate.user_id)


def sees_private(actor: User, advocate: MentorAdvocate) -> bool:
    """Whether the actor sees survivor status and readiness reviews."""
    return advocate.user_id == actor.pk or may_on(actor, Do.MANAGE, advocate)
