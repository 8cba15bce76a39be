"""Forms for managing an organization's users (the pages call `people.services` with them)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from harborline.web.forms import UswdsMixin

from .models import User
from .roles import Role


def assignable_roles(actor: User) -> list[tuple[str, str]]:
    """The roles `actor` may give: only a system administrator may make another one."""
    rules = actor.membership_or_none
    is_system_admin = bool(rules and rules.role == Role.SYSTEM_ADMIN) or actor.is_superuser
    return [(r.value, str(r.label)) for r in Role if is_system_admin or r != Role.SYSTEM_ADMIN]


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
    role = forms.ChoiceField(
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

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [  # type: ignore[attr-defined]
            ("", "- Choose a role -"),
            *assignable_roles(actor),
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
    role = forms.ChoiceField(
        label="Role",
        error_messages={
            "required": "Choose a role.",
            "invalid_choice": "Choose one of the listed roles.",
        },
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = assignable_roles(actor)  # type: ignore[attr-defined]
