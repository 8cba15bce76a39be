"""A task force's meetings are read and shown in the task force's time zone (issue 15, item 4):
its coordinator organization's, which follows the organization's county, else the time zone of
the pack it follows - a Wisconsin task force without a coordinator meets in Central time."""

from __future__ import annotations

import pytest

from harborline.people import services as people
from harborline.protocols.geography import load_geography
from harborline.taskforce.models import TaskForce

pytestmark = pytest.mark.django_db


def test_without_a_coordinator_the_packs_time_zone():
    assert TaskForce(name="Dane", pack="wisconsin").time_zone == "America/Chicago"
    assert TaskForce(name="Washoe", pack="nevada").time_zone == "America/Los_Angeles"


def test_with_a_coordinator_the_time_zone_of_its_organizations_county():
    load_geography("wisconsin")
    org = people.create_organization(
        actor=None, slug="dane-tf", name="Dane Task Force", type="task_force", county="dane"
    )
    coordinator = people.create_user(
        actor=None, email="c@example.org", organization=org, role="coordinator"
    )
    # Even on a task force that follows a Pacific pack, the coordinator's county decides.
    assert TaskForce(name="Dane", pack="nevada", coordinator=coordinator).time_zone == (
        "America/Chicago"
    )
