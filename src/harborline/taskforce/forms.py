"""Forms for the task-force pages (USWDS classes via harborline.forms.UswdsMixin). They parse
input; the services decide what is valid and their field errors are shown beside these fields."""

from __future__ import annotations

from typing import Any

from django import forms

from harborline.forms import UswdsMixin
from harborline.protocols.home import home_pack_name
from harborline.protocols.packs import registry

from .categories import OTHER_PREFIX, categories_for, suggested_subcommittees
from .models import Kind, Member, NarrativeSection, TaskForce


class TaskForceForm(UswdsMixin, forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=Kind.choices)
    pack = forms.ChoiceField(label="Protocol pack", help_text="Sets the member categories.")
    region = forms.CharField(
        label="Region",
        max_length=120,
        required=False,
        help_text="The area the task force covers, e.g. Washoe County.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        packs = registry()
        self.fields["pack"].choices = [  # type: ignore[attr-defined]  # django-stubs type form fields as Field
            (name, f"{packs[name].manifest.title}") for name in sorted(packs)
        ]
        self.fields["pack"].initial = home_pack_name()  # the installation's own rules first


class MemberForm(UswdsMixin, forms.Form):
    WHO = [
        ("organization", "A member organization"),
        ("person", "A person"),
    ]
    who = forms.ChoiceField(label="Member is", choices=WHO, initial="organization")
    organization = forms.CharField(
        label="Organization (short name)",
        max_length=60,
        required=False,
        help_text="The organization's short name in Harborline, e.g. washoe-le.",
    )
    person_name = forms.CharField(label="Person's name", max_length=200, required=False)
    person_email = forms.EmailField(
        label="Person's email (optional)",
        required=False,
        help_text="A Harborline account with this email is linked to the member.",
    )
    category = forms.ChoiceField(label="Member category")
    other_category = forms.CharField(
        label="Other category (if not listed)", max_length=100, required=False
    )
    since = forms.DateField(
        label="Member since",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Today if left empty.",
    )
    protected = forms.BooleanField(
        label="Protected identity (survivor or parent of a survivor)",
        required=False,
        help_text="Only the coordinator and the chair see the name; exports never contain it.",
    )

    def __init__(self, *args: Any, taskforce: TaskForce, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices(taskforce)  # type: ignore[attr-defined]  # django-stubs type form fields as Field


def _category_choices(taskforce: TaskForce) -> list[tuple[str, str]]:
    cats = categories_for(taskforce.pack)
    return [*[(c.id, c.label) for c in cats.all.values()], ("other", "Other (name it below)")]


class MemberEditForm(UswdsMixin, forms.Form):
    """Change a member's category, the end of their tenure or the protected flag."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    category = forms.ChoiceField(label="Member category")
    other_category = forms.CharField(
        label="Other category (if not listed)", max_length=100, required=False
    )
    until = forms.DateField(
        label="Member until",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The last day of the membership. Leave empty while the membership goes on.",
    )
    protected = forms.BooleanField(
        label="Protected identity (survivor or parent of a survivor)",
        required=False,
        help_text="Only the coordinator and the chair see the name; exports never contain it. "
        "Only they can lift the protection.",
    )

    def __init__(self, *args: Any, taskforce: TaskForce, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices(taskforce)  # type: ignore[attr-defined]  # django-stubs type form fields as Field

    @classmethod
    def initial_for(cls, member: Member) -> dict[str, Any]:
        category, other = member.category, ""
        if category.startswith(OTHER_PREFIX):
            category, other = "other", category[len(OTHER_PREFIX) :].strip()
        return {
            "version": member.version,
            "category": category,
            "other_category": other,
            "until": member.until,
            "protected": member.protected,
        }

    def category_value(self) -> str:
        data = self.cleaned_data
        if data["category"] == "other":
            return OTHER_PREFIX + " " + data["other_category"]
        return str(data["category"])


class LeadershipForm(UswdsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    coordinator = forms.EmailField(
        label="Coordinator's email",
        required=False,
        help_text="A Harborline account. The coordinator runs the task force day to day.",
    )
    chair = forms.EmailField(
        label="Chair's email",
        required=False,
        help_text="A Harborline account, or empty for no chair. The chair represents the task "
        "force to the state body.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "lead")
        super().__init__(*args, **kwargs)


class NarrativeForm(UswdsMixin, forms.Form):
    """The written sections of one annual report (the fields depend on the report's kind)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    kind = forms.CharField(widget=forms.HiddenInput, max_length=20)
    year = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, sections: tuple[NarrativeSection, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sections = sections
        for section in sections:
            field = forms.CharField(
                label=section.label,
                help_text=section.help,
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 6, "class": "usa-textarea"}),
            )
            field.widget.attrs["class"] = "usa-textarea"
            self.fields[section.field] = field

    @property
    def section_fields(self) -> list[Any]:
        return [self[s.field] for s in self.sections]


class SubcommitteeForm(UswdsMixin, forms.Form):
    name = forms.CharField(label="Subcommittee name", max_length=120)

    def __init__(self, *args: Any, taskforce: TaskForce, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        suggestions = [label for _, label in suggested_subcommittees(taskforce.pack)]
        if suggestions:
            self.fields["name"].help_text = "Suggested: " + "; ".join(suggestions) + "."


class MdtForm(UswdsMixin, forms.Form):
    name = forms.CharField(label="MDT name", max_length=120)
    county = forms.CharField(label="County", max_length=120, required=False)


class MeetingForm(UswdsMixin, forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    starts_at = forms.DateTimeField(
        label="Starts",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    ends_at = forms.DateTimeField(
        label="Ends (optional)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    subcommittee = forms.ChoiceField(label="Subcommittee", required=False)
    location = forms.CharField(label="Location", max_length=300, required=False)
    link = forms.URLField(label="Video link", required=False, assume_scheme="https")
    agenda = forms.CharField(
        label="Agenda", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, taskforce: TaskForce, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].help_text = f"In {taskforce.time_zone} time."
        self.fields["subcommittee"].choices = [  # type: ignore[attr-defined]  # django-stubs type form fields as Field
            ("", "The whole task force"),
            *[(str(s.pk), s.name) for s in taskforce.subcommittees.all()],
        ]


class NotesForm(UswdsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    agenda = forms.CharField(
        label="Agenda", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    minutes = forms.CharField(
        label="Minutes", required=False, widget=forms.Textarea(attrs={"rows": 8})
    )


class ActionItemForm(UswdsMixin, forms.Form):
    text = forms.CharField(label="Action", max_length=500)
    owner = forms.ChoiceField(label="Owner", required=False)
    due = forms.DateField(label="Due", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, owners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "No owner yet"), *owners]  # type: ignore[attr-defined]  # django-stubs type form fields as Field


class UploadForm(UswdsMixin, forms.Form):
    file = forms.FileField(
        label="Spreadsheet (CSV or XLSX)",
        help_text="The first row names the columns.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["class"] = "usa-file-input"
