"""One read of a whole case, for the case page and the API's GET /cases/{id} (issue 11).

It sits above `cases` (the youth's record, notes, references, team: `cases.selectors`) and
`response` (screenings, MDT meetings, obligations), so neither has to reach into the other:
access is worked out once (`cases.selectors.case_for`), each table is read once whatever the
length of the case, and the read is recorded in the audit chain once, naming every compartment
it showed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from harborline.access import compartments as c
from harborline.access.policy import Grant
from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.cases.models import Case, CaseTeamMember
from harborline.cases.selectors import case_for, case_sections
from harborline.errors import NotFound
from harborline.people.models import User
from harborline.protocols import home
from harborline.protocols.packs import Pack, get_pack

from .models import ActionItem, MdtMeeting, Obligation, Screening


@dataclass
class CaseDetail:
    """A case as one actor may see it: one section per compartment their grant sees, the case
    team and, when asked for and the grant sees the screening compartment, the obligations."""

    case: Case
    grant: Grant
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    team: list[CaseTeamMember] = field(default_factory=list)
    obligations: list[Obligation] = field(default_factory=list)
    pack: Pack | None = None  # the case's protocol pack (None if it is no longer installed)
    # (slug, name) of other holders of privileged notes who let the team know (cases.selectors)
    privileged_elsewhere: list[tuple[str, str]] = field(default_factory=list)


def case_detail(
    actor: User,
    case_id: int | str,
    *,
    audit: bool = True,
    notes_per_compartment: int | None = None,
    all_notes_in: str = "",
    obligations: bool = False,
) -> CaseDetail:
    """The case with one section per compartment the actor may see (NotFound otherwise, the
    same for a missing case). Notes as `cases.selectors.case_sections` reads them; with
    `obligations`, the case's obligations too (those who see its screening compartment:
    obligations follow from screenings). The number of queries does not grow with the case."""
    case, grant = case_for(actor, case_id)
    own = case_sections(
        case, grant, notes_per_compartment=notes_per_compartment, all_notes_in=all_notes_in
    )
    sections = own.sections
    if c.Compartment.SCREENING in sections:
        sections["screening"].update(
            latest_outcome=case.latest_outcome or None, screenings=_screenings(case)
        )
    if c.Compartment.SAFETY in sections:
        sections["safety"]["meetings"] = _meetings(case)
    rows: list[Obligation] = []
    if obligations and grant.sees(c.Compartment.SCREENING):
        rows = list(case.obligations.select_related("owner_org").order_by("due_at", "pk"))
    if audit:
        record(
            actor=actor,
            action=Action.VIEW,
            obj=case,
            owner_org=case.owner,
            youth_id=case.youth_id,
            compartments=list(sections),
            purpose=grant.purpose,
            legal_basis=grant.legal_basis,
        )
    return CaseDetail(
        case=case,
        grant=grant,
        sections=sections,
        team=own.team,
        obligations=rows,
        pack=_pack(case.pack),
        privileged_elsewhere=own.privileged_elsewhere,
    )


def _screenings(case: Case) -> list[dict[str, Any]]:
    return [
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
        for s in Screening.objects.filter(case=case).order_by("-identified_at")
    ]


def _meetings(case: Case) -> list[dict[str, Any]]:
    meetings = (
        MdtMeeting.objects.filter(case=case)
        .prefetch_related(
            Prefetch("attendees", queryset=User.objects.only("id", "email")),
            Prefetch(
                "actions",
                queryset=ActionItem.objects.select_related("owner").only(
                    "id", "meeting_id", "text", "due_on", "done_at", "owner__email"
                ),
            ),
        )
        .order_by("-held_at")
    )
    return [
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


def _pack(name: str) -> Pack | None:
    try:
        return get_pack(name)
    except NotFound:
        return None


def screening_instrument(pack: Pack | None) -> str:
    """The instrument a youth is screened with unless the person picks another
    (`protocols.home.screening_instrument`; "" when the pack has none or is not loaded). The
    words of a case's latest outcome are this instrument's."""
    if pack is None:
        return ""
    return home.screening_instrument(pack)
