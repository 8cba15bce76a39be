"""Pages for a youth's holistic needs assessment (issue 12, item 2): the current assessment with
every earlier version, one version on its own, and the form that records a new version (the
pack's `needs_assessment` instrument, the engine's messages beside the fields). Thin: parse, call
`response.needs`, render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from harborline.errors import DomainError, FieldError, Forbidden, NotFound
from harborline.instruments import forms as instrument_forms
from harborline.response import needs as services

from ._util import actor as _actor

# Errors that belong to the page's own fields, not to an item of the instrument.
OWN_FIELDS = ("changes", "version", "assessed_at")


@login_required
@require_GET
def case_needs(request: HttpRequest, case_id: int) -> HttpResponse:
    page = services.needs_assessments(actor=_actor(request), case_id=case_id)
    current = page.current
    return render(
        request,
        "web/needs/case_needs.html",
        {
            "case_id": case_id,
            "page": page,
            "current": current,
            "parts": services.readable(page.instrument, current.response.answers or {})
            if current
            else [],
        },
    )


@login_required
@require_GET
def needs_version(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment, instrument = services.needs_assessment(
        actor=_actor(request), assessment_id=assessment_id
    )
    return render(
        request,
        "web/needs/version.html",
        {
            "case_id": assessment.case_id,
            "assessment": assessment,
            "parts": services.readable(instrument, assessment.response.answers or {}),
        },
    )


def _version(raw: str) -> int | None:
    try:
        return int(raw)
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def needs_record(request: HttpRequest, case_id: int) -> HttpResponse:
    """Record the first assessment, or a new version that supersedes the current one (it starts
    from the current answers)."""
    actor = _actor(request)
    page = services.needs_assessments(actor=actor, case_id=case_id)
    definition = page.instrument
    current = page.current
    answers: dict[str, Any] = dict(current.response.answers or {}) if current else {}
    version = str(current.number if current else 0)
    changes = ""
    errors: list[FieldError] = []
    status = 200
    if request.method == "POST":
        tz = page.case.owner.time_zone
        answers = instrument_forms.answers_from(definition, request.POST, time_zone=tz)
        changes = request.POST.get("changes", "")
        version = request.POST.get("version", "")
        try:
            services.record_needs_assessment(
                actor=actor,
                case_id=case_id,
                answers=answers,
                changes=changes,
                version=_version(version),
            )
        except (NotFound, Forbidden):
            raise
        except DomainError as problem:
            status = problem.status
            errors = problem.errors or [FieldError("", problem.detail)]
        else:
            return redirect(reverse("web:case_needs", args=[case_id]))
    own = {e.field: e.message for e in errors if e.field in OWN_FIELDS}
    sections, summary = instrument_forms.build(
        definition, answers, [e for e in errors if e.field not in OWN_FIELDS]
    )
    return render(
        request,
        "web/needs/record.html",
        {
            "case_id": case_id,
            "instrument": definition,
            "sections": sections,
            "error_summary": summary,
            "own_errors": own,
            "changes": changes,
            "version": version,
            "revision": current is not None,
        },
        status=status,
    )
