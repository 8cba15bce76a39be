"""The shape of an instrument in a protocol pack (validated when the pack loads).

An instrument is sections of items (the form), rules (validation beyond one item: conditional
requirements, contradictions), results (derived, in order; later results may use earlier
ones) and actions (what the protocol says to do when a condition holds). Every rule, result
and action cites its source (`L10437-10439` in the pack's source document, or
`derived: why`)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from . import conditions

ID = r"^[a-z][a-z0-9_]{0,62}$"
ItemType = Literal[
    "check",
    "yes_no",
    "enum",
    "multi",
    "rating",
    "text",
    "long_text",
    "date",
    "datetime",
    "phone",
    "email",
    "number",
    "integer",
    "signature",
    "display",
    "group",
]
CHOICE_TYPES = {"enum", "multi", "rating"}
SOURCE = re.compile(
    r"^(L\d+([-–]\d+)?(, ?L?\d+([-–]\d+)?)*|derived: .+|[0-9]{3} L\d+([-–]\d+)?.*)$"
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _source(value: str) -> str:
    if not SOURCE.match(value):
        raise ValueError(
            "cite the source as line numbers of the pack's source document (e.g. 'L10437-10439') "
            "or as 'derived: <why>'"
        )
    return value


class Option(Strict):
    value: str = Field(pattern=ID)
    label: str = Field(min_length=1)
    code: int | None = None  # code-book value code, where the source gives one
    score: float | None = None  # for rating items


PrefillSource = Literal["youth_name", "youth_dob", "case", "completer", "agency", "today"]


class Item(Strict):
    id: str = Field(pattern=ID)
    type: ItemType
    label: str = Field(min_length=1)
    help: str = ""
    required: bool = False
    required_when: dict[str, Any] | None = None
    options: list[Option] = []
    min: float | None = None
    max: float | None = None
    max_length: int | None = Field(default=None, ge=1, le=20000)
    items: list[Item] = []  # for groups: the fields of each entry
    min_entries: int = Field(default=0, ge=0)
    max_entries: int = Field(default=50, ge=1, le=500)
    # What the form fills in from what the case and the session already hold (editable; the
    # page says so): one of PREFILL_SOURCES (instruments.forms.prefill).
    prefill: PrefillSource | None = None
    source: str = ""

    @field_validator("source")
    @classmethod
    def _cite(cls, value: str) -> str:
        return _source(value) if value else value

    @model_validator(mode="after")
    def _shape(self) -> Item:
        if self.type in CHOICE_TYPES and not self.options:
            raise ValueError(f"a {self.type} item needs options")
        if self.type not in CHOICE_TYPES and self.options:
            raise ValueError(f"a {self.type} item takes no options")
        values = [o.value for o in self.options]
        if len(values) != len(set(values)):
            raise ValueError("option values must be unique")
        if self.type == "rating" and any(o.score is None for o in self.options):
            raise ValueError("every option of a rating item needs a score")
        if self.type == "group":
            if not self.items:
                raise ValueError("a group needs items")
            if any(i.type in ("group", "display") for i in self.items):
                raise ValueError("a group's items cannot be groups or display text")
        elif self.items:
            raise ValueError(f"a {self.type} item takes no items")
        if self.type == "display" and (self.required or self.required_when):
            raise ValueError("display text cannot be required")
        return self


class Section(Strict):
    id: str = Field(pattern=ID)
    title: str = Field(min_length=1)
    intro: str = ""
    source: str = ""
    items: list[Item] = Field(min_length=1)

    @field_validator("source")
    @classmethod
    def _cite(cls, value: str) -> str:
        return _source(value) if value else value


class Rule(Strict):
    """A contradiction or conditional requirement: when `when` holds, `field` is in error."""

    id: str = Field(pattern=ID)
    when: dict[str, Any]
    field: str
    message: str = Field(min_length=1)
    source: str

    _cite = field_validator("source")(classmethod(lambda cls, v: _source(v)))


class ResultCase(Strict):
    when: dict[str, Any]
    value: str | bool | int


class Result(Strict):
    id: str = Field(pattern=ID)
    label: str = Field(min_length=1)
    type: Literal["boolean", "enum", "count", "score", "list"]
    when: dict[str, Any] | None = None  # boolean: true when this holds
    cases: list[ResultCase] = []  # enum: the first case that holds
    default: str | None = None  # enum: when no case holds
    options: list[Option] = []  # enum: the possible values
    of: list[str] = []  # count / list: check patterns; score: rating item ids
    source: str

    _cite = field_validator("source")(classmethod(lambda cls, v: _source(v)))

    @model_validator(mode="after")
    def _shape(self) -> Result:
        if self.type == "boolean" and self.when is None:
            raise ValueError("a boolean result needs `when`")
        if self.type == "enum":
            if not self.cases or not self.options:
                raise ValueError("an enum result needs `cases` and `options`")
            allowed = {o.value for o in self.options}
            for i, case in enumerate(self.cases):
                if case.value not in allowed:
                    raise ValueError(f"cases[{i}].value {case.value!r} is not one of the options")
            if self.default is not None and self.default not in allowed:
                raise ValueError(f"default {self.default!r} is not one of the options")
        if self.type in ("count", "score", "list") and not self.of:
            raise ValueError(f"a {self.type} result needs `of`")
        return self


class Action(Strict):
    """What the protocol says to do when `when` holds (shown to the user; the obligation
    rules that start clocks live beside the instruments, in the pack's obligations)."""

    id: str = Field(pattern=ID)
    when: dict[str, Any]
    kind: Literal["do", "refer", "notify", "screen", "plan", "record", "alert"]
    text: str = Field(min_length=1)
    source: str

    _cite = field_validator("source")(classmethod(lambda cls, v: _source(v)))


class Instrument(Strict):
    instrument: str = Field(pattern=ID)
    title: str = Field(min_length=1)
    resource: str = ""  # e.g. "8-A"
    purpose: str = ""
    mode: Literal[
        "observational", "interview", "checklist", "report", "self_assessment", "evaluation"
    ]
    about_youth: bool = True  # holds youth data -> stored encrypted, audited, behind access
    notice: str = ""  # shown prominently above the form (e.g. NRIT: never read it to the youth)
    source: str
    sections: list[Section] = Field(min_length=1)
    rules: list[Rule] = []
    results: list[Result] = []
    actions: list[Action] = []

    _cite = field_validator("source")(classmethod(lambda cls, v: _source(v)))

    # --- derived views ------------------------------------------------------------------
    def all_items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]

    def item_map(self) -> dict[str, Item]:
        return {item.id: item for item in self.all_items()}

    def check_items(self) -> list[str]:
        return [item.id for item in self.all_items() if item.type == "check"]

    @model_validator(mode="after")
    def _references(self) -> Instrument:
        items = self.item_map()
        ids = [i.id for i in self.all_items()]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"item ids must be unique; repeated: {', '.join(duplicates)}")
        checks = self.check_items()
        known_results: list[str] = []

        def item(item_id: str, where: str) -> None:
            if item_id not in items:
                raise conditions.ConditionError(f"{where}: no item {item_id!r} in this instrument")

        def pattern(p: str, where: str) -> None:
            if not conditions.matching([p], checks):
                raise conditions.ConditionError(f"{where}: {p!r} matches no check item")

        def result(result_id: str, where: str) -> None:
            if result_id not in known_results:
                raise conditions.ConditionError(
                    f"{where}: no earlier result {result_id!r} "
                    "(results may use only those above them)"
                )

        def checked(cond: Any, where: str) -> None:
            conditions.check(cond, where=where, item=item, pattern=pattern, result=result)

        for s, section in enumerate(self.sections):
            for i, it in enumerate(section.items):
                if it.required_when is not None:
                    checked(it.required_when, f"sections[{s}].items[{i}].required_when")
        for r, rule in enumerate(self.rules):
            checked(rule.when, f"rules[{r}].when")
            if rule.field not in items:
                raise ValueError(f"rules[{r}].field: no item {rule.field!r} in this instrument")
        for r, res in enumerate(self.results):
            if res.when is not None:
                checked(res.when, f"results[{r}].when")
            for c, case in enumerate(res.cases):
                checked(case.when, f"results[{r}].cases[{c}].when")
            if res.type in ("count", "list"):
                for p in res.of:
                    pattern(p, f"results[{r}].of")
            if res.type == "score":
                for item_id in res.of:
                    if items.get(item_id) is None or items[item_id].type != "rating":
                        raise ValueError(f"results[{r}].of: {item_id!r} is not a rating item")
            known_results.append(res.id)
        for a, action in enumerate(self.actions):
            checked(action.when, f"actions[{a}].when")
        return self


Item.model_rebuild()
