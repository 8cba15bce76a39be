"""Task-force pages: the list, the home page a coordinator runs the month from, members and
representation, meetings with attendance and action items, imports and exports, the annual
report (page and PDF) and the personal calendar feed. Thin: parse, call a service or selector,
render. A task force the person may not read is a 404, like one that does not exist."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime
from functools import partial
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


def _load(request: HttpRequest, taskforce_id: int, do: Do = Do.READ) -> tuple[User, TaskForce]:
    """The actor and the task force they may `do` that on (NotFound, the 404 page, if not)."""
    actor = _actor(request)
    return actor, selectors.get_taskforce(actor, taskforce_id, do)


def _manage_on_post(request: HttpRequest) -> Do:
    """A page everyone who reads the task force sees, whose form only its managers send."""
    return Do.MANAGE if request.method == "POST" else Do.READ


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
    actor, taskforce = _load(request, taskforce_id, _manage_on_post(request))

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
    except DomainError as problem:  # a refusal (a protected member) is said above the list
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


def _structure(actor: User, taskforce: TaskForce) -> dict[str, Any]:
    """The structure page: leadership, subcommittees and MDTs, each form empty."""
    initial = {
        "version": taskforce.version,
        "coordinator": taskforce.coordinator.email if taskforce.coordinator else "",
        "chair": taskforce.chair.email if taskforce.chair else "",
    }
    return _common(
        actor,
        taskforce,
        lead_form=LeadershipForm(initial=initial),
        sub_form=SubcommitteeForm(taskforce=taskforce),
        mdt_form=MdtForm(prefix="mdt"),
        subcommittees=list(taskforce.subcommittees.all()),
        mdts=list(taskforce.mdts.all()),
    )


@login_required
@require_GET
def taskforce_structure_page(request: HttpRequest, taskforce_id: int) -> HttpResponse:
    actor, taskforce = _load(request, taskforce_id)
    return render(request, "web/taskforce/structure.html", _structure(actor, taskforce))


@login_required
@require_POST
def taskforce_structure(request: HttpRequest, taskforce_id: int, what: str) -> HttpResponse:
    """One of the structure page's three forms; a refused one comes back beside the others."""
    actor, taskforce = _load(request, taskforce_id, Do.MANAGE)
    page = "web/taskforce/structure.html"
    context = partial(_structure, actor, taskforce)  # drawn only on a refusal
    if what == "leadership":

        def save_leadership(data: dict[str, Any]) -> HttpResponse:
            _on_form(lambda: services.update_leadership(actor=actor, taskforce=taskforce, **data))
            taskforce.refresh_from_db()
            messages.success(request, "Coordinator and chair saved.")
            if not services.may(actor, Do.READ, taskforce):
                return redirect(reverse("web:taskforce_list"))
            return redirect(_structure_url(taskforce))

        lead = LeadershipForm(request.POST)
        return form_page(request, lead, page, context, save=save_leadership, name="lead_form")
    form: Any
    add: Callable[..., object]
    if what == "subcommittee":
        form = SubcommitteeForm(request.POST, taskforce=taskforce)
        name, add, done = "sub_form", services.add_subcommittee, "Subcommittee added."
    elif what == "mdt":
        form = MdtForm(request.POST, prefix="mdt")
        name, add, done = "mdt_form", services.add_mdt, "MDT added."
    else:
        raise Http404

    def save(data: dict[str, Any]) -> HttpResponse:
        add(actor=actor, taskforce=taskforce, **data)
        messages.success(request, done)
        return redirect(_structure_url(taskforce))

    return form_page(request, form, page, context, save=save, name=name, invalid_status=422)


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
    actor, taskforce = _load(request, taskforce_id, Do.MANAGE)
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
    actor, taskforce = _load(request, taskforce_id, _manage_on_post(request))

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


def _meeting(
    actor: User, taskforce: TaskForce, meeting: Meeting, attendance_error: str = ""
) -> dict[str, Any]:
    """The meeting page: attendance, agenda and minutes, action items, the forms empty."""
    rows, actions = selectors.meeting_sheet(actor, taskforce, meeting)
    return _common(
        actor,
        taskforce,
        meeting=meeting,
        rows=rows,
        statuses=AttendanceStatus.choices,
        notes_form=NotesForm(
            initial={
                "version": meeting.version,
                "agenda": meeting.agenda,
                "minutes": meeting.minutes,
            }
        ),
        action_form=ActionItemForm(owners=selectors.action_item_owners(taskforce)),
        actions=actions,
        attendance_error=attendance_error,
        today=timezone.localdate(),
    )


@login_required
@require_GET
def taskforce_meeting(request: HttpRequest, taskforce_id: int, meeting_id: int) -> HttpResponse:
    actor, taskforce = _load(request, taskforce_id)
    meeting = selectors.get_meeting(taskforce, meeting_id)
    return render(request, "web/taskforce/meeting.html", _meeting(actor, taskforce, meeting))


