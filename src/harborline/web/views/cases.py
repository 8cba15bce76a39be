"""Case pages: the list, opening a case (with the possible-duplicate warning), the case page with
one section per compartment the person may see, screening, MDT meetings and the obligations
dashboard. Thin: parse, call a service or selector, render. A case the person may not see is a
404, exactly like one that does not exist.

Sharing and consent are in `cases_sharing.py`, break-glass in `cases_glass.py`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from harborline.access import compartments as c
from harborline.access.policy import Grant, grants_for, require, works_cases
from harborline.cases import selectors as case_reads
from harborline.cases import services as case_services
from harborline.cases.models import REFERENCE_COMPARTMENT, Case, ReferenceKind, TeamRole
from harborline.cases.selectors import case_for
from harborline.errors import DomainError, FieldError, Forbidden, InvalidInput, NotFound
from harborline.instruments import forms as instrument_forms
from harborline.people.models import User
from harborline.protocols.packs import Pack, get_pack
from harborline.response import selectors as response_reads
from harborline.response import services as response_services
from harborline.response.models import MeetingKind, Setting, Status
from harborline.sharing import selectors as access_reads

from ..forms_cases import (
    ACTION_ROWS,
    IDENTIFIER_LABELS,
    CompleteForm,
    EditIdentityForm,
    IdentityForm,
    MeetingForm,
    NoteForm,
    PlacementForm,
    ReferenceForm,
    ScreeningContextForm,
    TeamForm,
    WaiveForm,
    place_errors,
)
from ._util import actor as _actor
from .cases_util import local, team_people, time_left

PRIVILEGED = c.Compartment.ADVOCATE_PRIVILEGED
CONFIDENTIAL = c.Compartment.PLACEMENT_ADDRESS
SCREENING_CONTEXT = {"identified_by", "identified_at", "setting", "urgent", "urgent_reason"}


def _org_tz(actor: User) -> str:
    membership = actor.membership_or_none
    return membership.organization.time_zone if membership else "America/Los_Angeles"


def _case_url(case_id: int, anchor: str = "") -> str:
    return reverse("web:case_detail", args=[case_id]) + (f"#{anchor}" if anchor else "")


def _naive(raw: str, field_name: str) -> datetime | None:
    """A datetime-local value (no offset): the services read it in the owner's time zone."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput.field(field_name, "use a date and time like 2026-12-02 14:30") from None


def outcome_label(pack: Pack | None, instrument: str, outcome: str) -> str:
    """A screening outcome in the instrument's own words ('Confirmed')."""
    if not outcome:
        return ""
    try:
        definition = pack.instrument(instrument) if pack else None
    except NotFound:
        definition = None
    if definition is not None:
        for res in definition.results:
            if res.id == response_services.OUTCOME_RESULT:
                for option in res.options:
                    if option.value == outcome:
                        return option.label
    return outcome.replace("_", " ").capitalize()


# --- list and new --------------------------------------------------------------------------------


@dataclass
class ListRow:
    case: Case
    name: str
    outcome: str
    next_title: str
    next_due: str
    next_left: str
    overdue: bool


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    status = request.GET.get("status", "open")
    if status not in ("open", "closed", "all"):
        status = "open"
    q = request.GET.get("q", "").strip()[:120]
    dob = request.GET.get("dob", "").strip()[:10]
    query = f"{q} {dob}".strip() if q and not q.isdigit() else q
    try:
        page_no = int(request.GET.get("page", "1"))
    except ValueError:
        page_no = 1
    page, grants, names = case_reads.case_list(actor, page=page_no, status=status, q=query)
    cases = list(page.object_list)
    due = response_reads.next_due(cases, grants)
    pack = _pack("nevada")
    now = timezone.now()
    rows = []
    for case in cases:
        grant = grants[case.pk]
        name = names.get(case.pk, "")  # only where the grant sees the identity compartment
        outcome = ""
        if grant.sees("screening") and case.latest_outcome:
            outcome = outcome_label(
                pack if case.pack == "nevada" else _pack(case.pack), "nrit", case.latest_outcome
            )
        nxt = due.get(case.pk)
        left, overdue = time_left(nxt.due_at, now) if nxt else ("", False)
        rows.append(
            ListRow(
                case=case,
                name=name,
                outcome=outcome,
                next_title=nxt.title if nxt else "",
                next_due=local(nxt.due_at, case.owner.time_zone) if nxt else "",
                next_left=left,
                overdue=overdue,
            )
        )
    keep = {k: v for k, v in (("status", status), ("q", q), ("dob", dob)) if v}
    return render(
        request,
        "web/cases/list.html",
        {
            "rows": rows,
            "page": page,
            "status": status,
            "q": q,
            "dob": dob,
            "page_query": urlencode(keep),
            "may_open": works_cases(actor),
        },
    )


