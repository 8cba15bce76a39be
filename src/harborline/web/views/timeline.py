"""The youth timeline page (issue 12, item 7): a case's events in time order, as far as the
viewer may see them, with a filter by kind. Thin: the `missing.timeline` selector and a template;
NotFound (a case the viewer may not see) and InvalidInput (an unknown kind) reach
DomainErrorPages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from harborline.missing.timeline import KINDS, timeline, visible_kinds

from ._util import actor


@login_required
def page(request: HttpRequest, case_id: int) -> HttpResponse:
    kind = request.GET.get("kind", "")
    case, grant, entries = timeline(actor(request), case_id, [kind] if kind else None)
    choices = [(k, KINDS[k][0]) for k in visible_kinds(grant)]
    return render(
        request,
        "web/timeline/page.html",
        {"case": case, "entries": entries, "kind": kind, "choices": choices},
    )
