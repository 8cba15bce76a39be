"""What every HTML form shares, wherever it lives: the USWDS classes on its widgets.

Top level and low in the layers (docs/architecture.md, "Layers"), so the page layer
(`harborline.web`) and the domain apps that keep their own forms (`people`, `taskforce`) import
it alike, and no domain app needs to import `harborline.web`. `show_domain_error` puts a
service's errors beside a form's fields, for every form helper of the page layer
(`web/views/_util.form_page`, `web/forms_cases.place_errors`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms

from harborline.errors import DomainError

# The browser's own date and date-time pickers, in the formats they send. Django copies a widget
# into each field, so one instance serves every form.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M"]


class UswdsMixin:
    """Adds the USWDS class each widget needs; marks fields with errors."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style_fields()

    def _style_fields(self) -> None:
        """Give every field its USWDS class (again, for fields a form adds in __init__)."""
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                css = "usa-select"
            elif isinstance(widget, forms.CheckboxInput):
                css = "usa-checkbox__input"
            else:
                css = "usa-input"
            if css not in widget.attrs.get("class", "").split():
                widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]  # a mixin: forms.Form supplies it
        plain_choice_errors(self)  # type: ignore[arg-type]  # a mixin: self is a forms.Form
        for name in self.errors:  # type: ignore[attr-defined]  # a mixin: forms.Form supplies it
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " usa-input--error"


INVALID_CHOICE = "Select one of the options shown"


def plain_choice_errors(form: forms.BaseForm) -> None:
    """Django's "Select a valid choice. <value> is not one of the available choices." echoes
    the value sent, an internal code on screen (issue 13): say it in words instead. A field's own
    message (one that does not echo the value, such as "Choose one of the listed roles") stays.
    Called by every UswdsMixin form after cleaning, and by web/views/_util.form_page for any
    other."""
    errors = getattr(form, "_errors", None)
    if not errors:
        return
    for name, found in list(errors.items()):
        data = found.as_data()
        if any(_echoes_value(e) for e in data):
            errors[name] = form.error_class(
                [
                    forms.ValidationError(INVALID_CHOICE, code="invalid_choice")
                    if _echoes_value(e)
                    else e
                    for e in data
                ],
                renderer=form.renderer,
            )


def _echoes_value(error: forms.ValidationError) -> bool:
    return error.code == "invalid_choice" and "%(value)s" in str(error.message)


def show_domain_error(
    form: forms.Form,
    problem: DomainError,
    aliases: Mapping[str, str] | Callable[[str], str] | None = None,
) -> None:
    """Put a service's field errors beside the form's fields; an error for a field the form does
    not have goes above the form, and so does the problem's detail when it names no field.
    `aliases` maps a service's field name to the form's (`user` -> `user_email`)."""
    for error in problem.errors:
        if callable(aliases):
            name = aliases(error.field)
        else:
            name = (aliases or {}).get(error.field, error.field)
        if name in form.fields:
            form.add_error(name, error.message)
        else:
            form.add_error(None, error.message)
    if not problem.errors:
        form.add_error(None, problem.detail)
