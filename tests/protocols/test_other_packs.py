"""The Washington, Wisconsin and county-protocol packs (seeds 000/002, 004 and 003): they load,
and the rules the spec names are there with the numbers the seeds give. Line numbers in the
comments are the seeds' own; the packs cite the same lines."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from harborline.errors import InvalidInput
from harborline.instruments.engine import evaluate
from harborline.people.roles import OrgType, Role
from harborline.protocols.packs import BUILTIN, Pack, load_pack

from .conftest import minimal_answers, sample_value

# The source documents sit beside the checkout (../shared/seeds), as in CI.
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
CITE = re.compile(r"^(L\d+|\d{3} L\d+|derived: .+)")

WISCONSIN_CATEGORIES = [
    "emergency_housing",
    "mental_health",
    "support_advocacy",
    "medical_care",
    "peer_support",
    "caregiver_support",
    "legal_support",
    "educational_support",
    "employment_job_training",
]
COUNTY_AGENCIES = {
    "law_enforcement": "Law enforcement",
    "advocacy": "Advocacy (victim advocacy)",
    "district_attorney": "District Attorney's Office",
    "probation": "Probation",
    "child_welfare": "Child welfare",
    "juvenile_court": "Juvenile court",
    "child_advocacy_center": "Child advocacy center (CAC)",
    "medical": "Medical services",
    "mental_health": "Mental health services",
}


@pytest.fixture(scope="module")
def washington() -> Pack:
    return load_pack(BUILTIN / "washington")


@pytest.fixture(scope="module")
def wisconsin() -> Pack:
    return load_pack(BUILTIN / "wisconsin")


@pytest.fixture(scope="module")
def county() -> Pack:
    return load_pack(BUILTIN / "county-protocol")


def collect_sources(data: Any, out: list[str]) -> None:
    """Every `source:` string in a parsed pack file (manifest `source` mappings excluded)."""
    if isinstance(data, dict):
        if isinstance(data.get("source"), str):
            out.append(data["source"])
        for value in data.values():
            collect_sources(value, out)
    elif isinstance(data, list):
        for value in data:
            collect_sources(value, out)


def run(pack: Pack, instrument_id: str, answers: dict):
    return evaluate(
        pack=pack.name,
        version=pack.version,
        instrument=pack.instrument(instrument_id),
        answers=answers,
    )


# --- all three --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "document", "time_zone"),
    [
        ("washington", "seeds/000_2bf523af85426891.txt", "America/Los_Angeles"),
        ("wisconsin", "seeds/004_06ced92c3dd8d1f1.txt", "America/Chicago"),
        ("county-protocol", "seeds/003_9fc7d8ddecad45d9.txt", "America/Los_Angeles"),
    ],
)
def test_pack_loads_with_its_manifest(name, document, time_zone):
    pack = load_pack(BUILTIN / name)
    assert pack.name == name
    assert re.fullmatch(r"\d+\.\d+\.\d+", pack.version)
    assert pack.source_document == document
    assert pack.manifest.time_zone == time_zone
    assert pack.section("geography.yaml").pack == name


def test_washington_names_its_second_document(washington):
    assert [s.document for s in washington.manifest.sources] == ["seeds/002_021346f18553dbe7.txt"]


@pytest.mark.parametrize("name", ["washington", "wisconsin", "county-protocol"])
def test_org_types_and_roles_exist(name):
    pack = load_pack(BUILTIN / name)
    org_types, roles = set(OrgType.values), set(Role.values)
    obligations = pack.section("obligations.yaml")
    for obligation in obligations.obligations:
        assert set(obligation.owner.org_types) <= org_types
        assert obligation.owner.role in roles
    training = pack.section("training.yaml")
    for requirement in training.requirements if training else []:
        assert set(requirement.org_types) <= org_types
        assert set(requirement.roles) <= roles


@pytest.mark.parametrize(
    ("name", "seed"),
    [
        ("washington", "000_2bf523af85426891.txt"),
        ("wisconsin", "004_06ced92c3dd8d1f1.txt"),
        ("county-protocol", "003_9fc7d8ddecad45d9.txt"),
        ("nevada", "001_304a7ff96cf0bf3f.txt"),
    ],
)
def test_cited_lines_exist_in_the_seed(name, seed):
    """Every `Lnn` citation points at a non-blank line of the pack's own document (and every
    `002 Lnn` at one of seed 002), so a shifted or mistyped line number fails here."""
    if not (SEEDS / seed).is_file():
        # CI always has the seeds beside the checkout: there a missing seed is a failure.
        assert not os.environ.get("CI"), f"{SEEDS / seed} is missing"
        pytest.skip("the seeds are not beside this checkout (../shared/seeds)")
    lines = {
        "main": (SEEDS / seed).read_text(encoding="utf-8").split("\n"),
        "002": (SEEDS / "002_021346f18553dbe7.txt").read_text(encoding="utf-8").split("\n"),
    }
    folder = BUILTIN / name
    sources: list[str] = []
    for file in [*folder.glob("*.yaml"), *folder.glob("instruments/*.yaml")]:
        collect_sources(yaml.safe_load(file.read_text(encoding="utf-8")), sources)
    checked = 0
    for source in sources:
        if source.startswith("derived:"):
            continue
        assert CITE.match(source), source
        doc = "002" if source.startswith("002 ") else "main"
        for first, last in re.findall(r"L?(\d+)(?:[-–](\d+))?", source.removeprefix("002 ")):
            first_line, last_line = int(first), int(last or first)
            assert 1 <= first_line <= last_line <= len(lines[doc]), (name, source)
            span = lines[doc][first_line - 1 : last_line]
            assert any(line.strip() for line in span), (name, source)
            checked += 1
    assert checked > 20


# --- Washington -------------------------------------------------------------------------------


def test_washington_regions_are_dshs_regions(washington):
    regions = [r for r in washington.section("geography.yaml").regions if not r.kind]
    assert [r.slug for r in regions] == ["dshs-region-1", "dshs-region-2", "dshs-region-3"]
    assert all(r.source.startswith("derived:") for r in regions)


@pytest.mark.parametrize(
    ("scope", "org_type", "roles", "required", "line"),
    [
        ("agency", "law_enforcement", [], 2, "L15"),  # at least two officers, in depth
        ("agency", "community_advocacy", [], 2, "L16"),  # at least two advocates
        ("region", "child_welfare", ["caseworker"], 4, "L17"),  # four CPS social workers
        ("region", "child_welfare", ["supervisor"], 2, "L17"),  # and two CPS supervisors
        ("agency", "prosecutor", [], 1, "L20"),  # one deputy prosecutor per office
        ("county", "public_defender", [], 1, "L21"),  # one public defender per county
    ],
)
def test_washington_training_minimums(washington, scope, org_type, roles, required, line):
    matches = [
        r
        for r in washington.section("training.yaml").requirements
        if r.scope == scope and r.org_types == [org_type] and r.roles == roles
    ]
    assert len(matches) == 1
    requirement = matches[0]
    assert requirement.level == "in_depth"
    assert requirement.required == required
    assert requirement.source == line


def test_washington_all_officers_get_basic_training(washington):
    (basic,) = [
        r
        for r in washington.section("training.yaml").requirements
        if r.id == "law_enforcement_all_basic"
    ]
    assert (basic.scope, basic.level, basic.org_types) == ("person", "basic", ["law_enforcement"])


def test_washington_king_county_catalogue(washington):
    courses = {c.code: c.title for c in washington.section("training.yaml").courses}
    assert courses["CSEC-101"] == "Responding to the Sexual Exploitation and Trafficking of Youth"
    assert courses["CSEC-404"] == "Human Trafficking in Indian Country: Identify and Respond"
    king_county = [code for code in courses if code.startswith("CSEC-")]
    assert len(king_county) == 8  # L31-38
    assert "CCYJ-TOT" in courses  # L29


def test_washington_report_within_48_hours(washington):
    obligations = {o.id: o for o in washington.section("obligations.yaml").obligations}
    report = obligations["child_welfare_report"]
    assert report.trigger == "reasonable_cause"
    assert report.due.hours == 48
    assert report.due.note.startswith('"at the first opportunity')
    assert report.due.business_days is None  # clock hours (decision 0057)
    assert not report.due.immediately
    assert report.authority == "RCW 26.44.030"
    assert "community_advocacy" not in report.owner.org_types


def test_washington_lists(washington):
    lists = {x.id: x for x in washington.section("lists.yaml").lists}
    members = lists["member_categories"].entries
    assert len(members) == 13  # 002 L398-410
    assert {e.id for e in members} >= {"survivors", "tribal_communities", "lgbtq_representatives"}
    assert len(lists["coordinator_duties"].entries) == 12  # 002 L416-427
    data = {e.id: e for e in lists["data_points"].entries}
    assert set(data) == {
        "attendance",
        "trainings",
        "tenure",
        "criminalization",
        "interconnectedness",
    }
    assert [e.id for e in data["interconnectedness"].entries] == ["know", "communicate", "refer"]
    assert len(lists["task_force_regions"].entries) == 11  # 002 L137-147


# --- Wisconsin --------------------------------------------------------------------------------


def test_wisconsin_regions_are_dcf_regions(wisconsin):
    regions = wisconsin.section("geography.yaml").regions
    assert [r.slug for r in regions] == [
        "dcf-northern",
        "dcf-northeastern",
        "dcf-southern",
        "dcf-southeastern",
        "dcf-western",
    ]
    assert all(r.source.startswith("derived:") and not r.kind for r in regions)


def test_wisconsin_report_immediately(wisconsin):
    obligations = {o.id: o for o in wisconsin.section("obligations.yaml").obligations}
    report = obligations["child_welfare_report"]
    assert report.trigger == "reasonable_cause"
    assert report.due.immediately is True
    assert report.due.hours is None
    assert "48.981" in report.authority


def test_wisconsin_nine_service_categories_with_attributes(wisconsin):
    lists = {x.id: x for x in wisconsin.section("lists.yaml").lists}
    categories = lists["service_categories"].entries
    assert [c.id for c in categories] == WISCONSIN_CATEGORIES
    for category in categories:
        assert len(category.entries) >= 5, category.id
        assert category.source and all(a.source for a in category.entries)
    housing = {a.label for a in categories[0].entries}
    assert housing == {  # L202-206
        "Supportive",
        "Comfortable",
        "Non-punitive",
        "Available to authorities on short notice",
        "Involves providers who understand sex trafficking",
    }


def test_wisconsin_other_lists(wisconsin):
    lists = {x.id: x for x in wisconsin.section("lists.yaml").lists}
    assert len(lists["community_response_team"].entries) == 12  # L182-196
    principles = {g.id: len(g.entries) for g in lists["guiding_principles"].entries}
    assert principles == {"trauma_informed": 7, "coordinated": 4, "quality": 4}  # L526-550
    core, advanced = lists["core_competencies"].entries
    assert len(core.entries) == 6 and len(core.entries[-1].entries) == 11  # C1-C6, skills i-xi
    assert len(advanced.entries) == 12  # A1-A12
    assert len(lists["case_management_intake"].entries) == 6  # L162-167


def test_inventory_has_a_section_per_category_matching_the_list(wisconsin):
    inventory = wisconsin.instrument("resource_inventory")
    assert inventory.mode == "self_assessment"
    assert inventory.about_youth is False
    sections = {s.id: s for s in inventory.sections}
    assert set(WISCONSIN_CATEGORIES) <= set(sections)
    lists = {x.id: x for x in wisconsin.section("lists.yaml").lists}
    for category in lists["service_categories"].entries:
        checks = [i.id for i in sections[category.id].items if i.type == "check"]
        assert checks == [a.id for a in category.entries], category.id
    header = {i.id for i in sections["provider"].items}
    assert {"provider_name", "contact_name", "contact_phone", "contact_email"} <= header


def test_inventory_evaluates_a_synthetic_provider(wisconsin):
    answers = {
        "provider_name": "Synthetic Youth Shelter",
        "contact_name": "Synthetic Contact",
        "contact_phone": "608-555-0100",
        "contact_email": "intake@example.org",
        "services_offered": ["emergency_housing", "peer_support"],
        # housing: all five attributes (L202-206)
        "eh_supportive": True,
        "eh_comfortable": True,
        "eh_non_punitive": True,
        "eh_short_notice": True,
        "eh_trafficking_informed": True,
        "eh_options": ["shelter_care", "host_home"],
        "eh_host_home_support": "yes",
        # peer support: two of five
        "ps_groups": True,
        "ps_survivor_inclusion": True,
    }
    result = run(wisconsin, "resource_inventory", answers)
    assert result.results["emergency_housing_attributes"] == 5
    assert result.results["emergency_housing_gap"] is False
    assert result.results["peer_support_attributes"] == 2
    assert result.results["peer_support_gap"] is True
    assert result.results["medical_care_gap"] is False  # not offered: not a gap of this provider
    assert result.results["attributes_met"] == 7
    assert result.results["any_gap"] is True
    assert [a["id"] for a in result.actions] == ["record_gaps"]

    complete = {**answers, "ps_caregiver_access": True, "ps_residential_aftercare": True}
    complete["ps_youth_training"] = True
    result = run(wisconsin, "resource_inventory", complete)
    assert result.results["peer_support_gap"] is False
    assert result.results["any_gap"] is False
    assert result.actions == []


def test_inventory_rejects_attributes_of_a_service_not_offered(wisconsin):
    answers = {
        "provider_name": "Synthetic Clinic",
        "services_offered": ["medical_care"],
        "med_evenings_weekends": True,
        "eh_supportive": True,
    }
    with pytest.raises(InvalidInput) as problem:
        run(wisconsin, "resource_inventory", answers)
    assert [e.field for e in problem.value.errors] == ["services_offered"]


def test_inventory_host_home_needs_the_support_answer(wisconsin):
    answers = {
        "provider_name": "Synthetic Host Homes",
        "services_offered": ["emergency_housing"],
        "eh_options": ["host_home"],
    }
    with pytest.raises(InvalidInput) as problem:
        run(wisconsin, "resource_inventory", answers)
    assert [e.field for e in problem.value.errors] == ["eh_host_home_support"]


def test_case_management_intake(wisconsin):
    intake = wisconsin.instrument("case_management_intake")
    assert intake.mode == "checklist"
    assert intake.about_youth is True
    assert len(intake.check_items()) == 6
    answers = minimal_answers(intake)
    result = run(wisconsin, "case_management_intake", answers)
    assert result.results["elements_done"] == 0
    assert [a["id"] for a in result.actions] == ["finish_intake"]
    done = {
        **answers,
        "ci_needs_assessment": True,
        "needs_notes": "Synthetic: shelter and clothing.",
        "ci_service_plan": True,
        "service_plan_notes": "Synthetic plan.",
        "ci_eligibility": True,
        "eligibility_notes": "Synthetic programs.",
        "ci_safety_planning": True,
        "safety_plan_notes": "Synthetic safety plan.",
        "ci_educational_information": True,
        "educational_notes": "Synthetic leaflet.",
        "ci_referrals": True,
        "referrals": [{"organization": "Synthetic Clinic", "referral_date": "2026-01-15"}],
    }
    result = run(wisconsin, "case_management_intake", done)
    assert result.results == {"elements_done": 6, "intake_complete": True}
    assert result.actions == []
    with pytest.raises(InvalidInput) as problem:
        run(wisconsin, "case_management_intake", {**done, "referrals": []})
    assert [e.field for e in problem.value.errors] == ["referrals"]


# --- county protocol --------------------------------------------------------------------------


def test_county_protocol_is_adopted_by_a_county(county):
    geography = county.section("geography.yaml")
    assert geography.adoption == "county"
    assert geography.regions == [] and geography.counties == []


def test_county_protocol_section_per_agency(county):
    protocol = county.instrument("agency_protocol")
    assert protocol.mode == "checklist"
    assert protocol.about_youth is False
    titles = {s.id: s.title for s in protocol.sections}
    for agency, title in COUNTY_AGENCIES.items():
        assert titles[agency] == title
        items = next(s for s in protocol.sections if s.id == agency).items
        assert len(items) >= 3, agency
        assert f"approved_{agency}" in {i.id for i in items}
    assert "other_agencies" in titles  # the seed's "E. Other Agency Recommendations" (L71-84)


def test_county_protocol_how_decisions_are_long_text(county):
    for item in county.instrument("agency_protocol").all_items():
        if item.label.startswith("How will"):
            assert item.type == "long_text", item.id


def test_county_protocol_evaluates(county):
    protocol = county.instrument("agency_protocol")
    answers = minimal_answers(protocol)
    result = run(county, "agency_protocol", answers)
    assert result.results["agencies_approved"] == 0
    assert result.results["all_recorded"] is False

    law_enforcement = next(s for s in protocol.sections if s.id == "law_enforcement")
    partial = {**answers, "approved_law_enforcement": True}
    with pytest.raises(InvalidInput) as problem:
        run(county, "agency_protocol", partial)
    assert [e.field for e in problem.value.errors] == ["approved_law_enforcement"]

    filled = dict(answers)
    for item in protocol.all_items():
        if item.type not in ("check", "display", "group"):
            filled[item.id] = sample_value(item)
    filled["le_intervention"] = ["protective_custody"]
    for agency in [*COUNTY_AGENCIES, "other_agencies"]:
        filled[f"approved_{agency}"] = True
    result = run(county, "agency_protocol", filled)
    assert result.results["law_enforcement_recorded"] is True
    assert result.results["agencies_approved"] == 10
    assert result.results["ready_for_agreement"] is True
    assert [a["id"] for a in result.actions] == ["document_agreement"]
    assert law_enforcement.items[-1].id == "approved_law_enforcement"

    agreed = {**filled, "agreement_documented": True, "agreement_date": "2026-02-01"}
    assert run(county, "agency_protocol", agreed).actions == []


def test_county_protocol_rape_crisis_referral(county):
    obligations = {o.id: o for o in county.section("obligations.yaml").obligations}
    referral = obligations["rape_crisis_referral"]
    assert referral.trigger == "disclosure_in_custody"
    assert referral.due.immediately is True
    assert sorted(referral.owner.org_types) == ["medical", "mental_health"]
    assert referral.source == "L104, L114"
