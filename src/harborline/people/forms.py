"""Forms for managing an organization's users (the pages call `people.services` with them)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from harborline.forms import UswdsMixin
from harborline.protocols.home import home_pack_name
from harborline.protocols.models import County

from . import grants
from .models import Organization, User
from .roles import OrgType, Role


def assignable_roles(actor: User, organization: Organization) -> list[tuple[str, str]]:
    """The roles `actor` may give to a person of `organization`: the grant rule of
    people/grants.py, the same one the services enforce."""
    membership = actor.membership_or_none
    roles = grants.givable_roles(
        granter_role=membership.role if membership is not None else "",
        org_type=organization.type,
    )
    return [(r.value, str(r.label)) for r in roles]


class RoleField(forms.ChoiceField):
    """Offers the roles the actor may give (`assignable_roles`) but accepts any real role, so
    that a role outside the offer reaches the service and is refused there with the grant
    rule's reason (422 on `role`) rather than as an unknown choice."""

    def valid_value(self, value: Any) -> bool:
        return value in Role.values


class AddUserForm(UswdsMixin, forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
        error_messages={
            "required": "Enter the person's work email address.",
            "invalid": "Enter an email address like name@example.org.",
        },
    )
    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "Enter the person's name."},
    )
    role = RoleField(
        label="Role",
        error_messages={
            "required": "Choose a role.",
            "invalid_choice": "Choose one of the listed roles.",
        },
    )
    password = forms.CharField(
        label="Initial password (optional)",
        required=False,
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, actor: User, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [  # type: ignore[attr-defined]  # django-stubs type form fields as Field
            ("", "- Choose a role -"),
            *assignable_roles(actor, organization),
        ]
        self.fields["password"].help_text = (
            "Leave empty to email the person a link to set their own password (recommended). "
            + " ".join(password_validation.password_validators_help_texts()[:1])
        )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError("Enter the person's name.")
        return name


class RoleForm(UswdsMixin, forms.Form):
    role = RoleField(
        label="Role",
        error_messages={
            "required": "Choose a role.",
            "invalid_choice": "Choose one of the listed roles.",
        },
    )

    def __init__(self, *args: Any, actor: User, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = assignable_roles(  # type: ignore[attr-defined]  # django-stubs type form fields as Field
            actor, organization
        )


class OrganizationForm(UswdsMixin, forms.Form):
    """Registering an agency (a system administrator): its name, short name, what it does and
    its county, one of the home pack's counties by its qualified name (`washington/spokane`),
    so Clark County in three packs is never a guess. `people.services.create_organization`
    checks everything again and gives the organization its region and time zone."""

    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Enter the agency's name."},
    )
    slug = forms.CharField(
        label="Short name",
        max_length=60,
        help_text="Lower-case letters, digits and hyphens, e.g. spokane-sheriff. It cannot change.",
        error_messages={"required": "Enter a short name."},
    )
    type = forms.ChoiceField(
        label="What the agency does",
        choices=[("", "- Choose one -"), *OrgType.choices],
        error_messages={
            "required": "Choose what the agency does.",
            "invalid_choice": "Choose one of the listed kinds of agency.",
        },
    )
    county = forms.ChoiceField(
        label="County",
        required=False,
        help_text="Its region and time zone follow from the county. Leave empty for a statewide "
        "agency.",
        error_messages={"invalid_choice": "Choose one of the listed counties."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        home = home_pack_name()  # the installation's counties only (decision 0046)
        counties = County.objects.filter(pack=home).order_by("name")
        self.fields["county"].choices = [  # type: ignore[attr-defined]  # django-stubs type form fields as Field
            ("", "- No county (statewide) -"),
            *((c.qualified, c.name) for c in counties),
        ]

    def clean_slug(self) -> str:
        return self.cleaned_data["slug"].strip().lower()
