"""The protocol API: packs, an instrument's definition and answer schema, and evaluating answers
without storing anything; with the NRIT contract over all 2^13 combinations of its checks."""

from __future__ import annotations

import itertools
import json

import jsonschema_rs
import pytest
from django.apps import apps
from django.test import Client

from harborline.audit.models import AuditEvent
from harborline.instruments.models import InstrumentResponse
from harborline.people import services
from harborline.protocols.packs import get_pack, registry

from .conftest import minimal_answers

CV = ["cv_self_report", "cv_law_enforcement", "cv_survival_sex", "cv_internet_posts"]
HR = [
    "hr_injuries",
    "hr_runaway",
    "hr_controlling_partner",
    "hr_risky_sexual_behavior",
    "hr_unexplained_resources",
    "hr_gang_affiliation",
    "hr_hotels",
    "hr_other",
]
NRIT_CHECKS = [*CV, *HR, "no_indicators"]
NRIT = "/api/v1/protocols/nevada/instruments/nrit"


@pytest.fixture
def api(db) -> Client:
    org = services.create_organization(
        actor=None, slug="washoe-so", name="Washoe County Sheriff", type="law_enforcement"
    )
    user = services.create_user(
        actor=None, email="dana@example.org", organization=org, role="caseworker"
    )
    _, raw = services.create_token(actor=None, user=user, days=30, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client: Client, url: str, body: object):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def problem(response) -> dict:
    assert response["Content-Type"] == "application/problem+json", response.content
    return response.json()


def fields(response) -> list[str]:
    return [e["field"] for e in problem(response)["errors"]]


def row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


# --- reading packs --------------------------------------------------------------------------


def test_every_endpoint_needs_a_token(db):
    anonymous = Client()
    for response in (
        anonymous.get("/api/v1/protocols"),
        anonymous.get(NRIT),
        anonymous.get(f"{NRIT}/schema"),
        post(anonymous, f"{NRIT}/evaluate", {"answers": {"no_indicators": True}}),
    ):
        assert response.status_code == 401
        assert problem(response)["title"] == "Authentication required"


def test_list_packs(api):
    response = api.get("/api/v1/protocols")
    assert response.status_code == 200
    body = response.json()
    assert [p["pack"] for p in body] == sorted(registry())
    nevada = next(p for p in body if p["pack"] == "nevada")
    pack = get_pack("nevada")
    assert nevada["version"] == pack.version
    assert nevada["title"] == pack.manifest.title
    assert nevada["jurisdiction"] == "Nevada"
    assert {i["instrument"] for i in nevada["instruments"]} == set(pack.instruments)
    nrit = next(i for i in nevada["instruments"] if i["instrument"] == "nrit")
    assert nrit == {
        "instrument": "nrit",
        "title": "Nevada Rapid Indicator Tool (NRIT)",
        "resource": "8-A",
        "mode": "observational",
        "about_youth": True,
    }


def test_definition_is_the_pack_model_dumped(api):
    response = api.get(NRIT)
    assert response.status_code == 200
    body = response.json()
    pack = get_pack("nevada")
    assert body.pop("pack") == "nevada"
    assert body.pop("version") == pack.version
    assert body == pack.instrument("nrit").model_dump(mode="json")


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("/api/v1/protocols/atlantis/instruments/nrit", "No protocol pack named 'atlantis'."),
        (
            "/api/v1/protocols/nevada/instruments/horoscope",
            "Pack 'nevada' has no instrument 'horoscope'.",
        ),
        (
            "/api/v1/protocols/atlantis/instruments/nrit/schema",
            "No protocol pack named 'atlantis'.",
        ),
    ],
)
def test_unknown_pack_or_instrument_is_404(api, url, detail):
    response = api.get(url)
    assert response.status_code == 404
    assert problem(response)["detail"] == detail


def test_evaluate_unknown_instrument_is_404(api):
    response = post(api, "/api/v1/protocols/nevada/instruments/horoscope/evaluate", {"answers": {}})
    assert response.status_code == 404
    assert problem(response)["title"] == "Not found"


def test_openapi_documents_the_endpoints(api):
    schema = api.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert "/api/v1/protocols" in paths
    assert "/api/v1/protocols/{pack}/instruments/{instrument}/schema" in paths
    evaluate = paths["/api/v1/protocols/{pack}/instruments/{instrument}/evaluate"]["post"]
    assert "application/problem+json" in evaluate["responses"]["422"]["content"]


# --- the JSON Schema of the answers ---------------------------------------------------------


