"""Submission pages (issue 16, items 2-3): the agency's list with the "prepare" form, a
submission's printable summary with approve and refuse, its client-level file, and the
statistical center's report. Thin: the rules are reports.submissions and
reports.statistical_center; NotFound and Forbidden reach DomainErrorPages."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from harborline.agreements.models import Kind
from harborline.agreements.selectors import visible_agreements
from harborline.errors import DomainError, InvalidInput
from harborline.forms import UswdsMixin, show_domain_error
from harborline.reports import statistical_center, submissions
from harborline.tabular import CSV_CONTENT_TYPE

from ._util import actor, form_page


class PrepareForm(UswdsMixin, forms.Form):
    agreement = forms.TypedChoiceField(label="Data-sharing agreement", coerce=int)
    year = forms.IntegerField(
        label="Reporting year",
        min_value=2000,
        max_value=2100,
        help_text="The calendar year the data covers; it is due January 31 after it.",
    )

    def __init__(self, *args: Any, agreements: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreement"].choices = [(a.pk, str(a)) for a in agreements]  # type: ignore[attr-defined]  # a ChoiceField


class RefuseForm(UswdsMixin, forms.Form):
    reason = forms.CharField(label="Why it is refused", max_length=500, widget=forms.Textarea)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    membership = user.membership_or_none
    at_center = membership is not None and membership.organization.type == "statistical_center"
    dsas = [] if at_center else list(visible_agreements(actor=user, kind=Kind.DSA))
    form = PrepareForm(
        request.POST if request.method == "POST" else None,
        agreements=dsas,
        initial={"year": date.today().year - 1},
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        made = submissions.prepare(user, data["agreement"], data["year"])
        return redirect("web:submission", submission_id=made.pk)

    return form_page(
        request,
        form,
        "web/submissions/index.html",
        {
            "rows": list(submissions.visible_submissions(user)[:200]),
            "at_center": at_center,
            "may_prepare": bool(dsas)
            and membership is not None
            and membership.role in submissions.PREPARERS,
            "due": [r for r in submissions.reminders_due() if r[0] in dsas],
            "last_year": date.today().year - 1,
        },
        save=save,
    )


@login_required
def detail(request: HttpRequest, submission_id: int) -> HttpResponse:
    user = actor(request)
    sub = submissions.read_summary(user, submission_id)
    return render(request, "web/submissions/detail.html", _detail_context(user, sub, RefuseForm()))


def _detail_context(user: Any, sub: Any, refuse_form: forms.Form) -> dict[str, Any]:
    membership = user.membership_or_none
    may_decide = (
        sub.status == "awaiting_approval"
        and membership is not None
        and membership.organization_id == sub.organization_id
        and membership.role in submissions.APPROVERS
        and sub.prepared_by_id != user.pk
    )
    results = sorted((sub.aggregate or {}).get("screening_result", {}).items())
    return {
        "sub": sub,
        "due_on": submissions.due_on(sub.year),
        "may_decide": may_decide,
        "refuse_form": refuse_form,
        "results": results,
        "variables": sorted((sub.aggregate or {}).get("variables", {}).items()),
    }


@login_required
def file(request: HttpRequest, submission_id: int) -> HttpResponse:
    sub, content = submissions.read_file(actor(request), submission_id)
    response = HttpResponse(content, content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="submission-{sub.pk}-{sub.year}.csv"'
    return response


@login_required
@require_POST
def decide(request: HttpRequest, submission_id: int) -> HttpResponse:
    user = actor(request)
    form = RefuseForm(request.POST if request.POST.get("decision") == "refuse" else None)
    try:
        if request.POST.get("decision") == "approve":
            submissions.approve(user, submission_id)
        elif form.is_valid():
            submissions.refuse(user, submission_id, form.cleaned_data["reason"])
        else:
            raise InvalidInput.field("reason", "say why, so the preparer can put it right")
    except DomainError as problem:
        if problem.status in (403, 404):
            raise
        sub = submissions.read_summary(user, submission_id)
        if not form.is_bound:
            form = RefuseForm()
        show_domain_error(form, problem, None)
        return render(
            request,
            "web/submissions/detail.html",
            _detail_context(user, sub, form),
            status=problem.status,
        )
    return redirect(reverse("web:submission", args=[submission_id]))


@login_required
def center_report(request: HttpRequest) -> HttpResponse:
    raw_year = request.GET.get("year", "")
    if raw_year and not raw_year.isdigit():
        raise InvalidInput.field("year", "give a year such as 2026")
    year = int(raw_year) if raw_year else date.today().year - 1
    level = request.GET.get("level", "statewide")
    made = statistical_center.sac_report(actor(request), year=year, level=level)
    return render(
        request,
        "web/submissions/center.html",
        {
            "made": made,
            "levels": statistical_center.LEVELS,
            "tables": [
                {**asdict(t), "rows_zip": list(zip(t.rows, t.cells, t.row_totals, strict=True))}
                for t in made.tables
            ],
        },
    )
