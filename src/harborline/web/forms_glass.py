"""The emergency-access (break-glass) form: find the case by what someone outside the owning
organization knows — the youth's exact last name and date of birth, or a number another system gave
the case — or by its case number, and say why."""

from __future__ import annotations

from typing import Any

from django import forms

from harborline.cases.models import ReferenceKind
from harborline.forms import UswdsMixin
from harborline.sharing.services import LOOKUP_REFERENCE_KINDS

REFERENCE_CHOICES = [("", "Select the kind of reference")] + [
    (kind.value, str(kind.label)) for kind in LOOKUP_REFERENCE_KINDS
]


class EmergencyAccessForm(UswdsMixin, forms.Form):
    last_name = forms.CharField(label="Youth's last name", max_length=100, required=False)
    dob = forms.DateField(
        label="Date of birth",
        required=False,
        help_text="For example 2009-04-17",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the date of birth as year-month-day"},
    )
    reference_kind = forms.ChoiceField(
        label="Kind of reference", choices=REFERENCE_CHOICES, required=False
    )
    reference = forms.CharField(
        label="Reference number",
        max_length=100,
        required=False,
        help_text="A UNITY ID, an NCMEC report number or a law-enforcement report number",
    )
    case_number = forms.IntegerField(
        label="Case number",
        min_value=1,
        required=False,
        error_messages={"invalid": "Enter the case number as digits"},
    )
    reason = forms.CharField(
        label="Why this is an emergency",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}),
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        ways = [
            bool(data.get("last_name") or data.get("dob")),
            bool(data.get("reference")),
            data.get("case_number") is not None,
        ]
        if sum(ways) == 0:
            self.add_error(
                "last_name",
                "Enter the youth's last name and date of birth, a reference number or a case "
                "number",
            )
        elif sum(ways) > 1:
            self.add_error(
                None, "Use one way to find the case: name and date of birth, reference or number"
            )
        return data

    @property
    def way(self) -> str:
        """'number', 'reference' or 'name' (after is_valid)."""
        if self.cleaned_data.get("case_number") is not None:
            return "number"
        return "reference" if self.cleaned_data.get("reference") else "name"

    def summary(self) -> str:
        """What the person searched by, in words (their own input, shown back to them only)."""
        d = self.cleaned_data
        if self.way == "number":
            return f"case number {d['case_number']}"
        if self.way == "reference":
            label = ReferenceKind(d["reference_kind"]).label if d["reference_kind"] else ""
            return f"{label or 'reference'} {d['reference']}"
        return f"last name {d['last_name']}, born {d['dob'].strftime('%-d %b %Y')}"
