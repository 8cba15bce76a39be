"""Who may do what in the mentor-advocate program, as a table: role x relation -> allowed."""

from __future__ import annotations

from datetime import date

import pytest

from harborline.errors import Forbidden, NotFound
from harborline.mentoring import selectors, services
from harborline.mentoring.selectors import on_call_now
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "caseworker",
    "supervisor",
    "mentor_advocate",
    "org_admin",
    "coordinator",
    "analyst",
    "system_admin",
]

# role -> (reads own org's roster entry, reads another org's, manages own org's, manages other's,
#          sees the on-call schedule)
TABLE = {
    "caseworker": (False, False, False, False, True),
    "supervisor": (True, False, True, False, True),
    "mentor_advocate": (False, False, False, False, True),  # only their own entry
    "org_admin": (True, False, True, False, True),
    # beyond their own organization, only the task forces they coordinate (here none):
    # test_coordinator_reach.py
    "coordinator": (True, False, False, False, True),
    "analyst": (False, False, False, False, False),
    "system_admin": (True, True, True, True, True),
}


@pytest.fixture
def two_programs(program):
    org, supervisor, a1, _ = program
    other = OrganizationFactory(slug="southern-advocates", name="Southern Advocates")
    other_sup = UserFactory(role="supervisor", org=other)
    b = services.add_to_program(
        actor=other_sup, user=UserFactory(role="mentor_advocate", org=other)
    )
    return org, a1, b


def _reads(actor, advocate):
    try:
        selectors.get_advocate(actor=actor, pk=advocate.pk)
    except NotFound:
        return False
    return True


def _manages(actor, advocate):
    try:
        services.log_supervision(actor=actor, advocate=advocate, held_on=date(2026, 11, 30))
    except (NotFound, Forbidden):
        return False
    return True


@pytest.mark.parametrize("role", ROLES)
def test_permission_table(two_programs, role):
    org, mine, theirs = two_programs
    actor = UserFactory(role=role, org=org)
    reads_own, reads_other, manages_own, manages_other, sees_on_call = TABLE[role]
    assert _reads(actor, mine) is reads_own
    assert _reads(actor, theirs) is reads_other
    assert _manages(actor, mine) is manages_own
    assert _manages(actor, theirs) is manages_other
    from harborline.mentoring.permissions import Do, scope_for

    assert (scope_for(actor, Do.SEE_ON_CALL) is not None) is sees_on_call


def test_a_mentor_advocate_reads_their_own_entry_only(two_programs):
    _, mine, _ = two_programs
    assert selectors.get_advocate(actor=mine.user, pk=mine.pk) == mine
    assert [a.pk for a in selectors.visible_advocates(actor=mine.user)] == [mine.pk]


def test_reading_refused_is_not_found_and_managing_refused_is_forbidden(two_programs):
    org, mine, theirs = two_programs
    coordinator = UserFactory(role="coordinator", org=org)
    with pytest.raises(Forbidden):
        services.update_advocate(actor=coordinator, advocate=mine, version=None, phone="1")
    caseworker = UserFactory(role="caseworker", org=org)
    with pytest.raises(NotFound):
        services.update_advocate(actor=caseworker, advocate=mine, version=None, phone="1")


def test_only_own_organization_users_can_be_added(two_programs):
    org, _, _ = two_programs
    admin = UserFactory(role="org_admin", org=org)
    stranger = UserFactory(role="mentor_advocate")
    with pytest.raises(NotFound):
        services.add_to_program(actor=admin, user=stranger)
    assert stranger not in selectors.program_candidates(actor=admin)


def test_on_call_hook_takes_no_actor(two_programs):
    assert on_call_now() == []
