"""The one access rule (design §4). Every read or write of a youth's case asks this module:
`grant_for(actor, case)` says which compartments the actor may see and why. This module never
loads a case itself: `cases.selectors.case_for(actor, case_id)` loads it and asks `grant_for`,
returning the case with that grant or raising NotFound — the same NotFound whether the case does
not exist or the actor may not see it, so existence does not leak. The workflows that grant
access (shares, consent, break-glass) live above cases, in `harborline.sharing`.

Who sees what:
- Nobody without an active membership in a role that sees youth data; and not a system
  administrator (who runs the installation, not cases).
- The owning organization: every compartment.
- Another organization: the compartments of its active shares (to the organization, or to the
  actor's role in it), and for one user the break-glass compartments for 4 hours.
- Advocate-privileged notes belong to the organization of the advocate who wrote them (the
  note's `author_org`, its holder), not to the case's owner (decision 0043). An advocate — a
  mentor-advocate, or a caseworker or supervisor of a community- or system-based advocacy
  organization (`compartments.is_advocate`), never law enforcement, prosecution or probation
  whatever a share or a role says — is offered the compartment, to read and add their own
  organization's notes, on a case their organization owns or is on the case team of
  (`CaseTeamMember`, active); and, to read the holder's notes too, through an active share made
  by the holding organization itself on the youth's consent (basis `consent`) that names the
  compartment. Nobody else is offered it: no owner's share of another basis, no break-glass, no
  other role. The grant names the holders whose notes the actor reads (`privileged_holders`).
  That another organization holds privileged notes — never their text — is told only to the
  owning organization (outside the barred types) and to advocates on the case team, and only
  when the writer ticked "let the team know notes exist" (`Grant.told_of_privileged`; the
  note's `existence_shown`).

Who is told of a record they may not read — one answer, `told_of_possible_record`: opening a
case, an actor who works cases is told that a possible record of the same youth exists in
another organization (its name, nothing of the record: decision 0063) when the check on the
youth's encodings finds one whose identity the actor does not see, unless that organization's
type is one whose very relationship with a youth is confidential by law
(`CONFIDENTIAL_CLIENT_ORG_TYPES`): then the actor is told nothing at all.

Who changes what — one answer, `Grant.edits(compartment)` (and `require_edit`, which raises
Forbidden), asked by every write of the owner's record:
- Seeing a compartment lets the actor add notes to it (`require`), nothing more.
- Changing the record — a compartment's fields (the youth's identity, contacts, placement
  address, external reference numbers) — is case work: only CASE_MANAGERS, and only of the
  owning organization, or of an organization whose share explicitly lets it change the shared
  compartments (`Share.may_edit`, which the owner's managers set when sharing; off by default).
- The case itself (`edits(None)`: its team, status, sharing and consent) only the owner's
  managers change; no share grants that.
- Break-glass reads; it never changes the record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from harborline.errors import Forbidden

from . import compartments as c
from .models import BasisType, BreakGlass, Share

if TYPE_CHECKING:
    from harborline.cases.models import Case
    from harborline.people.models import Organization, User

NOT_FOUND = "No such case, or you do not have access to it."

# Roles of the owning organization that manage a case's sharing, consent and team.
CASE_MANAGERS = frozenset({"caseworker", "supervisor", "mentor_advocate", "org_admin"})
# Roles that review break-glass openings and read "who saw this record" for their organization.
REVIEWERS = frozenset({"supervisor", "org_admin"})
NO_CASE_ACCESS_ROLES = frozenset({"system_admin"})
# Organizations for which saying that they know a youth already discloses something the law
# protects: advocates (VAWA and FVPSA confidentiality, advocate privilege), health, mental-health
# and substance-use treatment providers (HIPAA, 42 CFR Part 2), defenders (attorney-client). A
# possible-duplicate check never names them, nor says that some organization was left unnamed.
CONFIDENTIAL_CLIENT_ORG_TYPES = frozenset(
    {
        "community_advocacy",
        "system_advocacy",
        "medical",
        "mental_health",
        "substance_use",
        "public_defender",
    }
)


@dataclass(frozen=True)
class Grant:
    """What one actor may see of one case, and on what basis (for the audit record)."""

    compartments: frozenset[str] = frozenset()
    via: str = ""  # "owner" | "share" | "break_glass" | ""
    shares: tuple[Share, ...] = ()
    break_glass: BreakGlass | None = None
    is_owner: bool = False
    role: str = ""
    org_type: str = ""
    purposes: tuple[str, ...] = field(default=())
    # Compartments a share lets this (other) organization change: those of its shares that
    # carry the owner's explicit grant (`Share.may_edit`).
    editable: frozenset[str] = frozenset()
    # The organizations whose advocate-privileged notes the actor reads (their own first);
    # empty unless the grant sees the compartment.
    privileged_holders: frozenset[int] = frozenset()
    # May be told which other organizations hold privileged notes they let the team know of.
    told_of_privileged: bool = False
    org_id: int | None = None

    def __bool__(self) -> bool:
        return bool(self.compartments)

    def sees(self, compartment: str) -> bool:
        return compartment in self.compartments

    @property
    def purpose(self) -> str:
        if self.via == "owner":
            return "case work (owning organization)"
        if self.via == "break_glass":
            return "emergency access (break-glass)"
        return "; ".join(sorted({s.purpose for s in self.shares}))

    @property
    def legal_basis(self) -> str:
        if self.via == "owner":
            return "owner"
        if self.via == "break_glass" and self.break_glass is not None:
            return f"break_glass:{self.break_glass.pk}"
        return "; ".join(sorted({f"{s.basis_type}:{s.basis_reference}" for s in self.shares}))

    def edits(self, compartment: str | None = None) -> bool:
        """May the actor change the owner's record: the fields of `compartment`, or with None
        the case itself (its team, status, sharing and consent)? The one answer every write
        asks (module docstring)."""
        if self.role not in CASE_MANAGERS:
            return False
        if compartment is None:
            return self.is_owner
        if not self.sees(compartment):
            return False
        return self.is_owner or compartment in self.editable

    @property
    def editable_compartments(self) -> tuple[str, ...]:
        """The compartments whose fields the actor may change, in the usual order."""
        return tuple(name for name in c.ALL if self.edits(name))

    @property
    def manages(self) -> bool:
        """Manages the case's sharing, consent, team and status (`edits(None)`)."""
        return self.edits(None)

    @property
    def reviews(self) -> bool:
        return self.is_owner and self.role in REVIEWERS


