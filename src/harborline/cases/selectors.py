"""Every read of youth and case data: returns only what the actor may see and records the read
in the audit chain. The number of queries does not grow with the size of the case."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from harborline.access import compartments as c
from harborline.access import policy
from harborline.access.policy import NOT_FOUND, Grant, grant_for
from harborline.audit.models import Action
from harborline.audit.services import record, record_reads
from harborline.crypto.fields import blind_index, decrypt
from harborline.errors import NotFound
from harborline.people.models import User

from .models import Case, CaseTeamMember, ExternalReference, Note

PAGE_SIZE = 50
# What a list shows of a case and its youth. The name is not among them: `case_list` reads it
# still encrypted and decrypts it only where the viewer's grant sees the identity compartment.
LIST_FIELDS = (
    "id",
    "status",
    "opened_at",
    "latest_outcome",
    "pack",
    "version",
    "youth",
    "owner",
    "youth__id",
    "owner__id",
    "owner__slug",
    "owner__name",
    "owner__type",
    "owner__time_zone",
)


def case_for(actor: User, case_id: int | str) -> tuple[Case, Grant]:
    """The case (with its youth and owner) and the actor's grant, or NotFound — the same
    NotFound whether the case does not exist or the actor may not see it, so existence does not
    leak. The one way every service, selector, page and endpoint loads a single case; the rule
    itself is `access.policy.grant_for`."""
    try:
        case = Case.objects.select_related("youth", "owner").get(pk=int(case_id))
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound(NOT_FOUND) from None
    grant = grant_for(actor, case)
    if not grant:
        raise NotFound(NOT_FOUND)
    return case, grant


@dataclass
class CaseDetail:
    case: Case
    grant: Grant
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    team: list[CaseTeamMember] = field(default_factory=list)


def _note(n: Note) -> dict[str, Any]:
    return {
        "id": n.pk,
        "text": n.text,
        "author": n.author.email,
        "organization": n.author_org.name,
        "created_at": n.created_at,
    }


def case_detail(
    actor: User,
    case_id: int | str,
    *,
    audit: bool = True,
    notes_per_compartment: int | None = None,
    all_notes_in: str = "",
) -> CaseDetail:
    """The case with one section per compartment the actor may see (NotFound otherwise). With
    `notes_per_compartment`, each section holds only its latest notes (all of them for the
    compartment `all_notes_in`) and says how many there are in `notes_total`: a page stays the
    same size however long the case, in the same number of queries."""
    from harborline.response.models import MdtMeeting, Screening

    case, grant = case_for(actor, case_id)
    seen = [name for name in c.ALL if grant.sees(name)]
    sections: dict[str, dict[str, Any]] = {name: {} for name in seen}
    youth = case.youth
    if "identity" in sections:
        sections["identity"] = {
            "first_name": youth.first_name,
            "last_name": youth.last_name,
            "aliases": youth.aliases,
            "dob": youth.dob or None,
            "gender": youth.gender,
            "pronouns": youth.pronouns,
        }
    if "contact" in sections:
        sections["contact"] = {"contacts": youth.contacts}
    if "placement_address" in sections:
        sections["placement_address"] = {"address": case.placement_address}
    if "screening" in sections:
        screenings = Screening.objects.filter(case=case).order_by("-identified_at")
        sections["screening"] = {
            "latest_outcome": case.latest_outcome or None,
            "screenings": [
                {
                    "id": s.pk,
                    "instrument": s.instrument,
                    "pack": s.pack,
                    "pack_version": s.pack_version,
                    "outcome": s.outcome,
                    "identified_by": s.identified_by,
                    "identified_at": s.identified_at,
                    "setting": s.setting,
                    "urgent": s.urgent,
                }
                for s in screenings
            ],
        }
    refs = [r for r in ExternalReference.objects.filter(case=case) if grant.sees(r.compartment)]
    for r in refs:
        sections[r.compartment].setdefault("references", []).append(
            {"id": r.pk, "kind": r.kind, "value": r.value, "note": r.note}
        )
    notes = Note.objects.filter(case=case, compartment__in=seen)
    if notes_per_compartment is not None:
        # Ids and compartments only (nothing decrypted), then the rows to show.
        shown: list[int] = []
        totals: dict[str, int] = {}
        for pk, compartment in notes.order_by("-created_at", "-pk").values_list(
            "pk", "compartment"
        ):
            totals[compartment] = totals.get(compartment, 0) + 1
            if compartment == all_notes_in or totals[compartment] <= notes_per_compartment:
                shown.append(pk)
        for compartment, total in totals.items():
            sections[compartment]["notes_total"] = total
        notes = Note.objects.filter(pk__in=shown)
    for n in notes.select_related("author", "author_org").order_by("-created_at", "-pk"):
        sections[n.compartment].setdefault("notes", []).append(_note(n))
    if "safety" in sections:
        meetings = (
            MdtMeeting.objects.filter(case=case)
            .prefetch_related("attendees", "actions__owner")
            .order_by("-held_at")
        )
        sections["safety"]["meetings"] = [
            {
                "id": m.pk,
                "kind": m.kind,
                "held_at": m.held_at,
                "youth_participated": m.youth_participated,
                "attendees": [u.email for u in m.attendees.all()],
                "other_attendees": m.other_attendees,
                "decisions": m.decisions,
                "actions": [
                    {
                        "text": a.text,
                        "owner": a.owner.email,
                        "due_on": a.due_on,
                        "done": a.done_at is not None,
                    }
                    for a in m.actions.all()
                ],
            }
            for m in meetings
        ]
    team = list(
        CaseTeamMember.objects.filter(case=case, active=True).select_related("organization", "user")
    )
    if audit:
        record(
            actor=actor,
            action=Action.VIEW,
            obj=case,
            owner_org=case.owner,
            youth_id=case.youth_id,
            compartments=seen,
            purpose=grant.purpose,
            legal_basis=grant.legal_basis,
        )
    return CaseDetail(case=case, grant=grant, sections=sections, team=team)


def visible_cases(actor: User) -> QuerySet[Case]:
    """Cases the actor may open at all: the access rule's SQL form (access.policy)."""
    return policy.visible_cases(actor, Case.objects.all())


