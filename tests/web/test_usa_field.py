"""`usa_field` (web/templatetags/hl_fields.py) renders a form field exactly as the partial
web/partials/field.html does, byte for byte: every field of every form the case page shows,
unbound, with initial values and bound with errors (tests/web/test_case_widgets.py's forms),
plus help text, a checkbox and values that need escaping."""

from __future__ import annotations

import pytest
from django import forms
from django.template.loader import render_to_string

from harborline.web.templatetags.hl_fields import usa_field
from tests.web.test_case_widgets import TRICKY, _forms


class Tricky(forms.Form):
    text = forms.CharField(label=TRICKY, help_text=TRICKY, max_length=3)
    shown = forms.BooleanField(label="Let the team know", required=False, help_text="<b>x</b>")
    kind = forms.ChoiceField(choices=[("a", TRICKY), ("b", "B")])

    def clean(self) -> dict:
        self.add_error("kind", TRICKY)
        self.add_error("kind", "Second problem")
        return self.cleaned_data


def _all_forms() -> list[forms.Form]:
    return [*_forms(), Tricky(), Tricky({"text": TRICKY, "shown": "on", "kind": "zz"})]


@pytest.mark.parametrize("form", _all_forms(), ids=lambda form: type(form).__name__)
def test_usa_field_is_the_partial_byte_for_byte(form):
    assert list(form.fields)
    for name in form.fields:
        partial = render_to_string("web/partials/field.html", {"field": form[name]})
        assert str(usa_field(form[name])) == partial, name


def test_a_bound_form_with_errors_is_covered():
    form = Tricky({"text": TRICKY, "kind": "zz"})
    assert not form.is_valid()
    html = str(usa_field(form["kind"]))
    assert "usa-form-group--error" in html
    assert "A &amp; B &lt;c&gt;" in html and "Second problem" in html
