"""The concern and the disclosures that start a pack's clocks (issue 15, item 3): packs without a
screening instrument of their own (Washington, Wisconsin) never had their report clock started —
`reasonable_cause` was fired by nothing. Recorded as an event on the case, the concern starts the
pack's own rule: Washington's report due 48 hours after reasonable cause (RCW 26.44.030),
Wisconsin's due immediately (Wis. Stat. 48.981); in Nevada a sexual assault starts the 120-hour
medical window, and the county protocol's disclosure in custody its rape-crisis referral."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harborline.cases import services as cases
from harborline.missing.events import record_event
from harborline.protocols.packs import get_pack
from harborline.response.obligations import event_triggers
from tests.access import factories as f

from .conftest import ago

pytestmark = pytest.mark.django_db


def _case(pack: str, org_type: str):
    actor = f.user(f.org(org_type), "caseworker")
    case = cases.open_case(
        actor=actor, youth={"first_name": "Ana", "last_name": "Reyes", "dob": "2010-05-01"},
        pack=pack,
    )  # fmt: skip
    return actor, case


@pytest.mark.parametrize(
    ("pack", "org_type", "kind", "obligation", "after"),
    [
        ("washington", "law_enforcement", "reasonable_cause", "child_welfare_report",
         timedelta(hours=48)),
        ("wisconsin", "law_enforcement", "reasonable_cause", "child_welfare_report", timedelta(0)),
        ("nevada", "child_welfare", "sexual_assault", "medical_evaluation", timedelta(hours=120)),
        ("county-protocol", "medical", "disclosure_in_custody", "rape_crisis_referral",
         timedelta(0)),
    ],
)  # fmt: skip
def test_the_event_starts_the_packs_own_clock(pack, org_type, kind, obligation, after):
    actor, case = _case(pack, org_type)
    happened = ago(1)
    event, started = record_event(
        actor=actor, case_id=case.pk, kind=kind, occurred_at=happened, note="Synthetic"
    )
    got = {o.kind: o for o in started}
    assert obligation in got, (pack, list(got))
    assert got[obligation].due_at == happened + after
    assert got[obligation].owner_org_id == case.owner_id  # the opener is one the rule names
    assert event.kind == kind


def test_every_pack_names_the_event_that_starts_its_report_clock():
    """No pack declares a clock that nothing can start: every trigger an obligation of a
    loaded pack waits on is fired by a screening rule, an event rule or the system."""
    fired_by_system = {
        "identification",
        "urgent_identification",
        "first_contact",
        "missing",
        "return",
        "danger_on_return",
        "placement_disruption",
        "crisis_event",
        "high_risk_review",
        "service_plan",
        "plan_no_movement",
        "referral_unanswered",
        "placement_change",  # a new placement after another (missing.placements)
        # an agency's own policy: a new client, an event or a warning sign (decision 0065)
        "agency_screening",
    }
    for name in ("nevada", "washington", "wisconsin", "county-protocol"):
        pack = get_pack(name)
        section = pack.sections["obligations.yaml"]
        waited = {rule.trigger for rule in section.obligations}
        fired = set(fired_by_system)
        for rule in section.screening:
            for t in rule.triggers:
                fired |= set(t.fire)
        for rule in section.events:
            fired |= set(event_triggers(pack, kind=rule.kind))
        assert waited <= fired, (name, waited - fired)


def test_a_case_of_a_washington_installation_offers_the_concern_on_its_events_page(client):
    from tests.factories import give_totp_device, sign_in

    actor, case = _case("washington", "law_enforcement")
    give_totp_device(actor)
    sign_in(client, actor)
    page = client.get(f"/cases/{case.pk}/events/new").content.decode()
    assert 'value="reasonable_cause"' in page
    assert "Reasonable cause to believe the youth is abused or neglected" in page