def case_list(
    actor: User, *, page: int = 1, status: str = "open", q: str = ""
) -> tuple[Page[Case], dict[int, Grant], dict[int, str]]:
    """One page of the cases the actor may see, their grants, and the youth's name for the
    cases whose identity the actor sees (absent otherwise: only those names are decrypted).
    Every listed youth is recorded as read (one audit event each, one insert)."""
    cases: QuerySet[Case] = (
        visible_cases(actor)
        .select_related("youth", "owner")
        .only(*LIST_FIELDS)
        # The names come out still encrypted; only those the viewer may see are decrypted.
        .annotate(
            _first_name=Cast("youth__first_name", TextField()),
            _last_name=Cast("youth__last_name", TextField()),
        )
        .order_by("-opened_at", "-pk")
    )
    if status in ("open", "closed"):
        cases = cases.filter(status=status)
    if q.strip():
        if q.strip().isdigit():
            cases = cases.filter(pk=int(q.strip()))
        else:
            cases = cases.filter(_name_filter(q))
    paged = Paginator(cases, PAGE_SIZE).get_page(page)
    listed = list(paged.object_list)
    grants = policy.grants_for(actor, listed)
    names = {
        case.pk: f"{_clear(case._first_name)} {_clear(case._last_name)}".strip()
        for case in listed
        if grants[case.pk].sees(c.Compartment.IDENTITY)
    }
    record_reads(
        actor=actor,
        reads=[
            (
                case,
                case.owner,
                case.youth_id,
                [n for n in ("identity", "screening") if grants[case.pk].sees(n)],
            )
            for case in listed
        ],
        purpose="case list",
    )
    return paged, grants, names


def _clear(stored: str | None) -> str:
    return decrypt(stored) if stored else ""


def _name_filter(q: str) -> Q:
    """Search by last name, or last name and date of birth ('Lastname 2009-04-17'): exact
    matches (case, spaces and accents aside) through the blind indexes, since names are
    encrypted."""
    parts = q.split()
    dob = next((p for p in parts if len(p) == 10 and p[4] == "-"), "")
    name = " ".join(p for p in parts if p != dob)
    if dob:
        return Q(youth__name_dob_key=blind_index(name, dob))
    return Q(youth__last_name_key=blind_index(name))


def possible_duplicates(actor: User, *, last_name: str, dob: str) -> list[Case]:
    """Cases with the same last name and date of birth, among those whose identity the actor
    may already see — never a hint that another organization knows the youth."""
    if not last_name.strip():
        return []
    from harborline.access.policy import grants_for

    key = blind_index(last_name, dob or "")
    candidates = list(
        visible_cases(actor).filter(youth__name_dob_key=key).select_related("youth", "owner")[:20]
    )
    grants = grants_for(actor, candidates)
    return [case for case in candidates if grants[case.pk].sees("identity")][:10]
