"""Which roles a person may give, and in which organizations: the one rule the services, the
forms, the pages and the command line all ask (issue 10; decision 0032).

A role's reach never exceeds what the person granting it holds.

Reach is which organizations' records a role reads (identifiable records: people, agreements,
mentor-advocates, youth; not de-identified counts). From narrow to wide:
- organization: caseworker, supervisor, mentor_advocate, org_admin, analyst -- their own
  organization's records (an analyst also sees county and region counts, never names);
- task forces: coordinator -- their own organization and the current member organizations of
  the task forces they coordinate;
- installation: system_admin -- every organization.

The rule:
1. Only those who manage accounts give roles: an organization administrator in their own
   organization, a system administrator in any (people.services.require_org_manager; to
   anyone else the account does not exist). The operator's command line holds the
   installation, like a system administrator.
2. Nobody gives a role whose reach is wider than their own. So an organization administrator
   gives the organization roles, and only a system administrator (or the operator) gives
   `coordinator` and `system_admin`.
3. A coordinator belongs to a task-force organization (type `task_force`), whoever grants it.
   Other roles may be held in any type of organization.

This module is pure (no database): `refusal` answers with the reason a grant is refused, to be
shown beside the `role` field, or None."""

from __future__ import annotations

from enum import IntEnum

from .roles import OrgType, Role, rules_for


class Reach(IntEnum):
    NONE = 0
    ORGANIZATION = 1
    TASK_FORCES = 2
    INSTALLATION = 3


REACH: dict[str, Reach] = {
    Role.CASEWORKER: Reach.ORGANIZATION,
    Role.SUPERVISOR: Reach.ORGANIZATION,
    Role.MENTOR_ADVOCATE: Reach.ORGANIZATION,
    Role.ORG_ADMIN: Reach.ORGANIZATION,
    Role.ANALYST: Reach.ORGANIZATION,
    Role.COORDINATOR: Reach.TASK_FORCES,
    Role.SYSTEM_ADMIN: Reach.INSTALLATION,
}
# Roles held only in organizations of these types (a role missing here: any type).
ORG_TYPES: dict[str, frozenset[str]] = {Role.COORDINATOR: frozenset({OrgType.TASK_FORCE})}

OPERATOR = None  # the granter at the command line: no account, holds the installation


def granting_reach(granter_role: str | None) -> Reach:
    """How far the roles someone may give reach: their own reach if they manage accounts."""
    if granter_role is OPERATOR:
        return Reach.INSTALLATION
    if granter_role not in REACH or not rules_for(granter_role).manages_org_users:
        return Reach.NONE
    return REACH[granter_role]


def held_in(role: str, org_type: str) -> bool:
    """Whether `role` may be held in an organization of `org_type` (rule 3)."""
    allowed_types = ORG_TYPES.get(role)
    return allowed_types is None or org_type in allowed_types


def refusal(*, granter_role: str | None, role: str, org_type: str) -> str | None:
    """Why someone with `granter_role` (None: the operator) may not give `role` to a person of
    an organization of type `org_type`; None when they may."""
    if role not in REACH:
        return f"{role!r} is not one of: {', '.join(Role.values)}"
    if REACH[role] > granting_reach(granter_role):
        return "Only a system administrator can give this role."
    if not held_in(role, org_type):
        kinds = " or ".join(str(OrgType(t).label).lower() for t in sorted(ORG_TYPES[role]))
        return f"A {Role(role).label.lower()} belongs to a {kinds} organization."
    return None


def may_give(*, granter_role: str | None, role: str, org_type: str) -> bool:
    return refusal(granter_role=granter_role, role=role, org_type=org_type) is None


def givable_roles(*, granter_role: str | None, org_type: str) -> list[Role]:
    """The roles someone with `granter_role` may give in an organization of `org_type`, in
    the order of Role."""
    return [r for r in Role if may_give(granter_role=granter_role, role=r, org_type=org_type)]
