"""Pages of the mentor-advocate program: the roster with its flags, one mentor-advocate's
record, supervision and readiness forms, and the on-call schedule (who is on call now, the
week, and the gaps with nobody on call). Thin: parse, call a service or selector, render."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from harborline.errors import InvalidInput
from harborline.mentoring import selectors, services
from harborline.mentoring.forms import AddForm, EditForm, ReadinessForm, ShiftForm, SupervisionForm
from harborline.mentoring.models import (
    CASELOAD_MAX,
    CASELOAD_MIN,
    MentorAdvocate,
)
from harborline.mentoring.permissions import Do, require_scope, scope_for

from ._util import actor as _actor
from ._util import form_page, org_time_zone, wall_clock


def _advocate(request: HttpRequest, pk: int, do: Do | None = None) -> MentorAdvocate:
    """The mentor-advocate the page is about (NotFound, the 404 page, if the person does not
    see them or may not `do` that)."""
    return selectors.get_advocate(actor=_actor(request), pk=pk, do=do)


def _page(title: str, submit: str, cancel: str, intro: str = "") -> dict[str, Any]:
    """The context of the mentoring form page (web/mentoring/form.html) for `form_page`."""
    return {"title": title, "submit": submit, "cancel": cancel, "intro": intro, "back": None}


FORM = "web/mentoring/form.html"


# --- pages -----------------------------------------------------------------------------------


@login_required
@require_GET
def roster(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require_scope(actor, Do.READ)
    rows = selectors.roster(actor=actor)
    return render(
        request,
        "web/mentoring/roster.html",
        {
            "rows": rows,
            "may_add": scope_for(actor, Do.MANAGE) is not None,
            "may_see_on_call": scope_for(actor, Do.SEE_ON_CALL) is not None,
            "caseload_min": CASELOAD_MIN,
            "caseload_max": CASELOAD_MAX,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def advocate_add(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require_scope(actor, Do.MANAGE)

    def save(data: dict[str, Any]) -> HttpResponse:
        advocate = services.add_to_program(actor=actor, user=data["user"], phone=data["phone"])
        messages.success(request, f"Added {advocate.name} to the roster.")
        return redirect("web:mentoring_detail", pk=advocate.pk)

    intro = (
        "Anyone in your organization can join the program; "
        "people with the mentor-advocate role are listed first."
    )
    context = _page(
        "Add to the roster",
        "Add",
        reverse("web:mentoring"),
        "" if request.method == "POST" else intro,
    )
    form = AddForm(request.POST if request.method == "POST" else None, actor=actor)
    return form_page(request, form, FORM, context, save=save)


@login_required
@require_GET
def advocate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    advocate = _advocate(request, pk)
    return render(
        request,
        "web/mentoring/detail.html",
        {
            **selectors.advocate_page(actor=actor, advocate=advocate),
            "tz": ZoneInfo(org_time_zone(request)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def advocate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    advocate = _advocate(request, pk, Do.MANAGE)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.update_advocate(actor=actor, advocate=advocate, **data)
        messages.success(request, "Saved.")
        return redirect("web:mentoring_detail", pk=pk)

    initial = {name: getattr(advocate, name) for name in EditForm.base_fields}
    context = _page(
        f"Change {advocate.name}'s record", "Save", reverse("web:mentoring_detail", args=[pk])
    )
    form = EditForm(request.POST if request.method == "POST" else None, initial=initial)
    return form_page(request, form, FORM, context, save=save)


@login_required
@require_http_methods(["GET", "POST"])
def supervision_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    advocate = _advocate(request, pk, Do.SUPERVISE)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.log_supervision(actor=actor, advocate=advocate, **data)
        messages.success(request, "Supervision logged.")
        return redirect("web:mentoring_detail", pk=pk)

    intro = (
        "You are recorded as the supervisor. The protocol suggests weekly "
        "individual or group supervision."
    )
    context = _page(
        f"Log supervision with {advocate.name}",
        "Log session",
        reverse("web:mentoring_detail", args=[pk]),
        "" if request.method == "POST" else intro,
    )
    form = SupervisionForm(
        request.POST if request.method == "POST" else None,
        initial={"held_on": timezone.localdate(), "kind": "individual"},
    )
    return form_page(request, form, FORM, context, save=save)


@login_required
@require_http_methods(["GET", "POST"])
def readiness_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    advocate = _advocate(request, pk, Do.MANAGE)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.record_readiness_review(actor=actor, advocate=advocate, **data)
        messages.success(request, "Readiness review recorded; the next is due in six months.")
        return redirect("web:mentoring_detail", pk=pk)

    context = _page(
        f"Record a readiness review of {advocate.name}",
        "Record review",
        reverse("web:mentoring_detail", args=[pk]),
    )
    return form_page(
        request,
        ReadinessForm(request.POST if request.method == "POST" else None),
        FORM,
        context,
        save=save,
    )


# --- on call ---------------------------------------------------------------------------------


def _week_start(value: str, tz: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        today = timezone.now().astimezone(ZoneInfo(tz)).date()
        return today - timedelta(days=today.weekday())  # Monday


@login_required
@require_GET
def on_call(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require_scope(actor, Do.SEE_ON_CALL)
    tz = org_time_zone(request)
    start = _week_start(request.GET.get("week", ""), tz)
    county = request.GET.get("county", "").strip()[:60] or None
    error = ""
    try:
        now_list = selectors.on_call_now(county=county)
        week = selectors.week_schedule(start=start, time_zone=tz, county=county)
    except InvalidInput as problem:
        error = problem.errors[0].message if problem.errors else problem.detail
        county = None
        now_list = selectors.on_call_now()
        week = selectors.week_schedule(start=start, time_zone=tz)
    return render(
        request,
        "web/mentoring/on_call.html",
        {
            "now_list": now_list,
            "week": week,
            "county": county or "",
            "counties": selectors.counties(),
            "county_error": error,
            "prev_week": (start - timedelta(days=7)).isoformat(),
            "next_week": (start + timedelta(days=7)).isoformat(),
            "may_schedule": scope_for(actor, Do.SCHEDULE) is not None,
            "tz": ZoneInfo(tz),
            "tz_name": tz,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def shift_add(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require_scope(actor, Do.SCHEDULE)
    tz = org_time_zone(request)

    def save(d: dict[str, Any]) -> HttpResponse:
        services.add_shift(
            actor=actor,
            advocate=d["advocate"],
            starts_at=wall_clock(d["starts_at"], tz, "starts_at"),  # type: ignore[arg-type]  # cleaned_data is typed object; the form's field makes it a datetime
            ends_at=wall_clock(d["ends_at"], tz, "ends_at"),  # type: ignore[arg-type]  # cleaned_data is typed object; the form's field makes it a datetime
            county=d["county"].qualified if d["county"] else "",  # pack/slug: never ambiguous
            region=d["region"].slug if d["region"] else "",
            organization=d["organization"],
            phone=d["phone"],
        )
        messages.success(request, "Shift added.")
        return redirect("web:on_call")

    context = _page(
        "Add an on-call shift", "Add shift", reverse("web:on_call"), f"Times are in {tz}."
    )
    form = ShiftForm(request.POST if request.method == "POST" else None, actor=actor)
    return form_page(request, form, FORM, context, save=save)


@login_required
@require_POST
def shift_remove(request: HttpRequest, shift_id: int) -> HttpResponse:
    actor = _actor(request)
    shift = selectors.shift_for(actor=actor, shift_id=shift_id)
    services.remove_shift(actor=actor, shift=shift)
    messages.success(request, "Shift removed.")
    return redirect("web:on_call")
