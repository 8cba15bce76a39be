"""Forms for the case pages. They only shape the input (types, lengths, choices); the services
decide what is valid, and their field errors are placed beside these fields (`place_errors`).
Every form renders with USWDS classes (`UswdsMixin`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates

from harborline.access import compartments as c
from harborline.access.models import BasisType, ConsentKind, EvidenceKind, ReviewOutcome
from harborline.cases.models import ReferenceKind, TeamRole
from harborline.errors import DomainError
from harborline.forms import show_domain_error
from harborline.people.roles import OrgType, Role, rules_for
from harborline.protocols.translations import printout_languages
from harborline.response.models import MeetingKind, Setting
from harborline.response.services import IDENTIFIERS

from .forms import UswdsMixin
from .templatetags.hl_fields import esc

# --- rendering the case page's widgets -----------------------------------------------------------

INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "email", "hidden", "date", "datetime", "number", "password")
)


def _attrs(attrs: dict[str, Any]) -> str:
    # django/forms/widgets/attrs.html
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {esc(name)}")
        if value is not True:
            out.append(f'="{esc(value)}"')
    return "".join(out)


class WidgetRenderer(DjangoTemplates):
    """Renders the widgets the case page's forms use (inputs, text areas, single selects) in
    Python, to exactly the HTML of Django's own widget templates (django/forms/widgets/*.html;
    tests/web/test_case_widgets.py compares them byte for byte), and everything else with those
    templates. The case page shows some thirty fields, and the template engine rendering their
    widgets was about a third of its time (bench/profile_case.py, docs/benchmarks.md)."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if widget is None or widget.get("template_name") != template_name:
            return super().render(template_name, context, request)
        if template_name in INPUT_TEMPLATES:
            value = widget["value"]
            shown = "" if value is None else f' value="{esc(value)}"'
            return (
                f'<input type="{esc(widget["type"])}" '
                f'name="{esc(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
            )
        if template_name == "django/forms/widgets/textarea.html":
            text = esc(widget["value"]) if widget["value"] else ""
            return (
                f'<textarea name="{esc(widget["name"])}"{_attrs(widget["attrs"])}>'
                f"\n{text}</textarea>"
            )
        if template_name == "django/forms/widgets/select.html" and not widget["attrs"].get(
            "multiple"
        ):
            out = [f'<select name="{esc(widget["name"])}"{_attrs(widget["attrs"])}>']
            for group_name, group_choices, _index in widget["optgroups"]:
                if group_name:
                    out.append(f'\n  <optgroup label="{esc(group_name)}">')
                for option in group_choices:
                    out.append(
                        f'\n  <option value="{esc(option["value"])}"'
                        f"{_attrs(option['attrs'])}>{esc(option['label'])}</option>\n"
                    )
                if group_name:
                    out.append("\n  </optgroup>")
            out.append("\n</select>")
            return "".join(out).strip()
        return super().render(template_name, context, request)


WIDGETS = WidgetRenderer()


class CasePageForm(UswdsMixin, forms.Form):
    """A form shown on the case page: its widgets render through `WIDGETS`."""

    default_renderer = WIDGETS


# A service names some fields differently from the form (nested API names): map them here.
FIELD_ALIASES = {
    "basis.type": "basis_type",
    "basis.reference": "basis_reference",
    "evidence.report_number": "report_number",
    "evidence.told": "told",
    "evidence.told_at": "told_at",
    "evidence.note": "note",
    "evidence": "note",
    "user": "user_email",
    "expires_at": "expires_on",  # shares and consents end on a day in the forms
}


def field_name(service_field: str) -> str:
    """A service's field name as a form field name: `youth.first_name` -> `first_name`."""
    if service_field in FIELD_ALIASES:
        return FIELD_ALIASES[service_field]
    if service_field.startswith("youth."):
        return service_field[len("youth.") :]
    return service_field


def place_errors(form: forms.Form, problem: DomainError) -> None:
    """Put a service's errors beside the case forms' fields (names mapped by `field_name`)."""
    show_domain_error(form, problem, field_name)


COMPARTMENT_CHOICES = [(n, c.LABELS[n]) for n in c.ALL]
IDENTIFIER_LABELS = {
    **{v: str(label) for v, label in OrgType.choices},
    "school": "School staff",
    "family": "Family or caregiver",
    "self": "The youth (self-identified)",
    "community_member": "Community member",
    "other": "Other",
}
YOUTH_ROLES = [(v, label) for v, label in Role.choices if rules_for(v).sees_youth_data]


def _preferred_languages() -> list[tuple[str, str]]:
    return [("", "Not recorded"), *printout_languages()]


