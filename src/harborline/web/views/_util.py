"""Small helpers the page views share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from harborline.errors import DomainError, Forbidden, NotFound
from harborline.forms import plain_choice_errors, show_domain_error
from harborline.response.clocks import event_time

if TYPE_CHECKING:
    from harborline.people.models import User


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


def form_page(
    request: HttpRequest,
    form: forms.Form,
    template: str,
    context: Mapping[str, object],
    *,
    save: Callable[[dict[str, Any]], HttpResponse],
    aliases: Mapping[str, str] | Callable[[str], str] | None = None,
) -> HttpResponse:
    """The form -> service -> re-render pattern, once. On POST a valid form's cleaned data goes
    to `save`, which calls the service and returns the answer (usually a redirect); a
    DomainError from it is shown beside the fields (`show_domain_error`) and the page comes back
    with the error's status, a form the browser sent wrong with 400. NotFound and Forbidden are
    not the form's business: they reach DomainErrorPages (web/views_errors.py) as 404 and 403.
    On GET the form is shown as given (bound to nothing, with its initial values)."""
    status = 200
    if request.method == "POST":
        status = 400
        valid = form.is_valid()
        plain_choice_errors(form)  # forms without UswdsMixin too
        if valid:
            try:
                return save(form.cleaned_data)
            except (NotFound, Forbidden):
                raise
            except DomainError as problem:
                show_domain_error(form, problem, aliases)
                status = problem.status
    return render(request, template, {**context, "form": form}, status=status)


def actor(request: HttpRequest) -> User:
    """The signed-in user (the views are behind login_required)."""
    return request.user  # type: ignore[return-value]  # django-stubs types it AbstractBaseUser | AnonymousUser; login_required makes it a User


def org_time_zone(request: HttpRequest) -> str:
    """The time zone of the signed-in user's organization (forms read times in it)."""
    membership = actor(request).membership_or_none
    return membership.organization.time_zone if membership else "America/Los_Angeles"


def wall_clock(value: datetime | None, tz_name: str, field: str) -> datetime | None:
    """A datetime-local value is wall-clock time in `tz_name`; read it as every event time is
    read (response.clocks.event_time): a skipped local time is refused naming `field`, a
    repeated one is the earlier."""
    if value is None:
        return None
    return event_time(value.replace(tzinfo=None), tz_name, field)
