"""Pages of the service directory (issue 14): search and one service, with its capacity and
eligibility kept by those who may (directory.selectors states who). Thin: parse, call, render."""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from harborline.directory import gap_report, gaps, hsds, selectors, services, standards
from harborline.directory.forms import SearchForm, ServiceFactsForm
from harborline.directory.models import Provider
from harborline.errors import InvalidInput, NotFound
from harborline.protocols.home import home_pack_name
from harborline.protocols.models import County
from harborline.protocols.packs import get_pack

from ._util import actor as _actor
from ._util import form_page, instrument_page

PER_PAGE = 25


@login_required
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    filters = selectors.Filters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        county = data.get("county")
        filters = selectors.Filters(
            text=data.get("q") or "",
            category=data.get("category") or "",
            county=county.pk if county is not None else None,
            open_now=bool(data.get("open_now")),
        )
    found = selectors.search(filters)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/directory/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "may_read_gaps": gaps.may_read(_actor(request)),
        },
    )


@login_required
@require_GET
def gap_analysis(request: HttpRequest) -> HttpResponse:
    """Supply against demand per service category in one county, and its response plan (page,
    or PDF with ?format=pdf). Readers: directory.gaps.may_read; anyone else: not found."""
    actor = _actor(request)
    if not gaps.may_read(actor):
        raise NotFound("No such page or record, or you do not have access to it.")
    counties = list(County.objects.filter(pack=home_pack_name()).order_by("name"))
    chosen = request.GET.get("county") or (counties[0].qualified if counties else "")
    where, rows = gaps.gaps(actor, chosen)
    if request.GET.get("format") == "pdf":
        return HttpResponse(
            gap_report.pdf(where, rows),
            content_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="response-plan-{where.slug}.pdf"'},
        )
    return render(
        request,
        "web/directory/gaps.html",
        {
            "where": where,
            "counties": counties,
            "rows": [
                (r, gap_report.shown(r.referrals), gap_report.shown(r.declined)) for r in rows
            ],
            "plan": gap_report.plan(rows),
            "chart": mark_safe(gap_report.svg(rows)),  # noqa: S308 - built with escape()
            "small_cell": gaps.SMALL_CELL,
        },
    )


@login_required
@require_GET
def service(request: HttpRequest, pk: int) -> HttpResponse:
    shown = selectors.service_page(_actor(request), pk)
    return render(request, "web/directory/service.html", {"p": shown})


