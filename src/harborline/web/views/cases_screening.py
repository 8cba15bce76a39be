"""Screening a youth with one of the case's protocol pack instruments (the pack's screening
instrument first), and a screening's result with the obligations it started."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from harborline.access import compartments as c
from harborline.access.policy import require
from harborline.cases.selectors import case_for
from harborline.errors import DomainError, FieldError, Forbidden, NotFound
from harborline.instruments import forms as instrument_forms
from harborline.protocols.packs import Pack, get_pack
from harborline.response import casefile
from harborline.response import selectors as response_reads
from harborline.response import services as response_services
from harborline.response.models import Setting, Status

from ..forms_cases import IDENTIFIER_LABELS, ScreeningContextForm
from ._util import actor as _actor
from .cases_util import STATUS_LABELS, instrument_title, local, naive, outcome_label, time_left

SCREENING_CONTEXT = {"identified_by", "identified_at", "setting", "urgent", "urgent_reason"}


def youth_instruments(pack: Pack) -> list[Any]:
    """The pack's screening instruments about a youth (not those recorded as records of their
    own: response.services.NOT_SCREENINGS): its screening instrument first (the one its
    obligation rules screen with, `response.casefile.screening_instrument`), then by title."""
    first = casefile.screening_instrument(pack)
    found = [
        i
        for i in pack.instruments.values()
        if i.about_youth and i.instrument not in response_services.NOT_SCREENINGS
    ]
    return sorted(found, key=lambda i: (i.instrument != first, i.title))


@login_required
@require_http_methods(["GET", "POST"])
def case_screen(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    case, grant = case_for(actor, case_id)
    require(grant, c.Compartment.SCREENING)
    pack = get_pack(case.pack)
    choices = youth_instruments(pack)
    wanted = request.POST.get("instrument") or request.GET.get("instrument")
    definition = next((i for i in choices if i.instrument == wanted), choices[0])
    tz = case.owner.time_zone
    context_form = ScreeningContextForm(request.POST or None)
    answers: dict[str, Any] = {}
    errors: list[FieldError] = []
    status = 200
    if request.method == "POST":
        answers = instrument_forms.answers_from(definition, request.POST, time_zone=tz)
        if context_form.is_valid():
            data = context_form.cleaned_data
            try:
                screening, _ = response_services.record_screening(
                    actor=actor,
                    case_id=case.pk,
                    instrument=definition.instrument,
                    answers=answers,
                    identified_by=data["identified_by"],
                    identified_at=naive(data["identified_at"], "identified_at"),
                    setting=data["setting"],
                    urgent=context_form.urgent_value(),
                    urgent_reason=data["urgent_reason"],
                )
            except (NotFound, Forbidden):
                raise
            except DomainError as problem:
                # The context fields beside their inputs, the answers' errors in the instrument.
                status = problem.status
                for error in problem.errors:
                    if error.field in SCREENING_CONTEXT:
                        context_form.add_error(error.field, error.message)
                    else:
                        errors.append(error)
                if not problem.errors:
                    context_form.add_error(None, problem.detail)
            else:
                return redirect("web:case_screening", case_id=case.pk, screening_id=screening.pk)
        else:
            status = 422
    sections, summary = instrument_forms.build(definition, answers, errors)
    return render(
        request,
        "web/cases/screen.html",
        {
            "case": case,
            "pack": pack,
            "instrument": definition,
            "instruments": choices,
            "sections": sections,
            "error_summary": summary,
            "context_form": context_form,
            "tz": tz,
            "urgent_rule": _urgent_rule_words(pack),
        },
        status=status,
    )


def _urgent_rule_words(pack: Pack) -> str:
    section = pack.sections.get("obligations.yaml")
    rule = getattr(section, "urgent", None)
    if rule is None:
        return "This protocol has no urgent-response rule."
    who = ", ".join(IDENTIFIER_LABELS.get(v, v).lower() for v in rule.identified_by)
    where = ", ".join(Setting(s).label.lower() for s in rule.settings if s in Setting.values)
    words = f"The protocol treats an identification as urgent when made by {who}"
    return words + (f", or {where}." if where else ".")


@login_required
@require_GET
def screening_result(request: HttpRequest, case_id: int, screening_id: int) -> HttpResponse:
    detail = casefile.case_detail(_actor(request), case_id, obligations=True)
    screenings = detail.sections.get("screening", {}).get("screenings", [])
    found = next((s for s in screenings if s["id"] == screening_id), None)
    if found is None:
        raise Http404
    case, pack = detail.case, detail.pack
    tz = case.owner.time_zone
    now = timezone.now()
    started = []
    for o in detail.obligations:
        if o.screening_id != screening_id:
            continue
        left, overdue = time_left(o.due_at, now)
        started.append(
            {
                "title": o.title,
                "due": local(o.due_at, tz),
                "left": left,
                "overdue": overdue and o.status in (Status.OPEN, Status.OVERDUE),
                "owner": o.owner_org.name,
                "status": STATUS_LABELS.get(Status(response_reads.status_now(o, now)), o.status),
            }
        )
    return render(
        request,
        "web/cases/screening_result.html",
        {
            "case": case,
            "s": found,
            "title": instrument_title(pack, found["instrument"]),
            "outcome": outcome_label(pack, found["instrument"], found["outcome"]),
            "identified_by": IDENTIFIER_LABELS.get(found["identified_by"], found["identified_by"]),
            "at": local(found["identified_at"], tz),
            "obligations": started,
        },
    )
