"""What every HTML form shares, wherever it lives: the USWDS classes on its widgets.

Top level and low in the layers (docs/architecture.md, "Layers"), so the page layer
(`harborline.web`) and the domain apps that keep their own forms (`people`, `taskforce`) import
it alike, and no domain app needs to import `harborline.web`."""

from __future__ import annotations

from typing import Any

from django import forms


class UswdsMixin:
    """Adds the USWDS class each widget needs; marks fields with errors."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                css = "usa-select"
            elif isinstance(widget, forms.CheckboxInput):
                css = "usa-checkbox__input"
            else:
                css = "usa-input"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " usa-input--error"