@login_required
@require_http_methods(["GET", "POST"])
def service_facts(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    shown = selectors.service_page(actor, pk)
    if not shown.may_edit:
        raise NotFound("No such service, or you may not change it.")
    s = shown.service
    steward = actor.membership.role in selectors.STEWARD_ROLES
    initial: dict[str, Any] = {
        "capacity": s.capacity,
        "always_open": s.always_open,
        "genders": s.genders,
        "lgbtq_affirming": s.lgbtq_affirming,
        "vetting": s.vetting,
    }
    form = ServiceFactsForm(request.POST or None, initial=initial, steward=steward)
    here = reverse("web:directory_service", args=[s.pk])

    def save(data: dict[str, Any]) -> HttpResponse:
        services.update_service(
            actor=actor,
            service_id=s.pk,
            capacity=data["capacity"],
            always_open=data["always_open"],
            genders=list(data["genders"]),
            lgbtq_affirming=data["lgbtq_affirming"],
            vetting=(data.get("vetting") or None) if steward else None,
        )
        messages.success(request, "Saved. Capacity is marked as confirmed by you, now.")
        return redirect(here)

    return form_page(
        request,
        form,
        "web/form_page.html",
        {
            "title": f"Keep {s.name} up to date",
            "intro": "Confirm capacity whenever you learn it: referrers see when and by whom it "
            "was last confirmed.",
            "submit": "Save",
            "cancel": here,
        },
        save=save,
    )


# --- provider standards -----------------------------------------------------------------------


def _provider(pk: int) -> Provider:
    provider = Provider.objects.select_related("organization").filter(pk=pk).first()
    if provider is None:
        raise NotFound("No such provider.")
    return provider


@login_required
@require_GET
def provider(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    found = _provider(pk)
    return render(
        request,
        "web/directory/provider.html",
        {
            "provider": found,
            "services": found.services.order_by("name"),
            "assessments": found.assessments.select_related("submitted_by", "reviewed_by"),
            "due_again": standards.due_again(found),
            "may_submit": standards.may_submit(actor, found),
            "may_review": standards.may_review(actor),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def provider_assess(request: HttpRequest, pk: int) -> HttpResponse:
    """The pack's standards instrument for the provider's own staff; the engine's messages
    beside the fields."""
    actor = _actor(request)
    found = _provider(pk)
    if not standards.may_submit(actor, found):
        raise NotFound("No such provider, or you may not assess it.")
    pack_name = home_pack_name()
    evidence = request.POST.get("evidence", "")

    def save(answers: dict[str, Any]) -> HttpResponse:
        standards.submit(
            actor=actor, provider_id=found.pk, pack=pack_name, answers=answers, evidence=evidence
        )
        messages.success(request, "Self-assessment submitted for review.")
        return redirect(reverse("web:directory_provider", args=[found.pk]))

    return instrument_page(
        request,
        get_pack(pack_name).instrument(standards.instrument_for(pack_name)),
        "web/directory/provider_assess.html",
        {"provider": found, "evidence": evidence},
        save=save,
        time_zone=(found.organization.time_zone if found.organization else "") or "UTC",
    )


@login_required
@require_POST
def assessment_review(request: HttpRequest, pk: int, assessment_id: int) -> HttpResponse:
    actor = _actor(request)
    try:
        standards.review(
            actor=actor,
            assessment_id=assessment_id,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
        )
    except InvalidInput as problem:
        messages.error(request, "; ".join(e.message for e in problem.errors))
    else:
        messages.success(request, "Review recorded; the provider's services show it.")
    return redirect(reverse("web:directory_provider", args=[pk]))


# --- import from the web ----------------------------------------------------------------------

UPLOAD_SALT = "harborline.directory.import"


def _staging(token: str) -> Path:
    return Path(settings.VAR_DIR) / "directory-imports" / token


@login_required
@require_http_methods(["GET", "POST"])
def import_package(request: HttpRequest) -> HttpResponse:
    """Upload → the import's report without writing (a dry run) → confirm. Directory stewards
    only; large packages belong to `harborline directory import-hsds`."""
    actor = _actor(request)
    if not standards.may_review(actor):
        raise NotFound("No such page.")
    context: dict[str, Any] = {"report": None, "token": "", "error": ""}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = "Choose a file to import"
            status = 400
        else:
            token = secrets.token_urlsafe(16)
            try:
                path = services.stage_upload(upload.name or "", upload.read(), _staging(token))
                services.ensure_taxonomies()
                context["report"] = services.import_package(path, dry_run=True)
                context["token"] = signing.dumps(
                    {"token": token, "path": str(path.relative_to(_staging(token)))},
                    salt=UPLOAD_SALT,
                )
            except (InvalidInput, hsds.PackageError) as problem:
                context["error"] = (
                    "; ".join(e.message for e in problem.errors)
                    if isinstance(problem, InvalidInput)
                    else str(problem)
                )
                shutil.rmtree(_staging(token), ignore_errors=True)
                status = 400
    return render(request, "web/directory/import.html", context, status=status)


@login_required
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not standards.may_review(actor):
        raise NotFound("No such page.")
    try:
        held = signing.loads(request.POST.get("token", ""), salt=UPLOAD_SALT, max_age=3600)
    except signing.BadSignature:
        messages.error(request, "That preview has expired: upload the package again.")
        return redirect(reverse("web:directory_import"))
    folder = _staging(str(held["token"]))
    path = folder / str(held["path"])
    if not path.exists() or folder not in path.resolve().parents:
        messages.error(request, "That preview has expired: upload the package again.")
        return redirect(reverse("web:directory_import"))
    report = services.import_package(path)
    shutil.rmtree(folder, ignore_errors=True)
    return render(request, "web/directory/import.html", {"report": report, "done": True})
