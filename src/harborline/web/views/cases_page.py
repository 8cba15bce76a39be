"""The case page: one section per compartment the person may see, the obligations and their
clocks, the case team, and the forms that change them. One read (`response.casefile.
case_detail`: access worked out once, each table read once, one audit record), then this
module turns it into what the template shows. The forms on the page post to the views in
cases_record.py, cases_team.py and cases_obligations.py, which come back here (`case_form`)
to show an error beside its field. A case the person may not see is a 404, exactly like one
that does not exist (DomainErrorPages)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import get_template
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from harborline.access import compartments as c
from harborline.access.policy import Grant
from harborline.cases.models import REFERENCE_COMPARTMENT, Case, ReferenceKind, TeamRole
from harborline.errors import DomainError, Forbidden, NotFound
from harborline.people.models import User
from harborline.protocols.translations import printout_languages
from harborline.response import casefile
from harborline.response import selectors as response_reads
from harborline.response import services as response_services
from harborline.response.agency_screening import sign_choices
from harborline.response.models import MeetingKind, Setting, Status
from harborline.sharing import selectors as sharing_reads

from ..forms_cases import (
    IDENTIFIER_LABELS,
    AssignForm,
    CompleteForm,
    EditIdentityForm,
    NoteForm,
    PlacementForm,
    PrivilegedNoteForm,
    ReferenceForm,
    TeamForm,
    WaiveForm,
    place_errors,
)
from ..templatetags.hl_urls import hl_url
from ._util import actor as _actor
from .cases_util import STATUS_LABELS, instrument_title, local, org_tz, outcome_label, time_left

PRIVILEGED = c.Compartment.ADVOCATE_PRIVILEGED
CONFIDENTIAL = c.Compartment.PLACEMENT_ADDRESS
NOTES_SHOWN = 10  # the latest notes of each compartment on the case page; "show all" for more


@dataclass
class SectionView:
    name: str
    label: str
    data: dict[str, Any]
    note_form: NoteForm | None  # None: its disclosure is filled in from NOTE_DISCLOSURES
    privileged: bool = False
    confidential: bool = False
    folded: bool = False  # only notes, and none yet: one line (issue 13, phone-first)
    note_html: str = ""  # the "Add a note" disclosure, when filled in from NOTE_DISCLOSURES


# Sections that hold only notes (the others show the youth's record, screenings, plans or the
# privileged-note warning, whatever their notes).
NOTES_ONLY = frozenset(c.ALL) - {
    "identity",
    "contact",
    "placement_address",
    "screening",
    "safety",
    PRIVILEGED,
}


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
    to_assign: bool = False
    assign_form: AssignForm | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    waived_reason: str = ""


def _on_call(case: Case) -> tuple[bool, list[Any]]:
    """Who can respond now (mentor-advocates on call for the owner's county)."""
    from harborline.mentoring.selectors import on_call_now

    owner_county = case.owner.county
    # pack/slug: a county name several packs have (Clark) is never ambiguous this way.
    county = owner_county.qualified if owner_county is not None else None
    try:
        return True, list(on_call_now(county=county))
    except DomainError:
        return False, []


def _obligation_views(
    actor: User, detail: casefile.CaseDetail, overrides: dict[str, Any]
) -> tuple[list[ObligationView], bool]:
    """The obligations read with the case (none for those who do not see its screening
    compartment), with the forms the actor may use on them."""
    membership = actor.membership_or_none
    org_id = membership.organization_id if membership else None
    tz = detail.case.owner.time_zone
    now = timezone.now()
    team = [m.organization for m in detail.team]
    out = []
    rapid = False
    for o in detail.obligations:
        shown = response_reads.status_now(o, now)
        pending = shown in (Status.OPEN, Status.OVERDUE)
        mine = org_id == o.owner_org_id
        left, overdue = time_left(o.due_at, now) if pending else ("", False)
        if pending and o.kind == "rapid_response_mdt":
            rapid = True
        complete = waive = assign = None
        if pending and mine:
            offered = response_services.assign_candidates(o, detail.case.owner, team)
            if offered:
                assign = (
                    overrides.get(f"assign:{o.pk}")
                    or AssignForm(
                        initial={"obligation": o.pk, "version": o.version}, prefix=f"a{o.pk}"
                    )
                ).offer(offered)
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
                to_assign=pending and o.to_assign,
                assign_form=assign,
                evidence=o.evidence if not pending else {},
                waived_reason=o.waived_reason if o.status == Status.WAIVED else "",
            )
        )
    # Overdue first, then by due time; finished ones last.
    out.sort(key=lambda v: (not v.pending, not v.overdue))
    return out, rapid


