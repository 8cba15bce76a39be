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
  anyone who may screen);
- **which youth it screens** (decision 0065), where the pack's `agency_screening` allows it: the
  new clients it screens (`population`: all, or an age range), the events after which it screens
  (`events`, among the pack's) and the warning signs that call for a screening (`signs`, among
  the pack's). Each starts the pack's `agency_screening` obligation, whose title says it comes
  from the agency's policy and the pack's authority (Resource 8-B).

`start_obligations` applies the policy of the organization that carries each obligation, and the
obligation records that the agency's rule set its time (`Obligation.clock_set_by`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.errors import FieldError, Forbidden, InvalidInput, NotFound, check_version
from harborline.people.models import Organization, ScreeningCriteria, User
from harborline.people.roles import ROLE_RULES, Role
from harborline.protocols.packs import Pack, get_pack
from harborline.protocols.sections import Due

from .clocks import describe
from .models import AgencyPolicy

if TYPE_CHECKING:
    from harborline.protocols.sections import AgencyScreening
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


# --- which youth the agency screens (decision 0065) -------------------------------------------

MAX_AGE = 24  # the oldest age a population may name: youth records run to 24 at most
SCOPES = ("none", "all", "age")
# The events an agency may screen after, in words (the pack's `agency_screening.events` says
# which of them a pack offers).
EVENT_WORDS = {
    "placement_change": "a change of placement (a new placement recorded after another)",
    "placement_disruption": "a placement disruption",
    "crisis_event": "a crisis event (a return to the exploiter, a suicide attempt, an arrest, ...)",
    "reasonable_cause": "a concern recorded: reasonable cause to believe the youth is abused "
    "or neglected",
    "return": "a return from being missing",
    "missing": "the youth going missing",
}


def screening_section(pack: Pack) -> AgencyScreening | None:
    """What the pack leaves to an agency about which youth it screens (None: nothing)."""
    return getattr(pack.sections.get("obligations.yaml"), "agency_screening", None)


def criteria_for(organization_id: int, pack: str) -> ScreeningCriteria | None:
    return ScreeningCriteria.objects.filter(organization_id=organization_id, pack=pack).first()


def event_words(trigger: str) -> str:
    return EVENT_WORDS.get(trigger, trigger.replace("_", " "))


def population_words(population: dict[str, Any]) -> str:
    """The population in words: "every new client", "new clients aged 10 and older", ..."""
    scope = population.get("scope", "none")
    if scope == "all":
        return "every new client"
    if scope != "age":
        return "no one on becoming a client"
    low, high = population.get("min_age"), population.get("max_age")
    if low is not None and high is not None:
        return f"new clients aged {low} to {high}"
    if low is not None:
        return f"new clients aged {low} and older"
    return f"new clients aged {high} and younger"


def in_population(population: dict[str, Any], age: int | None) -> tuple[bool, str]:
    """Whether a new client of `age` (None: date of birth not known) is in the population, and
    why in words. A youth whose age is not known is screened when the population names ages:
    the safer error is a screening too many."""
    scope = population.get("scope", "none")
    if scope == "all":
        return True, "a new client; the agency screens every new client"
    if scope != "age":
        return False, ""
    words = population_words(population)
    if age is None:
        return True, f"a new client whose age is not known; the agency screens {words}"
    low, high = population.get("min_age"), population.get("max_age")
    inside = (low is None or age >= low) and (high is None or age <= high)
    return inside, f"a new client aged {age}; the agency screens {words}" if inside else ""


def _clean_population(value: Any, errors: list[FieldError]) -> dict[str, Any]:
    if value is None or value == {}:
        return {}
    if not isinstance(value, dict):
        errors.append(FieldError("population", 'give {"scope": "all"} or {"scope": "age", ...}'))
        return {}
    unknown = sorted(set(value) - {"scope", "min_age", "max_age"})
    if unknown:
        errors.append(FieldError("population", f"use scope, min_age and max_age, not {unknown}"))
        return {}
    scope = value.get("scope")
    if scope not in SCOPES:
        errors.append(FieldError("population.scope", f"choose one of: {', '.join(SCOPES)}"))
        return {}
    if scope != "age":
        if "min_age" in value or "max_age" in value:
            errors.append(FieldError("population", "ages go with the scope age"))
            return {}
        return {"scope": "all"} if scope == "all" else {}
    ages: dict[str, int] = {}
    for name in ("min_age", "max_age"):
        age = value.get(name)
        if age is None:
            continue
        if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= MAX_AGE:
            errors.append(FieldError(f"population.{name}", f"give a whole age from 0 to {MAX_AGE}"))
            continue
        ages[name] = age
    if not ages and not any(f.field.startswith("population.") for f in errors):
        errors.append(
            FieldError("population.min_age", "give the youngest age, the oldest, or both")
        )
    if ages.get("min_age", 0) > ages.get("max_age", MAX_AGE):
        errors.append(FieldError("population.max_age", "cannot be below the youngest age"))
    return {"scope": "age", **ages}


def _clean_choices(
    value: Any, allowed: list[str], field_name: str, what: str, errors: list[FieldError]
) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        errors.append(FieldError(field_name, f"give a list of {what}"))
        return []
    chosen: list[str] = []
    for item in value:
        if item not in allowed:
            offered = ", ".join(allowed) or "none"
            errors.append(
                FieldError(field_name, f"{item!r} is not one of the pack's {what} ({offered})")
            )
        elif item not in chosen:
            chosen.append(item)
    return chosen


def _clean_screening(
    pack: Pack, population: Any, events: Any, signs: Any
) -> tuple[dict[str, Any], list[str], list[str], list[FieldError]]:
    """The criteria within the pack's `agency_screening`, or the errors naming `population`,
    `events` or `signs` (a pack without one leaves nothing to choose)."""
    errors: list[FieldError] = []
    section = screening_section(pack)
    if section is None:
        for name, value in (("population", population), ("events", events), ("signs", signs)):
            if value:
                errors.append(
                    FieldError(
                        name, f"the {pack.name} pack leaves no screening criteria to an agency"
                    )
                )
        return {}, [], [], errors
    cleaned = _clean_population(population, errors)
    if cleaned and not section.population:
        errors.append(FieldError("population", f"the {pack.name} pack decides whom it screens"))
    chosen_events = _clean_choices(events, list(section.events), "events", "events", errors)
    chosen_signs = _clean_choices(
        signs, [s.id for s in section.signs], "signs", "warning signs", errors
    )
    return cleaned, chosen_events, chosen_signs, errors


def screening_title(rule: Rule, organization: str, why: str) -> str:
    """An agency-screening obligation's title: the rule, why it started, and that the agency's
    policy (under the pack's authority, e.g. Resource 8-B) asked for it."""
    authority = f"; {rule.authority}" if rule.authority else ""
    text = f"{rule.title}: {why} ({organization}'s screening policy{authority})"
    return text if len(text) <= 300 else text[:299] + "…"


def event_reason(organization_id: int, pack: Pack, triggers: list[str]) -> str:
    """Why the organization's policy asks for a screening after `triggers` ("" when it does
    not): the first of them its criteria name, within what the pack still offers."""
    section = screening_section(pack)
    if section is None:
        return ""
    criteria = criteria_for(organization_id, pack.name)
    if criteria is None:
        return ""
    for trigger in triggers:
        if trigger in criteria.events and trigger in section.events:
            return f"after {event_words(trigger)}, an event the agency screens after"
    return ""


def age_on(dob: str, day: date) -> int | None:
    try:
        born = date.fromisoformat(dob) if dob else None
    except ValueError:
        return None
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@transaction.atomic
def set_policy(
    *,
    actor: User,
    organization: Organization,
    pack: str,
    clocks: Any,
    screeners: Any,
    version: int | None = None,
    population: Any = None,
    events: Any = None,
    signs: Any = None,
) -> AgencyPolicy:
    """Set the organization's policy within `pack` (replacing the previous one): every problem
    at once, naming `clocks.<obligation>`, `screeners`, `population`, `events` or `signs`.
    NotFound for anyone who may not set it (existence does not leak)."""
    if not may_set(actor, organization):
        raise NotFound("No such organization, or you may not set its policy.")
    found = get_pack(pack)
    cleaned, errors = _clean_clocks(found, clocks)
    chosen_population, chosen_events, chosen_signs, screening_errors = _clean_screening(
        found, population, events, signs
    )
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
    errors.extend(screening_errors)
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
    detail: dict[str, Any] = {"pack": found.name, "clocks": cleaned, "screeners": roles}
    if screening_section(found) is not None:
        ScreeningCriteria.objects.update_or_create(
            organization=organization,
            pack=found.name,
            defaults={
                "population": chosen_population,
                "events": chosen_events,
                "signs": chosen_signs,
                "updated_at": policy.updated_at,
            },
        )
        detail.update(population=chosen_population, events=chosen_events, signs=chosen_signs)
    record(actor=actor, action=Action.UPDATE, obj=policy, owner_org=organization, detail=detail)
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
class Option:
    id: str
    label: str
    source: str = ""


@dataclass(frozen=True)
class ScreeningView:
    """Which youth the agency screens, and what the pack offers to choose from."""

    rule: RuleView  # the obligation such a screening starts, with its clock
    population_offered: bool
    events_offered: list[Option]
    signs_offered: list[Option]
    population: dict[str, Any] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)
    signs: list[str] = field(default_factory=list)
    source: str = ""

    @property
    def population_words(self) -> str:
        return population_words(self.population)


