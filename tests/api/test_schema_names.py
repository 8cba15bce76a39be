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
