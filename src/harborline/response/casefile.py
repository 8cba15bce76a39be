"""One read of a whole case, for the case page and the API's GET /cases/{id} (issue 11).

It sits above `cases` (the youth's record, notes, references, team: `cases.selectors`) and
`response` (screenings, MDT meetings, obligations), so neither has to reach into the other:
access is worked out once (`cases.selectors.case_for`), each table is read once whatever the
length of the case, and the read is recorded in the audit chain once, naming every compartment
it showed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, cast

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
    rows = list(
        Screening.objects.filter(case=case)
        .order_by("-identified_at")
        .values(
            "id",
            "instrument",
            "pack",
            "pack_version",
            "outcome",
            "identified_by",
            "identified_at",
            "setting",
            "urgent",
        )
    )
    return cast(list[dict[str, Any]], rows)  # the typed rows of values(), as plain dicts


def _meetings(case: Case) -> list[dict[str, Any]]:
    """The case's MDT meetings, latest first, with their attendees (by email) and action items:
    three queries of plain rows (one when there are no meetings), no model instances."""
    meetings = list(
        MdtMeeting.objects.filter(case=case)
        .order_by("-held_at")
        .values("id", "kind", "held_at", "youth_participated", "other_attendees", "decisions")
    )
    if not meetings:
        return []
    ids = [m["id"] for m in meetings]
    attendees: dict[int, list[str]] = defaultdict(list)
    through = MdtMeeting.attendees.through.objects.filter(mdtmeeting_id__in=ids)
    for meeting_id, email in through.order_by("user__email").values_list(
        "mdtmeeting_id", "user__email"
    ):
        attendees[meeting_id].append(email)
    actions: dict[int, list[dict[str, Any]]] = defaultdict(list)
    items = ActionItem.objects.filter(meeting_id__in=ids).order_by("pk")
    for meeting_id, text, owner, due_on, done_at in items.values_list(
        "meeting_id", "text", "owner__email", "due_on", "done_at"
    ):
        actions[meeting_id].append(
            {"text": text, "owner": owner, "due_on": due_on, "done": done_at is not None}
        )
    return [
        {
            **m,
            "attendees": attendees[m["id"]],
            "actions": actions[m["id"]],
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
