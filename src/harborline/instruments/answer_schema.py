"""The JSON Schema (draft 2020-12) of an instrument's answers, generated from its items, for
API clients that build or check answers themselves.

It states what one item at a time accepts (types, options, lengths, ranges, required items).
What depends on several answers at once (an item required only when another is ticked, a
contradiction between two answers) cannot be said in plain JSON Schema; it is listed under
`x-required-when` and `x-rules` in the pack's condition language, and the evaluate endpoint
checks it. `null` means "not answered" for every item (for a check item: not ticked)."""

from __future__ import annotations

from typing import Any

from .engine import DEFAULT_MAX, PHONE
from .schema import Instrument, Item

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def item_schema(item: Item) -> dict[str, Any]:
    """What one item accepts (without `null`)."""
    t = item.type
    described: dict[str, Any] = {"title": " ".join(item.label.split())}
    if item.help:
        described["description"] = " ".join(item.help.split())
    if t == "check":
        return {**described, "type": "boolean"}
    if t == "yes_no":
        return {**described, "type": "string", "enum": ["yes", "no"]}
    if t in ("enum", "rating"):
        return {**described, "type": "string", "enum": [o.value for o in item.options]}
    if t == "multi":
        return {
            **described,
            "type": "array",
            "items": {"type": "string", "enum": [o.value for o in item.options]},
            "uniqueItems": True,
        }
    if t in ("text", "long_text", "signature", "phone", "email"):
        schema = {**described, "type": "string", "maxLength": item.max_length or DEFAULT_MAX[t]}
        if t == "phone":
            schema["pattern"] = PHONE.pattern.replace("{7,25}$", "{7,25}$|^$")
        if t == "email":
            schema["format"] = "email"
        return schema
    if t == "date":
        return {**described, "type": "string", "format": "date"}
    if t == "datetime":
        return {**described, "type": "string", "format": "date-time"}
    if t in ("number", "integer"):
        schema = {**described, "type": t}
        if item.min is not None:
            schema["minimum"] = item.min
        if item.max is not None:
            schema["maximum"] = item.max
        return schema
    if t == "group":
        return {
            **described,
            "type": "array",
            "minItems": item.min_entries,
            "maxItems": item.max_entries,
            "items": _object(item.items),
        }
    raise ValueError(f"{item.id}: {t} items take no answer")  # display: excluded by callers


def _object(items: list[Item]) -> dict[str, Any]:
    properties = {}
    required = []
    for item in items:
        if item.type == "display":
            continue
        schema = item_schema(item)
        if item.required:
            required.append(item.id)
            properties[item.id] = schema
        else:
            properties[item.id] = _nullable(schema)
    out: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        out["required"] = required
    return out


def answers_schema(instrument: Instrument, *, pack: str = "", version: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "title": f"Answers to {instrument.title}",
        "description": (
            "Item ids to answers. null (or leaving an item out) means not answered; an unticked "
            "check item is false. Conditional requirements and rules across answers are in "
            "x-required-when and x-rules, and are checked when the answers are evaluated."
        ),
        **_object(instrument.all_items()),
    }
    if pack:
        schema["x-pack"] = {"pack": pack, "version": version, "instrument": instrument.instrument}
    required_when = {
        i.id: i.required_when for i in instrument.all_items() if i.required_when is not None
    }
    if required_when:
        schema["x-required-when"] = required_when
    if instrument.rules:
        schema["x-rules"] = [
            {"id": r.id, "when": r.when, "field": r.field, "message": " ".join(r.message.split())}
            for r in instrument.rules
        ]
    return schema