def _pack(name: str) -> Pack | None:
    try:
        return get_pack(name)
    except NotFound:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not works_cases(actor):
        raise Http404
    form = IdentityForm(request.POST or None)
    duplicates: list[Case] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            youth = form.youth()
            if request.POST.get("confirmed") != "1":
                duplicates = case_reads.possible_duplicates(
                    actor, last_name=youth["last_name"], dob=youth["dob"]
                )
            if not duplicates:
                try:
                    case = case_services.open_case(actor=actor, youth=youth)
                except Forbidden:
                    raise Http404 from None
                except InvalidInput as problem:
                    place_errors(form, problem)
                    status = 422
                else:
                    messages.success(request, f"Case {case.pk} opened.")
                    return redirect(_case_url(case.pk))
        else:
            status = 422
    return render(
        request,
        "web/cases/new.html",
        {"form": form, "duplicates": duplicates},
        status=status,
    )


# --- the case page -----------------------------------------------------------------------------


@dataclass
class SectionView:
    name: str
    label: str
    data: dict[str, Any]
    note_form: NoteForm
    privileged: bool = False
    confidential: bool = False


@dataclass
class ObligationView:
    id: int
    title: str
    kind: str
    status: str
    status_label: str
    due: str
    left: str
    overdue: bool
    owner: str
    owner_role: str
    pending: bool
    may_complete: bool
    may_waive: bool
    complete_form: CompleteForm | None
    waive_form: WaiveForm | None
    evidence: dict[str, Any] = field(default_factory=dict)
    waived_reason: str = ""


STATUS_LABELS = {
    Status.OPEN: "Open",
    Status.OVERDUE: "Overdue",
    Status.DONE: "Done",
    Status.WAIVED: "Waived",
}


def _on_call(case: Case) -> tuple[bool, list[Any]]:
    """Who can respond now (mentor-advocates on call for the owner's county)."""
    from harborline.mentoring.selectors import on_call_now

    owner_county = case.owner.county
    county = owner_county.slug if owner_county is not None else None
    try:
        return True, list(on_call_now(county=county))
    except DomainError:
        return False, []


def _obligation_views(
    actor: User, case: Case, overrides: dict[str, Any]
) -> tuple[list[ObligationView], bool]:
    try:
        rows = response_reads.obligations_for_case(actor, case.pk, audit=False)
    except Forbidden:  # obligations follow the screening compartment
        return [], False
    membership = actor.membership_or_none
    org_id = membership.organization_id if membership else None
    tz = case.owner.time_zone
    now = timezone.now()
    out = []
    rapid = False
    for o in rows:
        shown = response_reads.status_now(o, now)
        pending = shown in (Status.OPEN, Status.OVERDUE)
        mine = org_id == o.owner_org_id
        left, overdue = time_left(o.due_at, now) if pending else ("", False)
        if pending and o.kind == "rapid_response_mdt":
            rapid = True
        complete = waive = None
        if pending and mine:
            complete = overrides.get(f"complete:{o.pk}") or CompleteForm(
                initial={"obligation": o.pk, "version": o.version}, prefix=f"o{o.pk}"
            )
            if response_services.may_waive(actor, o):
                waive = overrides.get(f"waive:{o.pk}") or WaiveForm(
                    initial={"obligation": o.pk, "version": o.version}, prefix=f"w{o.pk}"
                )
        out.append(
            ObligationView(
                id=o.pk,
                title=o.title,
                kind=o.kind,
                status=shown,
                status_label=STATUS_LABELS.get(Status(shown), shown),
                due=local(o.due_at, tz),
                left=left,
                overdue=overdue,
                owner=o.owner_org.name,
                owner_role=o.owner_role.replace("_", " "),
                pending=pending,
                may_complete=complete is not None,
                may_waive=waive is not None,
                complete_form=complete,
                waive_form=waive,
                evidence=o.evidence if not pending else {},
                waived_reason=o.waived_reason if o.status == Status.WAIVED else "",
            )
        )
    # Overdue first, then by due time; finished ones last.
    out.sort(key=lambda v: (not v.pending, not v.overdue))
    return out, rapid