class IdentityForm(UswdsMixin, forms.Form):
    first_name = forms.CharField(label="First name", max_length=100, required=False)
    last_name = forms.CharField(label="Last name", max_length=100, required=False)
    dob = forms.CharField(
        label="Date of birth",
        required=False,
        help_text="Leave blank if not known.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    gender = forms.CharField(
        label="Gender identity, in the youth's own words",
        max_length=100,
        required=False,
        help_text="Optional. Record only what the youth chooses to share.",
    )
    pronouns = forms.CharField(label="Pronouns", max_length=100, required=False)
    preferred_language = forms.ChoiceField(
        label="Preferred language for printouts",
        choices=_preferred_languages,
        required=False,
        help_text="The language the youth would rather read: their safety plan copy, consent "
        "forms and referral handouts open in it.",
    )
    aliases = forms.CharField(
        label="Other names the youth uses",
        required=False,
        help_text="One per line.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name", "gender", "pronouns", "aliases"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        self.fields["aliases"].widget.attrs["class"] = "usa-textarea"

    def youth(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "dob": data["dob"],
            "gender": data["gender"],
            "pronouns": data["pronouns"],
            "preferred_language": data["preferred_language"],
            "aliases": [a.strip() for a in data["aliases"].splitlines() if a.strip()],
        }


class EditIdentityForm(IdentityForm):
    default_renderer = WIDGETS  # shown on the case page (CasePageForm)

    version = forms.IntegerField(widget=forms.HiddenInput)


class PlacementForm(CasePageForm):
    address = forms.CharField(
        label="Placement address",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "class": "usa-textarea", "autocomplete": "off"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class NoteForm(CasePageForm):
    text = forms.CharField(
        label="Note",
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}),
    )


class PrivilegedNoteForm(NoteForm):
    """A note to advocate-privileged notes: it belongs to the writer's organization
    (decision 0043)."""

    existence_shown = forms.BooleanField(
        label="Let the team know notes exist",
        required=False,
        help_text="The organization that owns the case and the other advocates on the case team "
        "then see that your organization keeps privileged notes on this case — never what they "
        "say.",
    )


class ReferenceForm(CasePageForm):
    kind = forms.ChoiceField(label="Kind of number", choices=ReferenceKind.choices)
    value = forms.CharField(label="Number", max_length=100, required=False)
    note = forms.CharField(label="Note (optional)", max_length=200, required=False)

    def __init__(self, *args: Any, kinds: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kinds is not None:
            field = self.fields["kind"]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101
            field.choices = [(v, label) for v, label in ReferenceKind.choices if v in kinds]


class TeamForm(CasePageForm):
    organization = forms.ChoiceField(
        label="Organization",
        help_text="The owner and the organizations the case is shared with. To add another "
        "organization, share the case with it first.",
    )
    role_on_case = forms.ChoiceField(label="Role on the case", choices=TeamRole.choices)
    user_email = forms.EmailField(
        label="Their Harborline e-mail", required=False, help_text="Or give a name below."
    )
    name = forms.CharField(
        label="Name (a person without an account)", max_length=200, required=False
    )

    def __init__(self, *args: Any, organizations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = organizations


class CompleteForm(CasePageForm):
    obligation = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    report_number = forms.CharField(label="Report number", max_length=100, required=False)
    told = forms.CharField(label="Who was told", max_length=300, required=False)
    told_at = forms.CharField(
        label="When",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    note = forms.CharField(
        label="What was done",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "usa-textarea"}),
    )

    def evidence(self) -> dict[str, str]:
        data = self.cleaned_data
        return {k: data[k] for k in ("report_number", "told", "told_at", "note") if data[k]}


class WaiveForm(CasePageForm):
    obligation = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why it does not apply",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "usa-textarea"}),
    )


class AssignForm(CasePageForm):
    """Hand an obligation to another organization; the page sets the organizations offered
    (`response.services.assign_candidates`) and the service checks the choice."""

    obligation = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    organization = forms.CharField(
        label="Organization",
        max_length=100,
        required=False,
        widget=forms.Select(attrs={"class": "usa-select"}),
    )

    def offer(self, organizations: list[Any]) -> AssignForm:
        self.fields["organization"].widget.choices = [
            ("", "- Choose an organization -"),
            *((o.slug, o.name) for o in organizations),
        ]
        return self


URGENT_CHOICES = [
    ("rule", "As the protocol decides"),
    ("yes", "Urgent"),
    ("no", "Not urgent"),
]


