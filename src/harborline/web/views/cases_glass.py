"""Break-glass: open a case your organization has no share of, in an emergency, with a reason
(4 hours, recorded, flagged to the owning organization); and the owning organization's review
queue (supervisors and administrators). Nothing about a case is shown before the glass is broken:
an unknown case number and one you may not open give the same answer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from harborline.access.models import BREAK_GLASS_HOURS
from harborline.access.policy import NOT_FOUND, works_cases
from harborline.errors import DomainError, NotFound
from harborline.people.models import User
from harborline.sharing import selectors as access_reads
from harborline.sharing import services as access_services

from ..forms_cases import BreakGlassForm, ReviewForm, place_errors
from ._util import actor as _actor
from .cases_util import local


@login_required
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not works_cases(actor):
        raise Http404
    form = BreakGlassForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            case_id = form.cleaned_data["case_number"]
            try:
                access_services.break_glass(
                    actor=actor, case_id=case_id, reason=form.cleaned_data["reason"]
                )
            except NotFound:
                form.add_error("case_number", NOT_FOUND)
                status = 404
            except DomainError as problem:
                place_errors(form, problem)
                status = problem.status
            else:
                return redirect("web:case_detail", case_id=case_id)
    return render(
        request,
        "web/cases/break_glass.html",
        {"form": form, "hours": BREAK_GLASS_HOURS},
        status=status,
    )


def _reviews_context(actor: User, forms: dict[int, ReviewForm]) -> dict[str, Any]:
    try:
        queue = access_reads.break_glass_reviews(actor)
    except NotFound:
        raise Http404 from None
    org = queue.organization
    tz = org.time_zone
    rows = [
        {
            "glass": g,
            "when": local(g.opened_at, tz),
            "until": local(g.expires_at, tz),
            "form": forms.get(g.pk) or ReviewForm(prefix=f"g{g.pk}"),
        }
        for g in queue.open
    ]
    done = [
        {"glass": g, "when": local(g.opened_at, tz), "reviewed": local(g.reviewed_at, tz)}
        for g in queue.recent
    ]
    return {"org": org, "rows": rows, "done": done}


@login_required
@require_http_methods(["GET"])
def reviews(request: HttpRequest) -> HttpResponse:
    return render(
        request, "web/cases/break_glass_reviews.html", _reviews_context(_actor(request), {})
    )


@login_required
@require_POST
def review(request: HttpRequest, glass_id: int) -> HttpResponse:
    actor = _actor(request)
    _reviews_context(actor, {})  # 404 for anyone who does not review
    form = ReviewForm(request.POST, prefix=f"g{glass_id}")
    status = 422
    if form.is_valid():
        try:
            access_services.review_break_glass(
                actor=actor,
                glass_id=glass_id,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except NotFound:
            raise Http404 from None
        except DomainError as problem:
            place_errors(form, problem)
            status = problem.status
        else:
            messages.success(request, "Review recorded.")
            return redirect(reverse("web:break_glass_reviews"))
    return render(
        request,
        "web/cases/break_glass_reviews.html",
        _reviews_context(actor, {glass_id: form}),
        status=status,
    )
