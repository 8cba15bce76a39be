from __future__ import annotations

import pytest

from harborline.mentoring import services
from harborline.protocols.geography import load_geography
from tests.factories import OrganizationFactory, UserFactory


@pytest.fixture
def geography(db):
    load_geography("nevada")


@pytest.fixture
def program(db):
    """An advocacy organization with a supervisor and two mentor-advocates on the roster."""
    org = OrganizationFactory(
        slug="northern-advocates", name="Northern Advocates", type="community_advocacy"
    )
    supervisor = UserFactory(role="supervisor", org=org, email="sup@example.org")
    first = UserFactory(
        role="mentor_advocate", org=org, email="ma1@example.org", full_name="Avery Mentor"
    )
    second = UserFactory(
        role="mentor_advocate", org=org, email="ma2@example.org", full_name="Blake Mentor"
    )
    a1 = services.add_to_program(actor=supervisor, user=first, phone="775-555-0101")
    a2 = services.add_to_program(actor=supervisor, user=second, phone="775-555-0102")
    return org, supervisor, a1, a2
