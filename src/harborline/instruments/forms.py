"""An instrument as an HTML form: the fields to render (from the definition, with the values
typed and the engine's errors placed beside their fields), and the answers read back from a
submitted form for the engine.

Not Django forms: the engine is the one place that validates answers, so the page and the API
give the same messages. Names in the form are the item ids; a group's entries are
`<group>-<n>-<field>` (a fixed number of blank entries)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.http import QueryDict

from harborline.errors import FieldError

from .schema import Instrument, Item

GROUP_ENTRIES = 3  # blank entries a group shows (more if its minimum is higher)
INPUT_TYPES = {
    "text": "text",
    "signature": "text",
    "phone": "tel",
    "email": "email",
    "date": "date",
    "datetime": "datetime-local",
    "number": "number",
    "integer": "number",
}
AUTOCOMPLETE_OFF = {"text", "signature", "phone", "email", "long_text"}


@dataclass
class Choice:
    value: str
    label: str
    id: str
    selected: bool


@dataclass
class FormField:
    item: Item
    name: str  # the form field's name (and, prefixed, its element id)
    value: Any
    error: str = ""
    choices: list[Choice] = field(default_factory=list)
    entries: list[list[FormField]] = field(default_factory=list)  # groups

    @property
    def id(self) -> str:
        return f"f-{self.name}"

    @property
    def target(self) -> str:
        """The element an error summary links to."""
        return self.choices[0].id if self.choices else self.id

    @property
    def kind(self) -> str:
        t = self.item.type
        if t in ("yes_no", "enum", "rating"):
            return "radio"
        if t == "multi":
            return "checkboxes"
        if t == "long_text":
            return "textarea"
        if t in INPUT_TYPES:
            return "input"
        return t  # check, display, group

    @property
    def input_type(self) -> str:
        return INPUT_TYPES.get(self.item.type, "text")

    @property
    def step(self) -> str:
        return "1" if self.item.type == "integer" else "any"

    @property
    def autocomplete_off(self) -> bool:
        return self.item.type in AUTOCOMPLETE_OFF

    @property
    def required(self) -> bool:
        return self.item.required

    @property
    def described_by(self) -> str:
        ids = []
        if self.item.help:
            ids.append(f"{self.id}-hint")
        if self.error:
            ids.append(f"{self.id}-error")
        return " ".join(ids)


@dataclass
class FormSection:
    id: str
    title: str
    intro: str
    fields: list[FormField]


def _choices(item: Item, name: str, value: Any) -> list[Choice]:
    if item.type == "yes_no":
        options = [("yes", "Yes"), ("no", "No")]
    else:
        options = [(o.value, o.label) for o in item.options]
    chosen = value if isinstance(value, list) else [value]
    return [
        Choice(v, label, f"f-{name}-{v}", v in chosen and v is not None) for v, label in options
    ]


def _display_value(item: Item, value: Any) -> Any:
    """A typed value as the form shows it back."""
    if value is None:
        return "" if item.type not in ("check", "multi") else value
    if item.type == "datetime" and isinstance(value, str):
        return value[:16]  # datetime-local shows minutes, without the offset
    return value


def _field(item: Item, name: str, answers: Mapping[str, Any], errors: dict[str, str]) -> FormField:
    value = answers.get(item.id)
    out = FormField(item, name, _display_value(item, value), errors.get(name, ""))
    if item.type in ("yes_no", "enum", "rating", "multi"):
        out.choices = _choices(item, name, value)
    if item.type == "group":
        entries = value if isinstance(value, list) else []
        count = min(max(GROUP_ENTRIES, item.min_entries, len(entries)), item.max_entries)
        for n in range(count):
            entry = entries[n] if n < len(entries) and isinstance(entries[n], Mapping) else {}
            out.entries.append(
                [_field(sub, f"{name}-{n}-{sub.id}", entry, errors) for sub in item.items]
            )
    return out


def _error_name(field_name: str) -> str:
    """An engine error's field (`group[1].sub`) as a form field name (`group-1-sub`)."""
    return field_name.replace("[", "-").replace("].", "-").replace("]", "")


