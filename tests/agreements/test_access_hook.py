"""check_mou_basis: the access layer's question "does this MOU let `owner` share these
compartments with `recipient` for this purpose, now?"."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from harborline.agreements import services
from harborline.agreements.services import check_mou_basis
from harborline.errors import InvalidInput
from tests.factories import OrganizationFactory

from .factories import make_mou, system_admin

pytestmark = pytest.mark.django_db

# Noon in Nevada on 2026-06-01 (Pacific daylight time is UTC-7).
MIDYEAR = datetime(2026, 6, 1, 19, 0, tzinfo=UTC)


@pytest.fixture
def orgs():
    return (
        OrganizationFactory(slug="washoe-cw", name="Washoe Child Welfare"),
        OrganizationFactory(slug="reno-pd", name="Reno Police", type="law_enforcement"),
        OrganizationFactory(slug="advocates", name="Northern Advocates", type="community_advocacy"),
    )


def fields_of(problem: InvalidInput) -> dict[str, str]:
    return {e.field: e.message for e in problem.errors}


def ask(**overrides):
    args = {
        "reference": "MOU-WASHOE-2026-01",
        "compartments": ["identity", "safety"],
        "purpose": "service_coordination",
        "at": MIDYEAR,
    }
    args.update(overrides)
    return check_mou_basis(**args)


def test_an_mou_in_force_naming_the_scope_is_returned(orgs):
    cw, pd, _ = orgs
    mou = make_mou([cw, pd])
    assert ask(owner=cw, recipient=pd) == mou
    assert ask(owner=pd, recipient=cw) == mou  # either party may be the owner


def test_reference_and_purpose_are_compared_without_case(orgs):
    cw, pd, _ = orgs
    mou = make_mou([cw, pd])
    got = ask(
        owner=cw,
        recipient=pd,
        reference=" mou-washoe-2026-01 ",
        purpose="Safety_Planning",
        compartments=["IDENTITY"],
    )
    assert got == mou


def test_no_such_mou_names_the_reference(orgs):
    cw, pd, _ = orgs
    with pytest.raises(InvalidInput) as caught:
        ask(owner=cw, recipient=pd, reference="MOU-NOPE")
    assert fields_of(caught.value) == {
        "basis.reference": "There is no MOU with reference 'MOU-NOPE'."
    }


def test_a_data_sharing_agreement_is_not_an_mou(orgs):
    from .factories import make_dsa

    cw, pd, _ = orgs
    make_dsa(cw, reference="DSA-X-1")
    with pytest.raises(InvalidInput) as caught:
        ask(owner=cw, recipient=pd, reference="DSA-X-1")
    assert "basis.reference" in fields_of(caught.value)


def test_an_organization_that_is_not_a_party_is_refused(orgs):
    cw, pd, advocates = orgs
    make_mou([cw, pd])
    with pytest.raises(InvalidInput) as caught:
        ask(owner=cw, recipient=advocates)
    assert fields_of(caught.value) == {
        "basis.reference": "Northern Advocates is not a party to MOU-WASHOE-2026-01."
    }
    with pytest.raises(InvalidInput):
        ask(owner=advocates, recipient=pd)


def test_compartments_the_mou_does_not_name_are_listed(orgs):
    cw, pd, _ = orgs
    make_mou([cw, pd])
    with pytest.raises(InvalidInput) as caught:
        ask(owner=cw, recipient=pd, compartments=["identity", "mental_health", "medical"])
    assert fields_of(caught.value) == {
        "compartments": "MOU-WASHOE-2026-01 does not cover: medical, mental_health"
    }


def test_no_compartments_is_refused(orgs):
    cw, pd, _ = orgs
    make_mou([cw, pd])
    with pytest.raises(InvalidInput) as caught:
        ask(owner=cw, recipient=pd, compartments=[])
    assert "compartments" in fields_of(caught.value)


def test_a_purpose_the_mou_does_not_name_lists_those_it_does(orgs):
    cw, pd, _ = orgs
    make_mou([cw, pd])
    with pytest.raises(InvalidInput) as caught:
        ask(owner=cw, recipient=pd, purpose="prosecution")
    message = fields_of(caught.value)["purpose"]
    assert "prosecution" in message
    assert message.endswith("it covers: service_coordination, safety_planning")


def test_every_problem_is_reported_at_once(orgs):
    cw, pd, advocates = orgs
    make_mou([cw, pd])
    with pytest.raises(InvalidInput) as caught:
        ask(owner=cw, recipient=advocates, compartments=["medical"], purpose="investigation")
    assert set(fields_of(caught.value)) == {"basis.reference", "compartments", "purpose"}


def test_an_mou_awaiting_a_signature_is_not_in_force(orgs):
    cw, pd, _ = orgs
    make_mou([cw, pd], signed=[cw])
    with pytest.raises(InvalidInput) as caught:
        ask(owner=cw, recipient=pd)
    assert fields_of(caught.value) == {
        "basis.reference": "MOU-WASHOE-2026-01 is not in force: not yet signed by Reno Police."
    }


@pytest.mark.parametrize(
    ("at", "in_force"),
    [
        # The term is 2026-01-01 .. 2027-12-31 as calendar days in Nevada (America/Los_Angeles).
        (datetime(2026, 1, 1, 7, 59, tzinfo=UTC), False),  # 2025-12-31 23:59 in Nevada
        (datetime(2026, 1, 1, 8, 0, tzinfo=UTC), True),  # 2026-01-01 00:00 in Nevada
        (datetime(2028, 1, 1, 7, 59, tzinfo=UTC), True),  # 2027-12-31 23:59 in Nevada
        (datetime(2028, 1, 1, 8, 0, tzinfo=UTC), False),  # 2028-01-01 00:00 in Nevada
    ],
)
def test_the_term_is_counted_in_the_agreements_time_zone(orgs, at, in_force):
    cw, pd, _ = orgs
    make_mou([cw, pd])
    if in_force:
        assert ask(owner=cw, recipient=pd, at=at)
    else:
        with pytest.raises(InvalidInput) as caught:
            ask(owner=cw, recipient=pd, at=at)
        assert "basis.reference" in fields_of(caught.value)


def test_an_mou_before_its_effective_date_says_when_it_starts(orgs):
    cw, pd, _ = orgs
    make_mou([cw, pd])
    with pytest.raises(InvalidInput) as caught:
        ask(owner=cw, recipient=pd, at=datetime(2025, 12, 20, 20, 0, tzinfo=UTC))
    assert fields_of(caught.value)["basis.reference"] == (
        "MOU-WASHOE-2026-01 is not in force until 2026-01-01."
    )


def test_an_expired_mou_says_when_it_expired(orgs):
    cw, pd, _ = orgs
    make_mou([cw, pd])
    with pytest.raises(InvalidInput) as caught:
        ask(owner=cw, recipient=pd, at=datetime(2028, 3, 1, 20, 0, tzinfo=UTC))
    assert fields_of(caught.value)["basis.reference"] == "MOU-WASHOE-2026-01 expired on 2027-12-31."


def test_a_terminated_mou_is_not_a_basis_from_its_termination_day(orgs):
    cw, pd, _ = orgs
    mou = make_mou([cw, pd])
    services.give_termination_notice(
        actor=system_admin(),
        agreement=mou,
        by_organization=pd,
        notice_on=date(2026, 3, 1),
        terminates_on=date(2026, 4, 1),
        reason="Replaced by a regional MOU",
    )
    assert ask(owner=cw, recipient=pd, at=datetime(2026, 3, 31, 20, 0, tzinfo=UTC))
    with pytest.raises(InvalidInput) as caught:
        ask(owner=cw, recipient=pd, at=datetime(2026, 4, 1, 20, 0, tzinfo=UTC))
    assert fields_of(caught.value)["basis.reference"] == (
        "MOU-WASHOE-2026-01 was terminated on 2026-04-01."
    )


def test_an_open_ended_mou_stays_in_force(orgs):
    cw, pd, _ = orgs
    make_mou([cw, pd], expires_on=None)
    assert ask(owner=cw, recipient=pd, at=datetime(2040, 1, 1, 20, 0, tzinfo=UTC))


def test_without_at_the_hook_asks_about_now(orgs):
    cw, pd, _ = orgs
    make_mou([cw, pd], effective_on=date(2025, 12, 15), expires_on=None)
    assert check_mou_basis(
        reference="MOU-WASHOE-2026-01",
        owner=cw,
        recipient=pd,
        compartments=["identity"],
        purpose="safety_planning",
    )
