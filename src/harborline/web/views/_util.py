"""Small helpers the page views share."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django import forms
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from harborline.errors import DomainError


def safe_next(request: HttpRequest, default: str = "") -> str:
    """The `next` address from the form or query string, if it stays on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if (
        candidate
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and candidate.startswith("/")
        and not candidate.startswith("//")
    ):
        return candidate
    return default or reverse("web:home")


def show_domain_error(
    form: forms.Form,
    problem: DomainError,
    aliases: Mapping[str, str] | Callable[[str], str] | None = None,
) -> None:
    """Put a service's field errors beside the form's fields; an error for a field the form does
    not have goes above the form, and so does the problem's detail when it names no field.
    `aliases` maps a service's field name to the form's (`user` -> `user_email`)."""
    for error in problem.errors:
        if callable(aliases):
            name = aliases(error.field)
        else:
            name = (aliases or {}).get(error.field, error.field)
        if name in form.fields:
            form.add_error(name, error.message)
        else:
            form.add_error(None, error.message)
    if not problem.errors:
        form.add_error(None, problem.detail)
