"""The forms of the mentor-advocate program's pages: the roster, supervision, readiness reviews
and on-call shifts. What a page asks for before it calls `mentoring.services`."""

from __future__ import annotations

from typing import Any

from django import forms

from harborline.forms import DATE, DATETIME, DATETIME_FORMATS
from harborline.mentoring import selectors
from harborline.mentoring.models import (
    MentorAdvocate,
    QualificationRoute,
    ReadinessReview,
    SupervisionSession,
)
from harborline.mentoring.permissions import Do, may_on
from harborline.people.models import Organization, User
from harborline.protocols.home import home_pack_name
from harborline.protocols.models import County, Region


class AddForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.none(), label="Person")
    phone = forms.CharField(
        max_length=40, required=False, help_text="The number MDT members call while on call."
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        field.queryset = selectors.program_candidates(actor=actor)  # type: ignore[attr-defined]  # django-stubs type form fields as Field
        field.label_from_instance = lambda u: (  # type: ignore[attr-defined]  # django-stubs type form fields as Field
            f"{u.full_name or u.email} ({u.membership.get_role_display()}, "
            f"{u.membership.organization.name})"
        )


class EditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    phone = forms.CharField(max_length=40, required=False)
    qualification_route = forms.ChoiceField(
        choices=[("", "Not recorded"), *QualificationRoute.choices], required=False
    )
    background_check_on = forms.DateField(
        required=False,
        widget=DATE,
        label="Background check passed on",
        help_text="Renew every two years (decision 0020).",
    )
    is_survivor = forms.BooleanField(
        required=False,
        label="Survivor mentor-advocate (readiness review every six months)",
    )
    training_url = forms.URLField(
        required=False, label="Training record (link)", assume_scheme="https"
    )
    caseload_min = forms.IntegerField(min_value=0, max_value=50, label="Suggested caseload: fewest")
    caseload_max = forms.IntegerField(min_value=0, max_value=50, label="Suggested caseload: most")
    active = forms.BooleanField(required=False, label="On the roster")


class SupervisionForm(forms.Form):
    held_on = forms.DateField(widget=DATE, label="Date of the session")
    kind = forms.ChoiceField(choices=SupervisionSession.Kind.choices, widget=forms.RadioSelect)
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="About the mentor-advocate's work, support and well-being. Do not write about "
        "any youth here: case matters belong in the case record.",
    )


class ReadinessForm(forms.Form):
    reviewed_on = forms.DateField(widget=DATE, label="Date of the review")
    reviewer = forms.CharField(max_length=200, label="Clinician who did the review")
    outcome = forms.ChoiceField(choices=ReadinessReview.Outcome.choices, widget=forms.RadioSelect)


class ShiftForm(forms.Form):
    advocate = forms.ModelChoiceField(
        queryset=MentorAdvocate.objects.none(), label="Mentor-advocate"
    )
    starts_at = forms.DateTimeField(widget=DATETIME, input_formats=DATETIME_FORMATS, label="Starts")
    ends_at = forms.DateTimeField(widget=DATETIME, input_formats=DATETIME_FORMATS, label="Ends")
    county = forms.ModelChoiceField(
        queryset=County.objects.all(),  # narrowed to the home pack's in __init__
        required=False,
        label="County covered",
        help_text="Choose one of county, region or organization; none means statewide.",
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.all(), required=False, label="Region covered"
    )
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.filter(is_active=True),
        required=False,
        label="Organization covered",
    )
    phone = forms.CharField(
        max_length=40, required=False, help_text="Leave empty to use the mentor-advocate's phone."
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = [
            a.pk for a in selectors.visible_advocates(actor=actor) if may_on(actor, Do.SCHEDULE, a)
        ]
        self.fields["advocate"].queryset = MentorAdvocate.objects.filter(  # type: ignore[attr-defined]  # django-stubs type form fields as Field
            pk__in=allowed
        ).select_related("user")
        home = home_pack_name()  # one state's counties: Clark County is in three packs
        self.fields["county"].queryset = County.objects.filter(pack=home).order_by("name")  # type: ignore[attr-defined]  # django-stubs type form fields as Field
        self.fields["region"].queryset = Region.objects.filter(pack=home).order_by("name")  # type: ignore[attr-defined]  # django-stubs type form fields as Field
