"""Who may do what with the statistical center's same-youth linkage (issue 17, item 3),
declared from the issue's words - not from `harborline/reports/linking.py` - so that a change to
the code cannot silently change what the tests expect. Imports nothing from Harborline.

"Pairs in the uncertain band go to a review queue at the statistical center ... a reviewer links
or splits, with a reason, audited; an owning agency may be asked to confirm with its own
plaintext (a request it answers yes or no)." The center's analysts are its reviewers ("only
them"); the agency's supervisors and administrators answer for it (as they approve what it
sends, issue 16). Everything else is denied.

Where the actor works:
- center   the statistical center the agencies submitted to;
- agency   the agency owning the record the center asked about;
- other    an agency that submitted nothing and was asked nothing.

Actions (through the HTTP API; allowed is 200/201, denied is 403 or 404):
- run        POST /linkage/runs (link the submissions not linked yet);
- queue      GET /linkage/pairs (the review queue);
- item       GET /linkage/pairs/{id} (one pair's field agreement pattern);
- decide     POST /linkage/pairs/{id}/decision (link or split, with a reason);
- ask        POST /linkage/pairs/{id}/confirmation-requests (a question to the agency);
- requests   GET /linkage/confirmation-requests (the questions to one's agency);
- request    GET /linkage/confirmation-requests/{id} (the question with one's own record);
- answer     POST /linkage/confirmation-requests/{id}/answer (yes or no)."""

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
WHERE = ("center", "agency", "other")
ACTIONS = ("run", "queue", "item", "decide", "ask", "requests", "request", "answer")

REVIEWERS = {("center", "analyst")}
ANSWERERS = {("agency", "supervisor"), ("agency", "org_admin")}
CENTER_ACTIONS = {"run", "queue", "item", "decide", "ask"}
AGENCY_ACTIONS = {"request", "answer"}


def allowed(where: str, role: str, action: str) -> bool:
    key = (where, role)
    if action in CENTER_ACTIONS:
        return key in REVIEWERS
    if action in AGENCY_ACTIONS:
        return key in ANSWERERS
    if action == "requests":
        # An agency's list of questions: its supervisors and administrators read it, asked or
        # not (an agency that was asked nothing reads an empty list).
        return role in ("supervisor", "org_admin") and where in ("agency", "other")
    raise ValueError(action)


def cells() -> list[tuple[str, str, str, bool]]:
    return [(w, r, a, allowed(w, r, a)) for w in WHERE for r in ROLES for a in ACTIONS]
