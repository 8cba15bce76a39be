"""Small helpers the page views share."""

from __future__ import annotations

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


def show_domain_error(form: forms.Form, problem: DomainError) -> None:
    """Put a service's field errors beside the form's fields (others above the form)."""
    placed = False
    for error in problem.errors:
        if error.field in form.fields:
            form.add_error(error.field, error.message)
            placed = True
    if not placed:
        form.add_error(None, problem.detail)
