"""Obligations go to whom the protocol names (issue 12, decision 0038): every obligation of the
Nevada pack x the type of the organization that opens the case, against the independent table in
owner_table.py; then the case team, the region fallback and "to assign"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from harborline.access.policy import Grant
from harborline.protocols.geography import load_geography
from harborline.protocols.models import County
from harborline.protocols.packs import get_pack
from harborline.response.models import Obligation, Status
from harborline.response.services import start_obligations
from tests.access import factories as f

from . import owner_table as table

AT = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
ALL_TRIGGERS = [
    "identification",
    "urgent_identification",
    "reasonable_cause",
    "first_contact",
    "missing",
    "return",
    "high_risk_review",
    "sexual_assault",
    "danger_on_return",
    "placement_disruption",
    "crisis_event",
    "service_plan",
    "plan_no_movement",
    "referral_unanswered",
    "placement_change",
    "agency_screening",  # the agency's own screening policy (decision 0065)
]
OWNER = Grant(compartments=frozenset({"screening"}), via="owner", is_owner=True)


def _placed(org, county: County):
    org.county = county
    org.region = county.region
    org.save(update_fields=["county", "region"])
    return org


def _start(case, actor) -> dict[str, Obligation]:
    made = start_obligations(actor=actor, case=case, grant=OWNER, triggers=ALL_TRIGGERS, at=AT)
    return {o.kind: o for o in made}


@pytest.fixture
def clark(db) -> County:
    load_geography("nevada")
    return County.objects.get(pack="nevada", slug="clark")


def _pack_kinds() -> set[str]:
    return {rule.id for rule in get_pack("nevada").sections["obligations.yaml"].obligations}


def test_the_table_covers_every_obligation_of_the_pack() -> None:
    assert _pack_kinds() <= set(table.EXPECTED)


@pytest.mark.parametrize("opener_type", table.ORG_TYPES)
def test_owner_of_every_obligation_by_opening_organization(clark, opener_type) -> None:
    task_force = _placed(f.org("task_force"), clark) if opener_type != "task_force" else None
    opener = _placed(f.org(opener_type), clark)
    actor = f.user(opener, "caseworker" if opener_type != "task_force" else "coordinator")
    case = f.case(actor, notes=False)
    made = _start(case, actor)
    assert set(made) == _pack_kinds()
    for kind, got in made.items():
        expected = table.EXPECTED[kind][opener_type]
        where = f"{kind} opened by {opener_type}"
        assert got.owner_role == table.ROLES[kind], where
        if expected == table.RECEIVED:
            assert (got.owner_org_id, got.status) == (opener.pk, Status.DONE), where
            assert got.evidence["received"] == "yes", where
            assert got.completed_at == AT, where
        elif expected == table.TASK_FORCE:
            assert task_force is not None
            assert (got.owner_org_id, got.to_assign, got.status) == (
                task_force.pk,
                False,
                Status.OPEN,
            ), where
        else:
            assert (got.owner_org_id, got.status) == (opener.pk, Status.OPEN), where
            assert got.to_assign is (expected == table.TO_ASSIGN), where


def test_a_team_organization_of_a_named_type_carries_it(db) -> None:
    court = f.org("juvenile_court")
    actor = f.user(court, "caseworker")
    case = f.case(actor, notes=False)
    police = f.org("law_enforcement")
    case.team.create(organization=police, role_on_case="detective", added_by=actor)
    made = _start(case, actor)
    report = made["child_welfare_report"]
    assert (report.owner_org_id, report.to_assign, report.status) == (police.pk, False, "open")
    # The same team member also fits the first-contact safety assessment.
    assert made["safety_assessment"].owner_org_id == police.pk
    # No organization on the case can hold the missing reports: the court holds them to assign.
    assert (made["missing_report_ncmec"].owner_org_id, made["missing_report_ncmec"].to_assign) == (
        court.pk,
        True,
    )


def test_a_task_force_on_the_team_convenes_the_72_hour_mdt(db) -> None:
    cw = f.org("child_welfare")
    actor = f.user(cw, "caseworker")
    case = f.case(actor, notes=False)
    tf = f.org("task_force")
    case.team.create(organization=tf, role_on_case="other", added_by=actor)
    mdt = _start(case, actor)["mdt_72h"]
    assert (mdt.owner_org_id, mdt.owner_role, mdt.to_assign) == (tf.pk, "coordinator", False)


def test_the_region_task_force_when_the_county_has_none(clark) -> None:
    # A task force for the region (no county), an opener in Clark County.
    tf = f.org("task_force")
    tf.region = clark.region
    tf.save(update_fields=["region"])
    opener = _placed(f.org("law_enforcement"), clark)
    actor = f.user(opener, "caseworker")
    mdt = _start(f.case(actor, notes=False), actor)["mdt_72h"]
    assert (mdt.owner_org_id, mdt.to_assign) == (tf.pk, False)


def test_no_task_force_anywhere_leaves_the_mdt_to_assign(db) -> None:
    opener = f.org("law_enforcement")  # no county, no region
    actor = f.user(opener, "caseworker")
    mdt = _start(f.case(actor, notes=False), actor)["mdt_72h"]
    assert (mdt.owner_org_id, mdt.owner_role, mdt.to_assign) == (opener.pk, "coordinator", True)


def test_an_obligation_already_pending_is_not_started_twice(db) -> None:
    opener = f.org("law_enforcement")
    actor = f.user(opener, "caseworker")
    case = f.case(actor, notes=False)
    assert _start(case, actor)
    again = start_obligations(
        actor=actor, case=case, grant=OWNER, triggers=["reasonable_cause"], at=AT
    )
    assert again == []


def test_every_started_obligation_is_in_the_audit_log(db):
    """Many obligations at once (and long ids) still fit the audit record's object id: the ids
    are split over as many records as they need (PostgreSQL refused the one long record)."""
    from harborline.audit.models import AuditEvent

    opener = f.org("law_enforcement")
    actor = f.user(opener, "caseworker")
    case = f.case(actor, notes=False)
    # Long ids, as on a database that has been running a while (SQLite continues after them).
    Obligation.objects.create(
        pk=10**12,
        case=case,
        pack="nevada",
        kind="x",
        title="x",
        trigger="x",
        trigger_at=AT,
        due_at=AT,
        owner_org=opener,
        owner_role="caseworker",
    ).delete()
    made = list(_start(case, actor).values())
    events = AuditEvent.objects.filter(object_type="response.obligation")
    logged = [int(i) for e in events for i in e.object_id.split(",")]
    assert sorted(logged) == sorted(o.pk for o in made)
    assert all(len(e.object_id) <= 64 for e in events)


def test_the_api_shows_an_obligation_to_assign(db):
    from tests.cases.conftest import Api

    court = f.org("juvenile_court")
    actor = f.user(court, "caseworker")
    case = f.case(actor, notes=False)
    _start(case, actor)
    rows = {o["kind"]: o for o in Api(actor).get(f"/cases/{case.pk}/obligations").json()}
    assert rows["missing_report_ncmec"]["to_assign"] is True
    assert rows["missing_report_ncmec"]["owner_org"] == court.slug
