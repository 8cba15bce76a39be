"""The forms that record MOUs and data-sharing agreements: what a page asks for before it calls
`agreements.services`. Field labels and help texts are the wording users see."""

from __future__ import annotations

from typing import Any

from django import forms

from harborline.agreements.models import Agreement, Kind, ScreeningRule, VariableSet
from harborline.agreements.vocab import COMPARTMENT_LABELS, COMPARTMENTS, PURPOSES
from harborline.forms import DATE, DATETIME, DATETIME_FORMATS
from harborline.people.models import Organization


class AgreementForm(forms.Form):
    reference = forms.CharField(
        max_length=60, help_text="A short code others will cite, e.g. MOU-WASHOE-2026-01."
    )
    title = forms.CharField(max_length=200)
    parties = forms.ModelMultipleChoiceField(
        queryset=Organization.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        help_text="Every organization that signs it.",
    )
    document_reference = forms.CharField(
        max_length=300,
        required=False,
        label="Where the signed document is kept",
        help_text="A file name, records-system number or link.",
    )
    effective_on = forms.DateField(required=False, widget=DATE, label="In force from")
    expires_on = forms.DateField(required=False, widget=DATE, label="Last day in force")
    compartments = forms.MultipleChoiceField(
        choices=[(c, COMPARTMENT_LABELS.get(c, c)) for c in COMPARTMENTS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Case-record compartments it lets parties share",
    )
    purposes = forms.MultipleChoiceField(
        choices=list(PURPOSES.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Purposes it lets parties share for",
    )
    client_level = forms.BooleanField(required=False, label="Client-level data")
    aggregate = forms.BooleanField(required=False, initial=True, label="Aggregate data")
    custodian = forms.CharField(
        max_length=200,
        required=False,
        label="Statistical center's responsible person",
        help_text="Receives, uses, discloses and secures the data (3-C).",
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind == Kind.MOU:
            for name in ("client_level", "aggregate", "custodian"):
                del self.fields[name]
        else:
            for name in ("effective_on", "expires_on", "compartments", "purposes"):
                del self.fields[name]
            self.fields["parties"].help_text = (
                "Your agency and the statistical analysis center. The term runs two years "
                "from the later signature."
            )


class EditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(max_length=200)
    document_reference = forms.CharField(
        max_length=300, required=False, label="Where the signed document is kept"
    )
    effective_on = forms.DateField(required=False, widget=DATE, label="In force from")
    expires_on = forms.DateField(required=False, widget=DATE, label="Last day in force")
    compartments = forms.MultipleChoiceField(
        choices=[(c, COMPARTMENT_LABELS.get(c, c)) for c in COMPARTMENTS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Case-record compartments it lets parties share",
    )
    purposes = forms.MultipleChoiceField(
        choices=list(PURPOSES.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Purposes it lets parties share for",
    )
    custodian = forms.CharField(
        max_length=200, required=False, label="Statistical center's responsible person"
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if agreement.kind == Kind.DSA:
            for name in ("effective_on", "expires_on", "compartments", "purposes"):
                del self.fields[name]
        else:
            del self.fields["custodian"]
            if agreement.has_signatures:
                for name in ("compartments", "purposes"):
                    self.fields[name].disabled = True
                    self.fields[
                        name
                    ].help_text = (
                        "Fixed once a party has signed: record an amendment as a new agreement."
                    )


class SignForm(forms.Form):
    signatory_name = forms.CharField(max_length=200, label="Name of the person who signed")
    signatory_title = forms.CharField(max_length=200, required=False, label="Their title")
    signed_on = forms.DateField(widget=DATE, label="Date of the signature")


class SubmissionForm(forms.Form):
    due_year = forms.IntegerField(
        label="Year of the January 31 deadline", min_value=2000, max_value=2200
    )
    submitted_on = forms.DateField(widget=DATE, label="Date the data was sent")
    note = forms.CharField(max_length=300, required=False, help_text="e.g. the format sent.")


class BreachForm(forms.Form):
    reported_at = forms.DateTimeField(
        widget=DATETIME,
        input_formats=DATETIME_FORMATS,
        label="When the statistical center reported it",
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What was used or disclosed and how. Do not write any youth's details.",
    )


class CureForm(forms.Form):
    cured_at = forms.DateTimeField(
        widget=DATETIME,
        input_formats=DATETIME_FORMATS,
        label="When it was cured",
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class NoticeForm(forms.Form):
    by_organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label="Party giving written notice"
    )
    notice_on = forms.DateField(widget=DATE, label="Date of the written notice")
    terminates_on = forms.DateField(
        widget=DATE,
        required=False,
        label="First day no longer in force",
        help_text="MOUs only. A data-sharing agreement ends 30 days after the notice.",
    )
    reason = forms.CharField(max_length=300, required=False)

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["by_organization"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]  # django-stubs type form fields as Field
            agreement_parties__agreement=agreement
        )
        if agreement.kind == Kind.DSA:
            del self.fields["terminates_on"]


class DisposalForm(forms.Form):
    disposition = forms.ChoiceField(
        choices=[("destroy", "Destroyed"), ("return", "Returned")],
        widget=forms.RadioSelect,
        label="What the statistical center did with the data",
    )
    certificate_received_on = forms.DateField(widget=DATE, label="Proof received on")


class ReportingTermsForm(forms.Form):
    """What the DSA's submissions carry and how its aggregates are protected (issue 16)."""

    client_level = forms.BooleanField(
        required=False, label="Client-level rows (one per youth, with the variables below)"
    )
    aggregate = forms.BooleanField(required=False, label="Aggregate counts")
    variable_set = forms.ChoiceField(label="Variables", choices=VariableSet.choices)
    screening_rule = forms.ChoiceField(
        label="Screening that counts for the year", choices=ScreeningRule.choices
    )
    disclosure_threshold = forms.IntegerField(
        label="Smallest count published (k)",
        min_value=3,
        max_value=100,
        help_text="The agreement gives none (DSA-16); 11 unless the parties agree another.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
