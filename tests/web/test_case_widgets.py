"""The case page's forms render their widgets in Python (web/forms_cases.WidgetRenderer) for
speed: the HTML must be exactly what Django's widget templates make, for every field of every
form on the case page, unbound, with initial values, and bound with errors, including values
and labels that need escaping."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from harborline.web import forms_cases as f

TRICKY = "A & B <c> \"d\" 'e'"
TEMPLATES = DjangoTemplates()


def _both(form: forms.Form) -> list[tuple[str, str, str]]:
    """(field, Python-rendered, template-rendered) for each field of the form."""
    out = []
    for name in form.fields:
        fast = str(form[name])
        form.renderer = TEMPLATES
        slow = str(form[name])
        form.renderer = f.WIDGETS
        out.append((name, fast, slow))
    return out


def _forms() -> list[forms.Form]:
    orgs = [("washoe", "Washoe County"), ("tricky", TRICKY)]
    return [
        f.NoteForm(prefix="n-medical"),
        f.NoteForm({"n-safety-text": TRICKY}, prefix="n-safety"),
        f.EditIdentityForm(
            initial={"first_name": TRICKY, "aliases": "one\ntwo", "dob": "2010-04-03", "version": 3}
        ),
        f.EditIdentityForm({"first_name": "x" * 200, "version": "nope"}),
        f.PlacementForm(initial={"address": TRICKY + "\n12 Main St", "version": 1}),
        f.PlacementForm({"address": "", "version": ""}),
        f.ReferenceForm(kinds=["court_case", "unity"]),
        f.ReferenceForm({"kind": "court_case", "value": TRICKY}),
        f.ReferenceForm({"kind": "nonsense", "value": ""}),
        f.TeamForm(organizations=orgs),
        f.TeamForm(
            {"organization": "tricky", "role_on_case": "detective", "user_email": "bad"},
            organizations=orgs,
        ),
        f.CompleteForm(initial={"obligation": 7, "version": 2}, prefix="o7"),
        f.CompleteForm(
            {"o7-obligation": "7", "o7-version": "x", "o7-told": TRICKY, "o7-told_at": "soon"},
            prefix="o7",
        ),
        f.WaiveForm(initial={"obligation": 7, "version": 2}, prefix="w7"),
        f.WaiveForm({"w7-reason": TRICKY}, prefix="w7"),
    ]


@pytest.mark.parametrize("form", _forms(), ids=lambda form: type(form).__name__)
def test_python_rendered_widgets_match_django_templates(form):
    if form.is_bound:
        form.is_valid()  # errors add classes and aria attributes to the widgets
    for name, fast, slow in _both(form):
        assert fast == slow, name


def test_every_form_on_the_case_page_uses_the_python_widgets():
    for form in _forms():
        assert form.renderer is f.WIDGETS, type(form).__name__


def test_a_widget_it_does_not_know_falls_back_to_the_templates():
    class Other(f.CasePageForm):
        pick = forms.MultipleChoiceField(
            choices=[("a", TRICKY), ("b", "B")], widget=forms.CheckboxSelectMultiple
        )
        many = forms.MultipleChoiceField(choices=[("a", "A")], widget=forms.SelectMultiple)

    for name, fast, slow in _both(Other(initial={"pick": ["a"], "many": ["a"]})):
        assert fast == slow, name