class ScreeningContextForm(UswdsMixin, forms.Form):
    identified_by = forms.ChoiceField(
        label="Identified by",
        choices=[("", "- Select -")] + [(v, IDENTIFIER_LABELS.get(v, v)) for v in IDENTIFIERS],
        required=False,
    )
    identified_at = forms.CharField(
        label="Identified at",
        required=False,
        help_text="When the youth was identified (the clocks run from then), in your "
        "organization's time zone.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    setting = forms.ChoiceField(
        label="Setting", choices=[("", "- Select -"), *Setting.choices], required=False
    )
    urgent = forms.ChoiceField(
        label="Urgent response",
        choices=URGENT_CHOICES,
        initial="rule",
        required=False,
        widget=forms.RadioSelect,
    )
    urgent_reason = forms.CharField(
        label="Reason for deciding otherwise than the protocol",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "usa-textarea"}),
    )

    def urgent_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data["urgent"])


class ShareForm(UswdsMixin, forms.Form):
    organization = forms.ChoiceField(label="Share with")
    compartments = forms.MultipleChoiceField(
        label="What they can see",
        choices=COMPARTMENT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    role = forms.ChoiceField(
        label="Only this role in that organization (optional)",
        choices=[("", "Everyone there who works with youth records"), *YOUTH_ROLES],
        required=False,
    )
    purpose = forms.CharField(label="Purpose", max_length=300, required=False)
    basis_type = forms.ChoiceField(
        label="Legal basis", choices=[("", "- Select -"), *BasisType.choices], required=False
    )
    basis_reference = forms.CharField(
        label="Reference",
        max_length=200,
        required=False,
        help_text="The report number, court order number or MOU. For consent, leave blank to "
        "use the consent records on file.",
    )
    expires_on = forms.DateField(
        label="Until (inclusive)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "use a date like 2027-03-03"},
    )
    may_edit = forms.BooleanField(
        label="They may also change what they can see",
        required=False,
        help_text="Leave this off and they can only read what you share and add notes to it. "
        "Tick it only if they must keep these details up to date with you: their caseworkers, "
        "supervisors, mentor-advocates and administrators can then change the youth's name, date "
        "of birth, contact details, placement address and reference numbers in what you share.",
    )

    def __init__(
        self,
        *args: Any,
        organizations: list[Any],
        only: tuple[str, ...] = (),
        **kwargs: Any,
    ) -> None:
        """`organizations`: (slug, name) pairs, or (group label, [(slug, name), ...]) to show
        them grouped; `only`: the fields of one step of the sharing wizard (the rest removed)."""
        super().__init__(*args, **kwargs)
        for name in [n for n in self.fields if only and n not in only]:
            del self.fields[name]
        field = self.fields.get("organization")
        if isinstance(field, forms.ChoiceField):
            field.choices = [("", "- Select -"), *organizations]
        basis = self.fields.get("basis_type")
        if isinstance(basis, forms.ChoiceField):  # the legal bases as choices, each explained
            basis.choices = BasisType.choices
            basis.widget = forms.RadioSelect(choices=BasisType.choices)


class ConsentForm(UswdsMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Whose consent", choices=[("", "- Select -"), *ConsentKind.choices], required=False
    )
    given_by = forms.CharField(label="Given by (name)", max_length=200, required=False)
    recipients = forms.MultipleChoiceField(
        label="Shared with",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    compartments = forms.MultipleChoiceField(
        label="What may be shared",
        choices=COMPARTMENT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    purpose = forms.CharField(label="Purpose", max_length=300, required=False)
    expires_on = forms.DateField(
        label="Until (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "use a date like 2027-03-03"},
    )
    evidence = forms.ChoiceField(
        label="Evidence", choices=EvidenceKind.choices, widget=forms.RadioSelect, required=False
    )
    evidence_reference = forms.CharField(
        label="Signed form reference", max_length=300, required=False
    )
    attestation = forms.CharField(
        label="Attestation",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "usa-textarea"}),
    )

    def __init__(self, *args: Any, organizations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["recipients"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101
        field.choices = organizations


class BreakGlassForm(UswdsMixin, forms.Form):
    case_number = forms.IntegerField(
        label="Case number",
        min_value=1,
        error_messages={"required": "give the case number", "invalid": "give the case number"},
    )
    reason = forms.CharField(
        label="Why this is an emergency",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}),
    )


class ReviewForm(UswdsMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome", choices=ReviewOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note (required when not justified)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "usa-textarea"}),
    )


class MeetingForm(UswdsMixin, forms.Form):
    kind = forms.ChoiceField(label="Kind of meeting", choices=MeetingKind.choices)
    held_at = forms.CharField(
        label="Held at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    attendees = forms.MultipleChoiceField(
        label="Attendees with a Harborline account",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_attendees = forms.CharField(
        label="Other attendees (names and roles)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "usa-textarea"}),
    )
    youth_participated = forms.BooleanField(label="The youth took part", required=False)
    decisions = forms.CharField(
        label="Decisions",
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "usa-textarea"}),
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["attendees"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101
        field.choices = people


ACTION_ROWS = 3