@login_required
@require_POST
def taskforce_meeting_update(
    request: HttpRequest, taskforce_id: int, meeting_id: int, what: str
) -> HttpResponse:
    """One of the meeting page's forms: agenda and minutes, attendance, a new action item."""
    actor, taskforce = _load(request, taskforce_id, Do.MANAGE)
    meeting = selectors.get_meeting(taskforce, meeting_id)
    here = reverse("web:taskforce_meeting", args=[taskforce.pk, meeting.pk])
    page = "web/taskforce/meeting.html"
    if what == "attendance":
        try:
            services.record_attendance(
                actor=actor, meeting=meeting, statuses=_statuses(request.POST)
            )
        except DomainError as problem:  # said above the sheet, which has no fields
            sheet = _meeting(actor, taskforce, meeting, attendance_error=problem.detail)
            return render(request, page, sheet, status=problem.status)
        messages.success(request, "Attendance saved.")
        return redirect(here)
    if what == "notes":

        def save_notes(data: dict[str, Any]) -> HttpResponse:
            _on_form(lambda: services.update_meeting_notes(actor=actor, meeting=meeting, **data))
            messages.success(request, "Agenda and minutes saved.")
            return redirect(here)

        form: Any = NotesForm(request.POST)
        save, name = save_notes, "notes_form"
    elif what == "action":

        def save_action(data: dict[str, Any]) -> HttpResponse:
            services.add_action_item(
                actor=actor,
                taskforce=taskforce,
                text=data["text"],
                due=data["due"],
                owner=selectors.action_item_owner(data["owner"]),
                meeting=meeting,
            )
            messages.success(request, "Action item added.")
            return redirect(here)

        form = ActionItemForm(request.POST, owners=selectors.action_item_owners(taskforce))
        save, name = save_action, "action_form"
    else:
        raise Http404
    return form_page(
        request, form, page, partial(_meeting, actor, taskforce, meeting), save=save, name=name
    )


def _statuses(posted: Any) -> dict[int, str]:
    """The attendance sheet as sent: member id -> status; with 'Mark everyone present',
    everyone on the sheet not marked otherwise in this form (issue 13, item 6)."""
    statuses: dict[int, str] = {}
    for key, value in posted.items():
        if key.startswith("status-") and isinstance(value, str) and value:
            try:
                statuses[int(key.removeprefix("status-"))] = value
            except ValueError:
                continue
    if posted.get("everyone") == "present":
        for member in posted.getlist("member"):
            if member.isdigit():
                statuses.setdefault(int(member), "present")
    return statuses


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
    actor: User, taskforce: TaskForce, report: reports.AnnualReport, conflict: bool = False
) -> dict[str, Any]:
    this_year = timezone.localdate().year
    may_write = services.may(actor, Do.WRITE_REPORT, taskforce)
    return _common(
        actor,
        taskforce,
        report=report,
        chart=mark_safe(reports.attendance_svg(report)),  # noqa: S308 - built with escape()
        kinds=reports.kinds_for(taskforce, report.kind),
        years=list(range(this_year + 1, this_year - 6, -1)),
        narrative_form=_narrative_form(report) if may_write else None,
        narrative_asks=NARRATIVE_ASKS.get(report.kind, ""),
        conflict=conflict,
        figures=[table_context(t, charts.svg(t)) for t in report.data],
        center_figures=[table_context(t, charts.svg(t)) for t in report.center],
        center_words=reports.center_words(report),
        reads_dashboards=dashboards.may_read(actor),
    )


@login_required
@require_GET
def taskforce_report(request: HttpRequest, taskforce_id: int) -> HttpResponse:
    actor, taskforce = _load(request, taskforce_id)
    report = _report(request, actor, taskforce)
    return render(request, "web/taskforce/report.html", _report_page(actor, taskforce, report))


@login_required
@require_POST
def taskforce_report_narrative(request: HttpRequest, taskforce_id: int) -> HttpResponse:
    """Save the written sections of one annual report (the coordinator and the chair)."""
    actor, taskforce = _load(request, taskforce_id, Do.WRITE_REPORT)
    kind = request.POST.get("kind") or ""
    year_text = request.POST.get("year") or ""
    if kind not in NARRATIVE_SECTIONS or not year_text.isdigit():
        raise Http404
    try:
        report = reports.annual_report(
            actor=actor, taskforce=taskforce, kind=kind, year=int(year_text)
        )
    except InvalidInput:  # a year or kind the task force has no report for
        raise Http404 from None
    sections = NARRATIVE_SECTIONS[kind]
    names = {s.field for s in sections}

    def save(data: dict[str, Any]) -> HttpResponse:
        try:
            services.save_report_narrative(
                actor=actor,
                taskforce=taskforce,
                kind=kind,
                year=report.year,
                version=data["version"],
                sections={s.field: data[s.field] for s in sections},
            )
        except Conflict as problem:
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
            context = _report_page(actor, taskforce, report, conflict=True)
            context["narrative_form"] = form
            return render(request, "web/taskforce/report.html", context, status=problem.status)
        messages.success(request, "Narrative saved. It is in the page and the PDF.")
        target = reverse("web:taskforce_report", args=[taskforce.pk])
        return redirect(f"{target}?kind={kind}&year={report.year}#r-narrative")

    return form_page(
        request,
        NarrativeForm(request.POST, sections=sections),
        "web/taskforce/report.html",
        partial(_report_page, actor, taskforce, report),
        save=save,
        aliases=lambda field: field if field in names else "",
        name="narrative_form",
    )


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
