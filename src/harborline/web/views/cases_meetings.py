"""Recording an MDT meeting on a case: who attended (people of the organizations on the case
team), what was decided, and action items with an owner and a date."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from harborline.access import compartments as c
from harborline.access.policy import require
from harborline.cases.selectors import case_for, case_team
from harborline.errors import DomainError, Forbidden, NotFound
from harborline.response import services as response_services

from ..forms_cases import ACTION_ROWS, MeetingForm
from ._util import actor as _actor
from .cases_util import case_url, naive, team_people


def _action_rows(post: Any, errors: dict[str, str], people: list[tuple[str, str]]) -> list[Any]:
    rows = []
    for i in range(ACTION_ROWS):
        rows.append(
            {
                "n": i,
                "text": post.get(f"action-{i}-text", "") if post else "",
                "owner": post.get(f"action-{i}-owner", "") if post else "",
                "due_on": post.get(f"action-{i}-due_on", "") if post else "",
                "text_error": errors.get(f"actions[{i}].text", ""),
                "owner_error": errors.get(f"actions[{i}].owner", ""),
                "due_error": errors.get(f"actions[{i}].due_on", ""),
                "people": people,
            }
        )
    return rows


def _actions(post: Any) -> list[dict[str, str]]:
    """The action-item rows the person filled in (a row left empty is no item)."""
    actions = []
    for i in range(ACTION_ROWS):
        text = post.get(f"action-{i}-text", "").strip()
        owner = post.get(f"action-{i}-owner", "").strip()
        due_on = post.get(f"action-{i}-due_on", "").strip()
        if text or owner or due_on:
            actions.append({"text": text, "owner": owner, "due_on": due_on})
    return actions


@login_required
@require_http_methods(["GET", "POST"])
def case_meeting(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    case, grant = case_for(actor, case_id)
    require(grant, c.Compartment.SAFETY)
    org_ids = {case.owner_id}
    org_ids.update(m.organization_id for m in case_team(case))
    people = [
        (u.email, f"{u.full_name or u.email} ({u.membership.organization.name})")
        for u in team_people(org_ids)
    ]
    form = MeetingForm(request.POST or None, people=people)
    action_errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                response_services.record_meeting(
                    actor=actor,
                    case_id=case.pk,
                    kind=data["kind"],
                    held_at=naive(data["held_at"], "held_at"),
                    attendees=data["attendees"],
                    other_attendees=data["other_attendees"],
                    youth_participated=data["youth_participated"],
                    decisions=data["decisions"],
                    actions=_actions(request.POST),
                )
            except (NotFound, Forbidden):
                raise
            except DomainError as problem:
                status = problem.status
                for error in problem.errors:
                    if error.field.startswith("actions["):
                        action_errors[error.field] = error.message
                    elif error.field.startswith("attendees"):
                        form.add_error("attendees", error.message)
                    elif error.field in form.fields:
                        form.add_error(error.field, error.message)
                    else:
                        form.add_error(None, error.message)
                if not problem.errors:
                    form.add_error(None, problem.detail)
            else:
                messages.success(request, "Meeting recorded.")
                return redirect(case_url(case.pk, "section-safety"))
    return render(
        request,
        "web/cases/meeting.html",
        {
            "case": case,
            "form": form,
            "rows": _action_rows(
                request.POST if request.method == "POST" else None, action_errors, people
            ),
            "action_errors": action_errors,
            "tz": case.owner.time_zone,
        },
        status=status,
    )
