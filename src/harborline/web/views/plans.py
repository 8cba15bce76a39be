"""Pages for a youth's safety assessments, safety plans and service plan (issue 12): the plans
page of a case, the service-plan forms (create, add an outcome, a task done, an outcome achieved,
sign, review) and the youth-safe copy of a safety plan (page and PDF, English and Spanish).
Thin: parse, call the response services, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from harborline.cases.selectors import preferred_language
from harborline.errors import NotFound
from harborline.protocols.packs import get_pack
from harborline.protocols.translations import printout_languages
from harborline.response import plans as services
from harborline.response.models import AssessmentPoint
from harborline.response.youth_copy import pdf

from ._util import actor as _actor
from ._util import form_page, instrument_page

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _back(case_id: int) -> HttpResponse:
    return redirect(reverse("web:case_plans", args=[case_id]))


@login_required
@require_GET
def case_plans(request: HttpRequest, case_id: int) -> HttpResponse:
    page = services.plans_page(actor=_actor(request), case_id=case_id)
    return render(
        request,
        "web/plans/case_plans.html",
        {
            "page": page,
            "case_id": case_id,
            "questions": services.D5_QUESTIONS,
            "results": services.D4_RESULTS,
            "printout_languages": printout_languages(),
            "printout_lang": remembered_language(request, case_id, page.preferred_language),
        },
    )


class OutcomeForm(forms.Form):
    title = forms.CharField(
        max_length=500,
        label="Outcome",
        help_text="A behaviour or condition that improves the youth's well-being.",
    )
    priority = forms.IntegerField(
        min_value=1, max_value=99, initial=1, help_text="1 is the first priority."
    )
    youth_priority = forms.BooleanField(required=False, label="This is the youth's own priority")
    task = forms.CharField(
        max_length=1000, label="First step", help_text="An incremental, specific step."
    )
    target_on = forms.DateField(widget=DATE, label="Target date")
    resource = forms.CharField(
        max_length=500,
        required=False,
        label="Resource",
        help_text="Who or what helps with this step.",
    )
    responsible = forms.CharField(
        max_length=200,
        label="Responsible person",
        help_text="Who links the youth to the resource (the warm handoff).",
    )
    changes = forms.CharField(
        max_length=2000,
        required=False,
        label="What changed and why",
        help_text="Needed when the plan already exists.",
    )


def _outcome(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": data["title"],
        "priority": data["priority"],
        "youth_priority": data["youth_priority"],
        "tasks": [
            {
                "text": data["task"],
                "target_on": data["target_on"],
                "resource": data["resource"],
                "responsible": data["responsible"],
            }
        ],
    }


@login_required
@require_http_methods(["GET", "POST"])
def plan_outcome(request: HttpRequest, case_id: int) -> HttpResponse:
    """Start the service plan with an outcome, or add one to it (at most four active)."""
    actor = _actor(request)
    existing = services.service_plan_of_case(actor=actor, case_id=case_id)

    def save(data: dict[str, Any]) -> HttpResponse:
        if existing is None:
            services.create_service_plan(actor=actor, case_id=case_id, outcomes=[_outcome(data)])
        else:
            services.add_outcomes(
                actor=actor, plan_id=existing.pk, outcomes=[_outcome(data)], changes=data["changes"]
            )
        return _back(case_id)

    form = OutcomeForm(request.POST or None)
    return form_page(
        request,
        form,
        "web/plans/form.html",
        {
            "case_id": case_id,
            "title": "Add an outcome" if existing else "Start the service plan",
            "intro": (
                "At most four active outcomes, the youth's own priorities first: the protocol "
                "keeps a plan small enough to succeed. Add more steps at the next review."
            ),
            "submit": "Save",
            "cancel": reverse("web:case_plans", args=[case_id]),
        },
        save=save,
        aliases=lambda field: "title" if field.startswith("outcomes") else field.split(".")[-1],
    )


@login_required
@require_POST
def plan_task_done(request: HttpRequest, case_id: int, plan_id: int, task_id: int) -> HttpResponse:
    services.complete_task(actor=_actor(request), plan_id=plan_id, task_id=task_id)
    return _back(case_id)


@login_required
@require_POST
def plan_outcome_status(
    request: HttpRequest, case_id: int, plan_id: int, outcome_id: int
) -> HttpResponse:
    status = request.POST.get("status", "")
    services.set_outcome_status(
        actor=_actor(request), plan_id=plan_id, outcome_id=outcome_id, status=status
    )
    return _back(case_id)


class SignForm(forms.Form):
    name = forms.CharField(max_length=200, label="Name")
    role = forms.CharField(max_length=60, required=False, label="Role on the team")
    youth = forms.BooleanField(required=False, label="The youth signs (I attest it)")


@login_required
@require_http_methods(["GET", "POST"])
def plan_sign(request: HttpRequest, case_id: int, plan_id: int) -> HttpResponse:
    actor = _actor(request)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.sign_plan(actor=actor, plan_id=plan_id, **data)
        return _back(case_id)

    return form_page(
        request,
        SignForm(request.POST or None),
        "web/plans/form.html",
        {
            "case_id": case_id,
            "title": "Sign the service plan",
            "intro": "Team members and the youth sign to confirm their role and commitment.",
            "submit": "Sign",
            "cancel": reverse("web:case_plans", args=[case_id]),
        },
        save=save,
    )


class ReviewForm(forms.Form):
    trigger = forms.ChoiceField(
        choices=[(t, t.replace("_", " ").capitalize()) for t in services.REVIEW_TRIGGERS]
    )
    result = forms.ChoiceField(
        choices=list(services.D4_RESULTS.items()), widget=forms.RadioSelect, label="Result (D4)"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, question in services.D5_QUESTIONS.items():
            self.fields[f"{key}"] = forms.ChoiceField(
                label=question,
                choices=[("no", "No change needed"), ("yes", "Yes: this needs a change")],
                widget=forms.RadioSelect,
            )
            self.fields[f"{key}_note"] = forms.CharField(
                max_length=2000, required=False, label="Note"
            )


@login_required
@require_http_methods(["GET", "POST"])
def plan_review(request: HttpRequest, case_id: int, plan_id: int) -> HttpResponse:
    actor = _actor(request)

    def save(data: dict[str, Any]) -> HttpResponse:
        answers = {
            key: {"needs_change": data[key] == "yes", "note": data[f"{key}_note"]}
            for key in services.D5_QUESTIONS
        }
        services.review_plan(
            actor=actor,
            plan_id=plan_id,
            answers=answers,
            result=data["result"],
            trigger=data["trigger"],
        )
        return _back(case_id)

    return form_page(
        request,
        ReviewForm(request.POST or None),
        "web/plans/form.html",
        {
            "case_id": case_id,
            "title": "Review the plan",
            "intro": (
                "When a plan does not move, the presumption is that the plan is at fault, not "
                "the youth. Answer each question; a yes means revise the safety plan or the "
                "service plan."
            ),
            "submit": "Save the review",
            "cancel": reverse("web:case_plans", args=[case_id]),
        },
        save=save,
        aliases=lambda field: field.split(".")[1] if field.startswith("answers.") else field,
    )


# --- the youth-safe copy, in the language of the printout (decision 0064) ---------------------
# The staff pages are in English; a printout for a youth or a family takes its language from the
# "Language of the printout" choice (?lang=). Its first choice for a case is the one last chosen
# against the default in the person's session, else the youth's preferred language (recorded on
# the youth, for those who see the identity compartment: cases.selectors.preferred_language),
# else English. Printing in the default language forgets a remembered choice, so a language the
# youth's record gives later is not hidden by an earlier print in English.
SESSION_KEY = "printout_lang:{case_id}"


def remembered_language(request: HttpRequest, case_id: int, preferred: str = "") -> str:
    """The first printout language for the case: the session's choice, else `preferred` (the
    youth's preferred language as `cases.selectors.preferred_language` gives it), else
    English."""
    codes = [code for code, _name in printout_languages()]
    for lang in (request.session.get(SESSION_KEY.format(case_id=case_id)), preferred):
        if lang in codes:
            return str(lang)
    return codes[0]


def remember_language(request: HttpRequest, case_id: int, lang: str, preferred: str = "") -> None:
    """Remember a printout's language for the case: kept only when it is not the default the
    case would have without it (`preferred`, else English)."""
    codes = [code for code, _name in printout_languages()]
    default = preferred if preferred in codes else codes[0]
    key = SESSION_KEY.format(case_id=case_id)
    if lang == default:
        request.session.pop(key, None)
    else:
        request.session[key] = lang


def _lang(request: HttpRequest) -> str:
    return request.GET.get("lang", "en")


@login_required
@require_GET
def youth_copy(request: HttpRequest, plan_id: int) -> HttpResponse:
    actor = _actor(request)
    copy, plan, case = services.youth_copy(actor=actor, plan_id=plan_id, lang=_lang(request))
    remember_language(request, case.pk, copy.lang, preferred_language(actor, case))
    return render(
        request,
        "web/plans/youth_copy.html",
        {
            "copy": copy,
            "lang": copy.lang,
            "plan": plan,
            "case_id": case.pk,
            "printout_languages": printout_languages(),
        },
    )


@login_required
@require_GET
def youth_copy_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    actor = _actor(request)
    copy, plan, case = services.youth_copy(
        actor=actor, plan_id=plan_id, lang=_lang(request), export=True
    )
    remember_language(request, case.pk, copy.lang, preferred_language(actor, case))
    response = HttpResponse(pdf(copy), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="safety-plan-{plan.number}-{copy.lang}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


# --- recording a 9-A or a 9-B with the instrument's own form --------------------------------

RECORDS = {
    "safety-assessment": services.ASSESSMENT_INSTRUMENT,
    "safety-plan": services.PLAN_INSTRUMENT,
}


@login_required
@require_http_methods(["GET", "POST"])
def record_instrument(request: HttpRequest, case_id: int, what: str) -> HttpResponse:
    """The 9-A (a safety assessment) or the 9-B (a new safety-plan version), as the pack's
    instrument form; the engine's messages beside the fields."""
    actor = _actor(request)
    if what not in RECORDS:
        raise NotFound("No such page.")
    page = services.plans_page(actor=actor, case_id=case_id)
    point = request.POST.get("point", AssessmentPoint.INITIAL_CONTACT)
    changes = request.POST.get("changes", "")

    def save(answers: dict[str, Any]) -> HttpResponse:
        if what == "safety-assessment":
            services.record_safety_assessment(
                actor=actor, case_id=case_id, answers=answers, point=point
            )
        else:
            services.record_safety_plan(
                actor=actor, case_id=case_id, answers=answers, changes=changes
            )
        return _back(case_id)

    return instrument_page(
        request,
        get_pack(page.case.pack).instrument(RECORDS[what]),
        "web/plans/record_instrument.html",
        {
            "case_id": case_id,
            "what": what,
            "points": AssessmentPoint.choices,
            "point": point,
            "changes": changes,
            "revision": what == "safety-plan" and bool(page.safety_plans),
        },
        save=save,
        time_zone=page.case.owner.time_zone,
    )