def page_message(item: Item, message: str) -> str:
    """An engine message as a sentence for the person at the form (issue 13): the engine's
    terse words ("required", "must be one of: a, b") name no value a person can act on, and
    never show an option's internal value; a pack rule's own message is kept as written."""
    label = item.label.rstrip(" .:?")
    if message == "required" or message.startswith("required here"):
        if item.type in ("yes_no", "enum", "rating"):
            return f"Select an answer for “{label}”"
        if item.type in ("multi", "check"):
            return f"Tick what applies for “{label}”"
        return f"Enter “{label}”"
    if message.startswith("must be one of") or " not among: " in message:
        return f"Select one of the answers shown for “{label}”"
    if message.startswith("must be a date (") or message.startswith("must be a date and time"):
        return f"Enter “{label}” as a real date" + (" and time" if item.type == "datetime" else "")
    if message.startswith("must be"):
        return f"“{label}” {message}"
    return message


def prefill(instrument: Instrument, facts: Mapping[str, Any]) -> dict[str, Any]:
    """The answers a new form starts with: each item that names a `prefill` source takes what
    `facts` holds for it (the youth's name and date of birth, the case, the person completing
    it, their agency, today), when it holds something. The person can change every one."""
    return {
        item.id: facts[item.prefill]
        for item in instrument.all_items()
        if item.prefill and facts.get(item.prefill) not in (None, "")
    }


def build(
    instrument: Instrument,
    answers: Mapping[str, Any] | None = None,
    errors: list[FieldError] | None = None,
) -> tuple[list[FormSection], list[tuple[FormField | None, str]]]:
    """The sections to render, and the error summary: (field or None, message) in form order
    (errors that name no field of the form come first, with field None)."""
    items = {i.id: i for i in instrument.all_items()}
    items.update({sub.id: sub for i in instrument.all_items() for sub in i.items})
    placed = {}
    for e in errors or []:
        name = _error_name(e.field)
        item = items.get(name.rsplit("-", 1)[-1])
        placed[name] = page_message(item, e.message) if item else e.message
    sections = [
        FormSection(
            s.id, s.title, s.intro, [_field(i, i.id, answers or {}, placed) for i in s.items]
        )
        for s in instrument.sections
    ]
    summary: list[tuple[FormField | None, str]] = []
    known: set[str] = set()

    def walk(fields: list[FormField]) -> None:
        for f in fields:
            known.add(f.name)
            if f.error:
                summary.append((f, f.error))
            for entry in f.entries:
                walk(entry)

    for section in sections:
        walk(section.fields)
    stray = [(None, f"{name}: {msg}") for name, msg in placed.items() if name not in known]
    return sections, stray + summary


# --- reading a submitted form -----------------------------------------------------------------


def _number(raw: str) -> Any:
    try:
        return int(raw)
    except ValueError:
        pass
    try:
        return float(raw)
    except ValueError:
        return raw  # the engine says "must be a number"


def _datetime(raw: str, time_zone: str) -> Any:
    """datetime-local sends no offset: read it in the pack's time zone."""
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        return raw  # the engine names the expected format
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(time_zone))
    return parsed.isoformat()


def _read(item: Item, name: str, data: QueryDict, time_zone: str) -> Any:
    t = item.type
    if t == "check":
        return name in data
    if t == "multi":
        return data.getlist(name)
    if t == "group":
        # Entries in form order; blank ones are left out (the form always shows a few).
        prefix = f"{name}-"
        positions = sorted(
            {
                int(key[len(prefix) :].split("-", 1)[0])
                for key in data
                if key.startswith(prefix) and key[len(prefix) :].split("-", 1)[0].isdigit()
            }
        )[: item.max_entries + 1]
        entries = []
        for n in positions:
            entry = {
                sub.id: _read(sub, f"{name}-{n}-{sub.id}", data, time_zone) for sub in item.items
            }
            if any(v not in (None, False, []) for v in entry.values()):
                entries.append(entry)
        return entries
    raw = data.get(name, "")
    if raw.strip() == "":
        return None
    if t in ("number", "integer"):
        return _number(raw.strip())
    if t == "datetime":
        return _datetime(raw.strip(), time_zone)
    return raw


def answers_from(instrument: Instrument, data: QueryDict, *, time_zone: str) -> dict[str, Any]:
    """The answers a submitted form holds, in the engine's terms (blank = not answered). A
    group's blank entries are dropped, so the form shown back (built from these answers) has
    the engine's entry numbers, and its errors land on the right entry."""
    return {
        item.id: _read(item, item.id, data, time_zone)
        for item in instrument.all_items()
        if item.type != "display"
    }
