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

from harborline.instruments.schema import Instrument
from harborline.protocols.packs import get_pack
from harborline.response import needs as services

from ._util import actor as _actor
from ._util import instrument_page


def cans_label(pack: str, instrument: Instrument) -> str:
    """The CANS ratings the pack's needs assessment carries, named by the pack's jurisdiction
    ("Nevada CANS domain ratings"); "" when its instrument rates no CANS domain."""
    if not services.cans_domains(instrument):
        return ""
    return f"{get_pack(pack).manifest.jurisdiction} CANS domain ratings"


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
            "cans": cans_label(page.case.pack, page.instrument),
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
            "cans": cans_label(assessment.pack, instrument),
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
    current = page.current
    changes = request.POST.get("changes", "")
    version = str(current.number if current else 0)
    if request.method == "POST":
        version = request.POST.get("version", "")

    def save(answers: dict[str, Any]) -> HttpResponse:
        services.record_needs_assessment(
            actor=actor,
            case_id=case_id,
            answers=answers,
            changes=changes,
            version=_version(version),
        )
        return redirect(reverse("web:case_needs", args=[case_id]))

    return instrument_page(
        request,
        page.instrument,
        "web/needs/record.html",
        {
            "case_id": case_id,
            "changes": changes,
            "version": version,
            "revision": current is not None,
        },
        save=save,
        time_zone=page.case.owner.time_zone,
        answers=current.response.answers if current else None,
        own_fields=OWN_FIELDS,
    )
