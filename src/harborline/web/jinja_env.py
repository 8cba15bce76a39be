"""The Jinja2 environment of the page bodies rendered with Jinja2 (decision 0066): the case
page's body (`web/jinja2/web/cases/detail_body.html`), which the view renders and hands, as safe
HTML, to a thin Django template that extends `web/base.html` — the one layout of every page.

Django's second template backend (settings.TEMPLATES, `django.template.backends.jinja2.Jinja2`)
builds it with `environment(**options)`. The templates get the helpers the Django templates use,
the same functions and not copies: `hl_url` (web/templatetags/hl_urls.py), `usa_field`
(hl_fields.py), `error_summary` (hl_errors.py's lines in web/partials/error_summary.html, the
Django partial itself), `evidence` (hl_plain.py), and Django's own `date`, `default`, `join`,
`linebreaksbr`, `lower` and `pluralize` filters, so `{{ x|default("—") }}` means what
`{{ x|default:"—" }}` means (Jinja2's own `default` only replaces undefined values).

Output is escaped as Django escapes it (`finalize`): values are localized and escaped by
Django's rules (`&#x27;`, `&quot;`, dates in the active language's format), a value with
`__html__` (Django's SafeString, a form's BoundField) is left as it is, so a body reads byte for
byte as the Django template rendered it. Differences from Django templates to keep in mind when
writing one: call methods (`case.get_status_display()`), read dictionary keys and form fields
by subscript (`s.data["notes"]`, `form["text"]`), and the CSRF field is `{{ csrf_input }}`."""

from __future__ import annotations

import html
from typing import Any

import jinja2
from django.template import Context, defaultfilters
from django.template.base import render_value_in_context
from django.template.loader import get_template
from django.utils.safestring import SafeString

from .templatetags.hl_errors import error_items
from .templatetags.hl_fields import usa_field
from .templatetags.hl_plain import evidence
from .templatetags.hl_urls import hl_url

# What Django renders a {{ value }} with: autoescape on, the time zone and localization active.
_DJANGO_OUTPUT = Context(autoescape=True)


def finalize(value: Any) -> Any:
    """A value as a Django template outputs it (`render_value_in_context`): safe HTML as it is,
    a plain string escaped (Django's `escape`, the common case, without its lazy-string
    wrapper), anything else localized then escaped by Django's own function."""
    if type(value) is str:
        return SafeString(html.escape(value))
    if hasattr(value, "__html__"):
        return value
    return render_value_in_context(value, _DJANGO_OUTPUT)


def error_summary(*sources: Any) -> str:
    """The one error summary (web/partials/error_summary.html, the Django partial every page
    includes) for these forms: nothing when they have no errors, the common case."""
    lines = error_items(*sources)
    if not lines:
        return ""
    return SafeString(
        get_template("web/partials/error_summary.html", using="django").render(
            {"error_lines": lines}
        )
    )


def _join(value: Any, arg: str) -> str:
    return defaultfilters.join(value, arg, autoescape=True)


def _linebreaksbr(value: Any) -> str:
    return defaultfilters.linebreaksbr(value, autoescape=True)


def _pluralize(value: Any, arg: str = "s") -> str:
    return defaultfilters.pluralize(value, arg)


def _date(value: Any, arg: str | None = None) -> str:
    return defaultfilters.date(value, arg)


def environment(**options: Any) -> jinja2.Environment:
    # Missing values render as "" and test false, as in Django templates (Django's backend
    # would make them visible when DEBUG is on).
    options["undefined"] = jinja2.Undefined
    options.setdefault("autoescape", True)
    env = jinja2.Environment(finalize=finalize, **options)  # noqa: S701 - autoescape is on above
    env.globals.update(
        hl_url=hl_url,
        error_summary=error_summary,
        evidence=evidence,
    )
    env.filters.update(
        usa_field=usa_field,
        date=_date,
        default=defaultfilters.default,
        join=_join,
        linebreaksbr=_linebreaksbr,
        lower=defaultfilters.lower,
        pluralize=_pluralize,
    )
    return env
