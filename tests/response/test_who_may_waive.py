"""Who may waive an obligation has one answer, response.services.may_waive, which the waive
service enforces and the case page asks before offering the form. The table is written out by
hand: role × (the organization that carries the obligation, or another one) → allowed."""

from __future__ import annotations

import pytest

from harborline.response.models import Obligation
from harborline.response.services import may_waive
from tests.factories import OrganizationFactory, UserFactory

TABLE = [
    # role               owner org  other org
    ("caseworker", False, False),
    ("supervisor", True, False),
    ("org_admin", True, False),
    ("mentor_advocate", False, False),
    ("analyst", False, False),
    ("system_admin", False, False),
]


@pytest.mark.parametrize("role,owner_allowed,other_allowed", TABLE)
def test_who_may_waive(db, role, owner_allowed, other_allowed):
    owner, other = OrganizationFactory(), OrganizationFactory()
    obligation = Obligation(owner_org=owner)
    assert may_waive(UserFactory(role=role, org=owner), obligation) is owner_allowed
    assert may_waive(UserFactory(role=role, org=other), obligation) is other_allowed


def test_nobody_without_a_membership_may_waive(db):
    obligation = Obligation(owner_org=OrganizationFactory())
    assert may_waive(UserFactory(role=None), obligation) is False
