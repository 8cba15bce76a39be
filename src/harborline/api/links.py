"""What the OpenAPI document says beyond the endpoints' signatures: the installed packs and
instruments that path and query parameters may name, and the OpenAPI links from a response that
creates something to the operations that act on it (the case a `POST /cases` opened is the
`case_id` of the calls after it). Clients can follow the links; the contract tests' stateful
phase does (tests/api/test_fuzz.py)."""

from __future__ import annotations

from typing import Any

from .schemas import installed_packs

OPERATION = "harborline_api_{}"

# (operation that creates, status) -> {link name: (operation, {parameter: runtime expression})}
_ID = "$response.body#/id"
_CASE = {"case_id": _ID}
_TASKFORCE = {"taskforce_id": _ID}
LINKS: dict[tuple[str, str], dict[str, tuple[str, dict[str, str]]]] = {
    ("cases_open_case", "201"): {
        "GetCase": ("cases_get_case", _CASE),
        "PatchYouth": ("cases_patch_youth", _CASE),
        "PutPlacement": ("cases_put_placement", _CASE),
        "SetStatus": ("cases_set_status", _CASE),
        "Screen": ("cases_screen", _CASE),
        "ListObligations": ("cases_case_obligations", _CASE),
        "AddConsent": ("cases_add_consent", _CASE),
        "AddShare": ("cases_add_share", _CASE),
        "AddNote": ("cases_add_note", _CASE),
        "AddTeamMember": ("cases_add_team_member", _CASE),
        "AddReference": ("cases_add_reference", _CASE),
        "AddMeeting": ("cases_add_meeting", _CASE),
        "BreakGlass": ("cases_break_glass", _CASE),
        "AddMissingEpisode": ("missing_add_episode", _CASE),
        "ListMissingEpisodes": ("missing_list_episodes", _CASE),
        "AddPlacement": ("missing_add_placement", _CASE),
        "ListPlacements": ("missing_list_placements", _CASE),
        "AddRunawayPrevention": ("missing_add_prevention", _CASE),
        "AddSafetyAssessment": ("plans_add_assessment", _CASE),
        "AddSafetyPlan": ("plans_add_safety_plan", _CASE),
        "AddServicePlan": ("plans_add_service_plan", _CASE),
        "AddNeedsAssessment": ("needs_add_needs_assessment", _CASE),
        "ListNeedsAssessments": ("needs_list_needs_assessments", _CASE),
    },
    ("needs_add_needs_assessment", "201"): {
        "GetNeedsAssessment": ("needs_get_needs_assessment", {"assessment_id": _ID}),
    },
    ("plans_add_service_plan", "201"): {
        "GetServicePlan": ("plans_get_service_plan", {"plan_id": _ID}),
        "AddOutcomes": ("plans_add_plan_outcomes", {"plan_id": _ID}),
        "Sign": ("plans_sign", {"plan_id": _ID}),
        "Review": ("plans_review", {"plan_id": _ID}),
    },
    ("plans_add_safety_plan", "201"): {
        "GetSafetyPlan": ("plans_get_safety_plan", {"safety_plan_id": _ID}),
    },
    ("missing_add_episode", "201"): {
        "GetEpisode": ("missing_get_episode", {"episode_id": _ID}),
        "AddReport": ("missing_add_report", {"episode_id": _ID}),
        "AddLocateEffort": ("missing_add_effort", {"episode_id": _ID}),
        "RecordReturn": ("missing_add_return", {"episode_id": _ID}),
    },
    ("missing_add_placement", "201"): {
        "EndPlacement": ("missing_end_placement", {"placement_id": _ID}),
    },
    ("missing_add_return", "200"): {
        "AddDebrief": ("missing_add_debrief", {"episode_id": _ID}),
    },
    ("cases_screen", "201"): {
        "Complete": ("cases_complete", {"obligation_id": "$response.body#/obligations/0/id"}),
        "Waive": ("cases_waive", {"obligation_id": "$response.body#/obligations/0/id"}),
    },
    ("cases_add_consent", "201"): {
        "Revoke": ("cases_revoke_consent", {"consent_id": _ID}),
    },
    ("cases_add_share", "201"): {
        "EndShare": ("cases_delete_share", {"share_id": _ID}),
    },
    ("taskforce_create_taskforce", "201"): {
        "GetTaskForce": ("taskforce_get_taskforce", _TASKFORCE),
        "ListMembers": ("taskforce_list_members", _TASKFORCE),
        "AddMember": ("taskforce_add_member", _TASKFORCE),
        "ListMeetings": ("taskforce_list_meetings", _TASKFORCE),
        "CreateMeeting": ("taskforce_create_meeting", _TASKFORCE),
        "Compliance": ("training_taskforce_compliance", _TASKFORCE),
    },
    ("taskforce_create_meeting", "201"): {
        "RecordAttendance": (
            "taskforce_record_attendance",
            {"taskforce_id": "$request.path.taskforce_id", "meeting_id": _ID},
        ),
    },
}


def parameter_enums() -> dict[str, dict[str, list[str]]]:
    """Parameters whose values are data, by operation (`*`: any) and name: a pack, an
    instrument id of any pack (a pack and an instrument that do not go together are 404), and
    for training the packs that define training."""
    from harborline.protocols.packs import registry
    from harborline.training.catalogue import training_packs

    instruments = sorted({i for pack in registry().values() for i in pack.instruments})
    return {
        "*": {"pack": installed_packs(), "instrument": instruments},
        OPERATION.format("training_list_courses"): {"pack": sorted(training_packs())},
    }


def add_links(schema: dict[str, Any]) -> None:
    by_id = {
        operation.get("operationId"): operation
        for operations in schema.get("paths", {}).values()
        for operation in operations.values()
    }
    for (source, status), links in LINKS.items():
        operation = by_id.get(OPERATION.format(source))
        responses = operation.get("responses", {}) if operation else {}
        response = responses.get(status) or responses.get(int(status))
        if response is None:
            raise LookupError(f"api/links.py names an operation that is not there: {source}")
        response["links"] = {
            name: {"operationId": OPERATION.format(target), "parameters": parameters}
            for name, (target, parameters) in links.items()
        }
