"""Forms for the pages: sign-in, second factor, setting a password, audit filters.

Every form renders with USWDS classes (`harborline.forms.UswdsMixin`), and its errors sit next
to their field (`web/partials/field.html`), linked by aria-describedby."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from harborline.audit.models import Action
from harborline.forms import UswdsMixin


def normalise_code(raw: str) -> str:
    """Codes may be typed with spaces or hyphens and in any case."""
    return "".join(ch for ch in (raw or "") if ch.isalnum()).lower()


class LoginForm(UswdsMixin, forms.Form):
    # The field is named `username` because django-axes reads that key (AXES_USERNAME_FORM_FIELD).
    username = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.org.",
        },
    )
    password = forms.CharField(
        label="Password",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password."},
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class MfaCodeForm(UswdsMixin, forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
        error_messages={"required": "Enter the code."},
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError("Enter the code.")
        return code


class TotpCodeForm(MfaCodeForm):
    """For enrolment, where only the authenticator app's six digits make sense."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.label = "Six-digit code from your authenticator app"
        field.widget.attrs.update({"inputmode": "numeric", "pattern": "[0-9 ]*"})

    def clean_code(self) -> str:
        code = super().clean_code()
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the six digits your authenticator app shows.")
        return code


class SetPasswordForm(UswdsMixin, forms.Form):
    password1 = forms.CharField(
        label="New password",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a new password."},
    )
    password2 = forms.CharField(
        label="New password again",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the new password again."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = " ".join(
            password_validation.password_validators_help_texts()[:1]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", "The two passwords differ. Type the same password twice.")
        return data


class AuditFilterForm(UswdsMixin, forms.Form):
    action = forms.ChoiceField(
        label="Action",
        required=False,
        choices=[("", "Any action")] + [(a.value, a.label.capitalize()) for a in Action],
    )
    person = forms.EmailField(
        label="Person's email",
        required=False,
        max_length=254,
        help_text="Only what this person did (their sign-in email).",
    )
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean_person(self) -> str:
        return (self.cleaned_data.get("person") or "").strip().lower()
