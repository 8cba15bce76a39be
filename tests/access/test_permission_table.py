"""The permission table (issue 4), checked through the HTTP API.

One test per role × organization type × relation (ids like `caseworker-law_enforcement-shared`).
Each builds its case once — owned by another organization, or by the actor's for `owner`, with
one note in every compartment — reads it once (all view cells), then tries a note in every
compartment, a change in every compartment that holds more than notes, a screening, a share and
a break-glass, and compares every cell with the declaration in table.py. A failure lists every
mismatching cell.

Advocate-privileged notes carry the holding-organization dimension (table.py): the case's
privileged note `note_text("advocate_privileged")` is held by the actor's organization, another
by the owner (when that is not the actor's organization) and one by a community-advocacy
organization on the case team that let the team know its notes exist. The text of the notes held
elsewhere must appear nowhere in the answer; the notice that they exist is the case's
`privileged_elsewhere` (the holding organizations' slugs).

Allowed means 201 (200 for `open` and for a change). Denied means 404 when the actor may not
open the case — with the very body a case that does not exist gets — and 403 when they may open
it but not do this (the case's existence is no secret to them then). Break-glass by the owning
organization is denied with 403 or 404: it needs no emergency access to its own case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from harborline.access.compartments import ALL
from harborline.cases.models import CaseTeamMember, Note
from harborline.people.roles import OrgType, Role
from tests.cases.conftest import NRIT_NONE

from . import factories as f
from .render_table import DOC, render
from .table import (
    CASE,
    COMPARTMENTS,
    EDITABLE,
    KNOWN_DEVIATIONS,
    ORG_TYPES,
    PRIVILEGED,
    RELATIONS,
    ROLES,
    Row,
    rows,
)

OWNER_TYPE_WHEN_OTHER = "child_welfare"  # who owns the case when the actor's org does not
OK = (200, 201)
# One change per compartment that holds more than notes: (client method, path, body); the run
# adds the case version the actor last saw to a PATCH or PUT.
EDITS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "identity": ("patch", "/cases/{id}/youth", {"pronouns": "they/them"}),
    "contact": (
        "patch",
        "/cases/{id}/youth",
        {"contacts": [{"kind": "phone", "value": "555-0199", "note": "synthetic"}]},
    ),
    "placement_address": ("put", "/cases/{id}/placement", {"address": "2 Synthetic Way"}),
    "legal": ("post", "/cases/{id}/references", {"kind": "court_case", "value": "TEST-CASE-1"}),
}
MISSING_BODIES: dict[tuple[str, str], Any] = {}  # (role, endpoint) -> the 404 body of no case
# Privileged notes held by an organization other than the actor's (table.py's holding dimension).
HELD_BY_OWNER = "Synthetic privileged note held by the owner zqOWNERHELDqz"
HELD_BY_TEAM = "Synthetic privileged note held by a team advocate zqTEAMHELDqz"


def _param(row: Row) -> Any:
    marks = []
    reason = KNOWN_DEVIATIONS.get((row.role, row.org_type, row.relation))
    if reason:
        marks.append(pytest.mark.xfail(reason=reason, strict=True))
    return pytest.param(row, id=row.id, marks=marks)


def test_the_table_covers_every_role_organization_type_and_compartment():
    """A new role, organization type or compartment needs its expectations declared first."""
    assert sorted(ROLES) == sorted(Role.values)
    assert sorted(ORG_TYPES) == sorted(OrgType.values)
    assert COMPARTMENTS == ALL
    assert len({r.id for r in rows()}) == len(ROLES) * len(ORG_TYPES) * len(RELATIONS)


def test_docs_permissions_md_is_the_table():
    """docs/permissions.md is rendered from table.py; regenerate it when the table changes."""
    assert DOC.read_text() == render(), (
        "docs/permissions.md is out of date: run "
        "`.venv/bin/python -m tests.access.render_table > docs/permissions.md`"
    )


class Check:
    """Collects every mismatching cell of one row."""

    def __init__(self, row: Row) -> None:
        self.row = row
        self.cells = row.cells
        self.mismatches: list[str] = []

    def cell(self, compartment: str, action: str, got: str, ok: bool) -> None:
        if not ok:
            want = "allow" if self.cells[(compartment, action)] else "deny"
            self.mismatches.append(
                f"role={self.row.role} org_type={self.row.org_type} "
                f"relation={self.row.relation} compartment={compartment or '(case)'} "
                f"action={action} expected={want} got={got}"
            )


def _setup(row: Row) -> tuple[f.Api, int, str]:
    """The actor's client, the case and the slug of the team advocate's organization."""
    if row.relation == "owner":
        owner_org = actor_org = f.org(row.org_type)
    else:
        owner_org, actor_org = f.org(OWNER_TYPE_WHEN_OTHER), f.org(row.org_type)
    owner = f.user(owner_org, "caseworker")
    actor = f.user(actor_org, row.role)
    made = f.case(owner)
    # The holding organizations of the privileged notes: the actor's, the owner's, a team's.
    advocacy = f.org("community_advocacy")
    advocate = f.user(advocacy, "mentor_advocate")
    team = [CaseTeamMember(case=made, organization=advocacy, user=advocate, added_by=owner)]
    held = [
        Note(
            case=made,
            compartment=PRIVILEGED,
            text=HELD_BY_TEAM,
            author=advocate,
            author_org=advocacy,
            existence_shown=True,
        )
    ]
    if row.relation != "owner":
        Note.objects.filter(case=made, compartment=PRIVILEGED).update(
            author=actor, author_org=actor_org
        )
        held.append(
            Note(
                case=made,
                compartment=PRIVILEGED,
                text=HELD_BY_OWNER,
                author=owner,
                author_org=owner_org,
                existence_shown=True,
            )
        )
    Note.objects.bulk_create(held)
    if row.relation == "team_advocate":
        team.append(CaseTeamMember(case=made, organization=actor_org, user=actor, added_by=owner))
    for member in team:
        member.role_on_case = "mentor_advocate"
    CaseTeamMember.objects.bulk_create(team)
    if row.relation == "shared":
        f.share(made, actor_org, COMPARTMENTS, by=owner)
    elif row.relation == "shared_edit":
        f.share(made, actor_org, COMPARTMENTS, by=owner, may_edit=True)
    elif row.relation == "shared_role_other":
        other_role = "supervisor" if row.role == "caseworker" else "caseworker"
        f.share(made, actor_org, COMPARTMENTS, by=owner, role=other_role)
    elif row.relation == "break_glass":
        f.glass(made, actor)
    return f.Api(actor), made.pk, advocacy.slug


def run(row: Row) -> list[str]:
    """Every cell of `row`, through the API; returns the mismatching cells."""
    client, case_id, team_advocacy = _setup(row)
    check = Check(row)
    cells = check.cells

    def denied(
        action: str,
        compartment: str,
        response: Any,
        may_open: bool,
        path: str,
        send: Callable[[str], Any],
    ) -> tuple[bool, str]:
        """Is `response` the right denial? 403 on a case the actor may open, else the 404 a
        missing case gets (same body)."""
        got = str(response.status_code)
        if may_open:
            if action == "break_glass" and row.relation == "owner":
                return response.status_code in (403, 404), got
            return response.status_code == 403, got
        if response.status_code != 404:
            return False, got
        key = (row.role, path)
        if key not in MISSING_BODIES:  # once per role and endpoint: it never depends on the case
            MISSING_BODIES[key] = send(path.replace("{id}", str(f.MISSING_CASE))).json()
        same = response.json() == MISSING_BODIES[key]
        return same, got if same else f"404 with a body unlike a missing case's: {response.json()}"

    # open + view: one read.
    r = client.get(f"/cases/{case_id}")
    may_open = r.status_code == 200
    if cells[(CASE, "open")]:
        check.cell(CASE, "open", str(r.status_code), may_open)
    else:
        ok, got = denied("open", CASE, r, False, "/cases/{id}", client.get)
        check.cell(CASE, "open", got, ok)
    body = r.json() if may_open else {}
    sections = body.get("sections", {})
    text = r.content.decode()
    for name in COMPARTMENTS:
        shown = name in sections
        note_shown = f.note_text(name) in text
        if cells[(name, "view")]:
            notes = [n["text"] for n in sections.get(name, {}).get("notes", [])]
            ok = shown and f.note_text(name) in notes
            check.cell(name, "view", "section shown" if shown else "section hidden", ok)
        else:
            got = "section shown" if shown else ("note text leaked" if note_shown else "hidden")
            check.cell(name, "view", got, not shown and not note_shown)
    # Privileged notes held by another organization: never their text; their existence only as
    # the holder's name in `privileged_elsewhere`.
    leaked = [t for t in (HELD_BY_OWNER, HELD_BY_TEAM) if t in text]
    check.cell(
        PRIVILEGED,
        "others_text",
        f"text shown: {leaked}" if leaked else "hidden",
        bool(leaked) == cells[(PRIVILEGED, "others_text")],
    )
    told = [e.get("organization") for e in body.get("privileged_elsewhere", [])]
    check.cell(
        PRIVILEGED,
        "told_exists",
        f"told: {told}",
        (team_advocacy in told) == cells[(PRIVILEGED, "told_exists")],
    )

    # add_note in every compartment.
    def post_note(path: str) -> Any:
        return client.post(path, {"compartment": "identity", "text": "x"})

    for name in COMPARTMENTS:
        r = client.post(f"/cases/{case_id}/notes", {"compartment": name, "text": "Added note."})
        if cells[(name, "add_note")]:
            check.cell(name, "add_note", str(r.status_code), r.status_code == 201)
        else:
            ok, got = denied("add_note", name, r, may_open, "/cases/{id}/notes", post_note)
            check.cell(name, "add_note", got, ok)

    # edit: one change in every compartment that holds more than notes. A change that succeeds
    # bumps the case version; the next one sends the new version, so no 409 hides an answer.
    version = body.get("version", 1)
    for name in EDITABLE:
        method, path, payload = EDITS[name]
        send = getattr(client, method)
        edit = {**payload, "version": version} if method != "post" else payload
        r = send(path.replace("{id}", str(case_id)), edit)
        if r.status_code == 200:
            version = r.json()["version"]
        if cells[(name, "edit")]:
            check.cell(name, "edit", f"{r.status_code} {r.content[:200]!r}", r.status_code in OK)
        else:
            ok, got = denied("edit", name, r, may_open, path, lambda p, b=edit, s=send: s(p, b))
            check.cell(name, "edit", got, ok)

    # Case-level actions; break-glass last, as it changes what the actor may open.
    screening = {
        "instrument": "nrit",
        "answers": NRIT_NONE,
        "identified_by": "law_enforcement",
        "identified_at": f.earlier(hours=2),
    }
    recipient = f.org("medical")
    sharing = {
        "organization": recipient.slug,
        "compartments": ["identity"],
        "purpose": "service coordination",
        "basis": {"type": "court_order", "reference": "TEST-ORDER-2"},
        "expires_at": f.later(),
    }
    glass = {"reason": "Youth missing overnight; placement must be found now."}
    for action, path, payload in (
        ("screen", "/cases/{id}/screenings", screening),
        ("share", "/cases/{id}/shares", sharing),
        ("break_glass", "/cases/{id}/break-glass", glass),
    ):
        r = client.post(path.replace("{id}", str(case_id)), payload)
        if cells[(CASE, action)]:
            check.cell(CASE, action, f"{r.status_code} {r.content[:200]!r}", r.status_code == 201)
        else:
            ok, got = denied(
                action, CASE, r, may_open, path, lambda p, b=payload: client.post(p, b)
            )
            check.cell(CASE, action, got, ok)

    return check.mismatches


@pytest.mark.django_db
@pytest.mark.parametrize("row", [_param(r) for r in rows()])
def test_permission_table(row: Row) -> None:
    mismatches = run(row)
    assert not mismatches, "cells that differ from table.py:\n" + "\n".join(mismatches)
