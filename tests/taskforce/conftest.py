from __future__ import annotations

import pytest

from harborline.taskforce import services
from tests.factories import OrganizationFactory, UserFactory


@pytest.fixture
def coordinator(db):
    org = OrganizationFactory(slug="tf-northern", name="Northern Task Force", type="task_force")
    org.time_zone = "America/Los_Angeles"
    org.save()
    return UserFactory(role="coordinator", org=org, full_name="Casey Coordinator")


@pytest.fixture
def chair(db):
    return UserFactory(role="supervisor", full_name="Judge Rivera")


@pytest.fixture
def member_org(db):
    return OrganizationFactory(
        slug="washoe-le", name="Washoe County Sheriff", type="law_enforcement"
    )


@pytest.fixture
def staff(member_org):
    """A caseworker at a member organization."""
    return UserFactory(role="caseworker", org=member_org, full_name="Sam Staff")


@pytest.fixture
def outsider(db):
    return UserFactory(role="caseworker", full_name="Olive Outsider")


@pytest.fixture
def sysadmin(db):
    return UserFactory(role="system_admin", full_name="Ada Admin")


@pytest.fixture
def tf(coordinator, chair, member_org):
    taskforce = services.create_taskforce(
        actor=coordinator, name="King County CSEC Task Force", pack="washington", region="King"
    )
    taskforce = services.update_leadership(
        actor=coordinator,
        taskforce=taskforce,
        version=taskforce.version,
        coordinator=coordinator,
        chair=chair,
    )
    services.add_member(
        actor=coordinator,
        taskforce=taskforce,
        organization=member_org,
        category="local_law_enforcement",
    )
    return taskforce