def works_cases(actor: User) -> bool:
    """May the actor work youth cases at all: an active user with an active membership in a
    role that sees youth data, and not a system administrator. The one answer for opening a
    case, offering to, and every grant (`_member`)."""
    membership = actor.membership_or_none
    rules = actor.rules
    return bool(
        membership is not None
        and rules is not None
        and membership.is_active
        and actor.is_active
        and rules.sees_youth_data
        and membership.role not in NO_CASE_ACCESS_ROLES
    )


def _member(actor: User) -> tuple[str, str, int] | None:
    """(role, organization type, organization id) of an actor who may work cases at all."""
    if not works_cases(actor):
        return None
    membership = actor.membership
    return membership.role, membership.organization.type, membership.organization_id


def _consent_holder(share: Share) -> int | None:
    """The holding organization whose privileged notes `share` passes on: the organization that
    made it, when it names the compartment and rests on the youth's consent; else None."""
    if c.Compartment.ADVOCATE_PRIVILEGED not in share.compartments:
        return None
    if share.basis_type != BasisType.CONSENT:
        return None
    return share.created_by.membership.organization_id


def grants_for(actor: User, cases: list[Case]) -> dict[int, Grant]:
    """The actor's grant on each case, in two queries whatever the number of cases (three for
    another organization's advocate: the case team)."""
    member = _member(actor)
    if member is None:
        return {case.pk: Grant() for case in cases}
    role, org_type, org_id = member
    advocate = c.is_advocate(role, org_type)
    others = [case.pk for case in cases if case.owner_id != org_id]
    now = timezone.now()
    shares: dict[int, list[Share]] = {}
    glasses: dict[int, BreakGlass] = {}
    on_team: set[int] = set()
    if others:
        for share in (
            Share.objects.active(now)
            .filter(case_id__in=others, organization_id=org_id)
            .filter(Q(role="") | Q(role=role))
            .select_related("created_by__membership")
        ):
            shares.setdefault(share.case_id, []).append(share)
        for glass in BreakGlass.objects.filter(
            case_id__in=others, user_id=actor.pk, expires_at__gt=now
        ).order_by("opened_at"):
            glasses[glass.case_id] = glass
    if others and advocate:
        # Only an advocate gains anything from the case team. The team is cases'
        # (`CaseTeamMember`, related name `team`); it is read through the cases handed in, so
        # access imports nothing from cases.
        on_team = set(
            type(cases[0])
            ._default_manager.filter(pk__in=others, team__organization_id=org_id, team__active=True)
            .values_list("pk", flat=True)
        )
    told_types = org_type not in c.PRIVILEGE_BARRED_ORG_TYPES
    result = {}
    for case in cases:
        if case.owner_id == org_id:
            names = set(c.ALL)
            holders = {org_id} if advocate else set()
            if not holders:
                names.discard(c.Compartment.ADVOCATE_PRIVILEGED)
            result[case.pk] = Grant(
                frozenset(names),
                "owner",
                is_owner=True,
                role=role,
                org_type=org_type,
                privileged_holders=frozenset(holders),
                told_of_privileged=told_types,
                org_id=org_id,
            )
            continue
        own = tuple(shares.get(case.pk, ()))
        names = set()
        editable: set[str] = set()
        holders = set()
        for share in own:
            names.update(share.compartments)
            if share.may_edit:
                editable.update(share.compartments)
            holder = _consent_holder(share)
            if holder is not None and advocate:
                holders.update({org_id, holder})
        if advocate and case.pk in on_team:
            holders.add(org_id)
        names.discard(c.Compartment.ADVOCATE_PRIVILEGED)
        if holders:
            names.add(c.Compartment.ADVOCATE_PRIVILEGED)
        opened = glasses.get(case.pk)
        if opened is not None:
            names.update(c.BREAK_GLASS)
        via = ("share" if own else "team" if case.pk in on_team else "break_glass") if names else ""
        result[case.pk] = Grant(
            frozenset(names),
            via,
            shares=own,
            break_glass=opened,
            role=role,
            org_type=org_type,
            editable=frozenset(editable & names),
            privileged_holders=frozenset(holders),
            told_of_privileged=bool(names) and told_types and case.pk in on_team,
            org_id=org_id,
        )
    return result


