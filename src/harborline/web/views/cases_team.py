"""The case team: adding someone from the owner or an organization the case is shared with,
and removing them. Who may is the service's answer (the case's managers)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from harborline.cases import services as case_services
from harborline.cases.selectors import case_for

from ..forms_cases import TeamForm
from ._util import actor as _actor
from .cases_page import case_form, team_orgs
from .cases_util import case_url


@login_required
@require_POST
def case_team_add(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    case, grant = case_for(actor, case_id)
    form = TeamForm(request.POST, organizations=team_orgs(case, grant))

    def save(data: dict[str, Any]) -> HttpResponse:
        case_services.add_team_member(
            actor=actor,
            case_id=case_id,
            organization=data["organization"],
            role_on_case=data["role_on_case"],
            user_email=data["user_email"],
            name=data["name"],
        )
        messages.success(request, "Added to the case team.")
        return redirect(case_url(case_id, "team"))

    return case_form(request, case_id, form, "team", save)


@login_required
@require_POST
def case_team_remove(request: HttpRequest, case_id: int, member_id: int) -> HttpResponse:
    case_services.remove_team_member(actor=_actor(request), case_id=case_id, member_id=member_id)
    messages.success(request, "Removed from the case team.")
    return redirect(case_url(case_id, "team"))
