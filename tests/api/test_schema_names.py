"""No two API schemas share a class name. Django Ninja names each OpenAPI component after its
class, so a second `ActionIn` silently replaced the first in the published schema: clients (and
the fuzz test) were told the meeting's actions take a referral's fields (issue 14)."""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict

from ninja import Schema

import harborline.api


def test_every_schema_class_name_is_used_once():
    where: dict[str, set[str]] = defaultdict(set)
    for info in pkgutil.iter_modules(harborline.api.__path__):
        module = importlib.import_module(f"harborline.api.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Schema)
                and value.__module__ == module.__name__
            ):
                where[value.__name__].add(module.__name__)
    twice = {name: sorted(mods) for name, mods in where.items() if len(mods) > 1}
    assert twice == {}


def _patterns(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
        return own + [p for value in node.values() for p in _patterns(value)]
    if isinstance(node, list):
        return [p for value in node for p in _patterns(value)]
    return []


def test_no_field_says_non_blank_with_a_bare_backslash_s(client):
    """A reason "\\u0085" matched a field's JSON Schema `\\S` (NEL is no space in JSON Schema's
    regular expressions) and the API refused it as blank (Python strips NEL): the fuzz test
    found it in the center's refusal. Text that must not be blank says so with
    `schemas.text` / `NON_BLANK`, never a pattern of its own."""
    patterns = _patterns(client.get("/api/v1/openapi.json").json())
    assert patterns and not [p for p in patterns if p in (r"\S", r"^\S", r".*\S.*")]
