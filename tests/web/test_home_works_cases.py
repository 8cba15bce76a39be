"""The home page offers case work by the one rule, access.policy.works_cases, not by a list of
roles of its own: the same answer for every role, and none for a membership that has ended."""

from __future__ import annotations

import pytest

from harborline.access.policy import works_cases
from harborline.people.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("active", [True, False], ids=["membership-active", "membership-ended"])
@pytest.mark.parametrize("role", list(Role))
def test_the_home_page_offers_case_work_as_the_access_rule_says(as_user, role, active):
    client, user = as_user(role)
    if not active:
        user.membership.is_active = False
        user.membership.save()
    response = client.get("/")
    if response.status_code != 200:  # an ended membership may be sent elsewhere first
        assert not active
        return
    expected = works_cases(user)
    assert response.context["works_cases"] is expected
    assert (response.context["due"] is not None) is expected
    assert expected is (active and role not in (Role.ANALYST, Role.SYSTEM_ADMIN))
