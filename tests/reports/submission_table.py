"""Who may do what with submissions to the statistical center (issue 16, items 2-3), declared
from the issue's and Resource 3-C's words — not from `harborline/reports/submissions.py` — so
that a change to the code cannot silently change what the tests expect. Imports nothing from
Harborline.

Where the actor works:
- agency   the agency that is party to the data-sharing agreement and submits;
- center   the statistical center the agreement names (the receiver);
- other    an agency that is not party to the agreement.

Actions:
- prepare        POST /submissions answers 201 (analysts, supervisors and administrators of the
                 agency: "an approval step by the organization's supervisor or administrator
                 before anything leaves");
- approve_other  POST /submissions/{id}/approve of one another person prepared answers 200
                 (supervisors and administrators of the agency);
- approve_own    the same for one the actor prepared: refused for everyone;
- read           GET /submissions/{id} of a submitted one answers 200 (the agency's preparers
                 and approvers; the center's analysts only: "access limited to authorized
                 staff", DSA-09/DSA-11);
- center_report  GET /reports/statistical-center answers 200 (the center's analysts)."""

from __future__ import annotations

ROLES = (
    "caseworker",
    "supervisor",
    "mentor_advocate",
    "org_admin",
    "coordinator",
    "analyst",
    "system_admin",
)
WHERE = ("agency", "center", "other")
ACTIONS = ("prepare", "approve_other", "approve_own", "read", "center_report")

PREPARE = {("agency", "analyst"), ("agency", "supervisor"), ("agency", "org_admin")}
APPROVE = {("agency", "supervisor"), ("agency", "org_admin")}
READ = PREPARE | {("center", "analyst")}
CENTER = {("center", "analyst")}


def allowed(where: str, role: str, action: str) -> bool:
    key = (where, role)
    if action == "prepare":
        return key in PREPARE
    if action == "approve_other":
        return key in APPROVE
    if action == "approve_own":
        return False
    if action == "read":
        return key in READ
    if action == "center_report":
        return key in CENTER
    raise ValueError(action)


def cells() -> list[tuple[str, str, str, bool]]:
    return [(w, r, a, allowed(w, r, a)) for w in WHERE for r in ROLES for a in ACTIONS]
