"""The small, declarative condition language of protocol packs. Conditions are plain data
(YAML mappings with exactly one key); they are checked when a pack loads and evaluated by a
pure function here. Nothing is ever passed to eval, and no template executes code.

| form | true when |
|---|---|
| `{checked: ITEM}` | the check item is ticked |
| `{any_checked: [PATTERN, ...]}` | a check item matching a pattern (`cv_*`) is ticked |
| `{none_checked: [PATTERN, ...]}` | no check item matching a pattern is ticked |
| `{count_checked: {of: [PATTERN, ...], at_least: N}}` | at least N of them are ticked |
| `{equals: {item: ITEM, value: V}}` | the answer equals V (yes_no, enum, number, ...) |
| `{one_of: {item: ITEM, values: [V, ...]}}` | the answer is one of the values |
| `{includes: {item: ITEM, value: V}}` | a multi answer includes V |
| `{includes_any: {item: ITEM, values: [V, ...]}}` | a multi answer includes any of the values |
| `{selected_count: {item: ITEM, at_least: N}}` | a multi answer has at least N choices |
| `{answered: ITEM}` | the item has an answer (not blank, not unticked) |
| `{result: RESULT}` | an earlier result is true |
| `{result_equals: {result: RESULT, value: V}}` | an earlier result equals V |
| `{all: [COND, ...]}`, `{any: [COND, ...]}`, `{not: COND}` | logic |
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fnmatch import fnmatchcase
from typing import Any

Condition = Mapping[str, Any]

FORMS = {
    "checked",
    "any_checked",
    "none_checked",
    "count_checked",
    "equals",
    "one_of",
    "includes",
    "includes_any",
    "selected_count",
    "answered",
    "result",
    "result_equals",
    "all",
    "any",
    "not",
}


class ConditionError(ValueError):
    pass


def _patterns(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ConditionError(f"{where}: give a non-empty list of item ids or patterns")
    return value


def _int(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConditionError(f"{where}: must be a whole number, 0 or more")
    return value


def check(
    cond: Any,
    *,
    where: str = "when",
    item: Callable[[str, str], None] = lambda _id, _where: None,
    pattern: Callable[[str, str], None] = lambda _p, _where: None,
    result: Callable[[str, str], None] = lambda _id, _where: None,
) -> None:
    """Check a condition's structure; the callbacks check that named items, patterns and
    results exist (they raise ConditionError naming `where`)."""
    if not isinstance(cond, Mapping) or len(cond) != 1:
        raise ConditionError(
            f"{where}: a condition is a mapping with exactly one of: {', '.join(sorted(FORMS))}"
        )
    ((form, arg),) = cond.items()
    here = f"{where}.{form}"
    if form not in FORMS:
        raise ConditionError(
            f"{where}: unknown condition {form!r}; use one of: {', '.join(sorted(FORMS))}"
        )
    if form in ("checked", "answered"):
        if not isinstance(arg, str):
            raise ConditionError(f"{here}: give an item id")
        item(arg, here)
    elif form in ("any_checked", "none_checked"):
        for p in _patterns(arg, here):
            pattern(p, here)
    elif form == "count_checked":
        _keys(arg, {"of", "at_least"}, here)
        for p in _patterns(arg["of"], f"{here}.of"):
            pattern(p, f"{here}.of")
        _int(arg["at_least"], f"{here}.at_least")
    elif form in ("equals", "includes"):
        _keys(arg, {"item", "value"}, here)
        item(arg["item"], f"{here}.item")
    elif form in ("one_of", "includes_any"):
        _keys(arg, {"item", "values"}, here)
        item(arg["item"], f"{here}.item")
        if not isinstance(arg["values"], list) or not arg["values"]:
            raise ConditionError(f"{here}.values: give a non-empty list")
    elif form == "selected_count":
        _keys(arg, {"item", "at_least"}, here)
        item(arg["item"], f"{here}.item")
        _int(arg["at_least"], f"{here}.at_least")
    elif form == "result":
        if not isinstance(arg, str):
            raise ConditionError(f"{here}: give a result id")
        result(arg, here)
    elif form == "result_equals":
        _keys(arg, {"result", "value"}, here)
        result(arg["result"], f"{here}.result")
    elif form in ("all", "any"):
        if not isinstance(arg, list) or not arg:
            raise ConditionError(f"{here}: give a non-empty list of conditions")
        for i, sub in enumerate(arg):
            check(sub, where=f"{here}[{i}]", item=item, pattern=pattern, result=result)
    elif form == "not":
        check(arg, where=here, item=item, pattern=pattern, result=result)


def _keys(arg: Any, keys: set[str], where: str) -> None:
    if not isinstance(arg, Mapping) or set(arg) != keys:
        raise ConditionError(f"{where}: give exactly the keys {', '.join(sorted(keys))}")


def matching(patterns: list[str], names: list[str]) -> list[str]:
    return [n for n in names if any(fnmatchcase(n, p) for p in patterns)]


def blank(value: Any) -> bool:
    return value is None or value is False or value == "" or value == [] or value == {}


def holds(
    cond: Condition,
    answers: Mapping[str, Any],
    results: Mapping[str, Any],
    check_items: list[str],
) -> bool:
    """Evaluate a (checked) condition. Pure: same inputs, same answer."""
    ((form, arg),) = cond.items()
    if form == "checked":
        return answers.get(arg) is True
    if form == "any_checked":
        return any(answers.get(n) is True for n in matching(arg, check_items))
    if form == "none_checked":
        return not any(answers.get(n) is True for n in matching(arg, check_items))
    if form == "count_checked":
        count = sum(answers.get(n) is True for n in matching(arg["of"], check_items))
        return count >= arg["at_least"]
    if form == "equals":
        return answers.get(arg["item"]) == arg["value"]
    if form == "one_of":
        return answers.get(arg["item"]) in arg["values"]
    if form == "includes":
        return arg["value"] in (answers.get(arg["item"]) or [])
    if form == "includes_any":
        chosen = answers.get(arg["item"]) or []
        return any(v in chosen for v in arg["values"])
    if form == "selected_count":
        return len(answers.get(arg["item"]) or []) >= arg["at_least"]
    if form == "answered":
        return not blank(answers.get(arg))
    if form == "result":
        return results.get(arg) is True
    if form == "result_equals":
        return results.get(arg["result"]) == arg["value"]
    if form == "all":
        return all(holds(c, answers, results, check_items) for c in arg)
    if form == "any":
        return any(holds(c, answers, results, check_items) for c in arg)
    if form == "not":
        return not holds(arg, answers, results, check_items)
    raise ConditionError(f"unknown condition {form!r}")  # unreachable after check()
