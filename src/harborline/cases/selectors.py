"""Every read of youth and case data: returns only what the actor may see and records the read
in the audit chain. The number of queries does not grow with the size of the case."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from harborline.access import compartments as c
from harborline.access import policy
from harborline.access.policy import NOT_FOUND, Grant, grant_for
from harborline.audit.models import Action
from harborline.audit.services import record, record_reads
from harborline.crypto.fields import blind_index, decrypt
from harborline.errors import NotFound
from harborline.people.models import Organization, User

from . import encodings
from .models import REFERENCE_COMPARTMENT, Case, CaseTeamMember, ReferenceKind

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
    membership = actor.membership_or_none
    if membership is not None and membership.organization_id == case.owner_id:
        # The actor's organization owns the case: the row just read is theirs, so the access
        # rule and the audit record need not read it again.
        membership.organization = case.owner
    grant = grant_for(actor, case)
    if not grant:
        raise NotFound(NOT_FOUND)
    return case, grant


def preferred_language(actor: User, case: Case, grant: Grant | None = None) -> str:
    """The language the youth prefers for what they are given to read (a printout language code,
    decision 0064), for an actor who sees the youth's identity, the compartment it belongs to;
    "" when it is not recorded or the actor does not see it (a printout's first language would
    otherwise tell the receiving side of a referral, or a share without identity, what it is).
    `grant`: the actor's grant on the case when the caller has it from `case_for`. For a page or
    printout that records its own read of the case."""
    grant = grant_for(actor, case) if grant is None else grant
    if not grant.sees(c.Compartment.IDENTITY):
        return ""
    return str(case.youth.preferred_language or "")


@dataclass
class CaseSections:
    """What the cases app itself holds of one case, one section per compartment the grant sees
    (screenings and MDT meetings belong to `response`, which adds them: response/casefile.py),
    and — for an actor the access rule tells (`Grant.told_of_privileged`) — (slug, name) of the
    other organizations that hold advocate-privileged notes on the case and let the team know
    (never the notes)."""

    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    team: list[CaseTeamMember] = field(default_factory=list)
    privileged_elsewhere: list[tuple[str, str]] = field(default_factory=list)


def readable_notes(grant: Grant) -> tuple[str, list[Any]]:
    """The notes `grant` may read, of the compartments it sees — advocate-privileged ones only
    of the holding organizations it names (access.policy; decision 0043) — as a condition on
    `cases_note` in SQL with its parameters (`_notes` reads notes in one statement)."""
    seen = [name for name in c.ALL if grant.sees(name)]
    if not seen:
        return "1 = 0", []
    marks = ", ".join(["%s"] * len(seen))
    holders = sorted(grant.privileged_holders)
    if not holders:
        return f"(compartment IN ({marks}) AND compartment <> %s)", [*seen, PRIVILEGED]
    held = ", ".join(["%s"] * len(holders))
    return (
        f"(compartment IN ({marks}) AND (compartment <> %s OR author_org_id IN ({held})))",
        [*seen, PRIVILEGED, *holders],
    )


PRIVILEGED = c.Compartment.ADVOCATE_PRIVILEGED.value


@dataclass(frozen=True)
class _NoteRow:
    id: int
    compartment: str
    created_at: datetime
    stored: str  # the ciphertext, "" for a note the grant may not read
    readable: bool
    author: str
    organization: str
    organization_slug: str
    total: int


def _notes(
    case: Case, grant: Grant, *, notes_per_compartment: int | None, all_notes_in: str
) -> list[_NoteRow]:
    """The notes `case_sections` shows, latest first, in one SQL statement: those the grant
    reads (`readable_notes`) and, for a grant told of them, one row per other holder of
    advocate-privileged notes that let the team know (ranked apart, by holder; their text is
    never read). With `notes_per_compartment`, only each compartment's latest notes (and every
    note of `all_notes_in`), each row carrying how many its compartment has, ranked in the
    database by window functions (SQLite 3.25+ and PostgreSQL), so the rows read do not grow
    with the case.

    Written in SQL rather than through the ORM because this is the case page's one costly
    read: building and compiling the window query was ~4 ms of Python per request, running
    it ~0.1 ms (docs/benchmarks.md, third round). tests/cases/test_case_notes_sql.py checks it
    against the same read through the ORM for every kind of reader."""
    readable, readable_params = readable_notes(grant)
    wanted, wanted_params = readable, list(readable_params)
    if grant.told_of_privileged:
        wanted = f"({readable} OR (compartment = %s AND existence_shown = %s))"
        wanted_params += [PRIVILEGED, True]
    # The partition: a compartment, and another holder's privileged notes apart, by holder.
    apart = f"compartment, CASE WHEN {readable} THEN 0 ELSE author_org_id END"
    # Fixed SQL and %s placeholders only: every value below is a parameter.
    ranked = (
        "SELECT id, compartment, created_at, author_id, author_org_id, "  # noqa: S608
        f"CASE WHEN {readable} THEN text ELSE '' END AS stored, "
        f"CASE WHEN {readable} THEN 1 ELSE 0 END AS readable, "
        f"ROW_NUMBER() OVER (PARTITION BY {apart} ORDER BY created_at DESC, id DESC) AS row_no, "
        f"COUNT(*) OVER (PARTITION BY {apart}) AS total "
        f'FROM "cases_note" WHERE case_id = %s AND {wanted}'
    )
    params: list[Any] = [
        *readable_params,  # stored
        *readable_params,  # readable
        *readable_params,  # row_no's partition
        *readable_params,  # total's partition
        case.pk,
        *wanted_params,
    ]
    # Of another holder's notes, one row says enough: that they exist.
    keep = "WHERE (n.readable = 1 OR n.row_no = 1)"
    if notes_per_compartment is not None:
        keep += " AND (n.row_no <= %s"
        params.append(notes_per_compartment)
        if all_notes_in:
            keep += " OR n.compartment = %s"
            params.append(all_notes_in)
        keep += ")"
    sql = (
        "SELECT n.id, n.compartment, n.created_at, n.stored, n.readable, u.email, o.name, "  # noqa: S608
        f"o.slug, n.total FROM ({ranked}) n "
        'INNER JOIN "people_user" u ON u.id = n.author_id '
        'INNER JOIN "people_organization" o ON o.id = n.author_org_id '
        f"{keep} ORDER BY n.created_at DESC, n.id DESC"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        _NoteRow(pk, name, db_datetime(at), stored or "", bool(ok), email, org, slug, total)
        for pk, name, at, stored, ok, email, org, slug, total in rows
    ]


def db_datetime(value: datetime | str) -> datetime:
    """A timestamp read by SQL as the ORM gives it: aware, in UTC (SQLite may hand back text,
    PostgreSQL an aware datetime)."""
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            raise ValueError(value)
        value = parsed
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def db_date(value: date | str) -> date:
    """A date read by SQL as the ORM gives it (SQLite may hand back text)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


