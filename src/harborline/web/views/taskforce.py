"""Task-force pages: the list, the home page a coordinator runs the month from, members and
representation, meetings with attendance and action items, imports and exports, the annual
report (page and PDF) and the personal calendar feed. Thin: parse, call a service or selector,
render. A task force the person may not read is a 404, like one that does not exist."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from harborline.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from harborline.people.models import User
from harborline.reports import charts, dashboards
from harborline.reports import taskforce as reports
from harborline.taskforce import ical, imports, selectors, services
from harborline.taskforce.forms import (
    ActionItemForm,
    LeadershipForm,
    MdtForm,
    MeetingForm,
    MemberEditForm,
    MemberForm,
    NarrativeForm,
    NotesForm,
    SubcommitteeForm,
    TaskForceForm,
    UploadForm,
)
from harborline.taskforce.models import (
    NARRATIVE_ASKS,
    NARRATIVE_SECTIONS,
    AttendanceStatus,
    Meeting,
    TaskForce,
)
from harborline.taskforce.services import Do

from ._util import actor as _actor
from ._util import form_page, show_domain_error
from .reports_dashboards import table_context


def _load(request: HttpRequest, taskforce_id: int) -> tuple[User, TaskForce]:
    actor = _actor(request)
    return actor, selectors.get_taskforce(actor, taskforce_id)


def _common(actor: User, taskforce: TaskForce, **extra: Any) -> dict[str, Any]:
    return {
        "tf": taskforce,
        "tz": taskforce.time_zone,
        "may_manage": services.may(actor, Do.MANAGE, taskforce),
        **extra,
    }


def _on_form(call: Callable[[], object]) -> None:
    """Run a service call for a form with only a hidden version: a stale version is said above
    the form (its detail), and a refusal naming a field (lifting a protection) beside it, with
    its status, instead of the bare 403 page."""
    try:
        call()
    except Conflict as problem:
        if all(e.field == "version" for e in problem.errors):
            raise Conflict(problem.detail) from problem
        raise
    except Forbidden as problem:
        if not problem.errors:
            raise
        shown = DomainError(problem.detail, errors=problem.errors)
        shown.status = problem.status
        raise shown from problem


def _home_url(taskforce: TaskForce) -> str:
    return reverse("web:taskforce_home", args=[taskforce.pk])


# --- List and create -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def taskforce_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    context = {"taskforces": list(selectors.visible_taskforces(actor))}
    if not services.may_create(actor):
        if request.method == "POST":
            raise Http404
        return render(request, "web/taskforce/list.html", {**context, "form": None})

    def save(data: dict[str, Any]) -> HttpResponse:
        taskforce = services.create_taskforce(actor=actor, **data)
        messages.success(request, f"Created {taskforce.name}. You are its coordinator.")
        return redirect(_home_url(taskforce))

    form = TaskForceForm(request.POST or None)
    return form_page(request, form, "web/taskforce/list.html", context, save=save)


# --- Home ------------------------------------------------------------------------------------


@login_required
@require_GET
def taskforce_home(request: HttpRequest, taskforce_id: int) -> HttpResponse:
    actor, taskforce = _load(request, taskforce_id)
    today = timezone.localdate()
    due = selectors.due_action_items(taskforce=taskforce, today=today)
    rep = selectors.representation(taskforce)
    return render(
        request,
        "web/taskforce/home.html",
        _common(
            actor,
            taskforce,
            next_meeting=selectors.next_meeting(taskforce),
            overdue=selectors.overdue(due, today),
            due_soon=[i for i in due if i.due >= today],
            rep=rep,
            counts=selectors.counts_by_category(taskforce),
            member_total=services.current_members(taskforce).count(),
            training=reports.training_compliance(taskforce),
            agreements=reports.agreements_summary(taskforce),
            relation=services.relation(actor, taskforce),
            subcommittees=list(taskforce.subcommittees.all()),
            mdts=list(taskforce.mdts.all()),
        ),
    )


# --- Members, representation, structure ------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def taskforce_members(request: HttpRequest, taskforce_id: int) -> HttpResponse:
    """The members and the form to add one: the organization's short name or the person's
    email go to the service as typed (services.add_member resolves them, as the API's do)."""
    actor, taskforce = _load(request, taskforce_id)
    if request.method == "POST" and not services.may(actor, Do.MANAGE, taskforce):
        raise Http404

    def save(data: dict[str, Any]) -> HttpResponse:
        category = data["category"]
        if category == "other":
            category = "other: " + data["other_category"]
        by_org = data["who"] == "organization"
        if by_org and not data["organization"].strip():
            raise InvalidInput.field("organization", "give its short name")
        if not by_org and not (data["person_name"].strip() or data["person_email"]):
            raise InvalidInput.field("person_name", "give the person's name")
        services.add_member(
            actor=actor,
            taskforce=taskforce,
            category=category,
            organization=data["organization"] if by_org else None,
            person_name="" if by_org else data["person_name"],
            person_email="" if by_org else data["person_email"],
            since=data["since"],
            protected=data["protected"],
        )
        messages.success(request, "Member added.")
        return redirect(reverse("web:taskforce_members", args=[taskforce.pk]))

    return form_page(
        request,
        MemberForm(request.POST if request.method == "POST" else None, taskforce=taskforce),
        "web/taskforce/members.html",
        _common(actor, taskforce, rows=selectors.member_rows(actor, taskforce)),
        save=save,
        aliases={"user": "person_email"},
    )


@login_required
@require_POST
def taskforce_member_end(request: HttpRequest, taskforce_id: int, member_id: int) -> HttpResponse:
    actor, taskforce = _load(request, taskforce_id)
    member, _row = selectors.get_member(actor, taskforce, member_id)
    try:
        services.update_member(
            actor=actor,
            member=member,
            version=int(request.POST.get("version") or 0),
            end_tenure=True,
        )
    except NotFound:
        raise
    except DomainError as problem:
        messages.error(request, problem.detail)
    else:
        messages.success(request, "Membership ended today.")
    return redirect(reverse("web:taskforce_members", args=[taskforce.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def taskforce_member(request: HttpRequest, taskforce_id: int, member_id: int) -> HttpResponse:
    """One member: the coordinator or chair changes the category, the end of the tenure or the
    protected flag."""
    actor, taskforce = _load(request, taskforce_id)
    member, row = selectors.get_member(actor, taskforce, member_id)
    context = _common(actor, taskforce, row=row)
    if not services.may(actor, Do.MANAGE, taskforce):
        if request.method == "POST":
            raise Http404
        return render(request, "web/taskforce/member.html", {**context, "form": None})
    form = MemberEditForm(
        request.POST if request.method == "POST" else None,
        initial=MemberEditForm.initial_for(member),
        taskforce=taskforce,
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        _on_form(
            lambda: services.update_member(
                actor=actor,
                member=member,
                version=data["version"],
                category=form.category_value(),
                until=data["until"],
                clear_until=data["until"] is None,
                protected=data["protected"],
            )
        )
        messages.success(request, "Member changed.")
        return redirect(reverse("web:taskforce_members", args=[taskforce.pk]))

    return form_page(request, form, "web/taskforce/member.html", context, save=save)


def _structure_url(taskforce: TaskForce) -> str:
    return reverse("web:taskforce_structure_page", args=[taskforce.pk])


def _structure_page(
    request: HttpRequest,
    actor: User,
    taskforce: TaskForce,
    *,
    lead_form: LeadershipForm | None = None,
    sub_form: SubcommitteeForm | None = None,
    mdt_form: MdtForm | None = None,
    status: int = 200,
) -> HttpResponse:
    initial = {
        "version": taskforce.version,
        "coordinator": taskforce.coordinator.email if taskforce.coordinator else "",
        "chair": taskforce.chair.email if taskforce.chair else "",
    }
    return render(
        request,
        "web/taskforce/structure.html",
        _common(
            actor,
            taskforce,
            lead_form=lead_form or LeadershipForm(initial=initial),
            sub_form=sub_form or SubcommitteeForm(taskforce=taskforce),
            mdt_form=mdt_form or MdtForm(prefix="mdt"),
            subcommittees=list(taskforce.subcommittees.all()),
            mdts=list(taskforce.mdts.all()),
        ),
        status=status,
    )


@login_required
@require_GET
def taskforce_structure_page(request: HttpRequest, taskforce_id: int) -> HttpResponse:
    actor, taskforce = _load(request, taskforce_id)
    return _structure_page(request, actor, taskforce)


@login_required
@require_POST
def taskforce_structure(request: HttpRequest, taskforce_id: int, what: str) -> HttpResponse:
    actor, taskforce = _load(request, taskforce_id)
    if not services.may(actor, Do.MANAGE, taskforce):
        raise Http404
    if what == "leadership":
        lead_form = LeadershipForm(request.POST)
        if not lead_form.is_valid():
            return _structure_page(request, actor, taskforce, lead_form=lead_form, status=400)
        try:
            _on_form(
                lambda: services.update_leadership(
                    actor=actor, taskforce=taskforce, **lead_form.cleaned_data
                )
            )
        except DomainError as problem:
            show_domain_error(lead_form, problem)
            return _structure_page(
                request, actor, taskforce, lead_form=lead_form, status=problem.status
            )
        taskforce.refresh_from_db()
        messages.success(request, "Coordinator and chair saved.")
        if not services.may(actor, Do.READ, taskforce):
            return redirect(reverse("web:taskforce_list"))
        return redirect(_structure_url(taskforce))
    if what == "subcommittee":
        sub_form = SubcommitteeForm(request.POST, taskforce=taskforce)
        if sub_form.is_valid():
            try:
                services.add_subcommittee(
                    actor=actor, taskforce=taskforce, name=sub_form.cleaned_data["name"]
                )
            except DomainError as problem:
                show_domain_error(sub_form, problem)
            else:
                messages.success(request, "Subcommittee added.")
                return redirect(_structure_url(taskforce))
        return _structure_page(request, actor, taskforce, sub_form=sub_form, status=422)
    if what == "mdt":
        mdt_form = MdtForm(request.POST, prefix="mdt")
        if mdt_form.is_valid():
            try:
                services.add_mdt(actor=actor, taskforce=taskforce, **mdt_form.cleaned_data)
            except DomainError as problem:
                show_domain_error(mdt_form, problem)
            else:
                messages.success(request, "MDT added.")
                return redirect(_structure_url(taskforce))
        return _structure_page(request, actor, taskforce, mdt_form=mdt_form, status=422)
    raise Http404


@login_required
@require_GET
def taskforce_representation(request: HttpRequest, taskforce_id: int) -> HttpResponse:
    actor, taskforce = _load(request, taskforce_id)
    return render(
        request,
        "web/taskforce/representation.html",
        _common(actor, taskforce, rep=selectors.representation(taskforce)),
    )


EXPORTS = {
    "members": imports.export_members,
    "representation": imports.export_representation,
    "attendance": imports.export_attendance,
}


@login_required
@require_GET
def taskforce_export(request: HttpRequest, taskforce_id: int, what: str, fmt: str) -> HttpResponse:
    actor, taskforce = _load(request, taskforce_id)
    if what not in EXPORTS or fmt not in ("csv", "xlsx"):
        raise Http404
    content, content_type = EXPORTS[what](actor=actor, taskforce=taskforce, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="taskforce-{taskforce.pk}-{what}.{fmt}"'
    )
    return response


# --- Imports (upload, preview, confirm) ------------------------------------------------------

SESSION_KEY = "taskforce_import"
MAX_HELD = 1024 * 1024  # what the session holds between preview and confirm


@login_required
@require_http_methods(["GET", "POST"])
def taskforce_import(
    request: HttpRequest, taskforce_id: int, meeting_id: int | None = None
) -> HttpResponse:
    actor, taskforce = _load(request, taskforce_id)
    if not services.may(actor, Do.MANAGE, taskforce):
        raise Http404
    meeting = None if meeting_id is None else selectors.get_meeting(taskforce, meeting_id)
    kind = "sign_in" if meeting else "members"
    columns = imports.SIGN_IN_COLUMNS if meeting else imports.member_columns(taskforce)
    context = _common(actor, taskforce, meeting=meeting, kind=kind, columns=columns)
    form = UploadForm()
    plan = None
    status = 200
    if request.method == "POST":
        confirm = request.POST.get("confirm") == "1"
        held = request.session.get(SESSION_KEY) or {}
        if confirm and held.get("key") == f"{kind}:{taskforce.pk}:{meeting_id}":
            upload, filename = base64.b64decode(held["data"]), held["name"]
        else:
            form = UploadForm(request.POST, request.FILES)
            if not form.is_valid():
                return render(
                    request, "web/taskforce/import.html", {**context, "form": form}, status=400
                )
            uploaded = form.cleaned_data["file"]
            upload, filename, confirm = uploaded.read(), uploaded.name, False
        try:
            if meeting is not None:
                plan = imports.import_sign_in(
                    actor=actor,
                    meeting=meeting,
                    upload=upload,
                    filename=filename,
                    dry_run=not confirm,
                )
            else:
                plan = imports.import_members(
                    actor=actor,
                    taskforce=taskforce,
                    upload=upload,
                    filename=filename,
                    dry_run=not confirm,
                )
        except imports.ImportRejected as rejected:
            plan = imports.Plan(problems=rejected.problems)
            status = 422
        except DomainError as problem:
            form = UploadForm()
            show_domain_error(form, problem)
            return render(
                request, "web/taskforce/import.html", {**context, "form": form}, status=422
            )
        if confirm and plan.ok:
            request.session.pop(SESSION_KEY, None)
            messages.success(request, f"Imported {len(plan.created)} row(s).")
            target = (
                reverse("web:taskforce_meeting", args=[taskforce.pk, meeting.pk])
                if meeting
                else reverse("web:taskforce_members", args=[taskforce.pk])
            )
            return redirect(target)
        if plan.ok and len(upload) <= MAX_HELD:
            request.session[SESSION_KEY] = {
                "key": f"{kind}:{taskforce.pk}:{meeting_id}",
                "name": filename,
                "data": base64.b64encode(upload).decode(),
            }
        elif not plan.ok:
            status = 422
    return render(
        request,
        "web/taskforce/import.html",
        {**context, "form": form, "plan": plan},
        status=status,
    )


# --- Meetings --------------------------------------------------------------------------------


def _local(value: datetime, tz: str) -> datetime:
    return timezone.make_aware(value.replace(tzinfo=None), ZoneInfo(tz))


@login_required
@require_http_methods(["GET", "POST"])
def taskforce_meetings(request: HttpRequest, taskforce_id: int) -> HttpResponse:
    actor, taskforce = _load(request, taskforce_id)
    if request.method == "POST" and not services.may(actor, Do.MANAGE, taskforce):
        raise Http404

    def save(data: dict[str, Any]) -> HttpResponse:
        sub = (
            taskforce.subcommittees.filter(pk=data["subcommittee"]).first()
            if data["subcommittee"]
            else None
        )
        meeting = services.create_meeting(
            actor=actor,
            taskforce=taskforce,
            title=data["title"],
            starts_at=_local(data["starts_at"], taskforce.time_zone),
            ends_at=_local(data["ends_at"], taskforce.time_zone) if data["ends_at"] else None,
            location=data["location"],
            link=data["link"],
            agenda=data["agenda"],
            subcommittee=sub,
        )
        messages.success(request, "Meeting scheduled.")
        return redirect(reverse("web:taskforce_meeting", args=[taskforce.pk, meeting.pk]))

    meetings = selectors.attendance_by_meeting(selectors.meetings(taskforce))
    return form_page(
        request,
        MeetingForm(request.POST or None, taskforce=taskforce),
        "web/taskforce/meetings.html",
        _common(actor, taskforce, meetings=meetings),
        save=save,
    )


def _meeting_page(
    request: HttpRequest,
    actor: User,
    taskforce: TaskForce,
    meeting: Meeting,
    *,
    notes_form: NotesForm | None = None,
    action_form: ActionItemForm | None = None,
    attendance_error: str = "",
    status: int = 200,
) -> HttpResponse:
    rows, actions = selectors.meeting_sheet(actor, taskforce, meeting)
    return render(
        request,
        "web/taskforce/meeting.html",
        _common(
            actor,
            taskforce,
            meeting=meeting,
            rows=rows,
            statuses=AttendanceStatus.choices,
            notes_form=notes_form
            or NotesForm(
                initial={
                    "version": meeting.version,
                    "agenda": meeting.agenda,
                    "minutes": meeting.minutes,
                }
            ),
            action_form=action_form
            or ActionItemForm(owners=selectors.action_item_owners(taskforce)),
            actions=actions,
            attendance_error=attendance_error,
            today=timezone.localdate(),
        ),
        status=status,
    )


@login_required
@require_GET
def taskforce_meeting(request: HttpRequest, taskforce_id: int, meeting_id: int) -> HttpResponse:
    actor, taskforce = _load(request, taskforce_id)
    meeting = selectors.get_meeting(taskforce, meeting_id)
    return _meeting_page(request, actor, taskforce, meeting)


@login_required
@require_POST
def taskforce_meeting_update(
    request: HttpRequest, taskforce_id: int, meeting_id: int, what: str
) -> HttpResponse:
    actor, taskforce = _load(request, taskforce_id)
    if not services.may(actor, Do.MANAGE, taskforce):
        raise Http404
    meeting = selectors.get_meeting(taskforce, meeting_id)
    here = reverse("web:taskforce_meeting", args=[taskforce.pk, meeting.pk])
    if what == "notes":
        form = NotesForm(request.POST)
        if form.is_valid():
            try:
                services.update_meeting_notes(actor=actor, meeting=meeting, **form.cleaned_data)
            except DomainError as problem:
                form.add_error(None, problem.detail)
                return _meeting_page(
                    request, actor, taskforce, meeting, notes_form=form, status=problem.status
                )
            messages.success(request, "Agenda and minutes saved.")
            return redirect(here)
        return _meeting_page(request, actor, taskforce, meeting, notes_form=form, status=400)
    if what == "attendance":
        statuses: dict[int, str] = {}
        for key, value in request.POST.items():
            if key.startswith("status-") and isinstance(value, str) and value:
                try:
                    statuses[int(key.removeprefix("status-"))] = value
                except ValueError:
                    continue
        if request.POST.get("everyone") == "present":
            # Everyone on the sheet not marked otherwise in this form (issue 13, item 6).
            for member in request.POST.getlist("member"):
                if member.isdigit():
                    statuses.setdefault(int(member), "present")
        try:
            services.record_attendance(actor=actor, meeting=meeting, statuses=statuses)
        except DomainError as problem:
            return _meeting_page(
                request,
                actor,
                taskforce,
                meeting,
                attendance_error=problem.detail,
                status=problem.status,
            )
        messages.success(request, "Attendance saved.")
        return redirect(here)
    if what == "action":
        action_form = ActionItemForm(request.POST, owners=selectors.action_item_owners(taskforce))
        if action_form.is_valid():
            data = action_form.cleaned_data
            owner = User.objects.filter(pk=data["owner"]).first() if data["owner"] else None
            try:
                services.add_action_item(
                    actor=actor,
                    taskforce=taskforce,
                    text=data["text"],
                    due=data["due"],
                    owner=owner,
                    meeting=meeting,
                )
            except DomainError as problem:
                show_domain_error(action_form, problem)
                return _meeting_page(
                    request,
                    actor,
                    taskforce,
                    meeting,
                    action_form=action_form,
                    status=problem.status,
                )
            messages.success(request, "Action item added.")
            return redirect(here)
        return _meeting_page(
            request, actor, taskforce, meeting, action_form=action_form, status=400
        )
    raise Http404


@login_required
@require_POST
def taskforce_action_done(request: HttpRequest, taskforce_id: int, item_id: int) -> HttpResponse:
    actor, taskforce = _load(request, taskforce_id)
    item = selectors.get_action_item(taskforce, item_id)
    try:
        services.set_action_item_done(
            actor=actor,
            item=item,
            done=request.POST.get("done") == "1",
            version=int(request.POST.get("version") or 0),
        )
    except DomainError as problem:
        messages.error(request, problem.detail)
    else:
        messages.success(request, "Action item updated.")
    back = request.POST.get("back") or ""
    if back == "meeting" and item.meeting_id:
        return redirect(reverse("web:taskforce_meeting", args=[taskforce.pk, item.meeting_id]))
    return redirect(_home_url(taskforce))


# --- Reports ---------------------------------------------------------------------------------


def _report(request: HttpRequest, actor: User, taskforce: TaskForce) -> reports.AnnualReport:
    kind = request.GET.get("kind") or None
    year_text = request.GET.get("year") or ""
    year = int(year_text) if year_text.isdigit() else None
    try:
        return reports.annual_report(actor=actor, taskforce=taskforce, kind=kind, year=year)
    except InvalidInput:
        return reports.annual_report(actor=actor, taskforce=taskforce)


def _narrative_form(report: reports.AnnualReport) -> NarrativeForm:
    initial: dict[str, Any] = {
        "version": report.narrative_version,
        "kind": report.kind,
        "year": report.year,
    }
    initial.update({section.field: text for section, text in report.narrative})
    return NarrativeForm(initial=initial, sections=NARRATIVE_SECTIONS[report.kind])


def _report_page(
    request: HttpRequest,
    actor: User,
    taskforce: TaskForce,
    report: reports.AnnualReport,
    *,
    narrative_form: NarrativeForm | None = None,
    conflict: bool = False,
    status: int = 200,
) -> HttpResponse:
    this_year = timezone.localdate().year
    may_write = services.may(actor, Do.WRITE_REPORT, taskforce)
    if may_write and narrative_form is None:
        narrative_form = _narrative_form(report)
    return render(
        request,
        "web/taskforce/report.html",
        _common(
            actor,
            taskforce,
            report=report,
            chart=mark_safe(reports.attendance_svg(report)),  # noqa: S308 - built with escape()
            kinds=reports.KINDS.items(),
            years=list(range(this_year + 1, this_year - 6, -1)),
            narrative_form=narrative_form if may_write else None,
            narrative_asks=NARRATIVE_ASKS.get(report.kind, ""),
            conflict=conflict,
            figures=[table_context(t, charts.svg(t)) for t in report.data],
            center_figures=[table_context(t, charts.svg(t)) for t in report.center],
            center_words=reports.CENTER_WORDS.format(year=report.center_year),
            reads_dashboards=dashboards.may_read(actor),
        ),
        status=status,
    )


@login_required
@require_GET
def taskforce_report(request: HttpRequest, taskforce_id: int) -> HttpResponse:
    actor, taskforce = _load(request, taskforce_id)
    return _report_page(request, actor, taskforce, _report(request, actor, taskforce))


@login_required
@require_POST
def taskforce_report_narrative(request: HttpRequest, taskforce_id: int) -> HttpResponse:
    """Save the written sections of one annual report (the coordinator and the chair)."""
    actor, taskforce = _load(request, taskforce_id)
    if not services.may(actor, Do.WRITE_REPORT, taskforce):
        raise Http404
    kind = request.POST.get("kind") or ""
    if kind not in NARRATIVE_SECTIONS:
        raise Http404
    sections = NARRATIVE_SECTIONS[kind]
    form = NarrativeForm(request.POST, sections=sections)
    year_text = request.POST.get("year") or ""
    if not year_text.isdigit():
        raise Http404
    try:
        report = reports.annual_report(
            actor=actor, taskforce=taskforce, kind=kind, year=int(year_text)
        )
    except InvalidInput:
        raise Http404 from None
    if not form.is_valid():
        return _report_page(request, actor, taskforce, report, narrative_form=form, status=400)
    data = form.cleaned_data
    try:
        services.save_report_narrative(
            actor=actor,
            taskforce=taskforce,
            kind=kind,
            year=report.year,
            version=data["version"],
            sections={s.field: data[s.field] for s in sections},
        )
    except DomainError as problem:
        if isinstance(problem, Conflict):
            # Keep the person's text, and let them save it deliberately over what is there now.
            fresh = request.POST.copy()
            fresh["version"] = str(report.narrative_version)
            form = NarrativeForm(fresh, sections=sections)
            form.is_valid()
            form.add_error(
                None,
                f"{problem.detail} Your text is still in the form; the text saved now is shown "
                "above it. Save again to replace it with yours.",
            )
            return _report_page(
                request,
                actor,
                taskforce,
                report,
                narrative_form=form,
                conflict=True,
                status=problem.status,
            )
        names = {s.field for s in sections}
        show_domain_error(form, problem, lambda field: field if field in names else "")
        return _report_page(
            request, actor, taskforce, report, narrative_form=form, status=problem.status
        )
    messages.success(request, "Narrative saved. It is in the page and the PDF.")
    target = reverse("web:taskforce_report", args=[taskforce.pk])
    return redirect(f"{target}?kind={kind}&year={report.year}#r-narrative")


@login_required
@require_GET
def taskforce_report_pdf(request: HttpRequest, taskforce_id: int) -> HttpResponse:
    actor, taskforce = _load(request, taskforce_id)
    report = _report(request, actor, taskforce)
    content = reports.report_pdf(report)
    services.exported(actor=actor, taskforce=taskforce, what=f"report-{report.kind}", fmt="pdf")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="taskforce-{taskforce.pk}-{report.kind}-{report.year}.pdf"'
    )
    return response


# --- Calendar feed ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def taskforce_calendar(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    link = ""
    if request.method == "POST":
        raw = services.create_calendar_feed(actor=actor)
        link = request.build_absolute_uri(reverse("web:taskforce_ical", args=[raw]))
    return render(
        request,
        "web/taskforce/calendar.html",
        {
            "link": link,
            "has_feed": selectors.has_calendar_feed(actor),
            "meetings": selectors.meetings_for_user(actor)[:20],
        },
    )


@require_GET
def taskforce_ical(request: HttpRequest, token: str) -> HttpResponse:
    """The secret calendar address: no sign-in (calendar apps cannot), the token is the key."""
    user = services.user_for_feed(token)
    response = HttpResponse(
        ical.feed_for(user, domain=request.get_host().split(":")[0] or "harborline.invalid"),
        content_type="text/calendar; charset=utf-8",
    )
    response["Cache-Control"] = "private, max-age=300"
    return response
