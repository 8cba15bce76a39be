"""Obligations: marking one done with evidence, waiving it or handing it to another organization
from the case page, and the
dashboard of what is overdue and due next (the person's cases, or the whole organization's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from harborline.access.policy import grants_for
from harborline.response import selectors as response_reads
from harborline.response import services as response_services

from ..forms_cases import AssignForm, CompleteForm, WaiveForm
from ._util import actor as _actor
from .cases_page import case_form
from .cases_util import case_url, local, time_left


@login_required
@require_POST
def obligation_complete(request: HttpRequest, case_id: int, obligation_id: int) -> HttpResponse:
    form = CompleteForm(request.POST, prefix=f"o{obligation_id}")

    def save(data: dict[str, Any]) -> HttpResponse:
        response_services.complete_obligation(
            actor=_actor(request),
            obligation_id=obligation_id,
            evidence=form.evidence(),
            version=data["version"],
        )
        messages.success(request, "Obligation marked done.")
        return redirect(case_url(case_id, "obligations"))

    return case_form(request, case_id, form, f"complete:{obligation_id}", save)


@login_required
@require_POST
def obligation_waive(request: HttpRequest, case_id: int, obligation_id: int) -> HttpResponse:
    def save(data: dict[str, Any]) -> HttpResponse:
        response_services.waive_obligation(
            actor=_actor(request),
            obligation_id=obligation_id,
            reason=data["reason"],
            version=data["version"],
        )
        messages.success(request, "Obligation waived.")
        return redirect(case_url(case_id, "obligations"))

    form = WaiveForm(request.POST, prefix=f"w{obligation_id}")
    return case_form(request, case_id, form, f"waive:{obligation_id}", save)


@login_required
@require_POST
def obligation_assign(request: HttpRequest, case_id: int, obligation_id: int) -> HttpResponse:
    def save(data: dict[str, Any]) -> HttpResponse:
        o = response_services.assign_obligation(
            actor=_actor(request),
            obligation_id=obligation_id,
            organization=data["organization"],
            version=data["version"],
        )
        messages.success(request, f"Obligation handed to {o.owner_org.name}.")
        return redirect(case_url(case_id, "obligations"))

    form = AssignForm(request.POST, prefix=f"a{obligation_id}")
    return case_form(request, case_id, form, f"assign:{obligation_id}", save)


@dataclass
class DashRow:
    case_id: int
    name: str
    title: str
    due: str
    left: str
    overdue: bool
    owner_role: str


@login_required
@require_GET
def obligations(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    scope = request.GET.get("scope", "mine")
    if scope not in ("mine", "org"):
        scope = "mine"
    board = response_reads.dashboard(actor, scope=scope)
    every = board.overdue + board.due_next
    cases = list({o.case_id: o.case for o in every}.values())
    grants = grants_for(actor, cases)
    now = timezone.now()

    def row(o: Any) -> DashRow:
        grant = grants.get(o.case_id)
        name = ""
        if grant is not None and grant.sees("identity"):
            name = f"{o.case.youth.first_name} {o.case.youth.last_name}"
        left, overdue = time_left(o.due_at, now)
        return DashRow(
            case_id=o.case_id,
            name=name,
            title=o.title,
            due=local(o.due_at, o.case.owner.time_zone),
            left=left,
            overdue=overdue,
            owner_role=o.owner_role.replace("_", " "),
        )

    return render(
        request,
        "web/cases/obligations.html",
        {
            "scope": scope,
            "overdue": [row(o) for o in board.overdue],
            "due_next": [row(o) for o in board.due_next],
        },
    )