# A case's external reference numbers (parameter: the case id), and the address of its
# current placement — `Case.placement_address` (cases.models.current_placement: the placement
# not ended, latest started) reading only the address: fixed SQL, as `_notes`, since the case
# page asks both on every request (tests/cases/test_case_notes_sql.py checks them against the
# models).
REFERENCES = (
    'SELECT id, kind, value, note FROM "cases_externalreference" WHERE case_id = %s ORDER BY id'
)
PLACEMENT_ADDRESS = (
    'SELECT address FROM "cases_placement" WHERE case_id = %s AND ended_on IS NULL '
    "ORDER BY started_on DESC, id DESC LIMIT 1"
)


def _placement_address(case: Case) -> str:
    with connection.cursor() as cursor:
        cursor.execute(PLACEMENT_ADDRESS, [case.pk])
        row = cursor.fetchone()
    return decrypt(row[0]) if row and row[0] else ""


def case_sections(
    case: Case,
    grant: Grant,
    *,
    notes_per_compartment: int | None = None,
    all_notes_in: str = "",
) -> CaseSections:
    """The case's own record, for a caller that has the case and the actor's grant from
    `case_for` and records the read itself: one section per compartment the grant sees, with
    the youth's identity, contacts, placement address, external references, notes, and the
    case team. With `notes_per_compartment`, each section holds only its latest notes (all of
    them for the compartment `all_notes_in`) and says how many there are in `notes_total`, in
    the same single query: a page stays the same size however long the case. The same query
    finds which other organizations let the team know they hold privileged notes, reading
    neither their text (it is never decrypted) nor more than one of their rows per holder."""
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
            "preferred_language": youth.preferred_language,
        }
    if "contact" in sections:
        sections["contact"] = {"contacts": youth.contacts}
    if "placement_address" in sections:
        sections["placement_address"] = {"address": _placement_address(case)}
    with connection.cursor() as cursor:
        cursor.execute(REFERENCES, [case.pk])
        for pk, kind, value, note in cursor.fetchall():
            compartment = REFERENCE_COMPARTMENT[ReferenceKind(kind)]
            if compartment not in sections:
                continue
            sections[compartment].setdefault("references", []).append(
                {"id": pk, "kind": kind, "value": decrypt(value) if value else value, "note": note}
            )
    elsewhere: set[tuple[str, str]] = set()
    for n in _notes(
        case, grant, notes_per_compartment=notes_per_compartment, all_notes_in=all_notes_in
    ):
        if not n.readable:
            elsewhere.add((n.organization_slug, n.organization))
            continue
        section = sections[n.compartment]
        section.setdefault("notes", []).append(
            {
                "id": n.id,
                "text": decrypt(n.stored),
                "author": n.author,
                "organization": n.organization,
                "created_at": n.created_at,
            }
        )
        if notes_per_compartment is not None:
            section["notes_total"] = n.total
    return CaseSections(
        sections=sections,
        team=case_team(case),
        privileged_elsewhere=sorted(elsewhere, key=lambda slug_name: slug_name[1]),
    )