def visible_cases(actor: User, cases: QuerySet[Case]) -> QuerySet[Case]:
    """`cases` narrowed to those `grants_for` gives the actor a non-empty grant on — the same
    rule in SQL, for lists: owned by their organization, shared with it (or its role) by an
    active share that leaves something once advocate-privileged notes are stripped (for an
    advocate, a consent-based share of them alone is enough), on whose case team an advocate's
    organization is, or opened by them with break-glass and not yet expired. Kept in step with
    `grants_for` by tests/cases/test_list_agrees_with_read.py and
    tests/access/test_privileged_notes.py."""
    member = _member(actor)
    if member is None:
        return cases.none()
    role, org_type, org_id = member
    now = timezone.now()
    # IN (subquery) rather than EXISTS: the planner can then use the indexes on shares and
    # break-glass instead of testing every case (docs/benchmarks.md).
    shares = (
        Share.objects.active(now)
        .filter(Q(role="") | Q(role=role), organization_id=org_id)
        .exclude(compartments=[])
    )
    privileged_only = [c.Compartment.ADVOCATE_PRIVILEGED.value]
    advocate = c.is_advocate(role, org_type)
    if advocate:
        # A share of advocate-privileged notes alone grants an advocate something only when
        # the holding organization made it on the youth's consent (`_consent_holder`).
        shares = shares.exclude(Q(compartments=privileged_only) & ~Q(basis_type=BasisType.CONSENT))
    else:
        shares = shares.exclude(compartments=privileged_only)
    glass = BreakGlass.objects.filter(user_id=actor.pk, expires_at__gt=now)
    seen = (
        Q(owner_id=org_id) | Q(pk__in=shares.values("case_id")) | Q(pk__in=glass.values("case_id"))
    )
    if advocate:
        team = cases.model._default_manager.filter(team__organization_id=org_id, team__active=True)
        seen |= Q(pk__in=team.values("pk"))
    return cases.filter(seen)


def organization_sees(case: Case, organization: Organization, role: str, compartment: str) -> bool:
    """Whether people of `organization` in `role` would see `compartment` of the case: it owns
    the case, or holds an active share naming the compartment, to every role or to that one —
    the rule above, asked for an organization rather than a person (handing an obligation to
    another organization asks it). Break-glass and the team are a person's, not asked here;
    advocate-privileged notes belong to their holder, not the owner, so the answer for them is
    no (ask `grant_for` for a person)."""
    if compartment == c.Compartment.ADVOCATE_PRIVILEGED:
        return False
    if organization.pk == case.owner_id:
        return True
    shares = Share.objects.active().filter(
        case=case, organization=organization, role__in=["", role]
    )
    return any(compartment in share.compartments for share in shares)


def grant_for(actor: User, case: Case) -> Grant:
    return grants_for(actor, [case])[case.pk]


def require(grant: Grant, compartment: str) -> None:
    """The actor sees the case but not this compartment: Forbidden naming it (the case's
    existence is already known to them, so saying so leaks nothing)."""
    if not grant.sees(compartment):
        raise Forbidden(f"You do not have access to the {c.LABELS[compartment]} compartment.")


def require_edit(grant: Grant, compartment: str | None = None) -> None:
    """Forbidden unless `grant.edits(compartment)`: the check every write of the owner's record
    makes (None: the case itself — its team, status, sharing and consent)."""
    if grant.edits(compartment):
        return
    if compartment is None:
        raise Forbidden(
            "Only caseworkers, supervisors, mentor-advocates and administrators of the "
            "organization that owns the case may change its sharing, consent, team or status."
        )
    require(grant, compartment)
    if grant.role not in CASE_MANAGERS:
        raise Forbidden(
            "Only caseworkers, supervisors, mentor-advocates and administrators change a "
            "youth's record; you may add notes."
        )
    raise Forbidden(
        f"The {c.LABELS[compartment]} compartment is shared with your organization to read and "
        "add notes to; only the organization that owns the case may change it, unless it lets "
        "yours do so when sharing."
    )


def may_break_glass(actor: User, case: Case) -> bool:
    member = _member(actor)
    return member is not None and member[2] != case.owner_id


def told_of_possible_record(actor: User, owner: Organization) -> bool:
    """May the actor, opening a case, be told that `owner` holds a possible record of the same
    youth — its name only, never the record (module docstring; decision 0063)? Asked only for
    records whose identity the actor's grant does not see."""
    member = _member(actor)
    return (
        member is not None
        and member[2] != owner.pk
        and owner.is_active
        and owner.type not in CONFIDENTIAL_CLIENT_ORG_TYPES
    )