NOTES_SHOWN = 10  # the latest notes of each compartment on the case page; "show all" for more


def _case_context(actor: User, case_id: int, overrides: dict[str, Any]) -> dict[str, Any]:
    try:
        detail = case_reads.case_detail(
            actor,
            case_id,
            notes_per_compartment=NOTES_SHOWN,
            all_notes_in=str(overrides.get("all_notes_in", "")),
        )
    except NotFound:
        raise Http404 from None
    case, grant = detail.case, detail.grant
    tz = case.owner.time_zone
    pack = _pack(case.pack)
    sections = []
    for name in c.ALL:
        if name not in detail.sections:
            continue
        data = dict(detail.sections[name])
        if name == "screening":
            data["rows"] = [
                {
                    **s,
                    "title": _instrument_title(pack, s["instrument"]),
                    "outcome_label": outcome_label(pack, s["instrument"], s["outcome"]),
                    "identified_by_label": IDENTIFIER_LABELS.get(
                        s["identified_by"], s["identified_by"]
                    ),
                    "setting_label": Setting(s["setting"]).label if s["setting"] else "",
                    "at": local(s["identified_at"], tz),
                }
                for s in data.get("screenings", [])
            ]
        if name == "safety":
            data["meeting_rows"] = [
                {
                    **m,
                    "kind_label": MeetingKind(m["kind"]).label,
                    "at": local(m["held_at"], tz),
                }
                for m in data.get("meetings", [])
            ]
        for note in data.get("notes", []):
            note["at"] = local(note["created_at"], tz)
        for ref in data.get("references", []):
            ref["kind_label"] = ReferenceKind(ref["kind"]).label
        note_form = overrides.get(f"note:{name}") or NoteForm(prefix=f"n-{name}")
        sections.append(
            SectionView(
                name=name,
                label=c.LABELS[name],
                data=data,
                note_form=note_form,
                privileged=name == PRIVILEGED,
                confidential=name == CONFIDENTIAL,
            )
        )
    hidden = [c.LABELS[n] for n in c.ALL if n not in detail.sections]
    obligations, rapid = _obligation_views(actor, case, overrides)
    on_call_ok, on_call = _on_call(case) if rapid else (True, [])
    identity_form = None
    if "identity" in detail.sections and grant.edits(c.Compartment.IDENTITY):
        ident = detail.sections["identity"]
        identity_form = overrides.get("identity") or EditIdentityForm(
            initial={**ident, "aliases": "\n".join(ident["aliases"] or []), "version": case.version}
        )
    placement_form = None
    if "placement_address" in detail.sections and grant.edits(c.Compartment.PLACEMENT_ADDRESS):
        placement_form = overrides.get("placement") or PlacementForm(
            initial={"address": case.placement_address, "version": case.version}
        )
    ref_kinds = [k for k, comp in REFERENCE_COMPARTMENT.items() if grant.edits(comp)]
    reference_form = (
        overrides.get("reference") or ReferenceForm(kinds=[str(k) for k in ref_kinds])
        if ref_kinds
        else None
    )
    team_form = None
    if grant.manages:
        team_form = overrides.get("team") or TeamForm(organizations=_team_orgs(case, grant))
    banner = ""
    if grant.via == "break_glass" and grant.break_glass is not None:
        banner = local(grant.break_glass.expires_at, _org_tz(actor), "%H:%M")
    return {
        "case": case,
        "grant": grant,
        "sections": sections,
        "hidden": hidden,
        "team": detail.team,
        "team_labels": dict(TeamRole.choices),
        "obligations": obligations,
        "on_call_ok": on_call_ok,
        "on_call": on_call,
        "rapid": rapid,
        "tz": tz,
        "opened": local(case.opened_at, tz),
        "identity_form": identity_form,
        "identity_conflict": overrides.get("identity_conflict", ""),
        "placement_form": placement_form,
        "reference_form": reference_form,
        "team_form": team_form,
        "glass_until": banner,
        "editable": [c.LABELS[n].split(" (")[0].lower() for n in grant.editable_compartments],
        "may_screen": grant.sees("screening"),
        "may_meet": grant.sees("safety"),
        "name": (
            f"{detail.sections['identity']['first_name']} "
            f"{detail.sections['identity']['last_name']}"
            if "identity" in detail.sections
            else ""
        ),
    }


