"""The issue's acceptance paths, through the HTTP API."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from harborline.audit.chain import verify

from .conftest import NRIT_CONFIRMED, NRIT_HIGH_RISK, NRIT_NONE, later, open_case

IDENTIFIED = "2026-11-01T09:30:00-07:00"  # a day before the clocks go back in Nevada


def _due(obligations, kind):
    (row,) = [o for o in obligations if o["kind"] == kind]
    return datetime.fromisoformat(row["due_at"])


def test_confirmed_by_law_enforcement_starts_the_three_clocks(make_org, make_user, api):
    client = api(make_user(make_org("law_enforcement")))
    case_id = open_case(client)
    r = client.post(
        f"/cases/{case_id}/screenings",
        {
            "instrument": "nrit",
            "answers": NRIT_CONFIRMED,
            "identified_by": "law_enforcement",
            "identified_at": IDENTIFIED,
            "urgent": None,
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["outcome"] == "confirmed_victim"
    start = datetime.fromisoformat(IDENTIFIED)
    kinds = {o["kind"] for o in body["obligations"]}
    assert {"rapid_response_mdt", "mdt_72h", "child_welfare_report"} <= kinds
    assert "rescreen" not in kinds
    assert _due(body["obligations"], "rapid_response_mdt") - start == timedelta(hours=2)
    assert _due(body["obligations"], "mdt_72h") - start == timedelta(hours=72)
    assert _due(body["obligations"], "child_welfare_report") - start == timedelta(hours=24)
    listed = client.get(f"/cases/{case_id}/obligations").json()
    assert {o["kind"] for o in listed} == kinds


def test_high_risk_only_starts_a_rescreen_and_no_report(make_org, make_user, api):
    client = api(make_user(make_org("child_welfare")))
    case_id = open_case(client)
    r = client.post(
        f"/cases/{case_id}/screenings",
        {
            "instrument": "nrit",
            "answers": NRIT_HIGH_RISK,
            "identified_by": "school",
            "identified_at": IDENTIFIED,
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["outcome"] == "high_risk"
    kinds = {o["kind"] for o in body["obligations"]}
    assert "rescreen" in kinds
    assert "child_welfare_report" not in kinds and "rapid_response_mdt" not in kinds
    assert _due(body["obligations"], "rescreen") - datetime.fromisoformat(IDENTIFIED) == timedelta(
        days=90
    )


def test_no_indicators_starts_nothing(make_org, make_user, api):
    client = api(make_user(make_org("law_enforcement")))
    case_id = open_case(client)
    r = client.post(
        f"/cases/{case_id}/screenings",
        {
            "instrument": "nrit",
            "answers": NRIT_NONE,
            "identified_by": "law_enforcement",
            "identified_at": IDENTIFIED,
        },
    )
    assert r.status_code == 201, r.content
    assert r.json()["outcome"] == "no_indicators"
    assert r.json()["obligations"] == []


@pytest.mark.parametrize("end", ["delete", "revoke"])
def test_another_organization_sees_exactly_what_is_shared(make_org, make_user, api, end):
    owner_org = make_org("child_welfare")
    owner = api(make_user(owner_org))
    other_org = make_org("mental_health")
    other = api(make_user(other_org))
    case_id = open_case(owner)
    missing = other.get("/cases/999999")
    hidden = other.get(f"/cases/{case_id}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    if end == "revoke":
        consents = []
        for kind in ("youth_assent", "parent_guardian"):
            r = owner.post(
                f"/cases/{case_id}/consents",
                {
                    "kind": kind,
                    "given_by": "Synthetic Person",
                    "recipients": [other_org.slug],
                    "compartments": ["screening", "mental_health"],
                    "purpose": "therapy",
                    "evidence": "attestation",
                    "attestation": "Given in person at intake.",
                },
            )
            assert r.status_code == 201, r.content
            consents.append(r.json()["id"])
        basis = {"type": "consent", "reference": ""}
    else:
        basis = {"type": "court_order", "reference": "24-JV-118"}
    r = owner.post(
        f"/cases/{case_id}/shares",
        {
            "organization": other_org.slug,
            "compartments": ["screening", "mental_health"],
            "purpose": "therapy",
            "basis": basis,
            "expires_at": later(),
        },
    )
    assert r.status_code == 201, r.content
    seen = other.get(f"/cases/{case_id}")
    assert seen.status_code == 200
    assert set(seen.json()["sections"]) == {"screening", "mental_health"}
    if end == "delete":
        assert owner.delete(f"/shares/{r.json()['id']}").status_code == 204
    else:
        assert (
            owner.post(f"/consents/{consents[1]}/revoke", {"reason": "withdrawn"}).status_code
            == 200
        )
    again = other.get(f"/cases/{case_id}")
    assert again.status_code == 404
    assert again.json() == missing.json()
    assert verify().ok


@pytest.mark.parametrize("org_type", ["law_enforcement", "prosecutor", "probation"])
def test_privileged_notes_never_reach_barred_organizations(make_org, make_user, api, org_type):
    owner_org = make_org("community_advocacy")
    advocate = api(make_user(owner_org, "mentor_advocate"))
    case_id = open_case(advocate)
    r = advocate.post(
        f"/cases/{case_id}/notes",
        {"compartment": "advocate_privileged", "text": "Privileged synthetic note."},
    )
    assert r.status_code == 201, r.content
    barred = make_org(org_type)
    r = advocate.post(
        f"/cases/{case_id}/shares",
        {
            "organization": barred.slug,
            "compartments": ["identity", "advocate_privileged"],
            "purpose": "investigation",
            "basis": {"type": "court_order", "reference": "X-1"},
            "expires_at": later(),
        },
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "compartments"
    advocate.post(
        f"/cases/{case_id}/shares",
        {
            "organization": barred.slug,
            "compartments": ["identity"],
            "purpose": "investigation",
            "basis": {"type": "court_order", "reference": "X-1"},
            "expires_at": later(),
        },
    )
    for role in ("caseworker", "supervisor", "mentor_advocate", "org_admin"):
        body = api(make_user(barred, role)).get(f"/cases/{case_id}").json()
        assert "advocate_privileged" not in body["sections"]
        assert "Privileged synthetic note." not in str(body)


def test_child_welfare_owning_the_case_still_makes_the_report(make_org, make_user, api):
    """The report is the agency's own intake then (a new allegation is a new report): the clock
    runs whoever owns the case (docs/decisions/0029-obligation-clocks.md)."""
    client = api(make_user(make_org("child_welfare")))
    case_id = open_case(client)
    r = client.post(
        f"/cases/{case_id}/screenings",
        {
            "instrument": "nrit",
            "answers": NRIT_CONFIRMED,
            "identified_by": "law_enforcement",
            "identified_at": IDENTIFIED,
        },
    )
    kinds = {o["kind"] for o in r.json()["obligations"]}
    assert {"rapid_response_mdt", "mdt_72h", "child_welfare_report"} <= kinds
