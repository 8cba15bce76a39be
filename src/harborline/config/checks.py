"""Refusing to serve without the secrets a real deployment needs."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from harborline.crypto.keys import check_keys


def missing_keys() -> list[str]:
    problems = []
    if not settings.SECRET_KEY_CONFIGURED:
        problems.append("HARBORLINE_SECRET_KEY is not set.")
    problems.extend(check_keys())
    return problems


def require_production_keys() -> None:
    if settings.DEMO_MODE:
        return
    problems = missing_keys()
    if problems:
        raise ImproperlyConfigured(
            " ".join(problems) + " Run `harborline keys generate` and set the lines it prints."
        )
