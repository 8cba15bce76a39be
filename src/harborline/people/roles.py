"""The organization types and roles Harborline knows. Their slugs are part of the API and the
command line: keep them stable."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models

from harborline.errors import NotFound

S = TypeVar("S")


class OrgType(models.TextChoices):
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
    CHILD_WELFARE = "child_welfare", "Child welfare"
    PROBATION = "probation", "Juvenile probation"
    JUVENILE_COURT = "juvenile_court", "Juvenile court"
    PROSECUTOR = "prosecutor", "Prosecutor (district attorney)"
    PUBLIC_DEFENDER = "public_defender", "Public defender"
    COMMUNITY_ADVOCACY = "community_advocacy", "Community-based advocacy"
    SYSTEM_ADVOCACY = "system_advocacy", "System-based advocacy"
    MEDICAL = "medical", "Medical provider"
    MENTAL_HEALTH = "mental_health", "Mental-health provider"
    SUBSTANCE_USE = "substance_use", "Substance-use treatment"
    EDUCATION = "education", "Education"
    SERVICE_PROVIDER = "service_provider", "Service provider"
    CHILD_ADVOCACY_CENTER = "child_advocacy_center", "Child advocacy center"
    TRIBAL = "tribal", "Tribal government or agency"
    STATISTICAL_CENTER = "statistical_center", "Statistical analysis center"
    TASK_FORCE = "task_force", "Task force"


class Role(models.TextChoices):
    CASEWORKER = "caseworker", "Caseworker"
    SUPERVISOR = "supervisor", "Supervisor"
    MENTOR_ADVOCATE = "mentor_advocate", "Mentor-advocate"
    ORG_ADMIN = "org_admin", "Organization administrator"
    COORDINATOR = "coordinator", "Coordinator"
    ANALYST = "analyst", "Analyst"
    SYSTEM_ADMIN = "system_admin", "System administrator"


@dataclass(frozen=True)
class RoleRules:
    """What a role is, in the terms the rest of the system asks about."""

    sees_youth_data: bool  # may be shown identifiable youth data at all -> MFA is required
    manages_org_users: bool  # may add, disable and unlock users of its own organization
    reads_org_audit: bool  # may read its organization's audit log
    summary: str


ROLE_RULES: dict[str, RoleRules] = {
    Role.CASEWORKER: RoleRules(
        True, False, False, "Works cases: screening, obligations, referrals."
    ),
    Role.SUPERVISOR: RoleRules(True, False, True, "Supervises caseworkers; receives escalations."),
    Role.MENTOR_ADVOCATE: RoleRules(True, False, False, "Walks alongside youth; privileged notes."),
    Role.ORG_ADMIN: RoleRules(True, True, True, "Manages the organization's users and audit."),
    Role.COORDINATOR: RoleRules(True, False, False, "Coordinates the task force and its MDTs."),
    Role.ANALYST: RoleRules(False, False, False, "Sees de-identified data and reports only."),
    Role.SYSTEM_ADMIN: RoleRules(True, True, True, "Runs the installation; manages organizations."),
}


def rules_for(role: str) -> RoleRules:
    return ROLE_RULES[Role(role)]


# Who reads aggregate figures that carry no youth data — the gap analysis, the disclosure-
# controlled report tables: those who plan services and run the task force or the organization.
AGGREGATE_READERS = frozenset(
    {Role.COORDINATOR, Role.ANALYST, Role.SUPERVISOR, Role.ORG_ADMIN, Role.SYSTEM_ADMIN}
)


def reads_aggregates(user: Any) -> bool:
    """The one answer to "may this person read aggregate figures" (gaps, report tables)."""
    membership = user.membership_or_none
    return membership is not None and membership.is_active and membership.role in AGGREGATE_READERS


def working_role(user: Any) -> str | None:
    """The role a person works in now: an active person's active membership's role; None for
    anyone else (no membership, an ended one, a deactivated account)."""
    if not user.is_active:
        return None
    membership = user.membership_or_none
    return membership.role if membership is not None and membership.is_active else None


def scope_in(rules: Mapping[Any, Mapping[str, S]], user: Any, action: Any) -> S | None:
    """An app's role table read once for everyone: the scope `rules[action]` gives the person's
    working role, None when it gives none (deny by default)."""
    role = working_role(user)
    return rules[action].get(role) if role is not None else None


def require_scope_in(rules: Mapping[Any, Mapping[str, S]], user: Any, action: Any) -> S:
    """`scope_in`, or NotFound when the person has none: the page or record does not exist for
    them."""
    scope = scope_in(rules, user, action)
    if scope is None:
        raise NotFound()
    return scope
