"""Training pages: the catalogue per pack, training events (attendance, completion, the
survivor-speaker checklist, evaluations), a person's training record, compliance per task
force, agency, county and region (with exports), and roster imports.

Thin: forms parse, services write, selectors read. Someone who may not see a page gets 404."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from harborline import tabular
from harborline.errors import DomainError, InvalidInput, NotFound
from harborline.people.models import Organization, User
from harborline.protocols.models import County, Region
from harborline.protocols.packs import get_pack
from harborline.training import permissions, selectors, services
from harborline.training.catalogue import default_pack, training_of, training_packs, yearly_minimums
from harborline.training.forms import AttendanceForm, EventForm, ImportForm, RecordForm
from harborline.training.models import TrainingEvent

from ._util import actor as _actor
from ._util import form_page, instrument_page, show_domain_error

IMPORT_SALT = "harborline.training.import"
EXPORT_FORMATS = ("csv", "xlsx")


def _pack_or_404(pack: str) -> Any:
    try:
        return training_of(pack)
    except InvalidInput:
        raise Http404 from None


# --- overview and catalogue ------------------------------------------------------------------
@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    membership = actor.membership_or_none
    org = membership.organization if membership else None
    return render(
        request,
        "web/training/index.html",
        {
            "packs": [(p, get_pack(p).manifest.title) for p in training_packs()],
            "events": selectors.events_for(actor)[:20],
            "may_create_event": permissions.may_create_event(actor),
            "may_view_agency": org is not None and permissions.may_view_agency(actor, org),
            "may_view_area": permissions.may_view_area(actor),
            "taskforces": selectors.taskforces_for(actor),
            "org": org,
            "may_import": permissions.may_create_event(actor),
        },
    )


@login_required
@require_GET
def catalogue(request: HttpRequest, pack: str) -> HttpResponse:
    training = _pack_or_404(pack)
    competencies = {c.code: c.title for c in training.competencies}
    return render(
        request,
        "web/training/catalogue.html",
        {
            "pack": get_pack(pack),
            "training": training,
            "courses": [
                {
                    "course": c,
                    "competencies": [(code, competencies.get(code, "")) for code in c.competencies],
                }
                for c in training.courses
            ],
        },
    )


# --- events ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not permissions.may_create_event(actor):
        raise Http404
    membership = actor.membership_or_none
    initial = {"pack": default_pack(membership.organization if membership else None)}

    def save(data: dict[str, Any]) -> HttpResponse:
        event = services.create_event(actor=actor, **data)
        messages.success(request, "The training event was created.")
        return redirect("web:training_event", event_id=event.pk)

    form = EventForm(request.POST or None, initial=initial)
    return form_page(
        request, form, "web/training/event_form.html", {}, save=save, invalid_status=422
    )


def _event_context(actor: User, event: TrainingEvent) -> dict[str, Any]:
    return {
        **selectors.event_page(actor, event),
        "evaluation_pack": services.evaluation_pack(event),
        "attendance_form": AttendanceForm(),
    }


@login_required
@require_GET
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    actor = _actor(request)
    event = selectors.event_for(actor, event_id)
    return render(request, "web/training/event.html", _event_context(actor, event))


@login_required
@require_POST
def event_attendance(request: HttpRequest, event_id: int) -> HttpResponse:
    actor = _actor(request)
    event = selectors.event_for(actor, event_id)
    if not permissions.may_manage_event(actor, event):
        raise NotFound()

    def save(data: dict[str, Any]) -> HttpResponse:
        services.record_attendance(actor=actor, event_id=event.pk, **data)
        messages.success(request, f"{data['person']} was added to the attendance.")
        return redirect("web:training_event", event_id=event.pk)

    return form_page(
        request,
        AttendanceForm(request.POST),
        "web/training/event.html",
        partial(_event_context, actor, event),
        save=save,
        name="attendance_form",
        invalid_status=422,
    )


@login_required
@require_POST
def event_checklist(request: HttpRequest, event_id: int) -> HttpResponse:
    actor = _actor(request)
    event = selectors.event_for(actor, event_id)
    try:
        version = int(request.POST.get("version", "0"))
        services.update_speaker_checklist(
            actor=actor, event_id=event.pk, done=request.POST.getlist("step"), version=version
        )
    except ValueError:
        raise Http404 from None
    except NotFound:
        raise
    except DomainError as problem:  # a refusal is said above the checklist
        messages.error(request, problem.detail)
    else:
        messages.success(request, "The survivor-speaker checklist was saved.")
    return redirect(reverse("web:training_event", args=[event.pk]) + "#speaker")


@login_required
@require_http_methods(["GET", "POST"])
def event_evaluate(request: HttpRequest, event_id: int) -> HttpResponse:
    actor = _actor(request)
    event, pack = selectors.event_to_evaluate(actor, event_id)
    found = get_pack(pack)

    def save(answers: dict[str, Any]) -> HttpResponse:
        services.submit_evaluation(actor=actor, event_id=event.pk, answers=answers)
        messages.success(request, "Thank you: your evaluation was stored anonymously.")
        return redirect("web:training_event", event_id=event.pk)

    return instrument_page(
        request,
        found.instrument(services.EVALUATION_INSTRUMENT),
        "web/training/evaluate.html",
        {"event": event},
        save=save,
        time_zone=found.manifest.time_zone,
        answers={
            "program_title": event.title,
            "program_sponsor": event.organization.name,
            "program_date": event.starts_on.isoformat(),
            "instructors": event.trainers,
        },
        refusal=True,
    )


# --- a person's record -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def person_record(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = _actor(request)
    person = selectors.person_for(actor, person_id)
    may_record = permissions.may_record(actor, person)
    if request.method == "POST" and not may_record:
        raise NotFound()
    membership = person.membership_or_none
    pack = default_pack(membership.organization if membership else None)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.record_training(actor=actor, person=person, **data)
        messages.success(request, "The training was recorded.")
        return redirect("web:training_person", person_id=person.pk)

    context = {
        "person": person,
        "records": selectors.records_of(person),
        "hours": selectors.hours_by_year(person),
        "may_record": may_record,
        "yearly_minimums": yearly_minimums(pack),
    }
    form = RecordForm(request.POST or None, initial={"pack": pack})
    return form_page(
        request, form, "web/training/person.html", context, save=save, invalid_status=422
    )


# --- compliance ------------------------------------------------------------------------------
def _compliance_page(
    request: HttpRequest,
    *,
    title: str,
    pack: str,
    results: list[selectors.RequirementResult],
    owner: Organization | None,
    pack_choice: bool,
) -> HttpResponse:
    fmt = request.GET.get("format", "")
    if fmt:
        if fmt not in EXPORT_FORMATS:
            raise Http404
        content, content_type = selectors.compliance_export(
            _actor(request), title=title, pack=pack, results=results, owner=owner, fmt=fmt
        )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="training-compliance.{fmt}"'
        return response
    return render(
        request,
        "web/training/compliance.html",
        {
            "title": title,
            "pack": pack,
            "pack_title": get_pack(pack).manifest.title,
            "packs": [(p, get_pack(p).manifest.title) for p in training_packs()]
            if pack_choice
            else [],
            "results": results,
            "short": sum(1 for r in results if not r.met),
            "today": timezone.localdate(),
        },
    )


def _pack_param(request: HttpRequest, default: str) -> str:
    pack = request.GET.get("pack") or default
    _pack_or_404(pack)
    return pack


@login_required
@require_GET
def compliance_index(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    counties, regions = selectors.areas_for(actor)
    return render(
        request,
        "web/training/compliance_index.html",
        {
            "taskforces": selectors.taskforces_for(actor),
            "org": selectors.own_agency(actor),
            "counties": counties,
            "regions": regions,
        },
    )


@login_required
@require_GET
def compliance_taskforce(request: HttpRequest, taskforce_id: int) -> HttpResponse:
    actor = _actor(request)
    taskforce = selectors.taskforce_for(actor, taskforce_id)
    try:
        results = selectors.compliance_summary(taskforce=taskforce)
    except InvalidInput:  # a pack with no training section
        raise Http404 from None
    return _compliance_page(
        request,
        title=taskforce.name,
        pack=taskforce.pack,
        results=results,
        owner=None,
        pack_choice=False,
    )


@login_required
@require_GET
def compliance_agency(request: HttpRequest, slug: str) -> HttpResponse:
    actor = _actor(request)
    org = selectors.agency_for(actor, slug)
    pack = _pack_param(request, default_pack(org))
    results = selectors.compliance_for(pack=pack, organizations=[org])
    return _compliance_page(
        request, title=org.name, pack=pack, results=results, owner=org, pack_choice=True
    )


@login_required
@require_GET
def compliance_county(request: HttpRequest, county_id: int) -> HttpResponse:
    county = selectors.county_for(_actor(request), county_id)
    return _area_page(request, county)


@login_required
@require_GET
def compliance_region(request: HttpRequest, region_id: int) -> HttpResponse:
    region = selectors.region_for(_actor(request), region_id)
    return _area_page(request, region)


def _area_page(request: HttpRequest, area: County | Region) -> HttpResponse:
    pack = _pack_param(request, area.pack)
    results = selectors.area_compliance(area, pack)
    return _compliance_page(
        request, title=area.name, pack=pack, results=results, owner=None, pack_choice=True
    )


# --- import and export -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_roster(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not permissions.may_create_event(actor):
        raise Http404
    form = ImportForm()
    context: dict[str, Any] = {"form": form, "columns": services.IMPORT_COLUMNS}
    status = 200
    if request.method == "POST" and request.POST.get("intent") == "confirm":
        try:
            payload = signing.loads(request.POST.get("payload", ""), salt=IMPORT_SALT, max_age=3600)
            if payload.get("actor") != actor.pk:
                raise signing.BadSignature
            rows = [services.ImportRow(**row) for row in payload["rows"]]
            created = services.import_records(actor=actor, rows=rows, pack=payload.get("pack", ""))
        except (signing.BadSignature, KeyError, TypeError):
            messages.error(request, "The preview expired or was changed. Upload the file again.")
            return redirect("web:training_import")
        except DomainError as problem:
            messages.error(request, f"Nothing was imported. {problem.detail}")
            return redirect("web:training_import")
        messages.success(request, f"{len(created)} training records were imported.")
        return redirect("web:training_import")
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        context["form"] = form
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            pack = form.cleaned_data["pack"] or ""
            try:
                if upload.size > tabular.MAX_BYTES:
                    raise InvalidInput.field(
                        "file", "The file is larger than 5 MB. Split it and try again."
                    )
                preview = services.preview_import(
                    actor=actor, upload=upload.read(), filename=upload.name, pack=pack
                )
            except DomainError as problem:
                show_domain_error(form, problem)
            else:
                status = 200 if preview.ok else 422
                context["preview"] = preview
                if preview.ok:
                    context["payload"] = signing.dumps(
                        {
                            "actor": actor.pk,
                            "pack": pack,
                            "rows": [row.__dict__ for row in preview.rows],
                        },
                        salt=IMPORT_SALT,
                        compress=True,
                    )
    return render(request, "web/training/import.html", context, status=status)


@login_required
@require_GET
def export_records(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    fmt = request.GET.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        raise Http404
    content, content_type = selectors.records_export(actor, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="training-records.{fmt}"'
    return response
