"""One read of a whole case, for the case page and the API's GET /cases/{id} (issue 11).

It sits above `cases` (the youth's record, notes, references, team: `cases.selectors`) and
`response` (screenings, MDT meetings, obligations), so neither has to reach into the other:
access is worked out once (`cases.selectors.case_for`), each table is read once whatever the
length of the case, and the read is recorded in the audit chain once, naming every compartment
it showed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from harborline.access import compartments as c
from harborline.access.policy import Grant
from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.cases.models import Case, CaseTeamMember
from harborline.cases.selectors import case_for, case_sections, db_date, db_datetime
from harborline.crypto.fields import decrypt
from harborline.errors import NotFound
from harborline.people.models import Organization, User
from harborline.protocols import home
from harborline.protocols.packs import Pack, get_pack

from .models import Obligation


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
        rows = _obligations(case)
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


# The case's screenings, latest first (parameter: the case id).
SCREENINGS = (
    "SELECT id, instrument, pack, pack_version, outcome, identified_by, identified_at, setting, "
    'urgent FROM "response_screening" WHERE case_id = %s ORDER BY identified_at DESC'
)
# Its MDT meetings, latest first (the case id); their attendees' e-mails and their action
# items (the meetings' ids, as many placeholders as meetings).
MEETINGS = (
    "SELECT id, kind, held_at, youth_participated, other_attendees, decisions "
    'FROM "response_mdtmeeting" WHERE case_id = %s ORDER BY held_at DESC'
)
ATTENDEES = (
    'SELECT a.mdtmeeting_id, u.email FROM "response_mdtmeeting_attendees" a '
    'INNER JOIN "people_user" u ON u.id = a.user_id WHERE a.mdtmeeting_id IN ({}) '
    "ORDER BY u.email"
)
ACTIONS = (
    'SELECT i.meeting_id, i.text, u.email, i.due_on, i.done_at FROM "response_actionitem" i '
    'INNER JOIN "people_user" u ON u.id = i.owner_id WHERE i.meeting_id IN ({}) ORDER BY i.id'
)


# The case's obligations, by due time, each with its carrier's organization (the case id).
OBLIGATIONS = (
    "SELECT o.*, g.id AS carrier_id, g.slug AS carrier_slug, g.name AS carrier_name, "
    "g.type AS carrier_type, g.is_active AS carrier_is_active "
    'FROM "response_obligation" o INNER JOIN "people_organization" g ON g.id = o.owner_org_id '
    "WHERE o.case_id = %s ORDER BY o.due_at, o.id"
)
CARRIER_FIELDS = ["id", "slug", "name", "type", "is_active"]


def _obligations(case: Case) -> list[Obligation]:
    """The case's obligations (whole rows, as models) with `owner_org` loaded: its id, slug,
    name, type and whether it is active (any other field loads when asked for)."""
    rows = list(Obligation.objects.raw(OBLIGATIONS, [case.pk]))
    for o in rows:
        values = [getattr(o, f"carrier_{name}") for name in CARRIER_FIELDS]
        values[-1] = bool(values[-1])
        o.owner_org = Organization.from_db(o._state.db, CARRIER_FIELDS, values)
    return rows


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _screenings(case: Case) -> list[dict[str, Any]]:
    """The case's screenings, latest first, as plain rows. Fixed SQL (SCREENINGS), like the
    other reads of this module that run on every request of the case page: the ORM spent
    more Python building these few fixed queries than the database spent running them
    (docs/benchmarks.md, third round); tests/response/test_casefile_sql.py checks each against
    the same read through the ORM."""
    names = ("id", "instrument", "pack", "pack_version", "outcome", "identified_by")
    return [
        {
            **dict(zip(names, row[:6], strict=True)),
            "identified_at": db_datetime(row[6]),
            "setting": row[7],
            "urgent": bool(row[8]),
        }
        for row in _rows(SCREENINGS, [case.pk])
    ]


def _meetings(case: Case) -> list[dict[str, Any]]:
    """The case's MDT meetings, latest first, with their attendees (by email) and action items:
    three statements of plain rows (one when there are no meetings), no model instances."""
    meetings = [
        {
            "id": pk,
            "kind": kind,
            "held_at": db_datetime(held_at),
            "youth_participated": bool(took_part),
            "other_attendees": _clear(others),
            "decisions": _clear(decisions),
        }
        for pk, kind, held_at, took_part, others, decisions in _rows(MEETINGS, [case.pk])
    ]
    if not meetings:
        return []
    ids = [m["id"] for m in meetings]
    marks = ", ".join(["%s"] * len(ids))
    attendees: dict[int, list[str]] = defaultdict(list)
    for meeting_id, email in _rows(ATTENDEES.format(marks), ids):
        attendees[meeting_id].append(email)
    actions: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for meeting_id, text, owner, due_on, done_at in _rows(ACTIONS.format(marks), ids):
        actions[meeting_id].append(
            {
                "text": _clear(text),
                "owner": owner,
                "due_on": db_date(due_on),
                "done": done_at is not None,
            }
        )
    return [
        {
            **m,
            "attendees": attendees[m["id"]],
            "actions": actions[m["id"]],
        }
        for m in meetings
    ]


def _clear(stored: str | None) -> str:
    """An encrypted column read by SQL, as the field gives it: "" stays "" (crypto.fields)."""
    return decrypt(stored) if stored else (stored or "")


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
