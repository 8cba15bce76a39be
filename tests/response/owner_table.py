"""Who carries each obligation of the Nevada pack, by the type of the organization that opens
the case (issue 12, decision 0038).

Written out from the protocol's words (seed 001 and the pack's cited lines), NOT from
`response/obligations.py` or the pack file, so that a change to either cannot silently change
what the tests expect. This module imports nothing from Harborline; its organization types are
the access table's.

The setting of every row: the case is opened by an organization of the given type in a county
that has a task-force organization; nobody else is on the case team. Expected owners:
- OPENER     the organization that opened the case carries it;
- RECEIVED   the opener is the organization the duty reports to: recorded as done (received);
- TASK_FORCE the county's task-force organization carries it (the coordinator role);
- TO_ASSIGN  the opener holds it, marked "to assign" (no organization the rule names is on the
             case)."""

from __future__ import annotations

OPENER, RECEIVED, TASK_FORCE, TO_ASSIGN = "opener", "received", "task_force", "to_assign"

# The organization types are the access table's axis (tests/access/table.py), written out there.
from tests.access.table import ORG_TYPES  # noqa: E402

# The first-contact disciplines other than child welfare, which receives the report
# (L2977-2995, L3182-3184).
_REPORTERS = {
    "law_enforcement",
    "probation",
    "education",
    "medical",
    "mental_health",
    "substance_use",
    "service_provider",
    "community_advocacy",
    "system_advocacy",
    "child_advocacy_center",
}
# Core MDT members who meet the mentor-advocate on scene (L1774-1788, L1834-1845).
_RAPID = {"law_enforcement", "child_welfare", "probation", "mental_health"}
# Who assesses safety at first contact (L3299-3310).
_SAFETY = {
    "law_enforcement",
    "child_welfare",
    "probation",
    "community_advocacy",
    "system_advocacy",
    "service_provider",
    "mental_health",
    "medical",
}
# The agencies with the youth in their care or supervision (42 U.S.C. 671(a)(35)(B), L3493).
_MISSING = {"child_welfare", "probation"}
# Who debriefs and re-screens (L3524-3534, Resource 8-B).
_CASEWORK = {
    "child_welfare",
    "probation",
    "community_advocacy",
    "system_advocacy",
    "service_provider",
}
# Who offers the medical evaluation (seed 004 L303, seed 001 L2470).
_MEDICAL = {
    "child_welfare",
    "probation",
    "law_enforcement",
    "medical",
    "child_advocacy_center",
    "community_advocacy",
}

# Who monitors the service plan at the MDT (L4993-5062): the casework disciplines, mental health,
# law enforcement, or the task force that structures the MDT.
_PLAN_REVIEW = _CASEWORK | {"mental_health", "law_enforcement", "task_force"}


def _by(owners: set[str], *, received: frozenset[str] = frozenset()) -> dict[str, str]:
    return {
        t: RECEIVED if t in received else (OPENER if t in owners else TO_ASSIGN) for t in ORG_TYPES
    }


EXPECTED: dict[str, dict[str, str]] = {
    "child_welfare_report": _by(_REPORTERS, received=frozenset({"child_welfare"})),
    "rapid_response_mdt": _by(_RAPID),
    # The full MDT is convened by the task force's coordinator: a coordinator sits only in a
    # task-force organization, so any other opener hands it to the county's task force.
    "mdt_72h": {t: OPENER if t == "task_force" else TASK_FORCE for t in ORG_TYPES},
    "safety_assessment": _by(_SAFETY),
    "missing_report_law_enforcement": _by(_MISSING),
    "missing_report_ncmec": _by(_MISSING),
    "return_debrief": _by(_CASEWORK),
    "rescreen_on_return": _by(_CASEWORK),
    "rescreen": _by(_CASEWORK),
    # The screening an agency's own policy asks for (Resource 8-B, decision 0065): 8-B is written
    # to "each agency" (L10506-10508), so every first-contact discipline screens its own clients
    # (L2977-2995): the reporters and child welfare.
    "screen_on_agency_policy": _by(_REPORTERS | {"child_welfare"}),
    "medical_evaluation": _by(_MEDICAL),
    # The events of issue 12's missing/ and placements (another helper's rules): the safety
    # reassessment after a return is casework like the debrief (L3309-3310, L3524-3534); a
    # youth in danger now is the Rapid Response MDT's core members' (L11314, L1881-1884); the
    # MDT reconvening after a placement disruption is a core member's or the task force's
    # (L1880-1884), as a caseworker.
    "safety_reassessment_on_return": _by(_CASEWORK),
    "rapid_response_on_danger": _by(_RAPID),
    # The service plan's reviews (issue 12): the MDT members who carry casework, or the task
    # force (L4993-5062); any other opener holds them to assign.
    "plan_review": _by(_PLAN_REVIEW),
    "plan_no_movement_review": _by(_PLAN_REVIEW),
    # Safety at service planning and scheduled MDTs (L3302-3307): those who assess at first
    # contact, less the task force, which does not assess a youth.
    "safety_assessment_at_review": _by(_SAFETY),
    # Crisis events (decision 0042): the MDT reconvening is a core member's or the task force's
    # (L1881-1884), as a caseworker; the safety reassessment after it is casework like the one
    # after a return (L3309-3310); a youth in danger now is assessed by those who assess at
    # first contact (L11314).
    "event_review": _by(
        {"child_welfare", "probation", "law_enforcement", "mental_health", "task_force"}
    ),
    "safety_reassessment_after_crisis": _by(_CASEWORK),
    "safety_assessment_on_danger": _by(_SAFETY),
    # A referral left unanswered (issue 14): whoever manages the youth's services follows it up
    # with the provider (L4929-4934) - the casework disciplines, and mental health, law
    # enforcement and medical when they carry the case; the task force does not refer.
    "referral_follow_up": _by(_CASEWORK | {"mental_health", "law_enforcement", "medical"}),
}

ROLES: dict[str, str] = {kind: "caseworker" for kind in EXPECTED} | {"mdt_72h": "coordinator"}


def rows() -> list[tuple[str, str, str]]:
    return [(kind, t, owner) for kind, by_type in EXPECTED.items() for t, owner in by_type.items()]
