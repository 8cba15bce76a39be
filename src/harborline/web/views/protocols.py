"""Protocol packs in the browser: the pack browser, and every instrument previewed as a
fillable form. Packs are public protocol text, so anyone signed in may browse them.

A preview runs the answers through the engine and shows the results and actions without storing
anything. Instruments not about a youth (training evaluations, provider standards) can also be
submitted and stored here; youth instruments are stored on a case (with case records)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from harborline.errors import DomainError, FieldError, InvalidInput
from harborline.instruments import forms, selectors, services
from harborline.instruments.engine import evaluate
from harborline.instruments.schema import Instrument
from harborline.people.models import User
from harborline.protocols.packs import Pack, get_pack, registry
from harborline.protocols.versions import definition_for


@dataclass(frozen=True)
class ShownResult:
    id: str
    label: str
    value: str


def _found(pack: str, instrument: str) -> tuple[Pack, Instrument]:
    found = get_pack(pack)
    return found, found.instrument(instrument)


def shown_results(definition: Instrument, results: dict[str, Any]) -> list[ShownResult]:
    """Results in words: option labels for enums, item labels for lists, Yes/No for booleans."""
    labels = {i.id: " ".join(i.label.split()) for i in definition.all_items()}
    out = []
    for res in definition.results:
        value = results.get(res.id)
        if res.type == "boolean":
            text = "Yes" if value else "No"
        elif res.type == "enum":
            options = {o.value: o.label for o in res.options}
            text = options.get(value, "None") if value is not None else "None"
        elif res.type == "list":
            text = "; ".join(labels.get(v, v) for v in value or []) or "None"
        elif res.type == "score" and isinstance(value, float) and value.is_integer():
            text = str(int(value))
        else:
            text = str(value)
        out.append(ShownResult(res.id, res.label, text))
    return out


@login_required
@require_GET
def browser(request: HttpRequest) -> HttpResponse:
    packs = registry()
    shown = []
    for name in sorted(packs):
        pack = packs[name]
        shown.append(
            {
                "pack": pack,
                # (instrument, the pack it is adopted from, "" for the pack's own)
                "instruments": [
                    (i, pack.adopted.get(i.instrument, ""))
                    for i in sorted(pack.instruments.values(), key=lambda i: i.title)
                ],
                "obligations": pack.section("obligations.yaml"),
                "codebook": pack.section("codebook.yaml"),
                "training": pack.section("training.yaml"),
                "reference": pack.section("reference.yaml"),
                "lists": pack.section("lists.yaml"),
                "geography": pack.section("geography.yaml"),
            }
        )
    return render(request, "web/protocols/browser.html", {"packs": shown})


@login_required
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, pack: str, instrument: str) -> HttpResponse:
    found, definition = _found(pack, instrument)
    answers: dict[str, Any] = {}
    errors: list[FieldError] = []
    evaluation = None
    status = 200
    if request.method == "POST":
        submitting = request.POST.get("intent") == "submit"
        if submitting and definition.about_youth:
            raise PermissionDenied  # the page offers no Submit for youth instruments
        answers = forms.answers_from(definition, request.POST, time_zone=found.manifest.time_zone)
        try:
            if submitting:
                actor: User = request.user  # type: ignore[assignment]  # a login_required view's user is a User
                stored = services.submit(
                    actor=actor, pack=found, instrument=definition.instrument, answers=answers
                )
                return redirect(
                    "web:protocol_submitted",
                    pack=found.name,
                    instrument=definition.instrument,
                    response_id=stored.pk,
                )
            evaluation = evaluate(
                pack=found.name, version=found.version, instrument=definition, answers=answers
            )
            answers = evaluation.answers
        except InvalidInput as problem:
            errors = problem.errors or []
            status = 422
        except DomainError as problem:  # e.g. Forbidden: a member of no organization
            return render(
                request,
                "web/protocols/preview.html",
                _preview_context(found, definition, answers, [], None, refusal=problem.detail),
                status=problem.status,
            )
    return render(
        request,
        "web/protocols/preview.html",
        _preview_context(found, definition, answers, errors, evaluation),
        status=status,
    )


def _preview_context(
    found: Pack,
    definition: Instrument,
    answers: dict[str, Any],
    errors: list[FieldError],
    evaluation: Any,
    refusal: str = "",
) -> dict[str, Any]:
    sections, summary = forms.build(definition, answers, errors)
    return {
        "pack": found,
        "instrument": definition,
        "sections": sections,
        "error_summary": summary,
        "results": shown_results(definition, evaluation.results) if evaluation else None,
        "actions": evaluation.actions if evaluation else None,
        "refusal": refusal,
    }


@login_required
@require_GET
def submitted(request: HttpRequest, pack: str, instrument: str, response_id: int) -> HttpResponse:
    found, definition = _found(pack, instrument)
    actor: User = request.user  # type: ignore[assignment]  # a login_required view's user is a User
    stored = selectors.response_for(actor, response_id)
    if stored.pack != found.name or stored.instrument != definition.instrument:
        raise Http404
    # Shown with the labels of the pack version that scored it, not today's (issue 15, item 5).
    definition = definition_for(stored.pack, stored.pack_version, stored.instrument) or definition
    return render(
        request,
        "web/protocols/submitted.html",
        {
            "pack": found,
            "instrument": definition,
            "stored": stored,
            "results": shown_results(definition, stored.derived_results),
            "actions": stored.derived_actions,
        },
    )
