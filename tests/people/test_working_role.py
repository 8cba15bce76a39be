"""The one answer to "which role does this person work in now" and the role-table lookup the
apps' permission modules share (people.roles: working_role, scope_in, require_scope_in)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from harborline.errors import NotFound
from harborline.people.roles import Role, require_scope_in, scope_in, working_role

RULES = {"read": {Role.SUPERVISOR: "organization", Role.CASEWORKER: "own"}}


def person(*, active: bool = True, role: str | None = Role.SUPERVISOR, member: bool = True):
    membership = SimpleNamespace(role=role, is_active=member) if role is not None else None
    return SimpleNamespace(is_active=active, membership_or_none=membership)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (person(), Role.SUPERVISOR),
        (person(active=False), None),  # a deactivated account works in no role
        (person(member=False), None),  # an ended membership
        (person(role=None), None),  # no membership at all
    ],
    ids=["active", "deactivated", "membership ended", "no membership"],
)
def test_working_role(who, expected) -> None:
    assert working_role(who) == expected


def test_scope_in_reads_the_table_and_denies_by_default() -> None:
    assert scope_in(RULES, person(), "read") == "organization"
    assert scope_in(RULES, person(role=Role.CASEWORKER), "read") == "own"
    assert scope_in(RULES, person(role=Role.ANALYST), "read") is None  # not in the table
    assert scope_in(RULES, person(active=False), "read") is None
    assert require_scope_in(RULES, person(), "read") == "organization"
    with pytest.raises(NotFound):
        require_scope_in(RULES, person(member=False), "read")
