"""The interconnectedness pages of a task force (issue 14, item 7): survey rounds with their
densities and the change from the round before, the network drawn with a table beside it, the
same "refers" measure from actual referrals, and the answer form for a member organization.
Thin: the rules are directory.network."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from harborline.directory import network
from harborline.errors import InvalidInput
from harborline.taskforce import selectors as taskforces
from harborline.taskforce.services import Do, may

from ._util import actor as _actor


@login_required
@require_GET
def overview(request: HttpRequest, taskforce_id: int) -> HttpResponse:
    actor = _actor(request)
    taskforce = taskforces.get_taskforce(actor, taskforce_id)
    relation = request.GET.get("relation", "refers")
    relation = relation if relation in network.RELATIONS else "refers"
    rounds = list(taskforce.survey_rounds.all())
    measured: list[dict[str, Any]] = []
    for i, survey in enumerate(rounds):
        graph = network.survey_network(actor, survey)
        before = rounds[i + 1] if i + 1 < len(rounds) else None
        measured.append(
            {
                "round": survey,
                "densities": {r: graph.density(r) for r in network.RELATIONS},
                "change": network.change(actor, before, survey) if before else None,
                "graph": graph,
            }
        )
    today = timezone.localdate()
    actual = network.referral_network(actor, taskforce, today - timedelta(days=365), today)
    latest: network.Network | None = measured[0]["graph"] if measured else None
    table = [
        {
            "n": i + 1,
            "name": row["organization"].name,
            "out": row[f"{relation}_out"],
            "in": row[f"{relation}_in"],
        }
        for i, row in enumerate(latest.table() if latest else [])
    ]
    membership = actor.membership_or_none
    member_ids = {o.pk for o in network.members(taskforce)}
    return render(
        request,
        "web/directory/network.html",
        {
            "tf": taskforce,
            "relation": relation,
            "labels": network.LABELS,
            "measured": measured,
            "latest": latest,
            "picture": latest.picture(relation) if latest else None,
            "table": table,
            "actual": actual,
            "actual_density": actual.density("refers"),
            "actual_picture": actual.picture("refers"),
            "may_manage": may(actor, Do.MANAGE, taskforce),
            "may_answer": membership is not None and membership.organization_id in member_ids,
        },
    )


@login_required
@require_POST
def open_round(request: HttpRequest, taskforce_id: int) -> HttpResponse:
    try:
        network.open_round(
            actor=_actor(request), taskforce_id=taskforce_id, name=request.POST.get("name", "")
        )
    except InvalidInput as problem:
        messages.error(request, "; ".join(e.message for e in problem.errors))
    else:
        messages.success(request, "Round opened: each member organization can now answer.")
    return redirect(reverse("web:interconnectedness", args=[taskforce_id]))


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, taskforce_id: int, round_id: int) -> HttpResponse:
    actor = _actor(request)
    survey = network.round_for(actor, round_id)
    mine = actor.membership.organization_id
    others = [o for o in network.members(survey.taskforce, survey.opened_on) if o.pk != mine]
    if request.method == "POST":
        given = {
            o.pk: {r: request.POST.get(f"{r}-{o.pk}") == "on" for r in network.RELATIONS}
            for o in others
        }
        network.answer(actor=actor, round_id=round_id, answers=given)
        messages.success(request, "Thank you: your organization's answers are saved.")
        return redirect(reverse("web:interconnectedness", args=[taskforce_id]))
    earlier = {a.about_id: a for a in survey.answers.filter(respondent_id=mine)}
    return render(
        request,
        "web/directory/network_answer.html",
        {
            "survey": survey,
            "others": others,
            "earlier": earlier,
            "labels": network.LABELS,
            "relations": network.RELATIONS,
        },
    )
