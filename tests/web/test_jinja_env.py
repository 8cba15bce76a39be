"""The Jinja2 environment of the case page's body (harborline.web.jinja_env, decision 0066)
outputs values, filters and error summaries exactly as the Django templates do, so the page
reads byte for byte as it did: escaping by Django's rules (`&#x27;`, not markupsafe's `&#39;`),
dates and numbers localized, safe HTML left alone, `default` replacing any false value."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template, engines
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from harborline.web.jinja_env import error_summary

VALUES = [
    "plain",
    'O\'Neil & <b>"friends"</b>',
    mark_safe("<em>safe</em>"),  # noqa: S308 - a literal
    gettext_lazy("Case team"),
    12345,
    -7,
    Decimal("3.50"),
    date(2010, 5, 1),
    datetime(2026, 12, 6, 22, 0, tzinfo=UTC),
    None,
    True,
    "",
    ["a'", "<b>"],
]


def _jinja(source: str, **context: object) -> str:
    return engines["jinja2"].from_string(source).render(context)


def _django(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_a_value_is_output_as_django_outputs_it(value):
    assert _jinja("{{ v }}", v=value) == _django("{{ v }}", v=value)
    assert _jinja('<p title="{{ v }}">', v=value) == _django('<p title="{{ v }}">', v=value)


@pytest.mark.parametrize("value", VALUES, ids=repr)
@pytest.mark.parametrize(
    ("jinja", "django"),
    [
        ('{{ v|default("—") }}', '{{ v|default:"—" }}'),
        ("{{ v|linebreaksbr }}", "{{ v|linebreaksbr }}"),
        ("{{ v|lower }}", "{{ v|lower }}"),
        ('{{ v|date("j M Y") }}', '{{ v|date:"j M Y" }}'),
        ('{{ v|pluralize("keeps,keep") }}', '{{ v|pluralize:"keeps,keep" }}'),
    ],
)
def test_filters_are_djangos(value, jinja, django):
    assert _jinja(jinja, v=value) == _django(django, v=value)


SAFE_ITEM = mark_safe("<i>x</i>")  # noqa: S308 - a literal


@pytest.mark.parametrize("value", [["a'", "<b>", SAFE_ITEM], [], None, ("x",)], ids=repr)
def test_join_is_djangos(value):
    joined = _jinja('{{ v|join(", ")|default("—") }}', v=value)
    assert joined == _django('{{ v|join:", "|default:"—" }}', v=value)


def test_a_missing_value_is_empty_and_false_as_in_django():
    assert _jinja("[{{ nope }}]{% if nope %}yes{% endif %}") == "[]"
    assert _jinja("[{{ d['nope'] }}]{{ d['nope']|default('—') }}", d={}) == "[]—"


class _Form(forms.Form):
    name = forms.CharField(label="Name <of it>")
    age = forms.IntegerField(label="Age")


@pytest.mark.parametrize(
    "data", [None, {"name": "", "age": "x"}, {"name": "ok", "age": "3"}], ids=repr
)
def test_the_error_summary_is_the_django_partials(data):
    form = _Form(data) if data is not None else _Form()
    django = _django(
        '{% load hl_errors %}{% error_items form as error_lines %}{% include "web/partials/'
        'error_summary.html" %}',
        form=form,
    )
    assert _jinja("{{ error_summary(form) }}", form=form) == (django if form.errors else "")
    assert str(error_summary(form)) == (django if form.errors else "")
