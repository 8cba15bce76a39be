"""Who may do what, as a table: every relation to a task force x every action."""

from __future__ import annotations

import pytest

from harborline.errors import Forbidden, NotFound
from harborline.people.roles import Role
from harborline.taskforce import services
from harborline.taskforce.services import PERMISSIONS, Do, Relation
from tests.factories import UserFactory

R = Relation
TABLE = [
    (R.COORDINATOR, Do.READ, True),
    (R.COORDINATOR, Do.MANAGE, True),
    (R.COORDINATOR, Do.SEE_PROTECTED, True),
    (R.COORDINATOR, Do.WRITE_REPORT, True),
    (R.CHAIR, Do.READ, True),
    (R.CHAIR, Do.MANAGE, True),
    (R.CHAIR, Do.SEE_PROTECTED, True),
    (R.CHAIR, Do.WRITE_REPORT, True),
    (R.SYSTEM_ADMIN, Do.READ, True),
    (R.SYSTEM_ADMIN, Do.MANAGE, True),
    (R.SYSTEM_ADMIN, Do.SEE_PROTECTED, False),
    (R.SYSTEM_ADMIN, Do.WRITE_REPORT, False),
    (R.MEMBER, Do.READ, True),
    (R.MEMBER, Do.MANAGE, False),
    (R.MEMBER, Do.SEE_PROTECTED, False),
    (R.MEMBER, Do.WRITE_REPORT, False),
    (R.OUTSIDER, Do.READ, False),
    (R.OUTSIDER, Do.MANAGE, False),
    (R.OUTSIDER, Do.SEE_PROTECTED, False),
    (R.OUTSIDER, Do.WRITE_REPORT, False),
]


def test_the_table_covers_every_relation_and_action():
    assert {(r, d) for r, d, _ in TABLE} == {(r, d) for r in Relation for d in Do}


@pytest.fixture
def people(tf, coordinator, chair, staff, outsider, sysadmin):
    return {
        R.COORDINATOR: coordinator,
        R.CHAIR: chair,
        R.SYSTEM_ADMIN: sysadmin,
        R.MEMBER: staff,
        R.OUTSIDER: outsider,
    }


@pytest.mark.parametrize(("rel", "do", "allowed"), TABLE)
def test_permission_table(tf, people, rel, do, allowed):
    actor = people[rel]
    assert services.relation(actor, tf) == rel
    assert (rel in PERMISSIONS[do]) is allowed
    assert services.may(actor, do, tf) is allowed
    if allowed:
        services.require(actor, do, tf)
    else:
        expected = NotFound if rel == R.OUTSIDER else Forbidden
        with pytest.raises(expected):
            services.require(actor, do, tf)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.COORDINATOR, True), (Role.SYSTEM_ADMIN, True)]
    + [(r, False) for r in Role if r not in (Role.COORDINATOR, Role.SYSTEM_ADMIN)],
)
def test_who_may_create_a_task_force(db, role, allowed):
    user = UserFactory(role=role)
    assert services.may_create(user) is allowed


def test_individual_member_reads_and_a_former_member_does_not(tf, coordinator, outsider):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    member = services.add_member(
        actor=coordinator,
        taskforce=tf,
        user=outsider,
        category="cps",
        since=today - timedelta(days=30),
    )
    assert services.relation(outsider, tf) == R.MEMBER
    services.update_member(
        actor=coordinator, member=member, version=1, until=today - timedelta(days=1)
    )
    assert services.relation(outsider, tf) == R.OUTSIDER


def test_disabled_user_is_an_outsider(tf, coordinator):
    coordinator.is_active = False
    assert services.relation(coordinator, tf) == R.OUTSIDER


@pytest.mark.parametrize("rel", [R.MEMBER, R.OUTSIDER])
def test_writes_are_refused_to_readers_and_outsiders(tf, people, rel):
    with pytest.raises((Forbidden, NotFound)):
        services.add_member(actor=people[rel], taskforce=tf, person_name="X", category="cps")
