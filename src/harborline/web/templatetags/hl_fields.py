"""One form field as `web/partials/field.html` renders it, in Python: `{{ form.name|usa_field }}`
(`{% load hl_fields %}`), for pages that show many fields (issue 11).

The case page shows some thirty fields; each `{% include "web/partials/field.html" %}` costs a
context push and about ten template nodes, which bench/profile_case.py found to be the largest
part of the page's template time. The HTML is exactly the partial's, byte for byte
(tests/web/test_usa_field.py renders both for every field of every case-page form): change
the two together."""

from __future__ import annotations

import html
from typing import Any

from django import forms, template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def esc(value: Any) -> str:
    """Django's `conditional_escape`, without its lazy-string wrapper for the common case, a
    plain string (Django's `escape` is `html.escape` too): some 250 calls per case page."""
    if type(value) is str:
        return html.escape(value)
    return conditional_escape(value)


@register.filter
def usa_field(field: forms.BoundField) -> SafeString:
    errors = list(field.errors)
    error = " usa-form-group--error" if errors else ""
    label_error = " usa-label--error" if errors else ""
    hint = (
        f'<div class="usa-hint" id="{esc(field.auto_id)}_helptext">{esc(field.help_text)}</div>'
        if field.help_text
        else ""
    )
    messages = (
        f'<span class="usa-error-message" id="{esc(field.auto_id)}_error">'
        + " ".join(str(esc(str(e))) for e in errors)
        + "</span>"
        if errors
        else ""
    )
    return mark_safe(  # noqa: S308 - every value above is escaped; the widget is Django's HTML
        f'<div class="usa-form-group{error}">\n'
        f'  <label class="usa-label{label_error}" for="{esc(field.id_for_label)}">'
        f"{esc(field.label)}</label>\n"
        f"  {hint}\n"
        f"  {messages}\n"
        f"  {esc(str(field))}\n"
        "</div>\n"
    )
