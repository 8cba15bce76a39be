"""The instrument engine: validate a set of answers against an instrument and derive its
results and actions. Pure and deterministic: no database, no clock, no randomness, no eval."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from harborline.errors import FieldError, InvalidInput

from . import conditions
from .schema import Instrument, Item

PHONE = re.compile(r"^[0-9+()\-. x]{7,25}$")
DEFAULT_MAX = {"text": 500, "long_text": 5000, "signature": 200, "phone": 25, "email": 254}


@dataclass(frozen=True)
class Evaluation:
    pack: str
    version: str
    instrument: str
    answers: dict[str, Any]
    results: dict[str, Any]
    actions: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "pack": self.pack,
            "version": self.version,
            "instrument": self.instrument,
            "results": self.results,
            "actions": self.actions,
        }


def _clean_value(item: Item, value: Any, name: str, errors: list[FieldError]) -> Any:
    """One answer, checked against its item's type. Returns the normalised value."""

    def bad(message: str) -> None:
        errors.append(FieldError(name, message))

    t = item.type
    if t == "display":
        bad("this is instruction text; it takes no answer")
        return None
    if value is None:
        return None
    if t == "check":
        if not isinstance(value, bool):
            bad("must be true or false")
            return None
        return value
    if t == "yes_no":
        if value not in ("yes", "no"):
            bad("must be 'yes' or 'no'")
            return None
        return value
    allowed = [o.value for o in item.options]
    if t in ("enum", "rating"):
        if value not in allowed:
            bad(f"must be one of: {', '.join(allowed)}")
            return None
        return value
    if t == "multi":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            bad("must be a list of choices")
            return None
        unknown = [v for v in value if v not in allowed]
        if unknown:
            bad(f"{', '.join(map(repr, unknown))} not among: {', '.join(allowed)}")
            return None
        if len(set(value)) != len(value):
            bad("each choice may be given once")
            return None
        return [v for v in allowed if v in value]  # canonical order
    if t in ("text", "long_text", "signature", "phone", "email"):
        if not isinstance(value, str):
            bad("must be text")
            return None
        value = value.strip()
        limit = item.max_length or DEFAULT_MAX[t]
        if len(value) > limit:
            bad(f"must be at most {limit} characters")
            return None
        if value and t == "phone" and not PHONE.match(value):
            bad("must be a phone number (digits, spaces, + ( ) - .)")
            return None
        if value and t == "email":
            try:
                validate_email(value)
            except ValidationError:
                bad("must be an email address")
                return None
        return value
    if t == "date":
        try:
            return date.fromisoformat(value).isoformat()
        except (TypeError, ValueError):
            bad("must be a date (YYYY-MM-DD)")
            return None
    if t == "datetime":
        try:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            bad("must be a date and time with a time zone (e.g. 2026-03-01T14:30:00-08:00)")
            return None
        return parsed.isoformat()
    if t in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            bad("must be a number")
            return None
        if t == "integer" and not float(value).is_integer():
            bad("must be a whole number")
            return None
        if item.min is not None and value < item.min:
            bad(f"must be at least {item.min:g}")
            return None
        if item.max is not None and value > item.max:
            bad(f"must be at most {item.max:g}")
            return None
        return int(value) if t == "integer" else value
    if t == "group":
        if not isinstance(value, list):
            bad("must be a list of entries")
            return None
        if not item.min_entries <= len(value) <= item.max_entries:
            bad(f"give {item.min_entries} to {item.max_entries} entries")
            return None
        entries = []
        for i, entry in enumerate(value):
            if not isinstance(entry, Mapping):
                errors.append(FieldError(f"{name}[{i}]", "must be an object"))
                continue
            sub = {x.id: x for x in item.items}
            for key in entry:
                if key not in sub:
                    errors.append(FieldError(f"{name}[{i}].{key}", "not a field of this entry"))
            cleaned = {}
            for sub_item in item.items:
                v = _clean_value(
                    sub_item, entry.get(sub_item.id), f"{name}[{i}].{sub_item.id}", errors
                )
                if sub_item.required and conditions.blank(v):
                    errors.append(FieldError(f"{name}[{i}].{sub_item.id}", "required"))
                cleaned[sub_item.id] = v
            entries.append(cleaned)
        return entries
    bad(f"unsupported item type {t}")  # unreachable: the schema admits only the types above
    return None


def validate(instrument: Instrument, answers: Any) -> dict[str, Any]:
    """The answers, type-checked and normalised, or InvalidInput with one error per field.
    Unanswered check items count as unticked."""
    if not isinstance(answers, Mapping):
        raise InvalidInput.field("answers", "must be an object of item ids to answers")
    items = instrument.item_map()
    errors: list[FieldError] = []
    for key in answers:
        if key not in items:
            errors.append(FieldError(str(key), "not an item of this instrument"))
    cleaned: dict[str, Any] = {}
    for item_id, item in items.items():
        if item.type == "display":
            if item_id in answers:
                _clean_value(item, answers[item_id], item_id, errors)
            continue
        value = _clean_value(item, answers.get(item_id), item_id, errors)
        if item.type == "check" and value is None:
            value = False
        cleaned[item_id] = value
    if errors:
        raise InvalidInput.fields(errors)
    checks = instrument.check_items()
    for item_id, item in items.items():
        needed = item.required or (
            item.required_when is not None
            and conditions.holds(item.required_when, cleaned, {}, checks)
        )
        if needed and conditions.blank(cleaned.get(item_id)) and item.type != "display":
            errors.append(
                FieldError(item_id, "required" if item.required else f"required here: {item.label}")
            )
    for rule in instrument.rules:
        if conditions.holds(rule.when, cleaned, {}, checks):
            errors.append(FieldError(rule.field, rule.message))
    if errors:
        raise InvalidInput.fields(errors)
    return cleaned


def derive(
    instrument: Instrument, cleaned: Mapping[str, Any]
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Results (in order) and the actions whose conditions hold, from validated answers."""
    checks = instrument.check_items()
    items = instrument.item_map()
    results: dict[str, Any] = {}
    for res in instrument.results:
        if res.type == "boolean":
            assert res.when is not None
            results[res.id] = conditions.holds(res.when, cleaned, results, checks)
        elif res.type == "enum":
            value = res.default
            for case in res.cases:
                if conditions.holds(case.when, cleaned, results, checks):
                    value = case.value  # type: ignore[assignment]  # an enum result's value is a string
                    break
            results[res.id] = value
        elif res.type == "count":
            results[res.id] = sum(
                cleaned.get(n) is True for n in conditions.matching(res.of, checks)
            )
        elif res.type == "list":
            results[res.id] = [
                n for n in conditions.matching(res.of, checks) if cleaned.get(n) is True
            ]
        elif res.type == "score":
            total = 0.0
            for item_id in res.of:
                scores = {o.value: o.score for o in items[item_id].options}
                if cleaned.get(item_id) in scores:
                    total += scores[cleaned[item_id]] or 0.0
            results[res.id] = total
    actions = [
        {"id": a.id, "kind": a.kind, "text": a.text, "source": a.source}
        for a in instrument.actions
        if conditions.holds(a.when, cleaned, results, checks)
    ]
    return results, actions


def evaluate(*, pack: str, version: str, instrument: Instrument, answers: Any) -> Evaluation:
    cleaned = validate(instrument, answers)
    results, actions = derive(instrument, cleaned)
    return Evaluation(pack, version, instrument.instrument, cleaned, results, actions)
