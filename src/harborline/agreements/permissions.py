"""Who may do what with agreements: one table, read by services, selectors and the pages.

Scopes: ANY agreement; PARTY = agreements the actor's organization is a party to; TASK_FORCE =
those, and agreements a party to which is a current member organization of a task force the
actor coordinates (what the task force holds: decision 0032); OWN = only for the actor's own
organization (signing: an org admin records their own organization's signature).
A role missing from an action's row may not do it. Reading is refused with NotFound (existence
does not leak); a write the actor may read but not do is refused with Forbidden."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import Q

from harborline.people.roles import Role, require_scope_in, scope_in

if TYPE_CHECKING:
    from harborline.people.models import Organization, User

    from .models import Agreement


class Scope(StrEnum):
    ANY = "any"
    TASK_FORCE = "task_force"
    PARTY = "party"
    OWN = "own"


class Do(StrEnum):
    READ = "read"
    CREATE = "create"
    EDIT = "edit"  # title, document, term, checklist, scope (scope only before signatures)
    SIGN = "sign"
    DUTIES = "duties"  # DSA submissions, breaches, notices of termination, certificates


R = Role
RULES: dict[Do, dict[str, Scope]] = {
    Do.READ: {
        R.SYSTEM_ADMIN: Scope.ANY,
        R.COORDINATOR: Scope.TASK_FORCE,
        R.ORG_ADMIN: Scope.PARTY,
        R.SUPERVISOR: Scope.PARTY,
        R.CASEWORKER: Scope.PARTY,
        R.MENTOR_ADVOCATE: Scope.PARTY,
        R.ANALYST: Scope.PARTY,
    },
    Do.CREATE: {R.SYSTEM_ADMIN: Scope.ANY, R.ORG_ADMIN: Scope.PARTY},
    Do.EDIT: {R.SYSTEM_ADMIN: Scope.ANY, R.ORG_ADMIN: Scope.PARTY},
    Do.SIGN: {R.SYSTEM_ADMIN: Scope.ANY, R.ORG_ADMIN: Scope.OWN},
    Do.DUTIES: {R.SYSTEM_ADMIN: Scope.ANY, R.ORG_ADMIN: Scope.PARTY},
}


def scope_for(actor: User, action: Do) -> Scope | None:
    return scope_in(RULES, actor, action)


def require_scope(actor: User, action: Do) -> Scope:
    """The actor's scope for `action`; NotFound if they have none: the page does not exist for
    them."""
    return require_scope_in(RULES, actor, action)


def party_filter(actor: User, scope: Scope) -> Q:
    """The agreements a PARTY or TASK_FORCE scope reaches, as a filter on Agreement."""
    condition = Q(parties__organization_id=actor.membership.organization_id)
    if scope == Scope.TASK_FORCE:
        from harborline.taskforce.models import organizations_coordinated_by

        condition |= Q(parties__organization_id__in=organizations_coordinated_by(actor))
    return condition


def may(
    actor: User,
    action: Do,
    *,
    parties: list[Organization] | None = None,
    for_org: Organization | None = None,
) -> bool:
    """Whether `actor` may do `action` on an agreement among `parties` (for SIGN: for the party
    `for_org`)."""
    scope = scope_for(actor, action)
    if scope is None:
        return False
    if scope == Scope.ANY:
        return True
    own = actor.membership.organization_id
    if scope == Scope.OWN:
        return for_org is not None and for_org.pk == own
    party_ids = {p.pk for p in (parties or [])}
    if own in party_ids:
        return True
    if scope == Scope.TASK_FORCE and party_ids:
        from harborline.taskforce.models import organizations_coordinated_by

        return organizations_coordinated_by(actor).filter(organization_id__in=party_ids).exists()
    return False


def may_on(
    actor: User, action: Do, agreement: Agreement, for_org: Organization | None = None
) -> bool:
    parties = [p.organization for p in agreement.parties.all()]
    return may(actor, action, parties=parties, for_org=for_org)
