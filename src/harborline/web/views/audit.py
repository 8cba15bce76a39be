"""Audit pages: an organization's log, and "who saw this record" for a youth it owns.

Readable by roles with `reads_org_audit` (org admins, supervisors, system admins); everyone else
gets 404. Newest first, 50 to a page, paged by sequence number (keyset) so deep pages stay fast.
Rows are shown through the humanizing layer (`web/humanize.py`): names, labels, local times."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from harborline.audit import selectors
from harborline.audit.models import AuditEvent
from harborline.people.selectors import audit_reader, chosen_org

from .. import humanize
from ..forms import AuditFilterForm
from ._util import actor

PAGE = 50


def _page(events: QuerySet[AuditEvent], before: int | None) -> tuple[list[AuditEvent], int | None]:
    if before:
        events = events.filter(seq__lt=before)
    rows = list(events[: PAGE + 1])
    older = rows[PAGE - 1].seq if len(rows) > PAGE else None
    return rows[:PAGE], older


@login_required
@require_GET
def org_audit(request: HttpRequest) -> HttpResponse:
    org = chosen_org(audit_reader(actor(request)), request.GET.get("org", ""))
    form = AuditFilterForm(request.GET or None)
    events = selectors.for_organization(org)
    before = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            events = selectors.for_organization(org, action=data["action"], person=data["person"])
            before = data["before"]
        else:
            status = 400
            events = events.none()
    rows, older = _page(events, before)
    query: dict[str, str | int] = {
        k: str(request.GET[k]) for k in ("action", "person", "org") if request.GET.get(k)
    }
    return render(
        request,
        "web/audit_org.html",
        {
            "org": org,
            "form": form,
            "rows": humanize.audit_rows(rows, org.time_zone),
            "older_url": "?" + urlencode({**query, "before": older}) if older else "",
            "newest_url": "?" + urlencode(query) if before else "",
            "org_tz": org.time_zone,
        },
        status=status,
    )


@login_required
@require_GET
def youth_audit(request: HttpRequest, youth_id: int) -> HttpResponse:
    org = audit_reader(actor(request)).organization
    try:
        before = int(request.GET.get("before", "")) or None
    except ValueError:
        before = None
    rows, older = _page(selectors.who_saw(youth_id=youth_id, owner=org), before)
    return render(
        request,
        "web/audit_youth.html",
        {
            "org": org,
            "youth_id": youth_id,
            "rows": humanize.audit_rows(rows, org.time_zone),
            "older_url": "?" + urlencode({"before": older}) if older else "",
            "newest_url": "?" if before else "",
            "org_tz": org.time_zone,
        },
    )