@dataclass(frozen=True)
class PolicyView:
    organization: Organization
    pack: Pack
    policy: AgencyPolicy | None
    rules: list[RuleView]
    screeners: list[str]
    version: int
    screening: ScreeningView | None = None


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
    screening = None
    section = screening_section(found)
    if section is not None:
        criteria = criteria_for(organization.pk, found.name)
        found_rule = next(
            r for r in found.section("obligations.yaml").obligations if r.id == section.obligation
        )
        rule = RuleView(
            id=found_rule.id,
            title=found_rule.title,
            pack_clock=describe(found_rule.due, calendar),
            rescreen=False,
            entry=dict(stored.get(found_rule.id) or {}),
            source=found_rule.source,
        )
        screening = ScreeningView(
            rule=rule,
            population_offered=section.population,
            events_offered=[Option(e, event_words(e)) for e in section.events],
            signs_offered=[Option(s.id, s.label, s.source) for s in section.signs],
            population=dict(criteria.population) if criteria else {},
            events=list(criteria.events) if criteria else [],
            signs=list(criteria.signs) if criteria else [],
            source=section.source,
        )
    return PolicyView(
        organization=organization,
        pack=found,
        policy=policy,
        rules=rules,
        screeners=list(policy.screeners) if policy else [],
        version=policy.version if policy else 0,
        screening=screening,
    )
