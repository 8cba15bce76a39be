"""Small helpers the page views share."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from harborline.errors import DomainError, FieldError, Forbidden, InvalidInput, NotFound
from harborline.forms import plain_choice_errors, show_domain_error
from harborline.instruments import forms as instrument_forms
from harborline.response.clocks import event_time

if TYPE_CHECKING:
    from harborline.instruments.schema import Instrument
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
    context: Mapping[str, object] | Callable[[], Mapping[str, object]],
    *,
    save: Callable[[dict[str, Any]], HttpResponse],
    aliases: Mapping[str, str] | Callable[[str], str] | None = None,
    name: str = "form",
    invalid_status: int = 400,
) -> HttpResponse:
    """The form -> service -> re-render pattern, once. On POST a valid form's cleaned data goes
    to `save`, which calls the service and returns the answer (usually a redirect); a
    DomainError from it is shown beside the fields (`show_domain_error`) and the page comes back
    with the error's status, a form the browser sent wrong with `invalid_status` (400; the
    training and structure pages say 422). NotFound and Forbidden are not the form's business:
    they reach DomainErrorPages (web/views_errors.py) as 404 and 403. On GET the form is shown
    as given (bound to nothing, with its initial values).

    A page with several forms passes the posted one's context `name` (its other forms are in
    `context`), and `context` may be a function, called only when the page is drawn (a page
    whose reads are recorded is not read for a redirect)."""
    status = 200
    if request.method == "POST":
        status = invalid_status
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
    page = context() if callable(context) else context
    return render(request, template, {**page, name: form}, status=status)


def instrument_page(
    request: HttpRequest,
    instrument: Instrument,
    template: str,
    context: Mapping[str, object],
    *,
    save: Callable[[dict[str, Any]], HttpResponse],
    time_zone: str,
    answers: Mapping[str, Any] | None = None,
    own_fields: Collection[str] = (),
    refusal: bool = False,
) -> HttpResponse:
    """form_page for a protocol pack's instrument (the form the instrument engine draws, not a
    Django form). On POST the answers are read from the form (`instrument_forms.answers_from`,
    times in `time_zone`) and go to `save`, which calls the service and returns the answer; a
    DomainError from it puts the engine's messages beside their items (one that names no item
    in the error summary) and the page comes back with the error's status, drawn again from the
    answers as sent. NotFound and Forbidden reach DomainErrorPages. On GET the form starts from
    `answers` (blank, or prefilled by the view). The template gets `context` with `instrument`,
    `sections` and `error_summary` (`instrument_forms.build`).

    A page with fields of its own beside the instrument's names them in `own_fields`: their
    errors go to `own_errors` ({field: message}), not to the instrument. With `refusal`, only
    InvalidInput goes beside the items; any other DomainError is said above the form
    (`refusal`, its detail)."""
    found = dict(answers or {})
    errors: list[FieldError] = []
    extra: dict[str, object] = {"refusal": ""} if refusal else {}
    status = 200
    if request.method == "POST":
        found = instrument_forms.answers_from(instrument, request.POST, time_zone=time_zone)
        try:
            return save(found)
        except (NotFound, Forbidden):
            raise
        except DomainError as problem:
            status = problem.status
            if refusal and not isinstance(problem, InvalidInput):
                extra["refusal"] = problem.detail
            else:
                errors = problem.errors or [FieldError("", problem.detail)]
    if own_fields:
        extra["own_errors"] = {e.field: e.message for e in errors if e.field in own_fields}
        errors = [e for e in errors if e.field not in own_fields]
    sections, summary = instrument_forms.build(instrument, found, errors)
    return render(
        request,
        template,
        {
            **context,
            "instrument": instrument,
            "sections": sections,
            "error_summary": summary,
            **extra,
        },
        status=status,
    )


def actor(request: HttpRequest) -> User:
    """The signed-in user (the views are behind login_required)."""
    return request.user  # type: ignore[return-value]  # django-stubs types it AbstractBaseUser | AnonymousUser; login_required makes it a User


def org_time_zone(request: HttpRequest) -> str:
    """The time zone of the signed-in user's organization (forms read times in it)."""
    membership = actor(request).membership_or_none
    return membership.organization.time_zone if membership else settings.TIME_ZONE


def wall_clock(value: datetime | None, tz_name: str, field: str) -> datetime | None:
    """A datetime-local value is wall-clock time in `tz_name`; read it as every event time is
    read (response.clocks.event_time): a skipped local time is refused naming `field`, a
    repeated one is the earlier."""
    if value is None:
        return None
    return event_time(value.replace(tzinfo=None), tz_name, field)
