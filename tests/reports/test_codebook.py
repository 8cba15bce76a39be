"""Code-book records (issue 16, item 1; contract `GET /api/v1/cases/{id}/code-book`): the 53
items of Resource 3-B derived from what Harborline holds, hand-coded where nothing does, "not
recorded" otherwise; which screening counts is a rule stated on the output; items outside the
viewer's grant are withheld; hand coding is validated all-or-nothing and audited."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from harborline.audit.models import AuditEvent
from harborline.cases import services as cases
from harborline.reports import codebook
from harborline.reports.models import CaseCoding
from harborline.response import services as response
from tests.access import factories as f
from tests.cases.conftest import Api

pytestmark = pytest.mark.django_db


def _screen(actor, case, answers, at):
    response.record_screening(
        actor=actor,
        case_id=case.pk,
        instrument="nrit",
        answers=answers,
        identified_by="law_enforcement",
        identified_at=at,
    )


@pytest.fixture
def world():
    owner_org = f.org("child_welfare")
    worker = f.user(owner_org, "caseworker")
    case = f.case(worker, dob="2010-05-01", notes=False)
    _screen(worker, case, {"hr_runaway": True}, datetime(2026, 2, 1, 18, tzinfo=UTC))
    _screen(worker, case, {"cv_self_report": True}, datetime(2026, 4, 1, 18, tzinfo=UTC))
    _screen(worker, case, {"hr_hotels": True}, datetime(2026, 6, 1, 18, tzinfo=UTC))
    cases.add_reference(actor=worker, case_id=case.pk, kind="le_report", value="LV-2026-0001")
    other = f.org("law_enforcement")
    officer = f.user(other, "caseworker")
    f.share(case, other, ["screening"], by=worker)
    return {"case": case, "worker": worker, "officer": officer}


def _items(made):
    return {item.name: item for item in made.items}


def test_all_53_items_in_order_with_codes(world):
    made = codebook.case_code_book(world["worker"], world["case"].pk)
    assert [i.number for i in made.items] == list(range(1, 54))
    items = _items(made)
    assert items["client_name"].value == "Ana Reyes"
    assert (items["gender"].value, items["gender"].code) == ("Female", 2)
    assert items["birth_date"].value == "05/01/2010"
    assert items["screened_for_csec"].code == 1
    assert items["screening_tool_used"].value == "Nevada Rapid Indicator Tool (NRIT)"
    assert items["le_report_made"].code == 1
    assert items["le_report_number"].value == "LV-2026-0001"
    assert items["placement_plan"].code == 1  # the factory's placement
    assert items["immediate_crisis_plan"].code == 2  # Harborline runs safety plans: none = No
    # Nothing in Harborline records race: not recorded, no code made up.
    assert (items["race"].value, items["race"].code, items["race"].status) == (
        codebook.NOT_RECORDED,
        None,
        "not_recorded",
    )


@pytest.mark.parametrize(
    ("rule", "yes", "no"),
    [
        ("latest", "hr_hotels", "cv_self_report"),
        ("first", "hr_runaway", "hr_hotels"),
        ("confirmed", "cv_self_report", "hr_runaway"),
    ],
)
def test_the_screening_rule_decides_which_screening_counts(world, rule, yes, no):
    made = codebook.case_code_book(world["worker"], world["case"].pk, rule=rule)
    items = _items(made)
    assert items[yes].code == 1 and items[no].code == 2
    assert made.rules()["screening_rule"] == rule


def test_a_year_without_screenings_counts_none(world):
    items = _items(codebook.case_code_book(world["worker"], world["case"].pk, year=2025))
    assert items["screened_for_csec"].code == 2
    assert items["cv_self_report"].status == "not_recorded"


def test_items_outside_the_grant_are_withheld(world):
    made = codebook.case_code_book(world["officer"], world["case"].pk)
    items = _items(made)
    assert items["client_name"].status == "withheld"
    assert items["client_name"].value == codebook.WITHHELD
    assert items["le_report_number"].status == "withheld"
    assert items["cv_self_report"].status == "derived"  # screening is shared


def test_hand_coding_fills_what_nothing_records_and_is_audited(world):
    case = world["case"]
    codebook.set_coding(world["worker"], case.pk, {"race": 4, "zip_code": "89501"})
    items = _items(codebook.case_code_book(world["worker"], case.pk))
    assert (items["race"].value, items["race"].code, items["race"].status) == (
        "Native American",
        4,
        "hand_coded",
    )
    assert items["zip_code"].value == "89501"
    assert AuditEvent.objects.filter(purpose="code-book coding", object_id=str(case.pk)).exists()
    # A derived Yes is not overridden by a hand-coded No.
    codebook.set_coding(world["worker"], case.pk, {"le_report_made": 2})
    assert _items(codebook.case_code_book(world["worker"], case.pk))["le_report_made"].code == 1


def test_bad_hand_coding_refuses_everything_and_names_each_field(world):
    api = Api(world["worker"])
    r = api.patch(
        f"/cases/{world['case'].pk}/code-book",
        {"answers": {"race": 9, "zip_code": "89501", "medical_assessment_date": "31/31/2026"}},
    )
    assert r.status_code == 422, r.content
    fields = f.problem_fields(r)
    assert set(fields) == {"race", "medical_assessment_date"}
    assert not CaseCoding.objects.filter(case=world["case"]).exists()


def test_a_share_reader_may_not_hand_code(world):
    r = Api(world["officer"]).patch(
        f"/cases/{world['case'].pk}/code-book", {"answers": {"cv_self_report": 1}}
    )
    assert r.status_code == 403, r.content


def test_the_api_contract(world):
    r = Api(world["worker"]).get(f"/cases/{world['case'].pk}/code-book?rule=first")
    assert r.status_code == 200, r.content
    body = r.json()
    assert len(body["items"]) == 53
    first = body["items"][0]
    assert {"number", "name", "value", "code"} <= set(first)
    assert body["rules"]["screening_rule"] == "first"
    assert Api(world["worker"]).get("/cases/999999/code-book").status_code == 404
    assert (
        Api(world["worker"]).get(f"/cases/{world['case'].pk}/code-book?rule=x").status_code == 422
    )


def test_a_stranger_gets_not_found(world):
    stranger = f.user(f.org("medical"), "caseworker")
    assert Api(stranger).get(f"/cases/{world['case'].pk}/code-book").status_code == 404


def test_the_bulk_path_needs_the_same_queries_for_one_case_and_many(
    world, django_assert_max_num_queries
):
    many = [f.case(world["worker"], notes=False) for _ in range(5)]
    facts_one = codebook.load_facts([world["case"]], rule="latest", year=None)
    assert facts_one
    with django_assert_max_num_queries(12):
        codebook.load_facts([world["case"], *many], rule="latest", year=None)