# A case's active team with each member's organization and user (the case id, True).
TEAM = (
    "SELECT m.*, o.slug AS org_slug, o.name AS org_name, o.type AS org_type, "
    "o.is_active AS org_is_active, u.email AS user_email, u.full_name AS user_full_name "
    'FROM "cases_caseteammember" m INNER JOIN "people_organization" o ON o.id = m.organization_id '
    'LEFT OUTER JOIN "people_user" u ON u.id = m.user_id '
    "WHERE m.case_id = %s AND m.active = %s ORDER BY m.id"
)


def case_team(case: Case) -> list[CaseTeamMember]:
    """The case's active team (for a caller that has the case from `case_for`), with each
    member's `organization` (id, slug, name, type, whether active) and `user` (id, e-mail,
    full name) loaded — any other of their fields loads when asked for. One raw statement of
    whole member rows (fixed SQL, as `_notes`: the case page asks it on every request)."""
    members = list(CaseTeamMember.objects.raw(TEAM, [case.pk, True]))
    for m in members:
        db, row = m._state.db, m.__dict__  # the joined columns, as the raw query set them
        m.organization = Organization.from_db(
            db,
            ["id", "slug", "name", "type", "is_active"],
            [m.organization_id, row["org_slug"], row["org_name"], row["org_type"]]
            + [bool(row["org_is_active"])],
        )
        if m.user_id is not None:  # (setting `user` to None would clear user_id)
            fields = [m.user_id, row["user_email"], row["user_full_name"]]
            m.user = User.from_db(db, ["id", "email", "full_name"], fields)
        else:
            m.user = None
    return members


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


DUPLICATE_CHECK = "possible-duplicate check at case opening"


@dataclass
class DuplicateCheck:
    """What an actor opening a case is told (decision 0063). `readable`: cases whose identity
    the actor already sees, with the same last name and date of birth or whose encodings agree
    above the threshold — shown as before. `elsewhere`: the organizations, by name, that hold
    a possible record of the same youth the actor may not read, one entry each and nothing of
    the record (`access.policy.told_of_possible_record`)."""

    readable: list[Case] = field(default_factory=list)
    elsewhere: list[Organization] = field(default_factory=list)


def duplicate_check(actor: User, *, first_name: str, last_name: str, dob: str) -> DuplicateCheck:
    """The possible-duplicate check before a case is opened: exact last name and date of birth
    among the cases the actor sees (blind index), and the youth's linkage encodings across
    every organization (`encodings.match_youth`). Audited: one event for the check (what the
    actor was told), a read of each record shown, and for each record of another organization
    that matched but was not shown an event its owner reads ("checked; nothing shown")."""
    if not last_name.strip() or not policy.works_cases(actor):
        return DuplicateCheck()
    key = blind_index(last_name, dob or "")
    exact = list(
        visible_cases(actor).filter(youth__name_dob_key=key).select_related("youth", "owner")[:20]
    )
    youth_ids = encodings.match_youth(first_name=first_name, last_name=last_name, dob=dob)
    matched = list(
        Case.objects.filter(youth_id__in=youth_ids[:50]).select_related("youth", "owner")
    )
    found = {case.pk: case for case in [*exact, *matched]}
    grants = policy.grants_for(actor, list(found.values()))
    readable = sorted(
        (case for case in found.values() if grants[case.pk].sees(c.Compartment.IDENTITY)),
        key=lambda case: case.pk,
    )[:10]
    hidden = [case for case in matched if not grants[case.pk].sees(c.Compartment.IDENTITY)]
    told: dict[int, Organization] = {}
    for case in hidden:
        if policy.told_of_possible_record(actor, case.owner):
            told[case.owner_id] = case.owner
    elsewhere = sorted(told.values(), key=lambda org: (org.name, org.slug))
    _audit_check(actor, readable, hidden, told)
    return DuplicateCheck(readable=readable, elsewhere=elsewhere)


def _audit_check(
    actor: User, readable: list[Case], hidden: list[Case], told: dict[int, Organization]
) -> None:
    membership = actor.membership_or_none
    record(
        actor=actor,
        action=Action.VIEW,
        object_type="cases.duplicate_check",
        owner_org=membership.organization if membership else None,
        purpose=DUPLICATE_CHECK,
        # Only what the actor was told: nothing of the records they were not.
        detail={
            "shown": [case.pk for case in readable],
            "told_of": sorted(org.slug for org in told.values()),
        },
    )
    record_reads(
        actor=actor,
        reads=[(case, case.owner, case.youth_id, [c.Compartment.IDENTITY]) for case in readable],
        purpose=DUPLICATE_CHECK,
    )
    for case in hidden:
        record(
            actor=actor,
            action=Action.VIEW,
            obj=case,
            owner_org=case.owner,
            youth_id=case.youth_id,
            compartments=[],
            purpose=DUPLICATE_CHECK,
            legal_basis="none: nothing of the record shown",
            detail={"told": "organization name" if case.owner_id in told else "nothing"},
        )
