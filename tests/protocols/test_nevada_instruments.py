"""The Nevada pack's instruments beyond the NRIT (Resources 9-A, 9-B, 9-C, 9-F, 9-G, 11-A, 3-D and
2-B): each loads, a realistic synthetic answer set validates and evaluates, every rule fires on
its bad input naming the field, and every result and action follows its condition.

All names, numbers and addresses below are made up (555 numbers, example.org addresses)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from harborline.errors import InvalidInput
from harborline.instruments.engine import Evaluation, evaluate
from harborline.protocols.packs import BUILTIN, Pack, load_pack

OURS = {
    "safety_assessment": ("9-A", "checklist", True),
    "safety_plan": ("9-B", "checklist", True),
    "runaway_prevention": ("9-C", "interview", True),
    "runaway_report": ("9-F", "report", True),
    "return_debrief": ("9-G", "interview", True),
    "placement_considerations": ("11-A", "checklist", True),
    "provider_standards": ("3-D", "self_assessment", False),
    "training_evaluation": ("2-B", "evaluation", False),
}


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load_pack(BUILTIN / "nevada")


def run(pack: Pack, instrument: str, answers: dict[str, Any]) -> Evaluation:
    return evaluate(
        pack=pack.name,
        version=pack.version,
        instrument=pack.instrument(instrument),
        answers=answers,
    )


def error_fields(pack: Pack, instrument: str, answers: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(InvalidInput) as problem:
        run(pack, instrument, answers)
    return {e.field: e.message for e in problem.value.errors}


def action_ids(evaluation: Evaluation) -> set[str]:
    return {a["id"] for a in evaluation.actions}


# --- the pack and the shape of every instrument ---------------------------------------------


@pytest.mark.parametrize("instrument_id", sorted(OURS))
def test_instrument_loads_with_its_resource_mode_and_audience(pack, instrument_id):
    instrument = pack.instrument(instrument_id)
    resource, mode, about_youth = OURS[instrument_id]
    assert instrument.instrument == instrument_id
    assert instrument.resource == resource
    assert instrument.mode == mode
    assert instrument.about_youth is about_youth


@pytest.mark.parametrize("instrument_id", sorted(OURS))
def test_every_section_and_item_cites_its_source(pack, instrument_id):
    instrument = pack.instrument(instrument_id)
    for section in instrument.sections:
        assert section.source, section.id
        for item in section.items:
            assert item.source, item.id
    for part in (*instrument.rules, *instrument.results, *instrument.actions):
        assert re.match(r"^(L\d+|derived: )", part.source), part.id


@pytest.mark.parametrize("instrument_id", sorted(OURS))
def test_an_empty_or_minimal_form_is_handled(pack, instrument_id):
    """Required items are named; nothing else fails on an empty form."""
    instrument = pack.instrument(instrument_id)
    required = {i.id for i in instrument.all_items() if i.required}
    if required:
        assert set(error_fields(pack, instrument_id, {})) == required
    else:
        run(pack, instrument_id, {})


# --- 9-A CSEC Safety Assessment --------------------------------------------------------------

SAFETY_ASSESSMENT = {
    "youth_name": "Youth A. Example",
    "youth_id": "SYN-0001",
    "assessor_name": "Case Worker Example",
    "assessment_date": "2026-02-03",
    "mdt_case_id": "MDT-SYN-17",
    "trafficker_location": "Unknown; last seen in a made-up town",
    "trafficker_name": "Person X (synthetic)",
    "trafficker_known_to_law_enforcement": "yes",
    "known_associates": "Two associates, names withheld in this synthetic record.",
    "organized_crime_or_gang_affiliation": "unknown",
    "threats_violence_against_youth": "yes",
    "threats_violence_against_youth_details": "Threatening messages reported by the youth.",
    "threats_violence_against_others": "no",
    "trafficker_knows_others_locations": "yes",
    "trafficker_risk_to_others": "May approach the youth's grandparent.",
    "trafficker_weapons": "unknown",
    "youth_lethality_fears": "The youth says they are afraid of being hurt.",
    "youth_in_prosecution": "no",
    "trafficker_in_custody": "no",
    "trafficker_contact_channels": ["social_media", "cell_phone"],
    "family_connection_to_trafficker": "None known.",
    "family_safety_understanding_support": "The grandparent is supportive.",
}


def test_safety_assessment_realistic_answers_identify_issues(pack):
    evaluation = run(pack, "safety_assessment", SAFETY_ASSESSMENT)
    assert evaluation.answers["trafficker_contact_channels"] == ["cell_phone", "social_media"]
    assert evaluation.results == {"safety_issues_identified": True}
    assert action_ids(evaluation) == {"share_with_mdt", "protective_measures"}
    assert {a["kind"] for a in evaluation.actions} == {"notify", "plan"}


def test_safety_assessment_without_issues_has_no_actions(pack):
    answers = {
        "assessment_date": "2026-02-03",
        "trafficker_known_to_law_enforcement": "unknown",
        "threats_violence_against_youth": "no",
        "threats_violence_against_others": "no",
        "trafficker_knows_others_locations": "no",
        "trafficker_weapons": "unknown",
        "organized_crime_or_gang_affiliation": "no",
        "trafficker_contact_channels": ["none"],
        "family_safety_understanding_support": "Family understands the safety issues.",
    }
    evaluation = run(pack, "safety_assessment", answers)
    assert evaluation.results == {"safety_issues_identified": False}
    assert evaluation.actions == []


@pytest.mark.parametrize(
    "answers",
    [
        {"threats_violence_against_others": "yes"},
        {"trafficker_weapons": "yes"},
        {"organized_crime_or_gang_affiliation": "yes"},
        {"trafficker_contact_channels": ["internet"]},
        {"retaliation_risk": "High: the youth is a witness."},
        {"additional_safety_issues": "A peer is recruiting at the placement."},
    ],
)
def test_safety_assessment_each_issue_alone_triggers(pack, answers):
    evaluation = run(pack, "safety_assessment", answers)
    assert evaluation.results["safety_issues_identified"] is True
    assert action_ids(evaluation) == {"share_with_mdt", "protective_measures"}


@pytest.mark.parametrize("exclusive", ["none", "unknown"])
def test_safety_assessment_none_or_unknown_contact_is_exclusive(pack, exclusive):
    answers = {"trafficker_contact_channels": [exclusive, "cell_phone"]}
    assert "trafficker_contact_channels" in error_fields(pack, "safety_assessment", answers)


def test_safety_assessment_rejects_an_unknown_choice(pack):
    answers = {"trafficker_weapons": "maybe"}
    assert "trafficker_weapons" in error_fields(pack, "safety_assessment", answers)


# --- 9-B Safety Planning Checklist -----------------------------------------------------------

SAFETY_PLAN = {
    "youth_name": "Youth B. Example",
    "date_completed": "2026-02-04",
    "staff_name": "Staff Example",
    "pre_call_911": True,
    "pre_escape_route": True,
    "pre_trusted_contacts": True,
    "pre_trusted_contacts_list": [
        {"name": "Aunt Example", "phone": "775-555-0101"},
        {"name": "Coach Example", "phone": "775-555-0102"},
    ],
    "pre_call_nht_hotline": True,
    "pre_local_shelter": True,
    "pre_local_shelter_org": "Example Youth Shelter",
    "pre_local_shelter_phone": "775-555-0103",
    "post_change_phone_number": True,
    "post_avoid_social_media": True,
    "post_identify_risky_places": True,
    "post_risky_places_notes": "Avoid the made-up mall; go with staff if needed.",
    "youth_signature": "Youth B. Example",
    "staff_signature": "Staff Example",
}


def test_safety_plan_counts_strategies_and_signatures(pack):
    evaluation = run(pack, "safety_plan", SAFETY_PLAN)
    assert evaluation.results["strategies_before_leaving"] == 5
    assert evaluation.results["strategies_after_leaving"] == 3
    assert "pre_call_nht_hotline" in evaluation.results["strategies_discussed"]
    assert evaluation.results["signed_by_both"] is True
    assert evaluation.actions == []


def test_safety_plan_unsigned_by_staff_is_not_signed_by_both(pack):
    answers = {**SAFETY_PLAN, "staff_signature": ""}
    assert run(pack, "safety_plan", answers).results["signed_by_both"] is False


def test_safety_plan_signatures_are_signature_items(pack):
    items = pack.instrument("safety_plan").item_map()
    assert items["youth_signature"].type == "signature"
    assert items["staff_signature"].type == "signature"


def test_safety_plan_contact_needs_a_name_and_a_real_phone(pack):
    answers = {**SAFETY_PLAN, "pre_trusted_contacts_list": [{"phone": "not a phone!"}]}
    errors = error_fields(pack, "safety_plan", answers)
    assert "pre_trusted_contacts_list[0].name" in errors
    assert "pre_trusted_contacts_list[0].phone" in errors


# --- 9-C Runaway Prevention Interventions Guide ----------------------------------------------

RUNAWAY_PREVENTION = {
    "interview_date": "2026-02-05",
    "completed_by": "Staff Example",
    "strengths": "Art, looking after younger cousins.",
    "good_at": "Drawing.",
    "run_triggers": "Phone calls from an older friend; arguments at the placement.",
    "past_prevention": "Talking to a favourite staff member.",
    "support_person": "Mentor-advocate Example.",
    "interventions_log": [
        {"intervention": "awol_problem_solve", "rating": "helpful", "tried_on": "2026-02-05"},
        {"intervention": "sleep_lights_on_door_open", "rating": "not_helpful"},
        {
            "intervention": "anxious_other",
            "other_text": "Walked through the court day",
            "rating": "helpful",
        },
    ],
    "coping_skills": ["sing", "listen_music", "color"],
}


def test_runaway_prevention_realistic_answers(pack):
    evaluation = run(pack, "runaway_prevention", RUNAWAY_PREVENTION)
    assert evaluation.answers["coping_skills"] == ["listen_music", "color", "sing"]
    assert [e["rating"] for e in evaluation.answers["interventions_log"]] == [
        "helpful",
        "not_helpful",
        "helpful",
    ]
    assert evaluation.actions == []


def test_runaway_prevention_log_rates_helpful_or_not_helpful(pack):
    log = pack.instrument("runaway_prevention").item_map()["interventions_log"]
    assert log.type == "group"
    rating = {i.id: i for i in log.items}["rating"]
    assert [o.value for o in rating.options] == ["helpful", "not_helpful"]
    interventions = {i.id: i for i in log.items}["intervention"].options
    assert len(interventions) == 26  # 20 listed interventions + an "Other" row for 6 issues


def test_runaway_prevention_log_entry_needs_intervention_and_rating(pack):
    answers = {"interventions_log": [{"intervention": "smoke_offer_gum", "rating": "maybe"}]}
    errors = error_fields(pack, "runaway_prevention", answers)
    assert "interventions_log[0].rating" in errors
    errors = error_fields(pack, "runaway_prevention", {"interventions_log": [{}]})
    assert {"interventions_log[0].intervention", "interventions_log[0].rating"} <= set(errors)


def test_runaway_prevention_anxiety_report_prompts_the_caseworker(pack):
    answers = {**RUNAWAY_PREVENTION, "report_anxiety_to_caseworker": True}
    evaluation = run(pack, "runaway_prevention", answers)
    assert action_ids(evaluation) == {"report_anxiety"}
    assert evaluation.actions[0]["kind"] == "notify"
    assert evaluation.actions[0]["source"] == "L10846-10849"


def test_runaway_prevention_has_sixteen_coping_skills(pack):
    coping = pack.instrument("runaway_prevention").item_map()["coping_skills"]
    assert coping.type == "multi"
    assert len(coping.options) == 16


# --- 9-F Runaway Report Form -----------------------------------------------------------------

RUNAWAY_REPORT = {
    "youth_name": "Youth C. Example",
    "youth_dob": "2010-06-01",
    "law_enforcement_agency_called": "Example County Sheriff",
    "runaway_police_report_no": "SYN-RPT-0042",
    "staff_name": "Staff Example",
    "staff_phone": "(775) 555-0110",
    "staff_email": "staff@example.org",
    "run_datetime": "2026-02-06T21:15:00-08:00",
    "run_from_address": "100 Example Way, Sample City",
    "social_media_accounts": [
        {"platform": "instagram", "profile_name": "example_profile"},
        {"platform": "other", "other_platform": "A made-up app", "profile_name": "ex2"},
    ],
    "physical_description_clothing_car": "Grey hoodie, black jeans; no car.",
    "height": "5 ft 4 in",
    "hair_color": "Brown",
    "relatives": [{"name": "Aunt Example", "phone": "775-555-0111", "email": "aunt@example.org"}],
    "contacts": [{"name": "Friend Example", "address": "200 Sample Street"}],
    "ncmec_notified": "yes",
    "ncmec_report_no": "SYN-NCMEC-1",
    "suspected_trafficked": "no",
    "has_current_photo": "yes",
    "photo_reference": "Case file, photo taken 2026-01-20",
}


def test_runaway_report_realistic_answers(pack):
    evaluation = run(pack, "runaway_report", RUNAWAY_REPORT)
    assert evaluation.answers["run_datetime"] == "2026-02-06T21:15:00-08:00"
    assert evaluation.actions == []


def test_runaway_report_photo_is_required_when_there_is_one(pack):
    answers = {**RUNAWAY_REPORT, "photo_reference": ""}
    assert "photo_reference" in error_fields(pack, "runaway_report", answers)


def test_runaway_report_photo_without_a_photo_is_a_contradiction(pack):
    answers = {**RUNAWAY_REPORT, "has_current_photo": "no"}
    assert "photo_reference" in error_fields(pack, "runaway_report", answers)


def test_runaway_report_ncmec_number_without_notice_is_a_contradiction(pack):
    answers = {**RUNAWAY_REPORT, "ncmec_notified": "no"}
    assert "ncmec_report_no" in error_fields(pack, "runaway_report", answers)


def test_runaway_report_ncmec_not_notified_prompts_notice(pack):
    answers = {**RUNAWAY_REPORT, "ncmec_notified": "no", "ncmec_report_no": ""}
    evaluation = run(pack, "runaway_report", answers)
    assert action_ids(evaluation) == {"notify_ncmec"}


def test_runaway_report_suspected_trafficking_prompts_screening(pack):
    answers = {**RUNAWAY_REPORT, "suspected_trafficked": "yes"}
    evaluation = run(pack, "runaway_report", answers)
    assert action_ids(evaluation) == {"screen_suspected_trafficking"}
    assert evaluation.actions[0]["kind"] == "screen"


def test_runaway_report_checks_types(pack):
    answers = {
        **RUNAWAY_REPORT,
        "staff_email": "not-an-email",
        "run_datetime": "2026-02-06 21:15",
        "social_media_accounts": [{"platform": "myspace"}],
    }
    errors = error_fields(pack, "runaway_report", answers)
    assert {"staff_email", "run_datetime", "social_media_accounts[0].platform"} <= set(errors)


# --- 9-G Returning Child De-Briefing ---------------------------------------------------------

DEBRIEF = {
    "child_name": "Youth D. Example",
    "person_id": "SYN-PID-9",
    "interviewer": "Trusted Staff Example",
    "missing_from": "2026-02-01",
    "missing_to": "2026-02-03",
    "debriefing_date": "2026-02-03",
    "in_danger_now": "no",
    "who_to_notify": "Grandparent; the youth will call.",
    "last_ate": "Yesterday evening",
    "offered_food": "yes",
    "harmed": "no",
    "crime_against_youth": ["no"],
    "health": "fair",
    "health_comments": "Tired.",
    "urgent_health_care": ["no"],
    "stayed_where": ["friend"],
    "run_activities": ["streets"],
    "food_money_source": ["friends"],
    "risk_involvement": "no",
    "reasons_left": ["program_conflict", "impulsive"],
    "self_care_plan": ["plan_failed"],
    "hoped_outcome": ["visit_friends"],
    "reasons_returned": ["tired"],
    "would_have_prevented": ["listen_to_me"],
}


def test_debrief_realistic_answers_without_danger(pack):
    evaluation = run(pack, "return_debrief", DEBRIEF)
    assert evaluation.results == {
        "danger_now": False,
        "nrit_update_suggested": False,
        "health_referral_needed": False,
    }
    assert evaluation.actions == []


def test_debrief_danger_now_calls_for_safety_assessment_and_plan(pack):
    evaluation = run(pack, "return_debrief", {**DEBRIEF, "in_danger_now": "yes"})
    assert evaluation.results["danger_now"] is True
    assert evaluation.actions == [
        {
            "id": "safety_assessment_and_plan",
            "kind": "do",
            "text": "Conduct a safety assessment and a safety plan.",
            "source": "L11314",
        }
    ]


def test_debrief_no_answer_to_danger_is_not_danger(pack):
    answers = {k: v for k, v in DEBRIEF.items() if k != "in_danger_now"}
    evaluation = run(pack, "return_debrief", answers)
    assert evaluation.results["danger_now"] is False
    assert "safety_assessment_and_plan" not in action_ids(evaluation)


def test_debrief_youth_refused_saves_with_questions_blank(pack):
    answers = {"child_name": "Youth D. Example", "debriefing_date": "2026-02-03"}
    evaluation = run(pack, "return_debrief", {**answers, "youth_refused": True})
    assert evaluation.answers["youth_refused"] is True
    assert evaluation.results["danger_now"] is False
    assert evaluation.actions == []


def test_debrief_has_all_sixteen_questions_and_thirteen_comments(pack):
    items = pack.instrument("return_debrief").item_map()
    numbered = {
        re.match(r"^(\d+)\.", i.label).group(1) for i in items.values() if i.label[0].isdigit()
    }
    assert numbered == {str(n) for n in range(1, 17)}
    comments = [i for i in items if i.endswith("_comments")]
    assert len(comments) == 13
    assert items["youth_refused"].type == "check"


@pytest.mark.parametrize(
    ("question", "values"),
    [
        ("crime_against_youth", ["no", "belongings_stolen"]),
        ("urgent_health_care", ["no", "dentist"]),
        ("self_care_plan", ["plan_worked", "no"]),
        ("self_care_plan", ["plan_worked", "plan_failed"]),
        ("hoped_outcome", ["nothing", "visit_family"]),
    ],
)
def test_debrief_exclusive_answers_are_rejected(pack, question, values):
    errors = error_fields(pack, "return_debrief", {**DEBRIEF, question: values})
    assert question in errors


def test_debrief_self_care_plan_other_with_an_outcome_is_allowed(pack):
    answers = {**DEBRIEF, "self_care_plan": ["plan_failed", "other"]}
    run(pack, "return_debrief", {**answers, "self_care_plan_comments": "Stayed with a friend."})


@pytest.mark.parametrize(
    "question",
    [
        "urgent_health_care",
        "stayed_where",
        "run_activities",
        "food_money_source",
        "reasons_left",
        "self_care_plan",
        "hoped_outcome",
        "reasons_returned",
        "would_have_prevented",
    ],
)
def test_debrief_other_needs_its_comments(pack, question):
    answers = {**DEBRIEF, question: ["other"]}
    assert f"{question}_comments" in error_fields(pack, "return_debrief", answers)
    run(pack, "return_debrief", {**answers, f"{question}_comments": "Explained (synthetic)."})


@pytest.mark.parametrize(
    "answers",
    [
        {"food_money_source": ["sex_exchange"]},
        {"run_activities": ["sexual_activity"]},
        {"stayed_where": ["stranger"]},
        {"stayed_where": ["another_adult", "friend"]},
        {"crime_against_youth": ["sexually_assaulted"]},
        {"crime_against_youth": ["forced_unwanted_act"]},
    ],
)
def test_debrief_indicators_prompt_an_nrit_update(pack, answers):
    evaluation = run(pack, "return_debrief", {**DEBRIEF, **answers})
    assert evaluation.results["nrit_update_suggested"] is True
    assert action_ids(evaluation) == {"update_nrit"}
    assert evaluation.actions[0]["kind"] == "screen"
    assert evaluation.actions[0]["source"].startswith("derived: ")


@pytest.mark.parametrize(
    "answers",
    [
        {"urgent_health_care": ["behavioral_health"]},
        {"urgent_health_care": ["other"], "urgent_health_care_comments": "Eye check (synthetic)"},
        {"health": "need_assistance"},
    ],
)
def test_debrief_health_needs_prompt_a_referral(pack, answers):
    evaluation = run(pack, "return_debrief", {**DEBRIEF, **answers})
    assert evaluation.results["health_referral_needed"] is True
    assert action_ids(evaluation) == {"health_referral"}
    assert evaluation.actions[0]["kind"] == "refer"


def test_debrief_everything_at_once(pack):
    answers = {
        **DEBRIEF,
        "in_danger_now": "yes",
        "food_money_source": ["sex_exchange"],
        "urgent_health_care": ["physician"],
    }
    evaluation = run(pack, "return_debrief", answers)
    assert action_ids(evaluation) == {
        "safety_assessment_and_plan",
        "update_nrit",
        "health_referral",
    }


# --- 11-A Placement considerations -----------------------------------------------------------

PLACEMENT = {
    "youth_name": "Youth E. Example",
    "provider_name": "Example Specialized Foster Home",
    "placement_type": "csec_treatment_foster_care",
    "completed_by": "MDT Chair Example",
    "completed_date": "2026-02-07",
    "fit_trained_practices": "yes",
    "fit_understands_needs": "yes",
    "fit_can_implement_safety_plan": "yes",
    "fit_support_supervision_level": "yes",
    "fit_support_available_to_provider": "24/7 case management line and a mentor-advocate.",
    "fit_accepts_support": "yes",
    "fit_mdt_coordination": "yes",
}
FIT_QUESTIONS = [
    "fit_trained_practices",
    "fit_understands_needs",
    "fit_can_implement_safety_plan",
    "fit_support_supervision_level",
    "fit_accepts_support",
    "fit_mdt_coordination",
]


def test_placement_good_fit(pack):
    evaluation = run(pack, "placement_considerations", PLACEMENT)
    assert evaluation.results == {"fit_concerns": False, "safety_plan_gap": False}
    assert evaluation.actions == []


def test_placement_every_fit_question_must_be_answered(pack):
    answers = {"provider_name": "Example Group Home"}
    errors = error_fields(pack, "placement_considerations", answers)
    assert set(errors) == {*FIT_QUESTIONS, "fit_support_available_to_provider"}


@pytest.mark.parametrize("question", FIT_QUESTIONS)
def test_placement_a_no_is_a_fit_concern(pack, question):
    evaluation = run(pack, "placement_considerations", {**PLACEMENT, question: "no"})
    assert evaluation.results["fit_concerns"] is True
    assert evaluation.results["safety_plan_gap"] is (question == "fit_can_implement_safety_plan")
    assert action_ids(evaluation) == {"review_fit_concerns"}


# --- 3-D Standards for CSEC service providers ------------------------------------------------


def standards(pack) -> list[str]:
    return [i.id for i in pack.instrument("provider_standards").all_items() if i.type == "enum"]


def test_provider_standards_has_the_64_standards_and_their_parts(pack):
    rated = standards(pack)
    top = [s for s in rated if re.fullmatch(r"[a-z]+_[a-z]+_\d+|[a-z]+_\d+", s)]
    assert len(top) == 64
    assert len(rated) == 142
    assert "sdp_saf_3_f" in rated  # use of the Child Returning De-briefing protocol
    options = pack.instrument("provider_standards").item_map()["fnd_app_1"].options
    assert [o.value for o in options] == ["met", "partially_met", "not_met", "not_applicable"]


def test_provider_standards_all_met(pack):
    answers = {s: "met" for s in standards(pack)}
    answers |= {"agency_name": "Example Youth Services", "assessment_date": "2026-01-31"}
    answers |= {"mhp_1": "not_applicable", "mhp_2": "not_applicable", "mhp_3": "not_applicable"}
    evaluation = run(pack, "provider_standards", answers)
    assert evaluation.results == {"adjustments_needed": False, "fully_met": True}
    assert evaluation.actions == []


@pytest.mark.parametrize("rating", ["not_met", "partially_met"])
def test_provider_standards_gaps_call_for_adjustments(pack, rating):
    answers = {s: "met" for s in standards(pack)}
    answers["plc_res_9"] = rating
    evaluation = run(pack, "provider_standards", answers)
    assert evaluation.results == {"adjustments_needed": True, "fully_met": False}
    assert action_ids(evaluation) == {"make_adjustments"}
    assert evaluation.actions[0]["source"] == "L9784-9785"


def test_provider_standards_rejects_an_unknown_rating(pack):
    assert "fnd_trn_5_h" in error_fields(pack, "provider_standards", {"fnd_trn_5_h": "yes"})


# --- 2-B Training evaluation -----------------------------------------------------------------


def statements(pack) -> list[str]:
    instrument = pack.instrument("training_evaluation")
    return [i for i in instrument.results if i.id == "total_score"][0].of


def test_training_evaluation_has_26_statements_on_the_five_point_scale(pack):
    instrument = pack.instrument("training_evaluation")
    items = instrument.item_map()
    assert len(statements(pack)) == 26
    for item_id in statements(pack):
        options = {o.value: o.score for o in items[item_id].options}
        assert options == {
            "strongly_disagree": 1,
            "disagree": 2,
            "does_not_apply": 0,
            "agree": 4,
            "strongly_agree": 5,
        }
        assert "excluded from averages" in items[item_id].help
    objectives = [i for i in items if re.fullmatch(r"learning_objective_\d_met", i)]
    assert len(objectives) == 4
    assert [o.value for o in items["material_level"].options] == [
        "basic",
        "intermediate",
        "advanced",
    ]


def test_training_evaluation_scores(pack):
    answers: dict[str, Any] = {s: "agree" for s in statements(pack)}
    answers |= {
        "program_title": "CSEC 101 (synthetic session)",
        "program_sponsor": "Example Task Force",
        "program_date": "2026-01-20",
        "instructors": "Trainer Example",
        "ins_objectives_met": "strongly_agree",
        "ven_brochure": "does_not_apply",
        "learning_objective_1": "Recognize indicators of exploitation",
        "learning_objective_1_met": "strongly_agree",
        "material_level": "intermediate",
        "overall_impression": "Clear and practical.",
        "learned_new": "How to use the NRIT.",
        "other_comments": "More case examples, please.",
        "survivor_presentation_feedback": "Powerful and respectful.",
    }
    evaluation = run(pack, "training_evaluation", answers)
    assert evaluation.results == {
        "instruction_score": 5 + 6 * 4,
        "learning_score": 8 * 4,
        "instructor_score": 7 * 4,
        "venue_score": 3 * 4 + 0,
        "total_score": 5 + 24 * 4 + 0,
    }
    assert evaluation.actions == []


def test_training_evaluation_unanswered_statements_score_nothing(pack):
    evaluation = run(pack, "training_evaluation", {"inst_knew_subject": "disagree"})
    assert evaluation.results["total_score"] == 2
    assert evaluation.results["instructor_score"] == 2


def test_training_evaluation_rejects_an_unknown_rating(pack):
    errors = error_fields(pack, "training_evaluation", {"lrn_recommend": "neutral"})
    assert "lrn_recommend" in errors
