"""The error summary's lines, once, for every form a page shows (issue 13).

One pattern on every form (GOV.UK's and USWDS's error summary): every problem at once, in a
summary at the top of the page whose lines link to the fields they are about, the summary
focused when the page loads (web/static/web/js/error-summary.js), and each field marked and
described by its own message. `error_items` turns what a page holds into those lines:

- a Django form: its non-field errors (no link), then each field's errors, linked to the field's
  input (the first option of a radio or checkbox group);
- an instrument's summary (`instruments.forms.build`): pairs of (field or None, message);
- lines a view built itself: pairs of (href or "", words).

Usage: ``{% load hl_errors %}{% error_items form other as error_lines %}`` then
``{% include "web/partials/error_summary.html" %}``."""

from __future__ import annotations

from typing import Any

from django import forms, template

register = template.Library()

MAX_LABEL = 80


def _target(field: forms.BoundField) -> str:
    """The element a summary line links to: the input, or a group's first option."""
    if field.id_for_label:
        return str(field.id_for_label)
    return f"{field.auto_id}_0" if field.auto_id else ""


def _short(label: str) -> str:
    label = str(label)
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _form_items(form: forms.BaseForm) -> list[tuple[str, str]]:
    if not form.is_bound or not form.errors:
        return []
    items = [("", str(e)) for e in form.non_field_errors()]
    for field in form:
        for e in field.errors:
            items.append((f"#{_target(field)}", f"{_short(str(field.label))}: {e}"))
    return items


def _instrument_items(summary: list[tuple[Any, str]]) -> list[tuple[str, str]]:
    items = []
    for f, message in summary:
        if f is None:
            items.append(("", str(message)))
        else:
            items.append((f"#{f.target}", f"{_short(f.item.label)}: {message}"))
    return items


@register.simple_tag
def error_items(*sources: Any) -> list[tuple[str, str]]:
    """The summary's lines, (href or "", text), from forms and instrument summaries in page
    order; sources that are None or empty add nothing."""
    items: list[tuple[str, str]] = []
    for source in sources:
        if isinstance(source, forms.BaseForm):
            items.extend(_form_items(source))
        elif source:
            for line in source:
                if isinstance(line, tuple) and all(isinstance(part, str) for part in line):
                    items.append(line)  # already (href, words), as a view built it
                else:
                    items.extend(_instrument_items([line]))
    return items
