"""Turning a pack's obligation rules into obligations on a case: which triggers a screening fires
(the pack's `screening` rules over the instrument's results), which a crisis event fires (the pack's
`events` rules by the event's kind), whether the identification is urgent (the pack's `urgent` rule,
or a user's override), and the obligations those triggers start with their due times.

The rules that apply to a case are its own pack's and those of every pack the case owner's county
has adopted (the county protocol: `applicable_packs`); each obligation records the pack whose rule
started it and, in words, the clock that set its time (`Planned.clock`, decision 0057)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from harborline.instruments.conditions import holds
from harborline.people.grants import ORG_TYPES
from harborline.protocols.packs import Pack

from .clocks import DEFAULT_CALENDAR, describe, due_at

if TYPE_CHECKING:
    from harborline.protocols.sections import Obligation as Rule


@dataclass(frozen=True)
class Planned:
    rule: Rule
    trigger: str
    trigger_at: datetime
    due_at: datetime
    pack: str = ""  # the pack whose rule started it
    clock: str = ""  # the clock in words: "48 hours", "2 business days (...)", "immediately"


def urgent_by_rule(pack: Pack, *, identified_by: str, setting: str) -> bool:
    section = pack.sections.get("obligations.yaml")
    rule = getattr(section, "urgent", None)
    if rule is None:
        return False
    return identified_by in rule.identified_by or (bool(setting) and setting in rule.settings)


def triggers_for(
    pack: Pack, *, instrument: str, results: dict[str, Any], urgent: bool
) -> list[str]:
    """The triggers a completed instrument fires, in the pack's order, without repeats."""
    section = pack.sections.get("obligations.yaml")
    fired: list[str] = []
    for rule in getattr(section, "screening", []):
        if rule.instrument != instrument:
            continue
        for entry in rule.triggers:
            if holds(entry.when, {}, results, []):
                fired.extend(t for t in entry.fire if t not in fired)
    if urgent and "identification" in fired:
        fired.append("urgent_identification")
    return fired


def event_triggers(pack: Pack, *, kind: str) -> list[str]:
    """The triggers a crisis event of `kind` fires (the pack's `events` rule for the kind), in
    the pack's order; none when the pack has no rule for it (decision 0042)."""
    section = pack.sections.get("obligations.yaml")
    for rule in getattr(section, "events", []):
        if rule.kind == kind:
            return list(dict.fromkeys(rule.fire))
    return []


def holiday_calendar(pack: Pack, state_pack: Pack | None = None) -> str:
    """The public holidays a business-day clock of `pack` skips: the pack's own (`holidays` in
    its manifest, `US-NV`), else those of the state pack whose county adopted it (the county
    protocol names no state), else the federal ones."""
    if pack.manifest.holidays:
        return pack.manifest.holidays
    if state_pack is not None and state_pack.manifest.holidays:
        return state_pack.manifest.holidays
    return DEFAULT_CALENDAR


def plan(
    pack: Pack,
    *,
    triggers: list[str],
    at: datetime,
    calendar: str = "",
    tz_name: str = "",
) -> list[Planned]:
    """The obligations the triggers start, each due by its rule's clock from `at`: business
    days in the holidays of `calendar` (default: the pack's) by the dates of `tz_name` (default:
    the pack's time zone; give the case owner's)."""
    section = pack.sections.get("obligations.yaml")
    calendar = calendar or holiday_calendar(pack)
    tz_name = tz_name or pack.manifest.time_zone
    planned = []
    for rule in getattr(section, "obligations", []):
        if rule.trigger in triggers:
            due = due_at(at, rule.due, calendar, tz_name)
            clock = describe(rule.due, calendar)
            planned.append(Planned(rule, rule.trigger, at, due, pack.name, clock))
    return planned


@dataclass(frozen=True)
class Candidate:
    """An organization that might carry an obligation: its id and its type."""

    id: int
    type: str


@dataclass(frozen=True)
class Owner:
    """Who carries an obligation (decision 0038).

    - `org_id`/`role`: the organization and the role in it the reminders go to;
    - `to_assign`: no organization the rule names is on the case, so the case owner holds it
      until someone assigns it (shown as "to assign");
    - `received`: the case owner is the organization the duty reports to (e.g. child welfare
      opening a case and the report to child welfare): recorded as received, not as work.
    """

    org_id: int
    role: str
    to_assign: bool = False
    received: bool = False
    via: str = ""  # "owner", "team", "regional", "to_assign", "received"


def role_fits(role: str, org_type: str) -> bool:
    """Whether an organization of `org_type` can hold `role` at all (a coordinator sits only in
    a task-force organization: people.grants.ORG_TYPES)."""
    allowed = ORG_TYPES.get(role)
    return allowed is None or org_type in allowed


def resolve_owner(
    rule: Rule,
    *,
    case_owner: Candidate,
    team: list[Candidate],
    regional: Callable[[str], Candidate | None],
) -> Owner:
    """The owner of an obligation from the pack's `owner` rule and the case team.

    1. The case owner is the organization the duty reports to (`received_by`): received.
    2. The case owner, if it is of a type the rule names and can hold the rule's role.
    3. Else the first team organization of such a type (in the rule's order of types).
    4. Else, for a role that only one type of organization holds (a task-force coordinator),
       that type's organization for the case owner's county, else its region (`regional`).
    5. Else the case owner, marked "to assign", with the rule's role.
    """
    role = rule.owner.role
    types = [t for t in rule.owner.org_types if role_fits(role, t)]
    if case_owner.type in rule.received_by:
        return Owner(case_owner.id, role, received=True, via="received")
    if case_owner.type in types:
        return Owner(case_owner.id, role, via="owner")
    for wanted in types:
        for member in team:
            if member.type == wanted:
                return Owner(member.id, role, via="team")
    if ORG_TYPES.get(role):
        for wanted in types:
            found = regional(wanted)
            if found is not None:
                return Owner(found.id, role, via="regional")
    return Owner(case_owner.id, role, to_assign=True, via="to_assign")