def _section_views(detail: casefile.CaseDetail, overrides: dict[str, Any]) -> list[SectionView]:
    tz = detail.case.owner.time_zone
    pack = detail.pack
    sections = []
    for name in c.ALL:
        if name not in detail.sections:
            continue
        data = dict(detail.sections[name])
        if name == "screening":
            data["rows"] = [
                {
                    **s,
                    "title": instrument_title(pack, s["instrument"]),
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
                {**m, "kind_label": MeetingKind(m["kind"]).label, "at": local(m["held_at"], tz)}
                for m in data.get("meetings", [])
            ]
        if name == "identity":
            data["preferred_language_label"] = dict(printout_languages()).get(
                data.get("preferred_language") or "", ""
            )
        for note in data.get("notes", []):
            note["at"] = local(note["created_at"], tz)
        for ref in data.get("references", []):
            ref["kind_label"] = ReferenceKind(ref["kind"]).label
        override = overrides.get(f"note:{name}")
        sections.append(
            SectionView(
                name=name,
                label=c.LABELS[name],
                data=data,
                # No form to build when its disclosure is kept (NOTE_DISCLOSURES).
                note_form=override
                or (None if _note_key(name) in NOTE_DISCLOSURES else _note_form(name)),
                privileged=name == PRIVILEGED,
                confidential=name == CONFIDENTIAL,
                folded=name in NOTES_ONLY
                and not data.get("notes")
                and not data.get("references")
                and override is None,
            )
        )
    return sections


def team_orgs(case: Case, grant: Grant) -> list[tuple[str, str]]:
    return sharing_reads.team_organizations(case=case, grant=grant)


def case_context(actor: User, case_id: int, overrides: dict[str, Any]) -> dict[str, Any]:
    """Everything the case page shows, from one read of the case. `overrides` holds the forms
    a refused post sends back (by key: "identity", "placement", "reference", "team",
    "note:<compartment>", "complete:<id>", "waive:<id>") and `all_notes_in`, the compartment
    whose notes are all shown."""
    detail = casefile.case_detail(
        actor,
        case_id,
        notes_per_compartment=NOTES_SHOWN,
        all_notes_in=str(overrides.get("all_notes_in", "")),
        obligations=True,
    )
    case, grant = detail.case, detail.grant
    tz = case.owner.time_zone
    obligations, rapid = _obligation_views(actor, detail, overrides)
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
            initial={
                "address": detail.sections["placement_address"]["address"],
                "version": case.version,
            }
        )
    ref_kinds = [k for k, comp in REFERENCE_COMPARTMENT.items() if grant.edits(comp)]
    reference_form = (
        overrides.get("reference") or ReferenceForm(kinds=[str(k) for k in ref_kinds])
        if ref_kinds
        else None
    )
    team_form = None
    if grant.manages:
        team_form = overrides.get("team") or TeamForm(organizations=team_orgs(case, grant))
    banner = ""
    if grant.via == "break_glass" and grant.break_glass is not None:
        banner = local(grant.break_glass.expires_at, org_tz(actor), "%H:%M")
    identity = detail.sections.get("identity")
    return {
        "case": case,
        "grant": grant,
        "sections": _section_views(detail, overrides),
        "hidden": [c.LABELS[n] for n in c.ALL if n not in detail.sections],
        "privileged_elsewhere": [name for _, name in detail.privileged_elsewhere],
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
        # the pack lists warning signs an agency's policy may screen on (decision 0065)
        "may_record_sign": grant.sees("screening") and bool(sign_choices(case)),
        "may_meet": grant.sees("safety"),
        "name": f"{identity['first_name']} {identity['last_name']}" if identity else "",
    }


