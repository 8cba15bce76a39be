"""Audit pages: an organization's log, and "who saw this record" for a youth it owns.

Readable by roles with `reads_org_audit` (org admins, supervisors, system admins); everyone else
gets 404. Newest first, 50 to a page, paged by sequence number (keyset) so deep pages stay fast.
Rows are shown through the humanizing layer (`web/humanize.py`): names, labels, local times."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from harborline.audit import selectors
from harborline.audit.models import AuditEvent
from harborline.people.models import Membership

from .. import humanize
from ..forms import AuditFilterForm
from ._util import actor
from .users import chosen_org

PAGE = 50


def _reader(request: HttpRequest) -> Membership:
    """The membership of someone who may read the organization's audit log, or 404."""
    user = actor(request)
    membership = user.membership_or_none
    rules = user.rules
    if membership is None or rules is None or not rules.reads_org_audit:
        raise Http404
    return membership


def _page(events: QuerySet[AuditEvent], before: int | None) -> tuple[list[AuditEvent], int | None]:
    if before:
        events = events.filter(seq__lt=before)
    rows = list(events[: PAGE + 1])
    older = rows[PAGE - 1].seq if len(rows) > PAGE else None
    return rows[:PAGE], older


@login_required
@require_GET
def org_audit(request: HttpRequest) -> HttpResponse:
    org = chosen_org(_reader(request), request.GET.get("org", ""))
    form = AuditFilterForm(request.GET or None)
    events = selectors.for_organization(org)
    before = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            if form.cleaned_data["action"]:
                events = events.filter(action=form.cleaned_data["action"])
            if form.cleaned_data["person"]:
                events = events.filter(actor_email=form.cleaned_data["person"])
            before = form.cleaned_data["before"]
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
    org = _reader(request).organization
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
