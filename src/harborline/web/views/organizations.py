"""The installation's organizations, for system administrators: the list (what each does, its
county, the region the home pack counts it in, its time zone) and registering an agency. Anyone
else gets 404: the page does not exist for them. The service (`people.services.
create_organization`) checks the right again and records the registration in the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from harborline.people import services
from harborline.people.forms import OrganizationForm
from harborline.people.models import Organization, User
from harborline.people.roles import Role
from harborline.protocols.home import home_pack

from ._util import actor as _actor
from ._util import form_page


def _system_admin(request: HttpRequest) -> User:
    actor = _actor(request)
    membership = actor.membership_or_none
    if membership is None or not membership.is_active or membership.role != Role.SYSTEM_ADMIN:
        raise Http404
    return actor


@login_required
@require_GET
def organization_list(request: HttpRequest) -> HttpResponse:
    _system_admin(request)
    rows = Organization.objects.select_related("county", "region").order_by("name")
    return render(
        request,
        "web/organizations.html",
        {"organizations": rows, "pack": home_pack()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_new(request: HttpRequest) -> HttpResponse:
    actor = _system_admin(request)

    def save(data: dict[str, Any]) -> HttpResponse:
        org = services.create_organization(
            actor=actor,
            slug=data["slug"],
            name=data["name"],
            type=data["type"],
            county=data["county"],
        )
        where = f" in {org.county.name}, {org.region.name}" if org.county and org.region else ""
        messages.success(request, f"{org.name} is registered{where}.")
        return redirect(reverse("web:organizations") + f"#org-{org.slug}")

    return form_page(
        request,
        OrganizationForm(request.POST if request.method == "POST" else None),
        "web/organization_new.html",
        {"pack": home_pack()},
        save=save,
    )
