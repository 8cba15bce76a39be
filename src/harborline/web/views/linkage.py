"""The same youth across agencies (issue 17): the statistical center's linkage page with its
review queue ("Link new submissions", "Relink everything"), one pair's field agreement pattern
with "Link" / "Keep apart" and a question to an agency; and the agency's confirmation requests,
answered yes or no. Thin: the rules are reports.linking; NotFound reaches DomainErrorPages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from harborline.forms import UswdsMixin
from harborline.reports import linking
from harborline.reports.models import LinkRun, PairStatus

from ._util import actor, form_page

THRESHOLD_HELP = "A match probability from 0 to 1."
TABS = [
    (PairStatus.PENDING, "Waiting for review"),
    (PairStatus.AUTO_LINKED, "Linked automatically"),
    (PairStatus.LINKED, "Linked by a reviewer"),
    (PairStatus.SPLIT, "Kept apart by a reviewer"),
]


class RunForm(UswdsMixin, forms.Form):
    lower = forms.FloatField(
        label="Lower threshold (review from here)",
        min_value=0.000001,
        max_value=1,
        initial=linking.DEFAULT_LOWER,
        help_text=THRESHOLD_HELP,
    )
    upper = forms.FloatField(
        label="Upper threshold (linked without review from here)",
        min_value=0.000001,
        max_value=1,
        initial=linking.DEFAULT_UPPER,
        help_text=THRESHOLD_HELP,
    )
    full = forms.BooleanField(
        required=False,
        label="Relink everything under the current key (reviewers' decisions stand)",
    )


class DecisionForm(UswdsMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("link", "Link: the same youth"), ("split", "Keep apart: different youth")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the decision and in the audit log. Never a name.",
    )


class AskForm(UswdsMixin, forms.Form):
    record = forms.ChoiceField(label="Ask the agency of", widget=forms.RadioSelect)
    question = forms.CharField(
        label="Question (yes or no)",
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The agency sees its own record and this question, nothing of the other record.",
    )

    def __init__(self, *args: Any, pair: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["record"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            ("left", f"Record 1 ({pair.left.organization.name})"),
            ("right", f"Record 2 ({pair.right.organization.name})"),
        ]


class AnswerForm(UswdsMixin, forms.Form):
    answer = forms.ChoiceField(
        label="Your answer", choices=[("yes", "Yes"), ("no", "No")], widget=forms.RadioSelect
    )


def suggested_question(pair: Any) -> str:
    """A question the pattern suggests: about the fields that do not agree."""
    unsure = [
        f["label"].lower()
        for f in (pair.pattern or {}).get("fields", [])
        if f["agreement"] not in ("agrees", "missing")
    ]
    if not unsure:
        return "Is the youth of this record known to have been served by another agency this year?"
    return (
        f"Is the {' and the '.join(unsure)} in your record confirmed (for example from a "
        "document), rather than written down as heard?"
    )


@login_required
@require_http_methods(["GET", "POST"])
def center(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    receiver = linking.center_of(user)
    status = request.GET.get("status", PairStatus.PENDING)
    counts = linking.queue_counts(receiver)
    form = RunForm(request.POST if request.method == "POST" else None)

    def save(data: dict[str, Any]) -> HttpResponse:
        if data.get("full"):
            linking.relink(user, lower=data["lower"], upper=data["upper"])
        else:
            linking.link_new(user, lower=data["lower"], upper=data["upper"])
        return redirect("web:linkage")

    return form_page(
        request,
        form,
        "web/linkage/center.html",
        {
            "pairs": linking.review_queue(user, status=status),
            "status": status,
            "statuses": [(v, label, counts[v]) for v, label in TABS],
            "waiting": list(linking.unlinked_submissions(receiver).select_related("organization")),
            "runs": list(LinkRun.objects.filter(receiver=receiver).order_by("-pk")[:10]),
        },
        save=save,
    )


@login_required
@require_http_methods(["GET", "POST"])
def pair(request: HttpRequest, pair_id: int) -> HttpResponse:
    user = actor(request)
    found = linking.review_item(user, pair_id)
    posted = request.POST if request.method == "POST" else None
    which = request.POST.get("form") if posted else None
    decision = DecisionForm(posted if which == "decide" else None, prefix="decide")
    ask = AskForm(
        posted if which == "ask" else None,
        pair=found,
        prefix="ask",
        initial={"question": suggested_question(found)},
    )
    context = {
        "pair": found,
        "requests": linking.requests_of(found),
        "decision_form": decision,
        "ask_form": ask,
    }
    if which == "ask":

        def ask_save(data: dict[str, Any]) -> HttpResponse:
            linking.ask_agency(user, found.pk, data["record"], data["question"])
            return redirect("web:linkage_pair", pair_id=found.pk)

        return form_page(request, ask, "web/linkage/pair.html", context, save=ask_save)

    def decide_save(data: dict[str, Any]) -> HttpResponse:
        linking.decide(user, found.pk, data["decision"], data["reason"])
        return redirect("web:linkage_pair", pair_id=found.pk)

    return form_page(request, decision, "web/linkage/pair.html", context, save=decide_save)


@login_required
def requests(request: HttpRequest) -> HttpResponse:
    from django.shortcuts import render

    return render(
        request,
        "web/linkage/requests.html",
        {"requests": linking.requests_for(actor(request))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_page(request: HttpRequest, request_id: int) -> HttpResponse:
    user = actor(request)
    own = linking.confirmation_for(user, request_id)
    form = AnswerForm(request.POST if request.method == "POST" else None)

    def save(data: dict[str, Any]) -> HttpResponse:
        linking.answer(user, own.request.pk, data["answer"])
        return redirect("web:linkage_request", request_id=own.request.pk)

    return form_page(request, form, "web/linkage/request.html", {"own": own}, save=save)