# The "Add a note" disclosure of a section whose note form nobody has sent is the same HTML on
# every case page and for every viewer but for two values: the page's CSRF token and the
# case's note address. Rendered once per process from web/cases/_add_note.html (Jinja2, still
# its one source) with a marker for each, then filled in: ten includes, error summaries and note
# fields a page were ~2 ms of template time (docs/benchmarks.md, third round). Keyed by
# everything the partial reads; nothing of a case, a youth or a viewer is in it
# (tests/web/test_case_note_fragments.py).
NOTE_DISCLOSURES: dict[tuple[type, str, str, str, bool], str] = {}  # by _note_key
_URL_MARK, _TOKEN_MARK = "hl-note-url-mark", "hl-csrf-token-mark"


def _note_form(name: str) -> NoteForm:
    return (PrivilegedNoteForm if name == PRIVILEGED else NoteForm)(prefix=f"n-{name}")


def _note_key(name: str) -> tuple[type, str, str, str, bool]:
    """Everything web/cases/_add_note.html reads of an unsent note form's section."""
    form_class = PrivilegedNoteForm if name == PRIVILEGED else NoteForm
    return (form_class, f"n-{name}", name, c.LABELS[name], name == PRIVILEGED)


def _note_disclosure(section: SectionView, note_url: str, token: str) -> SafeString | None:
    form = section.note_form
    if form is not None and form.is_bound:
        return None  # sent back with its errors: rendered by the include, as sent
    key = _note_key(section.name)
    html = NOTE_DISCLOSURES.get(key)
    if html is None:
        if form is None:
            section.note_form = _note_form(section.name)
        html = get_template("web/cases/_add_note.html", using="jinja2").render(
            {"s": section, "note_url": _URL_MARK, "csrf_input": _csrf_field(_TOKEN_MARK)}
        )
        NOTE_DISCLOSURES[key] = html
    filled = html.replace(_URL_MARK, conditional_escape(note_url))
    return mark_safe(filled.replace(_TOKEN_MARK, conditional_escape(token)))  # noqa: S308 - the template's output, the two values escaped


def _csrf_field(token: str) -> SafeString:
    """The hidden CSRF input, as `{% csrf_token %}` and Jinja2's `csrf_input` make it, for a
    given token: the page's one token (each `get_token` call masks the secret afresh), or the
    note fragments' marker."""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


def render_case(
    request: HttpRequest, case_id: int, *, status: int = 200, **overrides: Any
) -> HttpResponse:
    """The page's body in Jinja2 (web/jinja2/web/cases/detail_body.html, decision 0066), placed
    in web/base.html, the one layout, by the Django template web/cases/detail.html."""
    context = case_context(_actor(request), case_id, overrides)
    # One token for the whole page, as the context processor's would be.
    token = context["csrf_token"] = get_token(request)
    context["csrf_input"] = _csrf_field(token)
    note_url = context["note_url"] = hl_url("web:case_note", context["case"].pk)
    for section in context["sections"]:
        section.note_html = _note_disclosure(section, note_url, token) or ""
        if not section.note_html and section.note_form is None:
            section.note_form = _note_form(section.name)  # for the include
    body = get_template("web/cases/detail_body.html", using="jinja2").render(context)
    page = {"case": context["case"], "csrf_token": token, "body": mark_safe(body)}  # noqa: S308 - autoescaped Jinja2
    return render(request, "web/cases/detail.html", page, status=status)


@login_required
@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    return render_case(request, case_id, all_notes_in=request.GET.get("notes", "")[:40])


def case_form(
    request: HttpRequest,
    case_id: int,
    form: forms.Form,
    key: str,
    save: Callable[[dict[str, Any]], HttpResponse],
) -> HttpResponse:
    """The form -> service -> re-render pattern (web/views/_util.form_page) for the forms that
    live on the case page: a valid form's cleaned data goes to `save` (the service, then a
    redirect); a DomainError from it is shown beside the form's fields and the case page comes
    back with the error's status, the form as sent under `key` (see `case_context`); a form
    the browser sent wrong comes back with 422. NotFound and Forbidden are not the form's
    business: DomainErrorPages answers 404 and 403."""
    status = 422
    if form.is_valid():
        try:
            return save(form.cleaned_data)
        except (NotFound, Forbidden):
            raise
        except DomainError as problem:
            place_errors(form, problem)
            status = problem.status
    return render_case(request, case_id, status=status, **{key: form})
