"""Password rules after NIST SP 800-63B-4: length, not composition."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class LengthValidator:
    def __init__(self, min_length: int = 15, max_length: int = 128) -> None:
        self.min_length = min_length
        self.max_length = max_length

    def validate(self, password: str, user: object = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                f"Use at least {self.min_length} characters. "
                "A few unrelated words make a good one.",
                code="password_too_short",
            )
        if len(password) > self.max_length:
            raise ValidationError(
                f"Use at most {self.max_length} characters.", code="password_too_long"
            )

    def get_help_text(self) -> str:
        return (
            f"At least {self.min_length} characters (up to {self.max_length}); spaces and any"
            " characters are allowed. A few unrelated words make a good password."
        )
