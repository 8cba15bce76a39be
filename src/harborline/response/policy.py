"""An agency's own policy within its pack (issue 15, item 4; decision 0058).

Nevada's Resource 8-B asks each agency to decide who screens, when, and when to re-screen
(seed 001 L10504-10550). Within what the pack allows — its obligations marked
`agency_configurable` — an organization's administrator sets:

- **clocks**: a shorter clock for a configurable obligation, never a longer one: a clock the pack
  counts in hours may be given fewer hours; one in business days fewer business days, or at most
  24 hours a business day (N business days are never fewer than 24 x N elapsed hours);
- **re-screening triggers**: which of the pack's re-screening obligations (`RESCREENS`) the agency
  uses; only those may be turned off, never a report a statute requires;
- **who completes the tool**: the roles that may record a screening for the agency (none listed:
  anyone who may screen).

`start_obligations` applies the policy of the organization that carries each obligation, and the
obligation records that the agency's rule set its time (`Obligation.clock_set_by`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.errors import FieldError, Forbidden, InvalidInput, NotFound, check_version
from harborline.people.models import Organization, User
from harborline.people.roles import ROLE_RULES, Role
from harborline.protocols.packs import Pack, get_pack
from harborline.protocols.sections import Due

from .clocks import describe
from .models import AgencyPolicy

if TYPE_CHECKING:
    from harborline.protocols.sections import Obligation as Rule

# The re-screening obligations an agency may choose not to use (8-B: "What will be the timeframe
# or triggering events to re-administer the NRIT?", L10546-10550).
RESCREENS = ("rescreen_on_return", "rescreen")
UNITS = ("hours", "business_days")


@dataclass(frozen=True)
class Choice:
    """What an agency's policy says about one obligation rule."""

    off: bool = False
    due: Due | None = None  # None: the pack's clock


def configurable(pack: Pack) -> list[Rule]:
    section = pack.section("obligations.yaml")
    return [r for r in getattr(section, "obligations", []) if r.agency_configurable]


def screening_roles() -> list[str]:
    """The roles that may screen at all (they see youth data), in the order roles are listed."""
    return [r.value for r in Role if ROLE_RULES[r].sees_youth_data and r != Role.SYSTEM_ADMIN]


def may_set(actor: User, organization: Organization) -> bool:
    """An organization's administrator for their own organization; a system administrator for
    any."""
    membership = actor.membership_or_none
    if membership is None or not membership.is_active:
        return False
    if membership.role == Role.SYSTEM_ADMIN:
        return True
    return membership.role == Role.ORG_ADMIN and membership.organization_id == organization.pk


def policy_for(organization_id: int, pack: str) -> AgencyPolicy | None:
    return AgencyPolicy.objects.filter(organization_id=organization_id, pack=pack).first()


def choice(policy: AgencyPolicy | None, rule: Rule) -> Choice:
    """The agency's choice for `rule` (the pack's clock when it says nothing or the rule is not
    configurable: a policy stored before the pack changed never loosens a clock)."""
    if policy is None or not rule.agency_configurable:
        return Choice()
    entry = (policy.clocks or {}).get(rule.id)
    if not entry:
        return Choice()
    if entry.get("off") and rule.id in RESCREENS:
        return Choice(off=True)
    try:
        due = Due(**{k: v for k, v in entry.items() if k in UNITS})
    except ValueError:
        return Choice()
    return Choice(due=due) if not_longer(due, rule.due) else Choice()


def not_longer(agency: Due, pack: Due) -> bool:
    """Whether the agency's clock ends no later than the pack's, whenever the event happens."""
    if pack.hours is not None:
        return agency.hours is not None and agency.hours <= pack.hours
    if pack.business_days is not None:
        if agency.business_days is not None:
            return agency.business_days <= pack.business_days
        return agency.hours is not None and agency.hours <= 24 * pack.business_days
    return False  # "immediately" and "at the event" cannot be shortened


def _clean_clocks(pack: Pack, clocks: Any) -> tuple[dict[str, dict[str, Any]], list[FieldError]]:
    rules = {r.id: r for r in pack.section("obligations.yaml").obligations}
    if not isinstance(clocks, dict):
        return {}, [FieldError("clocks", "give an object of obligation ids")]
    cleaned: dict[str, dict[str, Any]] = {}
    errors: list[FieldError] = []
    for rule_id, entry in clocks.items():
        field = f"clocks.{rule_id}"
        rule = rules.get(str(rule_id))
        if rule is None:
            errors.append(FieldError(field, f"the {pack.name} pack has no obligation {rule_id!r}"))
            continue
        if not rule.agency_configurable:
            errors.append(
                FieldError(field, "the pack sets this clock; an agency's policy cannot change it")
            )
            continue
        if entry is None or entry == {}:
            continue  # the pack's clock
        if not isinstance(entry, dict):
            errors.append(FieldError(field, 'give {"hours": n}, {"business_days": n} or "off"'))
            continue
        if entry.get("off") is True and set(entry) == {"off"}:
            if rule.id not in RESCREENS:
                errors.append(
                    FieldError(field, "only a re-screening trigger can be turned off, not a duty")
                )
            else:
                cleaned[rule.id] = {"off": True}
            continue
        units = [u for u in UNITS if u in entry]
        amount = entry.get(units[0]) if len(units) == 1 and set(entry) == set(units) else None
        if isinstance(amount, bool) or not isinstance(amount, int | float) or amount <= 0:
            errors.append(
                FieldError(field, "give a number of hours or business days greater than 0")
            )
            continue
        if units[0] == "business_days" and not float(amount).is_integer():
            errors.append(FieldError(field, "give a whole number of business days"))
            continue
        value: int | float = int(amount) if units[0] == "business_days" else float(amount)
        due = Due(business_days=int(value)) if units[0] == "business_days" else Due(hours=value)
        if not not_longer(due, rule.due):
            errors.append(
                FieldError(
                    field,
                    f"an agency's clock may be shorter than the pack's ({describe(rule.due)}), "
                    "never longer",
                )
            )
            continue
        cleaned[rule.id] = {units[0]: value}
    return cleaned, errors


