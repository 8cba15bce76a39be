"""Refusing to serve without the secrets a real deployment needs, and reporting the protocol
packs left out because they do not validate (they never stop the others from loading)."""

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


def pack_problems() -> list[str]:
    """One line per problem of each installed pack left out of the registry (an operator's pack
    in HARBORLINE_PACKS_DIRS that does not validate, or a second pack of the same name)."""
    from harborline.protocols.packs import rejected

    lines = []
    for path, problems in rejected().items():
        lines.append(f"protocol pack {path} left out ({len(problems)} problem(s)):")
        lines.extend(f"  {problem}" for problem in problems)
    return lines