def test_nrit_schema_is_a_real_json_schema(api):
    schema = api.get(f"{NRIT}/schema").json()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    assert schema["properties"]["cv_self_report"] == {
        "anyOf": [
            {
                "title": get_pack("nevada")
                .instrument("nrit")
                .item_map()["cv_self_report"]
                .label.strip(),
                "type": "boolean",
            },
            {"type": "null"},
        ]
    }
    assert "instruction_do_not_ask" not in schema["properties"]  # display text takes no answer
    assert schema["x-required-when"] == {"hr_other_explain": {"checked": "hr_other"}}
    assert [r["id"] for r in schema["x-rules"]] == [
        "no_indicators_is_exclusive",
        "something_is_checked",
    ]
    validator = jsonschema_rs.validator_for(schema)
    assert validator.is_valid({"hr_runaway": True, "youth_dob": "2010-02-03"})
    assert validator.is_valid({"no_indicators": None})
    assert not validator.is_valid({"hr_runaway": "yes"})
    assert not validator.is_valid({"horoscope": True})
    assert not validator.is_valid({"hr_other_explain": "x" * 5001})


def test_schema_of_every_item_type(api, sample_pack):
    schema = api.get("/api/v1/protocols/sample/instruments/survey/schema").json()
    props = schema["properties"]
    assert schema["required"] == ["useful"]
    assert props["useful"]["enum"] == ["yes", "no"]  # required: null not allowed
    assert props["format"]["anyOf"][0]["enum"] == ["in_person", "online"]
    assert props["topics"]["anyOf"][0]["items"]["enum"] == ["law", "trauma"]
    assert props["quality"]["anyOf"][0]["description"] == "1 is poor, 3 is good."
    assert props["trainer"]["anyOf"][0]["maxLength"] == 40
    assert props["held_on"]["anyOf"][0]["format"] == "date"
    assert props["started_at"]["anyOf"][0]["format"] == "date-time"
    assert props["email"]["anyOf"][0]["format"] == "email"
    number = props["rating_out_of_ten"]["anyOf"][0]
    assert (number["type"], number["minimum"], number["maximum"]) == ("number", 0, 10)
    assert props["attendees"]["anyOf"][0]["type"] == "integer"
    sessions = props["sessions"]["anyOf"][0]
    assert sessions["items"]["required"] == ["name"]
    assert sessions["items"]["additionalProperties"] is False
    validator = jsonschema_rs.validator_for(schema)
    good = {
        "useful": "no",
        "topics": ["law"],
        "phone": "775-555-0100",
        "attendees": 12,
        "sessions": [{"name": "Morning", "hours": 2}],
    }
    assert validator.is_valid(good)
    for bad in (
        {},
        {"useful": "maybe"},
        {"useful": "yes", "topics": ["law", "law"]},
        {"useful": "yes", "rating_out_of_ten": 11},
        {"useful": "yes", "attendees": 1.5},
        {"useful": "yes", "phone": "call me"},
        {"useful": "yes", "sessions": [{"hours": 2}]},
        {"useful": "yes", "intro_text": "answering display text"},
    ):
        assert not validator.is_valid(bad), bad


def test_schema_accepts_the_minimal_answers_of_every_shipped_instrument(api):
    for name, pack in registry().items():
        for instrument_id, instrument in pack.instruments.items():
            url = f"/api/v1/protocols/{name}/instruments/{instrument_id}"
            schema = api.get(f"{url}/schema").json()
            answers = minimal_answers(instrument)
            assert jsonschema_rs.validator_for(schema).is_valid(answers), (name, instrument_id)
            response = post(api, f"{url}/evaluate", {"answers": answers})
            assert response.status_code == 200, (name, instrument_id, response.content)


# --- evaluating -----------------------------------------------------------------------------


def test_evaluate_stores_nothing(api):
    post(api, f"{NRIT}/evaluate", {"answers": {"no_indicators": True}})  # token's first use
    before = row_counts()
    audit_head = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    response = post(
        api,
        f"{NRIT}/evaluate",
        {"answers": {"cv_self_report": True, "youth_name": "Synthetic Youth"}},
    )
    assert response.status_code == 200
    assert row_counts() == before
    assert InstrumentResponse.objects.count() == 0
    assert AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() == audit_head


