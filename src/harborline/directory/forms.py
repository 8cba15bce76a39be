"""The directory pages' forms: search, and keeping a service's facts."""

from __future__ import annotations

from typing import Any

from django import forms

from harborline.access.compartments import Compartment
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


# Every compartment but advocate-privileged notes, which only their holder shares.
COMPARTMENT_CHOICES = [
    (c.value, str(c.label)) for c in Compartment if c != Compartment.ADVOCATE_PRIVILEGED
]
BASIS_CHOICES = [
    ("consent", "Consent on file"),
    ("court_order", "Court order"),
    ("mandated_report", "Mandated report"),
    ("mou", "Memorandum of understanding"),
]


class FindForm(UswdsMixin, forms.Form):
    need = forms.ChoiceField(label="Need")
    language = forms.CharField(label="Language (code, e.g. es)", required=False, max_length=10)
    urgent = forms.BooleanField(label="Urgent: 24/7 or open now first", required=False)
    near = forms.CharField(
        label="Near ZIP code (optional)",
        required=False,
        max_length=10,
        help_text="Where the youth is now: services are ranked by how far they are. Not stored.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = [  # type: ignore[attr-defined]  # django-stubs type form fields as Field
            ("", "Choose a need"),
            *category_choices()[1:],
        ]


class ReferralForm(UswdsMixin, forms.Form):
    needs = forms.CharField(
        label="Needs this referral is for",
        max_length=500,
        help_text="The category chosen, and anything the service should know, in a few words.",
    )
    compartments = forms.MultipleChoiceField(
        label="What the service may see while the referral is open",
        choices=COMPARTMENT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Only what it needs. Access ends when the referral ends.",
    )
    basis_type = forms.ChoiceField(
        label="On what basis", choices=BASIS_CHOICES, widget=forms.RadioSelect
    )
    basis_reference = forms.CharField(
        label="Reference (order, report or MOU)", required=False, max_length=200
    )
    plan_task = forms.ChoiceField(label="Service-plan task it serves", required=False)
    warm_handoff = forms.CharField(
        label="Who walks the youth over (warm handoff)", required=False, max_length=200
    )

    def __init__(self, *args: Any, tasks: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan_task"].choices = [  # type: ignore[attr-defined]  # django-stubs type form fields as Field
            ("", "None"),
            *((str(pk), text) for pk, text in tasks),
        ]


class ActForm(UswdsMixin, forms.Form):
    reason = forms.CharField(label="Why", required=False, max_length=1000)
    outcome = forms.CharField(label="Outcome", required=False, max_length=2000)
    said_by = forms.CharField(
        label="Who at the service told you (external referral)", required=False, max_length=200
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
