"""Break-glass ("Emergency access"): open a case your organization has no share of, in an
emergency, with a reason (4 hours, recorded, flagged to the owning organization), found by the
youth's exact last name and date of birth, by a reference another system gave it (UNITY, NCMEC,
law-enforcement report) or by its number; and the owning organization's review queue (supervisors
and administrators). Nothing about a case is shown before the glass is broken: nothing matching
and a match you may not open give the same answer."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from harborline.access.models import BREAK_GLASS_HOURS, BreakGlass
from harborline.access.policy import NOT_FOUND
from harborline.errors import DomainError, NotFound
from harborline.people.models import User
from harborline.sharing import selectors as access_reads
from harborline.sharing import services as access_services

from ..forms_cases import ReviewForm, place_errors
from ..forms_glass import EmergencyAccessForm
from ._util import actor as _actor
from ._util import org_time_zone
from .cases_util import local


@login_required
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest) -> HttpResponse:
    """Two steps: find the case and say why; then a confirmation that states the four-hour window
    (shown whether or not anything matches, so it says nothing about existence). A reason too short
    is refused by the service at once (and recorded), before anything is looked up."""
    actor = _actor(request)
    access_reads.require_emergency_access(actor)
    form = EmergencyAccessForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            long_enough = len(data["reason"].strip()) >= access_services.REASON_MIN
            if long_enough and not data["confirmed"]:
                return _confirm(request, actor, form)
            try:
                glasses = _open(actor, form)
            except NotFound:  # nothing matched, or a match this person may not open: one answer
                if form.way == "number":
                    form.add_error("case_number", NOT_FOUND)
                else:
                    form.add_error(None, LOOKUP_NOT_FOUND)
                status = 404
            except DomainError as problem:
                place_errors(form, problem)
                status = problem.status
            else:
                if len(glasses) == 1:
                    return redirect("web:case_detail", case_id=glasses[0].case_id)
                messages.success(
                    request,
                    f"Emergency access opened to {len(glasses)} cases for {BREAK_GLASS_HOURS} "
                    "hours. They are listed first.",
                )
                return redirect("web:case_list")
    return render(
        request,
        "web/cases/break_glass.html",
        {"form": form, "hours": BREAK_GLASS_HOURS},
        status=status,
    )


# The one answer for "nothing matched" and "a match you may not open this way".
LOOKUP_NOT_FOUND = (
    "No case matches, or you may not open it this way. Check the spelling and the date, or ask "
    "the organization that holds the case to share it."
)


def _open(actor: User, form: EmergencyAccessForm) -> list[BreakGlass]:
    data = form.cleaned_data
    if form.way == "number":
        return [
            access_services.break_glass(
                actor=actor, case_id=data["case_number"], reason=data["reason"]
            )
        ]
    return access_services.break_glass_by_lookup(
        actor=actor,
        reason=data["reason"],
        last_name=data["last_name"] if form.way == "name" else "",
        dob=data["dob"].isoformat() if form.way == "name" and data["dob"] else "",
        reference_kind=data["reference_kind"] if form.way == "reference" else "",
        reference=data["reference"] if form.way == "reference" else "",
    )


def _confirm(request: HttpRequest, actor: User, form: EmergencyAccessForm) -> HttpResponse:
    until = local(timezone.now() + timedelta(hours=BREAK_GLASS_HOURS), org_time_zone(request))
    return render(
        request,
        "web/cases/break_glass_confirm.html",
        {
            "form": form,
            "hours": BREAK_GLASS_HOURS,
            "until": until,
            "searched": form.summary(),
            "fields": [(name, request.POST.get(name, "")) for name in _CARRIED],
        },
    )


_CARRIED = ("last_name", "dob", "reference_kind", "reference", "case_number", "reason")


def _reviews_context(actor: User, forms: dict[int, ReviewForm]) -> dict[str, Any]:
    """The review queue (NotFound, the 404 page, for anyone who does not review), each open
    opening with its form (the one in `forms`, else an empty one)."""
    queue = access_reads.break_glass_reviews(actor)
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
    access_reads.reviewer_organization(actor)  # NotFound for anyone who does not review
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
            raise
        except DomainError as problem:  # a Forbidden too: said beside the form, with its 403
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