def test_evaluate_answers_with_pack_version_results_and_actions(api):
    response = post(
        api, f"{NRIT}/evaluate", {"answers": {"cv_self_report": True, "hr_runaway": True}}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["pack"] == "nevada"
    assert body["version"] == get_pack("nevada").version
    assert body["instrument"] == "nrit"
    assert body["results"] == {
        "confirmed_victim": True,
        "high_risk": True,
        "outcome": "confirmed_victim",
        "indicators": ["cv_self_report", "hr_runaway"],
    }
    assert [a["id"] for a in body["actions"]] == [
        "record_confirmed",
        "initiate_mdt",
        "comprehensive_assessment",
        "record_high_risk",
        "safety_planning_and_monitoring",
    ]
    assert body["actions"][1] == {
        "id": "initiate_mdt",
        "kind": "do",
        "text": "Initiate a multidisciplinary team (MDT).",
        "source": "L10437-10439",
    }


@pytest.mark.same_on_every_database(
    "the evaluate endpoint stores nothing; the database only checks the token (42 s a run)"
)
def test_nrit_contract_over_every_combination(api):
    """All 2^13 combinations of the 13 NRIT checks through the endpoint."""
    url = f"{NRIT}/evaluate"
    seen = {200: 0, 422: 0}
    for ticks in itertools.product((False, True), repeat=len(NRIT_CHECKS)):
        answers = dict(zip(NRIT_CHECKS, ticks, strict=True))
        if answers["hr_other"]:
            answers["hr_other_explain"] = "synthetic reason"
        any_cv = any(answers[c] for c in CV)
        any_hr = any(answers[h] for h in HR)
        response = post(api, url, {"answers": answers})
        seen[response.status_code] += 1
        if answers["no_indicators"] == (any_cv or any_hr):
            # "No indicators" together with an indicator, or nothing checked at all.
            assert response.status_code == 422, answers
            assert fields(response) == ["no_indicators"], answers
            continue
        assert response.status_code == 200, (answers, response.content)
        results = response.json()["results"]
        assert results["confirmed_victim"] is any_cv
        assert results["high_risk"] is any_hr
        expected = "confirmed_victim" if any_cv else "high_risk" if any_hr else "no_indicators"
        assert results["outcome"] == expected
        assert results["indicators"] == [c for c in [*CV, *HR] if answers[c]]
    # 2^12 - 1 valid combinations with an indicator, plus "no indicators" alone.
    assert seen == {200: 2**12, 422: 2**12}


def test_other_reason_needs_its_explanation(api):
    response = post(api, f"{NRIT}/evaluate", {"answers": {"hr_other": True}})
    assert response.status_code == 422
    assert fields(response) == ["hr_other_explain"]
    blank = post(api, f"{NRIT}/evaluate", {"answers": {"hr_other": True, "hr_other_explain": "  "}})
    assert blank.status_code == 422
    assert fields(blank) == ["hr_other_explain"]


def test_unknown_item_is_named(api):
    response = post(
        api, f"{NRIT}/evaluate", {"answers": {"no_indicators": True, "cv_horoscope": True}}
    )
    assert response.status_code == 422
    body = problem(response)
    assert body["errors"] == [
        {"field": "cv_horoscope", "message": "not an item of this instrument"}
    ]
    assert body["status"] == 422


@pytest.mark.parametrize("value", ["yes", 1, 0, "true", [], {}])
def test_a_check_takes_only_true_or_false(api, value):
    response = post(
        api, f"{NRIT}/evaluate", {"answers": {"hr_runaway": True, "cv_self_report": value}}
    )
    assert response.status_code == 422
    assert problem(response)["errors"] == [
        {"field": "cv_self_report", "message": "must be true or false"}
    ]


def test_null_means_unanswered(api):
    """null is "not answered": for a check item, not ticked (docs/protocol-packs.md, "The
    API"; and the answers schema's description)."""
    response = post(
        api,
        f"{NRIT}/evaluate",
        {"answers": {"hr_runaway": True, "cv_self_report": None, "youth_dob": None}},
    )
    assert response.status_code == 200
    assert response.json()["results"]["confirmed_victim"] is False
    nothing = post(api, f"{NRIT}/evaluate", {"answers": {"no_indicators": None}})
    assert nothing.status_code == 422
    assert fields(nothing) == ["no_indicators"]


def test_several_bad_fields_give_one_error_each(api):
    response = post(
        api,
        f"{NRIT}/evaluate",
        {"answers": {"youth_dob": "15/01/2010", "cv_self_report": "yes", "oops": 1}},
    )
    assert response.status_code == 422
    assert sorted(fields(response)) == ["cv_self_report", "oops", "youth_dob"]


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "answers"), ({"answers": [1, 2]}, "answers"), ({"answers": {}, "extra": 1}, "extra")],
)
def test_malformed_bodies_are_422_naming_the_field(api, body, field):
    response = post(api, f"{NRIT}/evaluate", body)
    assert response.status_code == 422
    assert field in fields(response)


def test_a_body_that_is_not_json_is_422(api):
    response = api.post(f"{NRIT}/evaluate", data="{not json", content_type="application/json")
    assert response.status_code == 422
    assert fields(response) == ["body"]
