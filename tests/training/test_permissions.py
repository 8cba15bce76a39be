"""Who may record a person's training, as a table: every role, in the person's organization, in
another organization, and as the coordinator of a task force the person's organization belongs
to (harborline/training/permissions.py has the same table in words)."""

from __future__ import annotations

import pytest

from harborline.people.roles import Role
from harborline.training import permissions

from .factories import org, person, taskforce

# role -> (same organization, another organization)
MAY_RECORD = {
    Role.CASEWORKER: (False, False),
    Role.SUPERVISOR: (True, False),
    Role.MENTOR_ADVOCATE: (False, False),
    Role.ORG_ADMIN: (True, False),
    Role.COORDINATOR: (True, False),
    Role.ANALYST: (False, False),
    Role.SYSTEM_ADMIN: (True, True),
}


@pytest.mark.parametrize("role", list(MAY_RECORD))
@pytest.mark.parametrize("where", ["same", "other"])
def test_who_may_record_a_persons_training(db, role, where):
    home = org("law_enforcement")
    officer = person(home)
    actor = person(home if where == "same" else org("child_welfare"), role=role)
    expected = MAY_RECORD[role][0 if where == "same" else 1]
    assert permissions.may_record(actor, officer) is expected
    assert permissions.may_view_person(actor, officer) is expected


def test_everyone_may_see_their_own_record_but_not_record_it(db):
    officer = person(org("law_enforcement"))
    assert permissions.may_view_person(officer, officer) is True
    assert permissions.may_record(officer, officer) is False


@pytest.mark.parametrize("member", [True, False])
def test_the_taskforce_coordinator_records_for_current_member_organizations(db, member):
    police = org("law_enforcement")
    officer = person(police)
    coordinator = person(org("task_force"), role="coordinator")
    taskforce("washington", *([police] if member else []), coordinator=coordinator)
    assert permissions.may_record(coordinator, officer) is member


def test_disabled_accounts_and_inactive_memberships_may_record_nothing(db):
    police = org("law_enforcement")
    officer = person(police)
    supervisor = person(police, role="supervisor")
    supervisor.is_active = False
    supervisor.save()
    assert permissions.may_record(supervisor, officer) is False
    admin = person(police, role="org_admin")
    admin.membership.is_active = False
    admin.membership.save()
    assert permissions.may_record(admin, officer) is False


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.CASEWORKER, False),
        (Role.SUPERVISOR, True),
        (Role.ORG_ADMIN, True),
        (Role.COORDINATOR, True),
        (Role.ANALYST, False),
        (Role.MENTOR_ADVOCATE, False),
        (Role.SYSTEM_ADMIN, True),
    ],
)
def test_who_may_create_events_and_see_an_agencys_compliance(db, role, expected):
    home = org("law_enforcement")
    actor = person(home, role=role)
    assert permissions.may_create_event(actor) is expected
    assert permissions.may_view_agency(actor, home) is expected
    assert permissions.may_view_agency(actor, org("child_welfare")) is (role == Role.SYSTEM_ADMIN)


@pytest.mark.parametrize(
    ("role", "expected"),
    [(r, r in (Role.COORDINATOR, Role.ANALYST, Role.SYSTEM_ADMIN)) for r in Role.values],
)
def test_who_may_see_county_and_region_compliance(db, role, expected):
    assert permissions.may_view_area(person(org("child_welfare"), role=role)) is expected
