"""Turning a pack's obligation rules into obligations on a case: which triggers a screening
fires (the pack's `screening` rules over the instrument's results), whether the identification
is urgent (the pack's `urgent` rule, or a user's override), and the obligations those triggers
start with their due times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from harborline.instruments.conditions import holds
from harborline.protocols.packs import Pack

from .clocks import due_at

if TYPE_CHECKING:
    from harborline.protocols.sections import Obligation as Rule


@dataclass(frozen=True)
class Planned:
    rule: Rule
    trigger: str
    trigger_at: datetime
    due_at: datetime


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


def plan(pack: Pack, *, triggers: list[str], at: datetime) -> list[Planned]:
    """The obligations the triggers start, each due by its rule's clock from `at`."""
    section = pack.sections.get("obligations.yaml")
    planned = []
    for rule in getattr(section, "obligations", []):
        if rule.trigger in triggers:
            planned.append(Planned(rule, rule.trigger, at, due_at(at, rule.due)))
    return planned
