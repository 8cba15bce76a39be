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
- none               another organization, with no share and no break-glass.

Actions: per compartment, `view` (the compartment is a section of GET /cases/{id}),
`add_note` (POST /cases/{id}/notes in it answers 201) and, for the compartments that hold records
besides notes (EDITABLE), `edit`: PATCH /cases/{id}/youth with an identity field (identity) or
with contacts (contact), PUT /cases/{id}/placement (placement_address), POST
/cases/{id}/references with a court case number (legal) answer 200/201; per case, `open`
(GET /cases/{id} answers 200 rather than 404), `screen` (POST /cases/{id}/screenings answers
201), `share` (POST /cases/{id}/shares answers 201) and `break_glass` (POST
/cases/{id}/break-glass answers 201).

A share of only some compartments ("sees exactly the shared compartments") is checked in
test_shares.py for every organization type; the table keeps to six relations so that it runs
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
)
COMPARTMENT_ACTIONS: tuple[str, ...] = ("view", "add_note", "edit")
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
}

# What each relation would open before the privilege rule and the role rule apply.
OPENS: dict[str, frozenset[str]] = {
    "owner": frozenset(COMPARTMENTS),  # "the owning organization sees every compartment"
    "shared": frozenset(COMPARTMENTS),  # a share of everything
    "shared_edit": frozenset(COMPARTMENTS),  # the same share, with the grant to change
    "shared_role_other": frozenset(),  # the share is for someone else
    "break_glass": frozenset(COMPARTMENTS) - {PRIVILEGED},  # "all but advocate-privileged"
    "none": frozenset(),  # "another organization gets 404 until a share exists"
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
}

# Rows where the implementation is known to disagree with this declaration, with the reason.
# The check marks them xfail(strict=True): they fail loudly once the implementation is fixed,
# so the entry must then be removed. Empty means the implementation matches every cell.
KNOWN_DEVIATIONS: dict[tuple[str, str, str], str] = {}


# --- the rules ------------------------------------------------------------------------------


def visible(role: str, org_type: str, relation: str) -> frozenset[str]:
    """The compartments the actor sees."""
    if role in NO_CASE_ROLES:
        return frozenset()
    names = set(OPENS[relation])
    if org_type in PRIVILEGE_BARRED_ORG_TYPES or role not in PRIVILEGED_ROLES:
        names.discard(PRIVILEGED)
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
