"""The directory pages' forms: search, and keeping a service's facts."""

from __future__ import annotations

from typing import Any

from django import forms

from harborline.directory.extensions import CATEGORY_LISTS
from harborline.directory.models import Capacity, Record, Service, Vetting
from harborline.directory.services import GENDERS
from harborline.forms import UswdsMixin
from harborline.protocols.models import County


def category_choices() -> list[tuple[str, str]]:
    terms = Record.objects.filter(table="taxonomy_term").values_list("data", flat=True)
    shipped = [t for t in terms if str(t.get("taxonomy", "")).split(".")[-1] in CATEGORY_LISTS]
    seen: dict[str, str] = {}
    for t in sorted(shipped, key=lambda t: str(t.get("name", ""))):
        seen.setdefault(str(t.get("code", "")), str(t.get("name", "")))
    return [("", "Any category"), *((code, name) for code, name in seen.items() if code)]


class SearchForm(UswdsMixin, forms.Form):
    q = forms.CharField(label="Words", required=False, max_length=200)
    category = forms.ChoiceField(label="Category", required=False)
    county = forms.ModelChoiceField(
        label="County", queryset=County.objects.none(), required=False, empty_label="Any county"
    )
    open_now = forms.BooleanField(label="Open now", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()  # type: ignore[attr-defined]  # django-stubs type form fields as Field
        counties = County.objects.filter(pk__in=_counties_in_use()).order_by("name", "pack")
        self.fields["county"].queryset = counties  # type: ignore[attr-defined]  # django-stubs type form fields as Field
        self.fields["county"].label_from_instance = (  # type: ignore[attr-defined]  # django-stubs type form fields as Field
            lambda c: f"{c.name} ({c.pack.title()})"
        )


def _counties_in_use() -> Any:
    return Service.counties.through.objects.values("county_id")


class ServiceFactsForm(UswdsMixin, forms.Form):
    capacity = forms.ChoiceField(
        label="Capacity now",
        choices=Capacity.choices,
        widget=forms.RadioSelect,
        help_text="Saving records that you confirmed it now.",
    )
    always_open = forms.BooleanField(label="Answers at any hour (24/7)", required=False)
    genders = forms.MultipleChoiceField(
        label="Genders served",
        choices=[(g, g.title()) for g in GENDERS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave all unticked when the service serves any gender.",
    )
    lgbtq_affirming = forms.BooleanField(label="LGBTQ+-affirming", required=False)
    vetting = forms.ChoiceField(
        label="Vetting (Resource 3-D standards)",
        choices=Vetting.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args: Any, steward: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not steward:
            del self.fields["vetting"]
