"""An agency's own policy within its pack (issue 15, item 4; decision 0058): within the pack's
`agency_configurable` obligations an organization's administrator sets shorter clocks (never
longer), which re-screening triggers it uses and who completes the screening tool; every
obligation says whether the pack's or the agency's rule set its time.

The permission rows below are declared here, not read from the implementation: for every role,
who may read and set a policy through the API (the page's rows are in
tests/web/test_agency_policy_page.py)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from harborline.access.policy import Grant
from harborline.cases import services as cases
from harborline.errors import Forbidden, InvalidInput
from harborline.people import services as people
from harborline.people.roles import Role
from harborline.response import policy
from harborline.response import services as response
from harborline.response.clocks import business_days_after
from harborline.response.models import AgencyPolicy
from tests.access import factories as f

pytestmark = pytest.mark.django_db

PACIFIC = ZoneInfo("America/Los_Angeles")
RETURNED = datetime(2025, 10, 30, 10, 0, tzinfo=PACIFIC)  # Thursday before Nevada Day
# Who may read and set an organization's policy (the API, for their own organization).
SETS_POLICY = {Role.ORG_ADMIN: True, Role.SYSTEM_ADMIN: True}


def _setup(role: str = "org_admin"):
    org = f.org("child_welfare")
    admin = f.user(org, role)
    worker = f.user(org, "caseworker")
    case = cases.open_case(
        actor=worker, youth={"first_name": "Ana", "last_name": "Reyes"}, pack="nevada"
    )
    return org, admin, worker, case


def _returned(case):
    started = response.start_obligations(
        actor=None, case=case, grant=Grant(), triggers=["return"], at=RETURNED
    )
    return {o.kind: o for o in started}


def test_without_a_policy_the_packs_clock_sets_the_time():
    _, _, _, case = _setup()
    rescreen = _returned(case)["rescreen_on_return"]
    assert rescreen.due_at == business_days_after(RETURNED, 2, "US-NV", "America/Los_Angeles")
    assert (rescreen.clock_set_by, rescreen.clock) == (
        "pack",
        "2 business days (weekends and US-NV public holidays skipped)",
    )


def test_a_shorter_agency_clock_sets_the_time_and_says_so():
    org, admin, _, case = _setup()
    policy.set_policy(
        actor=admin,
        organization=org,
        pack="nevada",
        clocks={"rescreen_on_return": {"business_days": 1}},
        screeners=[],
    )
    rescreen = _returned(case)["rescreen_on_return"]
    # One business day after Thursday: Friday is Nevada Day, so Monday.
    assert rescreen.due_at == datetime(2025, 11, 3, 10, 0, tzinfo=PACIFIC)
    assert (rescreen.clock_set_by, rescreen.clock) == (
        "agency",
        "1 business day (weekends and US-NV public holidays skipped)",
    )


def test_an_agency_that_does_not_rescreen_on_return_starts_no_rescreen():
    org, admin, _, case = _setup()
    policy.set_policy(
        actor=admin,
        organization=org,
        pack="nevada",
        clocks={"rescreen_on_return": {"off": True}},
        screeners=[],
    )
    started = _returned(case)
    assert "rescreen_on_return" not in started
    assert "return_debrief" in started  # the other duties of a return still start


@pytest.mark.parametrize(
    ("clocks", "field", "words"),
    [
        ({"rescreen_on_return": {"business_days": 3}}, "clocks.rescreen_on_return", "never longer"),
        ({"rescreen_on_return": {"hours": 49}}, "clocks.rescreen_on_return", "never longer"),
        ({"missing_report_ncmec": {"hours": 25}}, "clocks.missing_report_ncmec", "never longer"),
        (
            {"missing_report_ncmec": {"off": True}},
            "clocks.missing_report_ncmec",
            "only a re-screening trigger",
        ),
        ({"child_welfare_report": {"hours": 12}}, "clocks.child_welfare_report", "pack sets"),
        ({"no_such_duty": {"hours": 1}}, "clocks.no_such_duty", "has no obligation"),
        ({"rescreen_on_return": {"hours": 0}}, "clocks.rescreen_on_return", "greater than 0"),
        ({"rescreen_on_return": {"days": 1}}, "clocks.rescreen_on_return", "hours or business"),
    ],
)
def test_a_clock_outside_what_the_pack_allows_is_refused_naming_it(clocks, field, words):
    org, admin, _, _ = _setup()
    with pytest.raises(InvalidInput) as refused:
        policy.set_policy(actor=admin, organization=org, pack="nevada", clocks=clocks, screeners=[])
    assert [e.field for e in refused.value.errors] == [field]
    assert words in refused.value.errors[0].message
    assert not AgencyPolicy.objects.exists()


def test_hours_within_the_business_days_are_shorter():
    org, admin, _, case = _setup()
    policy.set_policy(
        actor=admin,
        organization=org,
        pack="nevada",
        clocks={"rescreen_on_return": {"hours": 48}, "missing_report_ncmec": {"hours": 12}},
        screeners=[],
    )
    rescreen = _returned(case)["rescreen_on_return"]
    assert (rescreen.due_at - RETURNED).total_seconds() == 48 * 3600
    assert rescreen.clock == "48 hours" and rescreen.clock_set_by == "agency"


def test_only_the_roles_the_agency_names_complete_the_tool():
    org, admin, worker, case = _setup()
    supervisor = f.user(org, "supervisor")
    policy.set_policy(
        actor=admin, organization=org, pack="nevada", clocks={}, screeners=["supervisor"]
    )
    screening = {
        "case_id": case.pk,
        "instrument": "nrit",
        "answers": {"hr_runaway": True},
        "identified_by": "child_welfare",
        "identified_at": RETURNED,
    }
    with pytest.raises(Forbidden, match="completed by supervisor"):
        response.record_screening(actor=worker, **screening)
    made, _ = response.record_screening(actor=supervisor, **screening)
    assert made.recorded_by == supervisor
    with pytest.raises(InvalidInput) as refused:
        policy.set_policy(
            actor=admin, organization=org, pack="nevada", clocks={}, screeners=["analyst"]
        )
    assert refused.value.errors[0].field == "screeners"


def _api(user) -> Client:
    _, raw = people.create_token(actor=None, user=user, days=1, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


BODY = {"clocks": {"rescreen_on_return": {"business_days": 1}}, "screeners": ["caseworker"]}


@pytest.mark.parametrize("role", Role.values)
def test_permission_rows_for_the_api(role):
    org = f.org("task_force" if role == Role.COORDINATOR else "child_welfare")
    user = f.user(org, role)
    client = _api(user)
    read = client.get("/api/v1/protocols/nevada/agency-policy")
    write = client.put(
        "/api/v1/protocols/nevada/agency-policy", BODY, content_type="application/json"
    )
    allowed = SETS_POLICY.get(role, False)
    assert read.status_code == (200 if allowed else 404), read.content
    assert write.status_code == (200 if allowed else 404), write.content
    assert AgencyPolicy.objects.filter(organization=org).exists() == allowed


def test_the_api_reads_sets_and_refuses_with_the_field_named():
    org, admin, _, _ = _setup()
    client = _api(admin)
    before = client.get("/api/v1/protocols/nevada/agency-policy").json()
    rules = {r["id"]: r for r in before["rules"]}
    assert rules["rescreen_on_return"]["pack_clock"].startswith("2 business days")
    assert rules["rescreen_on_return"]["rescreen"] is True
    assert rules["missing_report_ncmec"]["rescreen"] is False
    assert "child_welfare_report" not in rules  # the pack sets it
    assert before["version"] == 0
    put = client.put(
        "/api/v1/protocols/nevada/agency-policy",
        {**BODY, "version": 0},
        content_type="application/json",
    )
    assert put.status_code == 200, put.content
    after = put.json()
    assert after["version"] == 1 and after["screeners"] == ["caseworker"]
    assert {r["id"]: r["agency"] for r in after["rules"]}["rescreen_on_return"] == {
        "business_days": 1
    }
    stale = client.put(
        "/api/v1/protocols/nevada/agency-policy",
        {**BODY, "version": 0},
        content_type="application/json",
    )
    assert stale.status_code == 409
    bad = client.put(
        "/api/v1/protocols/nevada/agency-policy",
        {"clocks": {"rescreen_on_return": {"business_days": 5}}, "screeners": []},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["clocks.rescreen_on_return"]


def test_an_administrator_cannot_set_another_organizations_policy():
    _, admin, _, _ = _setup()
    other = f.org("law_enforcement")
    client = _api(admin)
    path = f"/api/v1/protocols/nevada/agency-policy?org={other.slug}"
    assert client.get(path).status_code == 404
    assert client.put(path, BODY, content_type="application/json").status_code == 404
    sysadmin = f.user(f.org("child_welfare"), "system_admin")
    assert _api(sysadmin).put(path, BODY, content_type="application/json").status_code == 200
    assert AgencyPolicy.objects.get().organization == other