@transaction.atomic
def set_policy(
    *,
    actor: User,
    organization: Organization,
    pack: str,
    clocks: Any,
    screeners: Any,
    version: int | None = None,
) -> AgencyPolicy:
    """Set the organization's policy within `pack` (replacing the previous one): every problem
    at once, naming `clocks.<obligation>` or `screeners`. NotFound for anyone who may not set it
    (existence does not leak)."""
    if not may_set(actor, organization):
        raise NotFound("No such organization, or you may not set its policy.")
    found = get_pack(pack)
    cleaned, errors = _clean_clocks(found, clocks)
    allowed = screening_roles()
    roles: list[str] = []
    if not isinstance(screeners, list):
        errors.append(FieldError("screeners", "give a list of roles"))
    else:
        for role in screeners:
            if role not in allowed:
                errors.append(
                    FieldError(
                        "screeners",
                        f"{role!r} is not a role that screens ({', '.join(allowed)})",
                    )
                )
            elif role not in roles:
                roles.append(role)
    if errors:
        raise InvalidInput.fields(errors)
    policy = (
        AgencyPolicy.objects.select_for_update()
        .filter(organization=organization, pack=found.name)
        .first()
    )
    check_version(policy.version if policy is not None else 0, version)
    if policy is None:
        policy = AgencyPolicy(organization=organization, pack=found.name, version=0)
    policy.clocks, policy.screeners = cleaned, roles
    policy.version += 1
    policy.updated_by, policy.updated_at = actor, timezone.now()
    policy.save()
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=policy,
        owner_org=organization,
        detail={"pack": found.name, "clocks": cleaned, "screeners": roles},
    )
    return policy


def require_screener(actor: User, pack: str) -> None:
    """Refuse a screening by someone whose role the agency's policy does not name (Forbidden,
    naming the roles that complete the tool)."""
    membership = actor.membership_or_none
    if membership is None:
        return
    policy = policy_for(membership.organization_id, pack)
    if policy is None or not policy.screeners or membership.role in policy.screeners:
        return
    labels = ", ".join(str(Role(r).label).lower() for r in policy.screeners)
    raise Forbidden(
        f"{membership.organization.name}'s policy: the screening tool is completed by {labels}."
    )


@dataclass(frozen=True)
class RuleView:
    """One configurable obligation as the agency sees it."""

    id: str
    title: str
    pack_clock: str  # the pack's clock in words
    rescreen: bool  # a re-screening trigger the agency may turn off
    entry: dict[
        str, Any
    ]  # the agency's choice: {}, {"hours": n}, {"business_days": n}, {"off": True}
    source: str


@dataclass(frozen=True)
class PolicyView:
    organization: Organization
    pack: Pack
    policy: AgencyPolicy | None
    rules: list[RuleView]
    screeners: list[str]
    version: int


def organization_for(actor: User, slug: str = "") -> Organization:
    """The organization whose policy the actor sets: their own, or (a system administrator)
    the one named by `slug`. NotFound otherwise, as for an organization that does not exist."""
    membership = actor.membership_or_none
    if membership is None or not membership.is_active:
        raise NotFound("No such organization, or you may not set its policy.")
    organization = membership.organization
    if slug and slug != organization.slug:
        other = Organization.objects.filter(slug=slug).first()
        if other is None:
            raise NotFound("No such organization, or you may not set its policy.")
        organization = other
    if not may_set(actor, organization):
        raise NotFound("No such organization, or you may not set its policy.")
    return organization


def view(actor: User, pack: str, slug: str = "") -> PolicyView:
    """The organization's policy within `pack`, rule by rule, for its administrator."""
    organization = organization_for(actor, slug)
    found = get_pack(pack)
    policy = policy_for(organization.pk, found.name)
    stored = (policy.clocks if policy else {}) or {}
    calendar = found.manifest.holidays or "US"
    rules = [
        RuleView(
            id=r.id,
            title=r.title,
            pack_clock=describe(r.due, calendar),
            rescreen=r.id in RESCREENS,
            entry=dict(stored.get(r.id) or {}),
            source=r.source,
        )
        for r in configurable(found)
    ]
    return PolicyView(
        organization=organization,
        pack=found,
        policy=policy,
        rules=rules,
        screeners=list(policy.screeners) if policy else [],
        version=policy.version if policy else 0,
    )
