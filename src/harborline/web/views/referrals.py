"""Referral pages (issue 14): a case's referrals with "find a service" (ranked matches with
their reasons), the referral form, a referral with its history and the actions its state allows,
and the organization's referrals received and sent. Thin: the rules are directory.referrals and
directory.matching."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from harborline.cases.selectors import case_for, preferred_language
from harborline.directory import matching
from harborline.directory import referrals as services
from harborline.directory.forms import ActForm, FindForm, ReferralForm
from harborline.directory.models import Referral, Service
from harborline.errors import DomainError, InvalidInput, NotFound
from harborline.forms import show_domain_error
from harborline.protocols.translations import printout_languages
from harborline.response.models import PlanTask

from ._util import actor as _actor
from ._util import form_page
from .plans import remembered_language

LABELS = {
    "accept": "Accept",
    "reject": "Decline",
    "start": "Start the service",
    "hold": "Put on hold",
    "resume": "Resume",
    "complete": "Mark completed",
    "fail": "Did not work out",
    "cancel": "Cancel the referral",
}


@login_required
@require_GET
def case_referrals(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    found = list(services.referrals_of_case(actor, case_id))
    form = FindForm(request.GET or None)
    results: list[matching.Match] = []
    status = 200
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            results = matching.matches(
                actor,
                case_id,
                data["need"],
                language=data["language"],
                urgent=data["urgent"],
                near=data["near"],
            )
        except InvalidInput as problem:
            show_domain_error(form, problem)
            status = problem.status
    return render(
        request,
        "web/directory/case_referrals.html",
        {"case_id": case_id, "referrals": found, "form": form, "results": results},
        status=status,
    )


def _tasks(actor: Any, case_id: int) -> list[tuple[int, str]]:
    case, _grant = case_for(actor, case_id)
    tasks = PlanTask.objects.filter(outcome__plan__case=case, done_at=None).order_by("target_on")
    return [(t.pk, f"{t.text} (by {t.target_on:%-d %B %Y})") for t in tasks]


@login_required
@require_http_methods(["GET", "POST"])
def refer(request: HttpRequest, case_id: int, service_id: int) -> HttpResponse:
    actor = _actor(request)
    case_for(actor, case_id)
    service = Service.objects.filter(pk=service_id).select_related("provider").first()
    if service is None:
        raise NotFound("No such service.")
    need = request.GET.get("need", "")
    form = ReferralForm(request.POST or None, tasks=_tasks(actor, case_id), initial={"needs": need})

    def save(data: dict[str, Any]) -> HttpResponse:
        referral = services.create_referral(
            actor=actor,
            case_id=case_id,
            service=service.pk,
            needs=[n.strip() for n in data["needs"].split(",") if n.strip()],
            compartments=list(data["compartments"]),
            basis_type=data["basis_type"],
            basis_reference=data["basis_reference"],
            plan_task_id=int(data["plan_task"]) if data["plan_task"] else None,
            warm_handoff=data["warm_handoff"],
        )
        messages.success(request, f"Referral sent to {service.name}.")
        return redirect(reverse("web:referral", args=[referral.pk]))

    receiver = service.provider.organization if service.provider else None
    return form_page(
        request,
        form,
        "web/form_page.html",
        {
            "title": f"Refer to {service.name}",
            "intro": (
                f"{receiver.name} will see what you tick below while the referral is open."
                if receiver
                else "This provider has no Harborline account: it sees nothing here. You will "
                "record its answers yourself."
            ),
            "submit": "Send the referral",
            "cancel": reverse("web:case_referrals", args=[case_id]),
        },
        save=save,
        aliases={"basis.type": "basis_type", "basis.reference": "basis_reference"},
    )


@login_required
@require_GET
def referral(request: HttpRequest, referral_id: int) -> HttpResponse:
    found, side = services.referral_for(_actor(request), referral_id)
    return _referral_page(request, found, side, ActForm(initial={"version": found.version}))


def _referral_page(
    request: HttpRequest, found: Referral, side: str, form: ActForm, status: int = 200
) -> HttpResponse:
    actions = []
    for name in services.allowed(found):
        move = services.MOVES[name]
        acting = services.REFERRER if found.external and move.by == services.RECEIVER else move.by
        if acting == side:
            actions.append((name, LABELS[name], move.needs_reason))
    return render(
        request,
        "web/directory/referral.html",
        {
            "r": found,
            "side": side,
            "actions": actions,
            "form": form,
            "events": found.events.select_related("by"),
            "printout_languages": printout_languages(),
            "printout_lang": remembered_language(
                request, found.case_id, preferred_language(_actor(request), found.case)
            ),
        },
        status=status,
    )


@login_required
@require_POST
def referral_act(request: HttpRequest, referral_id: int, action: str) -> HttpResponse:
    actor = _actor(request)
    found, side = services.referral_for(actor, referral_id)
    form = ActForm(request.POST)
    if not form.is_valid():
        return _referral_page(request, found, side, form, status=400)
    data = form.cleaned_data
    try:
        services.act(
            actor=actor,
            referral_id=referral_id,
            action=action,
            reason=data["reason"],
            outcome=data["outcome"],
            said_by=data["said_by"],
            version=data["version"],
        )
    except DomainError as problem:
        for error in problem.errors:
            if error.field in form.fields:
                form.add_error(error.field, error.message)
        if not problem.errors:
            form.add_error(None, problem.detail)
        found.refresh_from_db()
        return _referral_page(request, found, side, form, status=problem.status)
    messages.success(request, "Referral updated.")
    return redirect(reverse("web:referral", args=[referral_id]))


@login_required
@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    membership = actor.membership_or_none
    sent = (
        Referral.objects.filter(referrer_id=membership.organization_id)
        .select_related("service", "receiver")
        .order_by("-pk")[:100]
        if membership
        else []
    )
    return render(
        request,
        "web/directory/referrals.html",
        {"received": services.inbox(actor)[:100], "sent": sent},
    )