def _instrument_title(pack: Pack | None, instrument: str) -> str:
    try:
        return pack.instrument(instrument).title if pack else instrument
    except NotFound:
        return instrument


def _team_orgs(case: Case, grant: Grant) -> list[tuple[str, str]]:
    return [(o.slug, o.name) for o in access_reads.team_organizations(case=case, grant=grant)]


def _render_case(
    request: HttpRequest, case_id: int, *, status: int = 200, **overrides: Any
) -> HttpResponse:
    context = _case_context(_actor(request), case_id, overrides)
    return render(request, "web/cases/detail.html", context, status=status)


@login_required
@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    return _render_case(request, case_id, all_notes_in=request.GET.get("notes", "")[:40])


def _refused(problem: DomainError) -> None:
    """NotFound -> 404 page; anything else the caller shows beside its form."""
    if isinstance(problem, NotFound):
        raise Http404 from None


@login_required
@require_POST
def case_identity(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    form = EditIdentityForm(request.POST)
    if form.is_valid():
        changes = form.youth()
        try:
            case_services.update_youth(
                actor=actor,
                case_id=case_id,
                version=form.cleaned_data["version"],
                changes=changes,
            )
        except DomainError as problem:
            _refused(problem)
            if problem.status == 409:
                return _render_case(
                    request, case_id, status=409, identity=form, identity_conflict=problem.detail
                )
            place_errors(form, problem)
            return _render_case(request, case_id, status=problem.status, identity=form)
        messages.success(request, "Identity saved.")
        return redirect(_case_url(case_id, "section-identity"))
    return _render_case(request, case_id, status=422, identity=form)


@login_required
@require_POST
def case_placement(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    form = PlacementForm(request.POST)
    if form.is_valid():
        try:
            case_services.set_placement_address(
                actor=actor,
                case_id=case_id,
                version=form.cleaned_data["version"],
                address=form.cleaned_data["address"],
            )
        except DomainError as problem:
            _refused(problem)
            place_errors(form, problem)
            return _render_case(request, case_id, status=problem.status, placement=form)
        messages.success(request, "Placement address saved.")
        return redirect(_case_url(case_id, "section-placement_address"))
    return _render_case(request, case_id, status=422, placement=form)


@login_required
@require_POST
def case_note(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    compartment = request.POST.get("compartment", "")
    if compartment not in c.NAMES:
        raise Http404
    form = NoteForm(request.POST, prefix=f"n-{compartment}")
    if form.is_valid():
        try:
            case_services.add_note(
                actor=actor,
                case_id=case_id,
                compartment=compartment,
                text=form.cleaned_data["text"],
            )
        except DomainError as problem:
            _refused(problem)
            place_errors(form, problem)
            return _render_case(
                request, case_id, status=problem.status, **{f"note:{compartment}": form}
            )
        messages.success(request, f"Note added to {c.LABELS[compartment]}.")
        return redirect(_case_url(case_id, f"section-{compartment}"))
    return _render_case(request, case_id, status=422, **{f"note:{compartment}": form})


@login_required
@require_POST
def case_reference(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    form = ReferenceForm(request.POST)
    if form.is_valid():
        try:
            ref = case_services.add_reference(
                actor=actor,
                case_id=case_id,
                kind=form.cleaned_data["kind"],
                value=form.cleaned_data["value"],
                note=form.cleaned_data["note"],
            )
        except DomainError as problem:
            _refused(problem)
            place_errors(form, problem)
            return _render_case(request, case_id, status=problem.status, reference=form)
        messages.success(request, "Reference added.")
        return redirect(_case_url(case_id, f"section-{ref.compartment}"))
    return _render_case(request, case_id, status=422, reference=form)


@login_required
@require_POST
def case_team_add(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    try:
        case, grant = case_for(actor, case_id)
        organizations = _team_orgs(case, grant)
    except NotFound:
        raise Http404 from None
    except Forbidden:
        raise PermissionDenied from None
    form = TeamForm(request.POST, organizations=organizations)
    if form.is_valid():
        data = form.cleaned_data
        try:
            case_services.add_team_member(
                actor=actor,
                case_id=case_id,
                organization=data["organization"],
                role_on_case=data["role_on_case"],
                user_email=data["user_email"],
                name=data["name"],
            )
        except DomainError as problem:
            _refused(problem)
            if isinstance(problem, Forbidden):
                raise PermissionDenied from None
            place_errors(form, problem)
            return _render_case(request, case_id, status=problem.status, team=form)
        messages.success(request, "Added to the case team.")
        return redirect(_case_url(case_id, "team"))
    return _render_case(request, case_id, status=422, team=form)


@login_required
@require_POST
def case_status(request: HttpRequest, case_id: int) -> HttpResponse:
    """Close (with a reason) or reopen the case."""
    actor = _actor(request)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        case = case_services.set_status(
            actor=actor,
            case_id=case_id,
            version=version,
            status=request.POST.get("status", ""),
            reason=request.POST.get("reason", ""),
        )
    except NotFound:
        raise Http404 from None
    except Forbidden:
        raise PermissionDenied from None
    except DomainError as problem:
        messages.error(request, problem.detail)
        return redirect(_case_url(case_id))
    messages.success(request, f"Case {case.get_status_display().lower()}.")
    return redirect(_case_url(case_id))


@login_required
@require_POST
def case_team_remove(request: HttpRequest, case_id: int, member_id: int) -> HttpResponse:
    actor = _actor(request)
    try:
        case_services.remove_team_member(actor=actor, case_id=case_id, member_id=member_id)
    except NotFound:
        raise Http404 from None
    except Forbidden:
        raise PermissionDenied from None
    messages.success(request, "Removed from the case team.")
    return redirect(_case_url(case_id, "team"))


@login_required
@require_POST
def obligation_complete(request: HttpRequest, case_id: int, obligation_id: int) -> HttpResponse:
    actor = _actor(request)
    form = CompleteForm(request.POST, prefix=f"o{obligation_id}")
    key = f"complete:{obligation_id}"
    if form.is_valid():
        try:
            response_services.complete_obligation(
                actor=actor,
                obligation_id=obligation_id,
                evidence=form.evidence(),
                version=form.cleaned_data["version"],
            )
        except DomainError as problem:
            _refused(problem)
            place_errors(form, problem)
            return _render_case(request, case_id, status=problem.status, **{key: form})
        messages.success(request, "Obligation marked done.")
        return redirect(_case_url(case_id, "obligations"))
    return _render_case(request, case_id, status=422, **{key: form})


@login_required
@require_POST
def obligation_waive(request: HttpRequest, case_id: int, obligation_id: int) -> HttpResponse:
    actor = _actor(request)
    form = WaiveForm(request.POST, prefix=f"w{obligation_id}")
    key = f"waive:{obligation_id}"
    if form.is_valid():
        try:
            response_services.waive_obligation(
                actor=actor,
                obligation_id=obligation_id,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except DomainError as problem:
            _refused(problem)
            place_errors(form, problem)
            return _render_case(request, case_id, status=problem.status, **{key: form})
        messages.success(request, "Obligation waived.")
        return redirect(_case_url(case_id, "obligations"))
    return _render_case(request, case_id, status=422, **{key: form})


# --- screening --------------------------------------------------------------------------------


def _screenable(actor: User, case_id: int) -> tuple[Case, Grant, Pack]:
    try:
        case, grant = case_for(actor, case_id)
    except NotFound:
        raise Http404 from None
    try:
        require(grant, c.Compartment.SCREENING)
    except Forbidden:
        raise PermissionDenied from None
    return case, grant, get_pack(case.pack)


def youth_instruments(pack: Pack) -> list[Any]:
    """The pack's instruments about a youth, NRIT first, then by title."""
    found = [i for i in pack.instruments.values() if i.about_youth]
    return sorted(found, key=lambda i: (i.instrument != "nrit", i.title))


@login_required
@require_http_methods(["GET", "POST"])
def case_screen(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    case, grant, pack = _screenable(actor, case_id)
    choices = youth_instruments(pack)
    wanted = request.POST.get("instrument") or request.GET.get("instrument") or "nrit"
    definition = next((i for i in choices if i.instrument == wanted), choices[0])
    tz = case.owner.time_zone
    context_form = ScreeningContextForm(request.POST or None)
    answers: dict[str, Any] = {}
    errors: list[FieldError] = []
    status = 200
    if request.method == "POST":
        answers = instrument_forms.answers_from(definition, request.POST, time_zone=tz)
        if context_form.is_valid():
            data = context_form.cleaned_data
            try:
                identified_at = _naive(data["identified_at"], "identified_at")
                screening, _ = response_services.record_screening(
                    actor=actor,
                    case_id=case.pk,
                    instrument=definition.instrument,
                    answers=answers,
                    identified_by=data["identified_by"],
                    identified_at=identified_at,
                    setting=data["setting"],
                    urgent=context_form.urgent_value(),
                    urgent_reason=data["urgent_reason"],
                )
            except DomainError as problem:
                _refused(problem)
                status = problem.status
                for error in problem.errors:
                    if error.field in SCREENING_CONTEXT:
                        context_form.add_error(error.field, error.message)
                    else:
                        errors.append(error)
                if not problem.errors:
                    context_form.add_error(None, problem.detail)
            else:
                return redirect("web:case_screening", case_id=case.pk, screening_id=screening.pk)
        else:
            status = 422
    sections, summary = instrument_forms.build(definition, answers, errors)
    return render(
        request,
        "web/cases/screen.html",
        {
            "case": case,
            "pack": pack,
            "instrument": definition,
            "instruments": choices,
            "sections": sections,
            "error_summary": summary,
            "context_form": context_form,
            "tz": tz,
            "urgent_rule": _urgent_rule_words(pack),
        },
        status=status,
    )


def _urgent_rule_words(pack: Pack) -> str:
    section = pack.sections.get("obligations.yaml")
    rule = getattr(section, "urgent", None)
    if rule is None:
        return "This protocol has no urgent-response rule."
    who = ", ".join(IDENTIFIER_LABELS.get(v, v).lower() for v in rule.identified_by)
    where = ", ".join(Setting(s).label.lower() for s in rule.settings if s in Setting.values)
    words = f"The protocol treats an identification as urgent when made by {who}"
    return words + (f", or {where}." if where else ".")


@login_required
@require_GET
def screening_result(request: HttpRequest, case_id: int, screening_id: int) -> HttpResponse:
    actor = _actor(request)
    try:
        detail = case_reads.case_detail(actor, case_id)
    except NotFound:
        raise Http404 from None
    screenings = detail.sections.get("screening", {}).get("screenings", [])
    found = next((s for s in screenings if s["id"] == screening_id), None)
    if found is None:
        raise Http404
    case = detail.case
    tz = case.owner.time_zone
    pack = _pack(case.pack)
    now = timezone.now()
    started = []
    for o in response_reads.obligations_for_case(actor, case.pk, audit=False):
        if o.screening_id != screening_id:
            continue
        left, overdue = time_left(o.due_at, now)
        started.append(
            {
                "title": o.title,
                "due": local(o.due_at, tz),
                "left": left,
                "overdue": overdue and o.status in (Status.OPEN, Status.OVERDUE),
                "owner": o.owner_org.name,
                "status": STATUS_LABELS.get(Status(response_reads.status_now(o, now)), o.status),
            }
        )
    return render(
        request,
        "web/cases/screening_result.html",
        {
            "case": case,
            "s": found,
            "title": _instrument_title(pack, found["instrument"]),
            "outcome": outcome_label(pack, found["instrument"], found["outcome"]),
            "identified_by": IDENTIFIER_LABELS.get(found["identified_by"], found["identified_by"]),
            "at": local(found["identified_at"], tz),
            "obligations": started,
        },
    )


# --- MDT meetings -----------------------------------------------------------------------------


def _action_rows(post: Any, errors: dict[str, str], people: list[tuple[str, str]]) -> list[Any]:
    rows = []
    for i in range(ACTION_ROWS):
        rows.append(
            {
                "n": i,
                "text": post.get(f"action-{i}-text", "") if post else "",
                "owner": post.get(f"action-{i}-owner", "") if post else "",
                "due_on": post.get(f"action-{i}-due_on", "") if post else "",
                "text_error": errors.get(f"actions[{i}].text", ""),
                "owner_error": errors.get(f"actions[{i}].owner", ""),
                "due_error": errors.get(f"actions[{i}].due_on", ""),
                "people": people,
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def case_meeting(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    try:
        case, grant = case_for(actor, case_id)
    except NotFound:
        raise Http404 from None
    if not grant.sees(c.Compartment.SAFETY):
        raise PermissionDenied
    org_ids = {case.owner_id}
    try:
        detail_team = case_reads.case_detail(actor, case_id, audit=False).team
    except NotFound:
        raise Http404 from None
    org_ids.update(m.organization_id for m in detail_team)
    people = [
        (u.email, f"{u.full_name or u.email} ({u.membership.organization.name})")
        for u in team_people(org_ids)
    ]
    form = MeetingForm(request.POST or None, people=people)
    action_errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            actions = []
            for i in range(ACTION_ROWS):
                text = request.POST.get(f"action-{i}-text", "").strip()
                owner = request.POST.get(f"action-{i}-owner", "").strip()
                due_on = request.POST.get(f"action-{i}-due_on", "").strip()
                if text or owner or due_on:
                    actions.append({"text": text, "owner": owner, "due_on": due_on})
            try:
                held_at = _naive(data["held_at"], "held_at")
                response_services.record_meeting(
                    actor=actor,
                    case_id=case.pk,
                    kind=data["kind"],
                    held_at=held_at,
                    attendees=data["attendees"],
                    other_attendees=data["other_attendees"],
                    youth_participated=data["youth_participated"],
                    decisions=data["decisions"],
                    actions=actions,
                )
            except DomainError as problem:
                _refused(problem)
                status = problem.status
                for error in problem.errors:
                    if error.field.startswith("actions["):
                        action_errors[error.field] = error.message
                    elif error.field.startswith("attendees"):
                        form.add_error("attendees", error.message)
                    elif error.field in form.fields:
                        form.add_error(error.field, error.message)
                    else:
                        form.add_error(None, error.message)
                if not problem.errors:
                    form.add_error(None, problem.detail)
            else:
                messages.success(request, "Meeting recorded.")
                return redirect(_case_url(case.pk, "section-safety"))
        else:
            status = 422
    return render(
        request,
        "web/cases/meeting.html",
        {
            "case": case,
            "form": form,
            "rows": _action_rows(
                request.POST if request.method == "POST" else None, action_errors, people
            ),
            "action_errors": action_errors,
            "tz": case.owner.time_zone,
        },
        status=status,
    )


# --- obligations dashboard --------------------------------------------------------------------


@dataclass
class DashRow:
    case_id: int
    name: str
    title: str
    due: str
    left: str
    overdue: bool
    owner_role: str


@login_required
@require_GET
def obligations(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    scope = request.GET.get("scope", "mine")
    if scope not in ("mine", "org"):
        scope = "mine"
    board = response_reads.dashboard(actor, scope=scope)
    every = board.overdue + board.due_next
    cases = list({o.case_id: o.case for o in every}.values())
    grants = grants_for(actor, cases)
    now = timezone.now()

    def row(o: Any) -> DashRow:
        grant = grants.get(o.case_id)
        name = ""
        if grant is not None and grant.sees("identity"):
            name = f"{o.case.youth.first_name} {o.case.youth.last_name}"
        left, overdue = time_left(o.due_at, now)
        return DashRow(
            case_id=o.case_id,
            name=name,
            title=o.title,
            due=local(o.due_at, o.case.owner.time_zone),
            left=left,
            overdue=overdue,
            owner_role=o.owner_role.replace("_", " "),
        )

    return render(
        request,
        "web/cases/obligations.html",
        {
            "scope": scope,
            "overdue": [row(o) for o in board.overdue],
            "due_next": [row(o) for o in board.due_next],
        },
    )
