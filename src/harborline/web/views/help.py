"""Help: the home pack's hotlines, emergency services and service finders (issue 14, item 8),
linked from every signed-in page, each entry with the pack's "verify before use" flag when its
source is dated."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from harborline.protocols.home import home_pack

KINDS = (
    ("hotline", "Hotlines and helplines"),
    ("emergency_service", "Emergency services"),
    ("shelter", "Shelters"),
    ("drop_in", "Drop-in centers"),
    ("service_finder", "Finding services"),
)


@login_required
@require_GET
def hotlines(request: HttpRequest) -> HttpResponse:
    pack = home_pack()
    reference = pack.section("reference.yaml")
    contacts = list(getattr(reference, "contacts", []) or [])
    groups = [
        (label, [c for c in contacts if c.kind == kind])
        for kind, label in KINDS
        if any(c.kind == kind for c in contacts)
    ]
    return render(
        request, "web/help_hotlines.html", {"groups": groups, "pack": pack.manifest.title}
    )
