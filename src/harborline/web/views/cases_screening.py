"""Screening a youth with one of the case's protocol pack instruments (the pack's screening
instrument first), and a screening's result with the obligations it started."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from harborline.access import compartments as c
from harborline.access.policy import require
from harborline.cases.selectors import case_for
from harborline.errors import DomainError, FieldError, Forbidden, InvalidInput, NotFound
from harborline.instruments import engine
from harborline.instruments import forms as instrument_forms
from harborline.protocols.packs import Pack, get_pack
from harborline.response import casefile
from harborline.response import selectors as response_reads
from harborline.response import services as response_services
from harborline.response.models import Setting, Status
from harborline.response.preview import ScreeningPreview, preview_screening, screening_facts

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
    """The screening form, then check your answers, then record (issue 13, "tell us once").

    GET: the form, filled in from what the case and the session hold (the instrument items'
    `prefill` sources) and "Identified at" set to now, all editable. POST (step "review", the
    form's button): every problem at once, or the check-your-answers page with the clocks the
    screening would start, computed by a dry run of the very service that records it
    (response.preview). POST step "confirm": record it and start them; step "edit": back to
    the form with the answers as given."""
    actor = _actor(request)
    case, grant = case_for(actor, case_id)
    require(grant, c.Compartment.SCREENING)
    pack = get_pack(case.pack)
    choices = youth_instruments(pack)
    if not choices:  # the county protocol alone names no instrument about a youth
        raise InvalidInput.field(
            "instrument",
            f"The {pack.manifest.title} has no screening instrument about a youth; record the "
            "concern on the case instead.",
        )
    wanted = request.POST.get("instrument") or request.GET.get("instrument")
    definition = next((i for i in choices if i.instrument == wanted), choices[0])
    tz = case.owner.time_zone
    answers: dict[str, Any]
    if request.method == "POST":
        context_form = ScreeningContextForm(request.POST)
        answers = instrument_forms.answers_from(definition, request.POST, time_zone=tz)
    else:
        now = local(timezone.now(), tz, "%Y-%m-%dT%H:%M")
        context_form = ScreeningContextForm(initial={"identified_at": now})
        facts = screening_facts(actor=actor, case_id=case.pk)
        answers = instrument_forms.prefill(definition, facts)
    errors: list[FieldError] = []
    status = 200
    # The form sends step "review"; a POST that names no step records at once, as before the
    # check-your-answers step existed (the confirm button sends the same fields).
    step = request.POST.get("step", "confirm")
    if request.method == "POST" and step != "edit" and context_form.is_valid():
        try:
            screening = _screening(context_form, definition.instrument, answers)
            if step == "confirm":
                made, _ = response_services.record_screening(
                    actor=actor, case_id=case.pk, **screening
                )
                return redirect("web:case_screening", case_id=case.pk, screening_id=made.pk)
            preview = preview_screening(actor=actor, case_id=case.pk, **screening)
        except (NotFound, Forbidden):
            raise
        except DomainError as problem:
            status = problem.status
            errors = _place(problem, context_form, definition, answers)
        else:
            return _check_answers(request, case, pack, definition, answers, preview)
    elif request.method == "POST" and step != "edit":
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
            "sections": [(section, _folded(section)) for section in sections],
            "error_summary": summary,
            "context_form": context_form,
            "tz": tz,
            "identified_at_words": _identified_at_words(context_form, tz),
            "urgent_open": bool(
                context_form["urgent"].value() not in (None, "", "rule")
                or context_form["urgent"].errors
                or context_form["urgent_reason"].errors
            ),
            "urgent_rule": _urgent_rule_words(pack),
        },
        status=status,
    )


def _screening(form: ScreeningContextForm, instrument: str, answers: dict[str, Any]) -> Any:
    """The keyword arguments of record_screening (and of its preview) from the form."""
    data = form.cleaned_data
    return {
        "instrument": instrument,
        "answers": answers,
        "identified_by": data["identified_by"],
        "identified_at": naive(data["identified_at"], "identified_at"),
        "setting": data["setting"],
        "urgent": form.urgent_value(),
        "urgent_reason": data["urgent_reason"],
    }


def _place(
    problem: DomainError, form: ScreeningContextForm, definition: Any, answers: dict[str, Any]
) -> list[FieldError]:
    """The context fields' errors beside their inputs, the answers' in the instrument. The
    service stops at the identification's errors before it scores the answers, so the answers
    are checked here too: every problem at once."""
    errors: list[FieldError] = []
    for error in problem.errors:
        if error.field in SCREENING_CONTEXT:
            form.add_error(error.field, error.message)
        else:
            errors.append(error)
    if not problem.errors:
        form.add_error(None, problem.detail)
    if not errors:
        try:
            engine.validate(definition, answers)
        except InvalidInput as more:
            errors = list(more.errors)
    return errors


def _folded(section: Any) -> str:
    """A section the form filled in completely from the case and the session, with no error,
    is shown folded (one "Change" control instead of a Tab stop per field): its values in one
    line; "" for a section shown open."""
    inputs = [f for f in section.fields if f.kind != "display"]
    if (
        inputs
        and all(f.item.prefill for f in inputs)
        and all(f.value not in (None, "") and not f.error for f in inputs)
    ):
        return " · ".join(str(f.value) for f in inputs)
    return ""


def _identified_at_words(form: ScreeningContextForm, tz: str) -> str:
    """The "Identified at" value in words ('6 Dec 2026, 07:20 PST'), shown beside "Change"."""
    raw = str(form["identified_at"].value() or "")
    try:
        wall = datetime.fromisoformat(raw)
    except ValueError:
        return raw
    return wall.replace(tzinfo=ZoneInfo(tz)).strftime("%-d %b %Y, %H:%M %Z")


def _check_answers(
    request: HttpRequest,
    case: Any,
    pack: Pack,
    definition: Any,
    answers: dict[str, Any],
    preview: ScreeningPreview,
) -> HttpResponse:
    sections, _ = instrument_forms.build(definition, answers, [])
    rows = []
    for section in sections:
        shown = [(f.item.label, _answer_words(f)) for f in section.fields if f.kind != "display"]
        shown = [(label, words) for label, words in shown if words]
        if shown:
            rows.append((section.title, shown))
    form = ScreeningContextForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    hidden = [
        (key, value)
        for key, values in request.POST.lists()
        if key not in ("csrfmiddlewaretoken", "step")
        for value in values
    ]
    clocks = [
        {
            "title": clock.title,
            "owner": clock.owner,
            "due": clock.due_local.strftime("%-d %b %Y, %H:%M %Z"),
            "to_assign": clock.to_assign,
            "received": clock.received,
        }
        for clock in preview.clocks
    ]
    running = [k for k in clocks if not k["received"]]
    return render(
        request,
        "web/cases/screen_check.html",
        {
            "case": case,
            "instrument": definition,
            "rows": rows,
            "identified_by": IDENTIFIER_LABELS.get(data["identified_by"], data["identified_by"]),
            "identified_at": preview.identified_at_local.strftime("%-d %b %Y, %H:%M %Z"),
            "setting": Setting(data["setting"]).label if data["setting"] else "",
            "urgent": preview.urgent,
            "outcome": outcome_label(pack, definition.instrument, preview.outcome),
            "clocks": clocks,
            "running": running,
            "tz": preview.time_zone,
            "hidden": hidden,
        },
    )


def _answer_words(f: Any) -> str:
    if f.kind == "check":
        return "Yes" if f.value else ""
    if f.choices:
        return ", ".join(choice.label for choice in f.choices if choice.selected)
    return "" if f.value in (None, "") else str(f.value)


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
