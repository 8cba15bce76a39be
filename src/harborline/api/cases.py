"""Cases over the API: open a case, read it (only the compartments the caller may see), screen,
obligations, consent, shares, notes, break-glass. A case that does not exist and one the caller
may not see answer the same 404."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from harborline.access.compartments import ALL as COMPARTMENTS
from harborline.api.auth import caller
from harborline.api.schemas import Strict
from harborline.cases import selectors as case_reads
from harborline.cases import services as cases
from harborline.cases.models import TeamRole
from harborline.people.roles import Role
from harborline.protocols.home import default_screening_instrument
from harborline.protocols.translations import printout_languages
from harborline.response import agency_screening, casefile
from harborline.response import selectors as response_reads
from harborline.response import services as response
from harborline.response.models import Obligation, Setting
from harborline.response.services import IDENTIFIERS
from harborline.sharing import services as access

from .schemas import (
    AT_LEAST_10,
    ERRORS,
    ORGANIZATION_SLUG,
    USER_EMAIL,
    Instant,
    Problem,
    installed_packs,
    non_blank,
    one_of,
    text,
)

router = Router(tags=["cases"])


# A compartment's name (access/compartments.py).
CompartmentName = Annotated[str, Field(json_schema_extra=one_of(COMPARTMENTS))]
# The youth's preferred language: a printout language (settings.LANGUAGES), "" = not recorded.
PREFERRED_LANGUAGE = (
    "The language the youth would rather read (a printout language; empty: not recorded). The "
    "printouts for the youth and the family open in it (decision 0064)."
)
PRINTOUT_LANGUAGES = ["", *(code for code, _name in printout_languages())]


class YouthIn(Strict):
    first_name: str = text(100)
    last_name: str = text(100)
    dob: date | None = Field(default=None, description="From 1990, not in the future.")
    gender: str = Field(default="", max_length=100, description="In the youth's own words.")
    pronouns: str = Field(default="", max_length=100)
    preferred_language: str = Field(
        default="", description=PREFERRED_LANGUAGE, json_schema_extra=one_of(PRINTOUT_LANGUAGES)
    )
    aliases: list[str] = []


class CaseIn(Strict):
    youth: YouthIn
    pack: str = Field(
        default="",
        description="The protocol pack the case follows (default: the installation's home "
        "pack, HARBORLINE_PACK).",
        json_schema_extra=one_of(installed_packs()),
    )


class DuplicateOut(Schema):
    id: int
    owner: str


class ElsewhereOut(Schema):
    organization: str = Field(description="Organization slug.")
    name: str


class CaseCreated(Schema):
    id: int
    owner: str
    status: str
    possible_duplicates: list[DuplicateOut] = Field(
        description="Cases whose identity you may already see that may be the same youth: the "
        "same last name and date of birth, or names and date of birth that agree on the "
        "youth's encodings despite spelling."
    )
    possible_duplicates_elsewhere: list[ElsewhereOut] = Field(
        default=[],
        description="Organizations that hold a possible record of the same youth you may not "
        "read: one entry per organization, nothing of the record (ask them to share it). "
        "Organizations whose relationship with a youth is confidential by law (advocates, "
        "health and treatment providers, defenders) are never named here (decision 0063).",
    )


class TeamMemberOut(Schema):
    organization: str
    role_on_case: str
    user: str | None
    name: str


class PrivilegedHolderOut(Schema):
    organization: str = Field(description="Organization slug.")
    name: str


class CaseOut(Schema):
    id: int
    owner: str
    status: str
    opened_at: datetime
    version: int
    access: str = Field(
        description="owner, share, team (an advocate on the case team) or break_glass"
    )
    editable: list[str] = Field(
        description="The compartments whose records you may change (identity, contacts, "
        "placement address, reference numbers); notes go into every compartment you see."
    )
    sections: dict[str, dict[str, Any]]
    team: list[TeamMemberOut]
    privileged_elsewhere: list[PrivilegedHolderOut] = Field(
        default=[],
        description="Organizations holding advocate-privileged notes on the case that let the "
        "team know they exist (told to the owner and advocates on the case team only; never the "
        "notes).",
    )


@router.post("/cases", response={201: CaseCreated, **ERRORS}, summary="Open a case for a youth")
def open_case(request: HttpRequest, payload: CaseIn) -> Status[CaseCreated]:
    actor = caller(request)
    youth = payload.youth.model_dump()
    check = case_reads.duplicate_check(
        actor,
        first_name=youth["first_name"],
        last_name=youth["last_name"],
        dob=youth["dob"].isoformat() if youth["dob"] else "",
    )
    # the screening the owner's own policy asks for a new client starts with it (decision 0065)
    case = agency_screening.open_case(actor=actor, youth=youth, pack=payload.pack)
    created = CaseCreated(
        id=case.pk,
        owner=case.owner.slug,
        status=case.status,
        possible_duplicates=[DuplicateOut(id=d.pk, owner=d.owner.slug) for d in check.readable],
        possible_duplicates_elsewhere=[
            ElsewhereOut(organization=org.slug, name=org.name) for org in check.elsewhere
        ],
    )
    return Status(201, created)


@router.get(
    "/cases/{case_id}",
    response={200: CaseOut, **ERRORS},
    summary="A case: only the compartments you may see",
)
def get_case(request: HttpRequest, case_id: int) -> CaseOut:
    detail = casefile.case_detail(caller(request), case_id)
    case = detail.case
    return CaseOut(
        id=case.pk,
        owner=case.owner.slug,
        status=case.status,
        opened_at=case.opened_at,
        version=case.version,
        access=detail.grant.via,
        editable=list(detail.grant.editable_compartments),
        sections=detail.sections,
        team=[
            TeamMemberOut(
                organization=m.organization.slug,
                role_on_case=m.role_on_case,
                user=m.user.email if m.user else None,
                name=m.name,
            )
            for m in detail.team
        ],
        privileged_elsewhere=[
            PrivilegedHolderOut(organization=slug, name=name)
            for slug, name in detail.privileged_elsewhere
        ],
    )


class ContactIn(Strict):
    kind: str = Field(default="", max_length=40, description="phone, email, caregiver, ...")
    value: str = text(200)
    note: str = Field(default="", max_length=200, description="e.g. safe to call after 6 pm")


class YouthPatch(Strict):
    version: int = Field(description="The case version you saw; a stale one gets 409.")
    # Optional, but not null: a name cannot be removed.
    first_name: non_blank(100) | SkipJsonSchema[None] = None  # type: ignore[valid-type]  # non_blank() builds an Annotated type at run time
    last_name: non_blank(100) | SkipJsonSchema[None] = None  # type: ignore[valid-type]  # non_blank() builds an Annotated type at run time
    dob: date | None = None
    gender: str | None = Field(default=None, max_length=100)
    pronouns: str | None = Field(default=None, max_length=100)
    preferred_language: (
        Annotated[str, Field(json_schema_extra=one_of(PRINTOUT_LANGUAGES))] | SkipJsonSchema[None]
    ) = Field(default=None, description=PREFERRED_LANGUAGE)
    aliases: list[str] | None = None
    contacts: list[ContactIn] | None = Field(
        default=None, description="Replaces the contacts (compartment `contact`)."
    )


class VersionOut(Schema):
    id: int
    version: int


@router.patch(
    "/cases/{case_id}/youth",
    response={200: VersionOut, 409: Problem, **ERRORS},
    summary="Change the youth's identity (optimistic concurrency: send the version you saw)",
)
def patch_youth(request: HttpRequest, case_id: int, payload: YouthPatch) -> VersionOut:
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    case = cases.update_youth(
        actor=caller(request),
        case_id=case_id,
        version=version,
        changes=changes,
    )
    return VersionOut(id=case.pk, version=case.version)


class PlacementIn(Strict):
    version: int = Field(description="The case version you saw; a stale one gets 409.")
    address: str = Field(max_length=500, description="Empty to clear it.")


@router.put(
    "/cases/{case_id}/placement",
    response={200: VersionOut, 409: Problem, **ERRORS},
    summary="Set the placement address (compartment `placement_address`)",
)
def put_placement(request: HttpRequest, case_id: int, payload: PlacementIn) -> VersionOut:
    case = cases.set_placement_address(
        actor=caller(request),
        case_id=case_id,
        version=payload.version,
        address=payload.address,
    )
    return VersionOut(id=case.pk, version=case.version)


class StatusIn(Strict):
    version: int = Field(description="The case version you saw; a stale one gets 409.")
    status: Literal["open", "closed"]
    reason: str = Field(default="", max_length=300, description="Required to close.")


@router.post(
    "/cases/{case_id}/status",
    response={200: VersionOut, 409: Problem, **ERRORS},
    summary="Close a case (with a reason) or reopen it",
)
def set_status(request: HttpRequest, case_id: int, payload: StatusIn) -> VersionOut:
    case = cases.set_status(
        actor=caller(request),
        case_id=case_id,
        version=payload.version,
        status=payload.status,
        reason=payload.reason,
    )
    return VersionOut(id=case.pk, version=case.version)


class ScreeningIn(Strict):
    instrument: str = Field(
        default="",
        description="The instrument (default: the home pack's screening instrument, e.g. "
        "Nevada's `nrit`).",
    )
    answers: dict[str, Any]
    identified_by: str = Field(
        description="The organization type that identified the youth.",
        json_schema_extra=one_of(IDENTIFIERS),
    )
    identified_at: Instant = Field(
        description="When the youth was identified (ISO 8601). Without an offset it is read in "
        "the owning organization's time zone. The clocks run from this time."
    )
    setting: str = Field(default="", json_schema_extra=one_of(["", *Setting.values]))
    urgent: bool | None = Field(
        default=None, description="null: as the protocol decides; true/false overrides it."
    )
    urgent_reason: str = ""


class ObligationOut(Schema):
    id: int
    kind: str
    title: str
    due_at: datetime
    status: str
    owner_org: str
    owner_role: str
    to_assign: bool = False  # no organization the rule names is on the case (decision 0038)
    trigger: str
    trigger_at: datetime
    # Which rule set due_at (decision 0057): the pack it comes from, the clock in words
    # ("48 hours", "2 business days (weekends and US-NV public holidays skipped)"), and whether
    # the pack's rule or the agency's policy set it.
    pack: str = ""
    clock: str = ""
    clock_set_by: str = "pack"
    version: int


class ScreeningOut(Schema):
    id: int
    outcome: str
    urgent: bool
    pack: str
    pack_version: str
    obligations: list[ObligationOut]


def _obligation(o: Obligation) -> ObligationOut:
    return ObligationOut(
        id=o.pk,
        kind=o.kind,
        title=o.title,
        due_at=o.due_at,
        status=response_reads.status_now(o),
        owner_org=o.owner_org.slug,
        owner_role=o.owner_role,
        to_assign=o.to_assign,
        trigger=o.trigger,
        trigger_at=o.trigger_at,
        pack=o.pack,
        clock=o.clock,
        clock_set_by=o.clock_set_by,
        version=o.version,
    )


@router.post(
    "/cases/{case_id}/screenings",
    response={201: ScreeningOut, **ERRORS},
    summary="Screen the youth with an instrument; starts the protocol's obligations",
)
def screen(request: HttpRequest, case_id: int, payload: ScreeningIn) -> Status[ScreeningOut]:
    screening, created = response.record_screening(
        actor=caller(request),
        case_id=case_id,
        instrument=payload.instrument or default_screening_instrument(),
        answers=payload.answers,
        identified_by=payload.identified_by,
        identified_at=payload.identified_at,
        setting=payload.setting,
        urgent=payload.urgent,
        urgent_reason=payload.urgent_reason,
    )
    out = ScreeningOut(
        id=screening.pk,
        outcome=screening.outcome,
        urgent=screening.urgent,
        pack=screening.pack,
        pack_version=screening.pack_version,
        obligations=[_obligation(o) for o in created],
    )
    return Status(201, out)


@router.get(
    "/cases/{case_id}/obligations",
    response={200: list[ObligationOut], **ERRORS},
    summary="The case's obligations and their clocks",
)
def case_obligations(request: HttpRequest, case_id: int) -> list[ObligationOut]:
    rows = response_reads.obligations_for_case(caller(request), case_id)
    return [_obligation(o) for o in rows]


class CompleteIn(Strict):
    evidence: dict[str, Any] = Field(
        description="What was done: report_number, told (who), told_at (when), note."
    )
    version: int | None = None


class WaiveIn(Strict):
    reason: str = Field(
        max_length=2000, pattern=AT_LEAST_10, description="Why it does not apply (10+ characters)."
    )
    version: int | None = None


@router.post(
    "/obligations/{obligation_id}/complete",
    response={200: ObligationOut, 409: Problem, **ERRORS},
    summary="Mark an obligation done, with its evidence",
)
def complete(request: HttpRequest, obligation_id: int, payload: CompleteIn) -> ObligationOut:
    o = response.complete_obligation(
        actor=caller(request),
        obligation_id=obligation_id,
        evidence=payload.evidence,
        version=payload.version,
    )
    return _obligation(o)


@router.post(
    "/obligations/{obligation_id}/waive",
    response={200: ObligationOut, 409: Problem, **ERRORS},
    summary="Waive an obligation with a reason (supervisors)",
)
def waive(request: HttpRequest, obligation_id: int, payload: WaiveIn) -> ObligationOut:
    o = response.waive_obligation(
        actor=caller(request),
        obligation_id=obligation_id,
        reason=payload.reason,
        version=payload.version,
    )
    return _obligation(o)


class AssignIn(Strict):
    organization: str = Field(
        min_length=1,
        max_length=100,
        description="The short name (slug) of the organization to hand it to.",
        json_schema_extra=ORGANIZATION_SLUG,
    )
    version: int | None = None


@router.post(
    "/obligations/{obligation_id}/assign",
    response={200: ObligationOut, 409: Problem, **ERRORS},
    summary="Hand an open obligation to the case owner or a case-team organization",
)
def assign(request: HttpRequest, obligation_id: int, payload: AssignIn) -> ObligationOut:
    o = response.assign_obligation(
        actor=caller(request),
        obligation_id=obligation_id,
        organization=payload.organization,
        version=payload.version,
    )
    return _obligation(o)


class ConsentIn(Strict):
    kind: Literal["youth_assent", "parent_guardian", "court"]
    given_by: str = text(200)
    recipients: list[Annotated[str, Field(json_schema_extra=ORGANIZATION_SLUG)]] = Field(
        min_length=1, description="Organization slugs."
    )
    compartments: list[CompartmentName] = Field(min_length=1)
    purpose: str = text(300)
    evidence: Literal["signed_form", "attestation"]
    evidence_reference: str = Field(default="", max_length=300)
    attestation: str = Field(default="", max_length=2000)
    given_on: date | None = None
    expires_at: Instant | None = None


class IdOut(Schema):
    id: int


@router.post(
    "/cases/{case_id}/consents",
    response={201: IdOut, **ERRORS},
    summary="Record a consent (or the youth's assent) to share",
)
def add_consent(request: HttpRequest, case_id: int, payload: ConsentIn) -> Status[IdOut]:
    consent = access.record_consent(
        actor=caller(request),
        case_id=case_id,
        **payload.model_dump(),
    )
    return Status(201, IdOut(id=consent.pk))


class RevokeIn(Strict):
    reason: str = Field(default="", max_length=300)


@router.post(
    "/consents/{consent_id}/revoke",
    response={200: IdOut, **ERRORS},
    summary="Revoke a consent: the shares resting on it end at once",
)
def revoke_consent(request: HttpRequest, consent_id: int, payload: RevokeIn | None = None) -> IdOut:
    consent = access.revoke_consent(
        actor=caller(request),
        consent_id=consent_id,
        reason=payload.reason if payload else "",
    )
    return IdOut(id=consent.pk)


class BasisIn(Strict):
    type: Literal["consent", "mandated_report", "court_order", "mou"]
    reference: str = Field(default="", max_length=200)


class ShareIn(Strict):
    organization: str = Field(json_schema_extra=ORGANIZATION_SLUG)
    role: str = Field(
        default="",
        description="Only this role in the organization (optional).",
        json_schema_extra=one_of(["", *Role.values]),
    )
    compartments: list[CompartmentName] = Field(min_length=1)
    purpose: str = text(300)
    basis: BasisIn
    expires_at: Instant
    may_edit: bool = Field(
        default=False,
        description="Also let the organization's case managers change the shared compartments' "
        "records (identity, contacts, placement address, reference numbers). Off: they read "
        "them and add notes, nothing else.",
    )


@router.post(
    "/cases/{case_id}/shares",
    response={201: IdOut, **ERRORS},
    summary="Share compartments of a case with another organization",
)
def add_share(request: HttpRequest, case_id: int, payload: ShareIn) -> Status[IdOut]:
    share = access.create_share(
        actor=caller(request),
        case_id=case_id,
        organization=payload.organization,
        role=payload.role,
        compartments=payload.compartments,
        purpose=payload.purpose,
        basis_type=payload.basis.type,
        basis_reference=payload.basis.reference,
        expires_at=payload.expires_at,
        may_edit=payload.may_edit,
    )
    return Status(201, IdOut(id=share.pk))


@router.delete(
    "/shares/{share_id}",
    response={204: None, **ERRORS},
    summary="End a share at once",
)
def delete_share(request: HttpRequest, share_id: int) -> Status[None]:
    access.end_share(actor=caller(request), share_id=share_id)
    return Status(204, None)


class NoteIn(Strict):
    compartment: CompartmentName
    text: str = text(20000)
    existence_shown: bool = Field(
        default=False,
        description="Advocate-privileged notes only (ignored elsewhere): let the owner and the "
        "advocates on the case team know your organization holds notes on the case (never "
        "their text).",
    )


@router.post(
    "/cases/{case_id}/notes",
    response={201: IdOut, **ERRORS},
    summary="Add a note to one compartment of a case",
)
def add_note(request: HttpRequest, case_id: int, payload: NoteIn) -> Status[IdOut]:
    note = cases.add_note(
        actor=caller(request),
        case_id=case_id,
        compartment=payload.compartment,
        text=payload.text,
        existence_shown=payload.existence_shown,
    )
    return Status(201, IdOut(id=note.pk))


class TeamMemberIn(Strict):
    organization: str = Field(description="Organization slug.", json_schema_extra=ORGANIZATION_SLUG)
    role_on_case: str = Field(
        description="lead, mentor_advocate, cps_worker, detective, ...",
        json_schema_extra=one_of(TeamRole.values),
    )
    user: str = Field(
        default="",
        description="A Harborline user's e-mail (a member of `organization`), or give `name`.",
        json_schema_extra=USER_EMAIL,
    )
    name: str = Field(default="", max_length=200)


@router.post(
    "/cases/{case_id}/team",
    response={201: IdOut, **ERRORS},
    summary="Add a person or organization to the case team (managers of the owning organization)",
    description="Being on the team does not let another organization read the case: share it.",
)
def add_team_member(request: HttpRequest, case_id: int, payload: TeamMemberIn) -> Status[IdOut]:
    member = cases.add_team_member(
        actor=caller(request),
        case_id=case_id,
        organization=payload.organization,
        role_on_case=payload.role_on_case,
        user_email=payload.user,
        name=payload.name,
    )
    return Status(201, IdOut(id=member.pk))


class ReferenceIn(Strict):
    kind: Literal["unity", "le_report", "ncmec_report", "court_case", "other"]
    value: str = text(100)
    note: str = Field(default="", max_length=200)


@router.post(
    "/cases/{case_id}/references",
    response={201: IdOut, **ERRORS},
    summary="Add an external reference (UNITY ID, law-enforcement or NCMEC report number, ...)",
    description="UNITY and other IDs are in the identity compartment; report and court numbers "
    "in the legal compartment.",
)
def add_reference(request: HttpRequest, case_id: int, payload: ReferenceIn) -> Status[IdOut]:
    ref = cases.add_reference(
        actor=caller(request),
        case_id=case_id,
        kind=payload.kind,
        value=payload.value,
        note=payload.note,
    )
    return Status(201, IdOut(id=ref.pk))


class BreakGlassIn(Strict):
    # The schema states the rule, but the service checks it (sharing.services.break_glass): a
    # refused attempt must be recorded in the audit log, which validation here would skip.
    reason: str = Field(
        description="Why (at least 10 characters, at most 2000).",
        json_schema_extra={"maxLength": 2000, "pattern": AT_LEAST_10},
    )


class BreakGlassOut(Schema):
    id: int
    expires_at: datetime


@router.post(
    "/cases/{case_id}/break-glass",
    response={201: BreakGlassOut, **ERRORS},
    summary="Emergency access for 4 hours, with a reason; flagged to the owning organization",
)
def break_glass(request: HttpRequest, case_id: int, payload: BreakGlassIn) -> Status[BreakGlassOut]:
    glass = access.break_glass(
        actor=caller(request),
        case_id=case_id,
        reason=payload.reason,
    )
    return Status(201, BreakGlassOut(id=glass.pk, expires_at=glass.expires_at))


class ActionIn(Strict):
    text: str = text(2000, description="What is to be done.")
    owner: str = Field(description="A user's e-mail.", json_schema_extra=USER_EMAIL)
    due_on: date


class MeetingIn(Strict):
    kind: Literal["rapid_response", "mdt_72h", "plan", "review", "event_triggered"]
    held_at: Instant
    attendees: list[Annotated[str, Field(json_schema_extra=USER_EMAIL)]] = []
    other_attendees: str = ""
    youth_participated: bool = False
    decisions: str = ""
    actions: list[ActionIn] = []


@router.post(
    "/cases/{case_id}/meetings",
    response={201: IdOut, **ERRORS},
    summary="Record an MDT meeting; it fulfils the open obligation of its kind",
)
def add_meeting(request: HttpRequest, case_id: int, payload: MeetingIn) -> Status[IdOut]:
    meeting = response.record_meeting(
        actor=caller(request),
        case_id=case_id,
        **payload.model_dump(),
    )
    return Status(201, IdOut(id=meeting.pk))
