"""The permission table of issue 4: every role × organization type × relation to a case ×
compartment × action, expected allow or deny.

Declared from the design's words (design §4, decisions 0028 and 0009), NOT from
`harborline/access/policy.py`: the lists below are written out here on purpose, so that a change
to the implementation cannot silently change what the tests expect. `test_permission_table.py`
checks every cell through the HTTP API; `render_table.py` prints the same cells as
docs/permissions.md. This module imports nothing from Harborline (it runs without Django).

Relations of the actor's organization to the case:
- owner              the actor's organization opened the case;
- shared             another organization, with an active share of every compartment to it;
- shared_edit        the same, and the share also lets it change the shared compartments'
                     records (the owner's explicit grant, issue 10);
- shared_role_other  another organization, with an active share of every compartment to a
                     different role in it (not the actor's);
- break_glass        another organization, and the actor opened break-glass on the case;
- none               another organization, with no share and no break-glass;
- team_advocate      another organization, with no share; the actor is on the case team (as a
                     mentor-advocate on the case) — an advocate there holds privileged notes
                     (issue 13, decision 0043).

Holding organization (advocate-privileged notes only, issue 13). A privileged note belongs to the
organization of the advocate who wrote it, not to the case's owner. The case under test holds
privileged notes of three holders: the actor's organization, the owner (when that is another
organization) and a third, community-advocacy organization on the case team that "let the team
know notes exist". `view`/`add_note` of `advocate_privileged` are about the actor's own
organization's notes; `others_text` is the text of another holder's notes (never shown to anyone)
and `told_exists` the notice that another holder has privileged notes on the case.

Actions: per compartment, `view` (the compartment is a section of GET /cases/{id}),
`add_note` (POST /cases/{id}/notes in it answers 201) and, for the compartments that hold records
besides notes (EDITABLE), `edit`: PATCH /cases/{id}/youth with an identity field (identity) or
with contacts (contact), PUT /cases/{id}/placement (placement_address), POST
/cases/{id}/references with a court case number (legal) answer 200/201; per case, `open`
(GET /cases/{id} answers 200 rather than 404), `screen` (POST /cases/{id}/screenings answers
201), `share` (POST /cases/{id}/shares answers 201) and `break_glass` (POST
/cases/{id}/break-glass answers 201).

A share of only some compartments ("sees exactly the shared compartments") is checked in
test_shares.py for every organization type; the table keeps to seven relations so that it runs
in CI on both databases in reasonable time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

# --- the axes (a test checks they are exactly Harborline's roles, types and compartments) ---

ROLES: tuple[str, ...] = (
    "caseworker",
    "supervisor",
    "mentor_advocate",
    "org_admin",
    "coordinator",
    "analyst",
    "system_admin",
)
ORG_TYPES: tuple[str, ...] = (
    "law_enforcement",
    "child_welfare",
    "probation",
    "juvenile_court",
    "prosecutor",
    "public_defender",
    "community_advocacy",
    "system_advocacy",
    "medical",
    "mental_health",
    "substance_use",
    "education",
    "service_provider",
    "child_advocacy_center",
    "tribal",
    "statistical_center",
    "task_force",
)
COMPARTMENTS: tuple[str, ...] = (
    "identity",
    "contact",
    "placement_address",
    "screening",
    "safety",
    "medical",
    "mental_health",
    "substance_use",
    "education",
    "legal",
    "advocate_privileged",
)
RELATIONS: tuple[str, ...] = (
    "owner",
    "shared",
    "shared_edit",
    "shared_role_other",
    "break_glass",
    "none",
    "team_advocate",
)
COMPARTMENT_ACTIONS: tuple[str, ...] = ("view", "add_note", "edit")
# The holding-organization dimension of the privileged compartment (module docstring).
PRIVILEGED_ACTIONS: tuple[str, ...] = ("others_text", "told_exists")
# The compartments that hold something to change besides notes: the youth's name, date of birth,
# other names and other IDs (identity); contact details (contact); the placement address; report
# and court numbers (legal). The others hold notes (and, for screening and safety, screenings and
# meetings, which are their own actions), so they have no `edit` cell.
EDITABLE: tuple[str, ...] = ("identity", "contact", "placement_address", "legal")
CASE_ACTIONS: tuple[str, ...] = ("open", "screen", "share", "break_glass")
CASE = ""  # the "compartment" of a case-level cell

# --- the data the rules read ----------------------------------------------------------------

PRIVILEGED = "advocate_privileged"

# "System administrators run the installation and see no cases; analysts see de-identified data
# only. Neither can break the glass." (decision 0028)
NO_CASE_ROLES = frozenset({"analyst", "system_admin"})

# "Advocate-privileged notes are never visible to law enforcement, prosecution or probation,
# whatever a share or a role says." (design §4)
PRIVILEGE_BARRED_ORG_TYPES = frozenset({"law_enforcement", "prosecutor", "probation"})

# "Elsewhere only mentor-advocates, caseworkers and supervisors read them." (decision 0028)
PRIVILEGED_ROLES = frozenset({"mentor_advocate", "caseworker", "supervisor"})

# "Advocate-privileged notes belong to the advocate's organization that wrote them, not to the
# case owner: the owner learns at most that they exist." (design §4) An advocate is a
# mentor-advocate, or a caseworker or supervisor of a community- or system-based advocacy
# organization (issue 13, decision 0043) — never in the barred organization types.
ADVOCATE_ORG_TYPES = frozenset({"community_advocacy", "system_advocacy"})

# The relations in which an advocate writes and reads their own organization's privileged notes:
# their organization owns the case, or they are on its case team. A share (of any compartment,
# the owner's) never opens them: only the holding organization's own consent-based share would,
# and the table has no such relation (decision 0043).
HOLDS_PRIVILEGED: frozenset[str] = frozenset({"owner", "team_advocate"})

# Who changes a case's sharing: the owning organization's caseworkers, supervisors,
# mentor-advocates and administrators (issue 4). The same roles change the youth's record
# (issue 10) — of the owner, or of an organization whose share grants it.
CASE_MANAGERS = frozenset({"caseworker", "supervisor", "mentor_advocate", "org_admin"})

# "A share lets the other organization read its compartments and add notes; rewriting the
# owner's record needs an explicit grant." (design §4) Break-glass is emergency reading.
CHANGES_RECORD: dict[str, bool] = {
    "owner": True,
    "shared": False,
    "shared_edit": True,  # the owner ticked "they may also change what they can see"
    "shared_role_other": False,
    "break_glass": False,
    "none": False,
    "team_advocate": False,
}

# What each relation would open before the privilege rule and the role rule apply.
OPENS: dict[str, frozenset[str]] = {
    "owner": frozenset(COMPARTMENTS),  # "the owning organization sees every compartment"
    "shared": frozenset(COMPARTMENTS),  # a share of everything
    "shared_edit": frozenset(COMPARTMENTS),  # the same share, with the grant to change
    "shared_role_other": frozenset(),  # the share is for someone else
    "break_glass": frozenset(COMPARTMENTS) - {PRIVILEGED},  # "all but advocate-privileged"
    "none": frozenset(),  # "another organization gets 404 until a share exists"
    # "Being on the team does not by itself let another organization read the case"
    # (cases.models.CaseTeamMember); the privileged rule below adds the advocate's own notes.
    "team_advocate": frozenset(),
}

RELATION_TEXT: dict[str, str] = {
    "owner": "the actor's organization owns the case",
    "shared": "another organization, with a share of every compartment",
    "shared_edit": "another organization, with a share of every compartment that also lets it "
    "change them",
    "shared_role_other": "another organization, with a share of every compartment to a "
    "different role in it",
    "break_glass": "another organization; the actor opened break-glass (within 4 hours)",
    "none": "another organization, no share, no break-glass",
    "team_advocate": "another organization, no share; the actor is on the case team (as a "
    "mentor-advocate on the case)",
}

# Rows where the implementation is known to disagree with this declaration, with the reason.
# The check marks them xfail(strict=True): they fail loudly once the implementation is fixed,
# so the entry must then be removed. Empty means the implementation matches every cell.
KNOWN_DEVIATIONS: dict[tuple[str, str, str], str] = {}


# --- the rules ------------------------------------------------------------------------------


def is_advocate(role: str, org_type: str) -> bool:
    """Holds privileged notes for their organization (ADVOCATE_ORG_TYPES)."""
    if org_type in PRIVILEGE_BARRED_ORG_TYPES:
        return False
    return role == "mentor_advocate" or (
        org_type in ADVOCATE_ORG_TYPES and role in PRIVILEGED_ROLES
    )


def visible(role: str, org_type: str, relation: str) -> frozenset[str]:
    """The compartments the actor sees (for advocate_privileged: their own organization's
    notes)."""
    if role in NO_CASE_ROLES:
        return frozenset()
    names = set(OPENS[relation]) - {PRIVILEGED}
    if is_advocate(role, org_type) and relation in HOLDS_PRIVILEGED:
        names.add(PRIVILEGED)
    return frozenset(names)


def expected(role: str, org_type: str, relation: str) -> dict[tuple[str, str], bool]:
    """Every cell of one row: (compartment, action) -> allowed; case-level cells have
    compartment CASE ("")."""
    sees = visible(role, org_type, relation)
    cells: dict[tuple[str, str], bool] = {}
    for name in COMPARTMENTS:
        cells[(name, "view")] = name in sees
        # Writing a note into a compartment goes with reading it.
        cells[(name, "add_note")] = name in sees
        if name in EDITABLE:
            # Changing the record is case work, for the owner or by the owner's explicit grant.
            cells[(name, "edit")] = (
                name in sees and role in CASE_MANAGERS and CHANGES_RECORD[relation]
            )
    cells[(CASE, "open")] = bool(sees)
    # Another organization's privileged notes: their text never; that they exist only when
    # their holder let the team know, and only to the owner and advocates on the case team —
    # never to the barred organization types.
    cells[(PRIVILEGED, "others_text")] = False
    cells[(PRIVILEGED, "told_exists")] = (
        bool(sees) and relation in HOLDS_PRIVILEGED and org_type not in PRIVILEGE_BARRED_ORG_TYPES
    )
    # A screening is written into the screening compartment.
    cells[(CASE, "screen")] = "screening" in sees
    cells[(CASE, "share")] = relation == "owner" and role in CASE_MANAGERS
    # "A user with no share may open a case in an emergency" — any other organization's role
    # that works with youth data (not analysts, not system administrators).
    cells[(CASE, "break_glass")] = relation != "owner" and role not in NO_CASE_ROLES
    return cells


@dataclass(frozen=True)
class Row:
    role: str
    org_type: str
    relation: str

    @property
    def id(self) -> str:
        return f"{self.role}-{self.org_type}-{self.relation}"

    @property
    def cells(self) -> dict[tuple[str, str], bool]:
        return expected(self.role, self.org_type, self.relation)


def rows() -> Iterator[Row]:
    for relation in RELATIONS:
        for role in ROLES:
            for org_type in ORG_TYPES:
                yield Row(role, org_type, relation)
