"""Changes to a youth's record from the case page: identity, placement address, external
references, notes, and closing or reopening the case. Each is the case page's form -> service
-> re-render (`cases_page.case_form`); the services decide who may change what."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from harborline.access import compartments as c
from harborline.cases import services as case_services
from harborline.errors import Conflict, DomainError, Forbidden, NotFound

from ..forms_cases import (
    EditIdentityForm,
    NoteForm,
    PlacementForm,
    PrivilegedNoteForm,
    ReferenceForm,
)
from ._util import actor as _actor
from .cases_page import case_form, render_case
from .cases_util import case_url


@login_required
@require_POST
def case_identity(request: HttpRequest, case_id: int) -> HttpResponse:
    form = EditIdentityForm(request.POST)

    def save(data: dict[str, Any]) -> HttpResponse:
        try:
            case_services.update_youth(
                actor=_actor(request),
                case_id=case_id,
                version=data["version"],
                changes=form.youth(),
            )
        except Conflict as stale:  # someone else saved first: keep the input, say so above it
            return render_case(
                request, case_id, status=409, identity=form, identity_conflict=stale.detail
            )
        messages.success(request, "Identity saved.")
        return redirect(case_url(case_id, "section-identity"))

    return case_form(request, case_id, form, "identity", save)


@login_required
@require_POST
def case_placement(request: HttpRequest, case_id: int) -> HttpResponse:
    def save(data: dict[str, Any]) -> HttpResponse:
        case_services.set_placement_address(
            actor=_actor(request), case_id=case_id, version=data["version"], address=data["address"]
        )
        messages.success(request, "Placement address saved.")
        return redirect(case_url(case_id, "section-placement_address"))

    return case_form(request, case_id, PlacementForm(request.POST), "placement", save)


@login_required
@require_POST
def case_note(request: HttpRequest, case_id: int) -> HttpResponse:
    compartment = request.POST.get("compartment", "")
    if compartment not in c.NAMES:
        raise Http404

    def save(data: dict[str, Any]) -> HttpResponse:
        case_services.add_note(
            actor=_actor(request),
            case_id=case_id,
            compartment=compartment,
            text=data["text"],
            existence_shown=bool(data.get("existence_shown")),
        )
        messages.success(request, f"Note added to {c.LABELS[compartment]}.")
        return redirect(case_url(case_id, f"section-{compartment}"))

    privileged = compartment == c.Compartment.ADVOCATE_PRIVILEGED
    form = (PrivilegedNoteForm if privileged else NoteForm)(request.POST, prefix=f"n-{compartment}")
    return case_form(request, case_id, form, f"note:{compartment}", save)


@login_required
@require_POST
def case_reference(request: HttpRequest, case_id: int) -> HttpResponse:
    def save(data: dict[str, Any]) -> HttpResponse:
        ref = case_services.add_reference(
            actor=_actor(request),
            case_id=case_id,
            kind=data["kind"],
            value=data["value"],
            note=data["note"],
        )
        messages.success(request, "Reference added.")
        return redirect(case_url(case_id, f"section-{ref.compartment}"))

    return case_form(request, case_id, ReferenceForm(request.POST), "reference", save)


@login_required
@require_POST
def case_status(request: HttpRequest, case_id: int) -> HttpResponse:
    """Close (with a reason) or reopen the case. A refusal other than 404/403 (no reason, a
    stale version) is shown as a message on the case page."""
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        case = case_services.set_status(
            actor=_actor(request),
            case_id=case_id,
            version=version,
            status=request.POST.get("status", ""),
            reason=request.POST.get("reason", ""),
        )
    except (NotFound, Forbidden):
        raise
    except DomainError as problem:
        messages.error(request, problem.detail)
        return redirect(case_url(case_id))
    messages.success(request, f"Case {case.get_status_display().lower()}.")
    return redirect(case_url(case_id))
