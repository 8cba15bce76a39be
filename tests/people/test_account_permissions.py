"""Who may manage whose account, checked at the service layer (so pages, API and any later
caller get the same answer). One declaration, every role x action x whose account."""

from __future__ import annotations

import pytest

from harborline.errors import Forbidden, InvalidInput, NotFound
from harborline.people import services
from harborline.people.models import Membership
from harborline.people.roles import Role
from tests.factories import OrganizationFactory, UserFactory, give_totp_device

pytestmark = pytest.mark.django_db

ACTIONS = {
    "change_role": lambda actor, target: services.update_membership(
        actor=actor, user=target, role=Role.SUPERVISOR
    ),
    "disable": lambda actor, target: services.update_membership(
        actor=actor, user=target, is_active=False
    ),
    "unlock": lambda actor, target: services.unlock_user(actor=actor, user=target),
    "reset_mfa": lambda actor, target: services.reset_mfa(actor=actor, user=target),
}

MANAGERS = {Role.ORG_ADMIN, Role.SYSTEM_ADMIN}


def expected(role: str, whose: str) -> type[Exception] | None:
    """None = allowed. The declaration the whole table is generated from."""
    if role not in MANAGERS:
        return NotFound  # not a manager: the account might as well not exist
    if whose == "other_org" and role != Role.SYSTEM_ADMIN:
        return NotFound  # another organization's people stay invisible
    if whose == "system_admin" and role != Role.SYSTEM_ADMIN:
        return Forbidden  # visible colleague, but only a system admin changes a system admin
    return None


CASES = [
    (role, action, whose)
    for role in Role
    for action in ACTIONS
    for whose in ("same_org", "other_org", "system_admin")
]


@pytest.mark.parametrize(("role", "action", "whose"), CASES)
def test_account_management_table(role, action, whose):
    home, elsewhere = OrganizationFactory(slug="home"), OrganizationFactory(slug="elsewhere")
    actor = UserFactory(role=role, org=home)
    target_role = Role.SYSTEM_ADMIN if whose == "system_admin" else Role.CASEWORKER
    target = UserFactory(role=target_role, org=elsewhere if whose == "other_org" else home)
    give_totp_device(target)
    outcome = expected(role, whose)
    if outcome is None:
        ACTIONS[action](actor, target)
    else:
        with pytest.raises(outcome):
            ACTIONS[action](actor, target)
        target.refresh_from_db()
        assert target.is_active and target.membership.role == target_role  # nothing changed


@pytest.mark.parametrize("action", ["change_role", "disable", "reset_mfa"])
@pytest.mark.parametrize("role", sorted(MANAGERS))
def test_no_one_changes_their_own_access(role, action):
    actor = UserFactory(role=role)
    give_totp_device(actor)
    with pytest.raises(InvalidInput):
        ACTIONS[action](actor, actor)


def test_org_admin_cannot_give_the_system_admin_role():
    admin = UserFactory(role=Role.ORG_ADMIN)
    colleague = UserFactory(role=Role.CASEWORKER, org=admin.membership.organization)
    with pytest.raises(InvalidInput) as problem:
        services.update_membership(actor=admin, user=colleague, role=Role.SYSTEM_ADMIN)
    assert problem.value.errors[0].field == "role"
    with pytest.raises(InvalidInput):
        services.create_user(
            actor=admin,
            email="new@example.org",
            organization=admin.membership.organization,
            role=Role.SYSTEM_ADMIN,
        )


@pytest.mark.parametrize("role", list(Role))
def test_who_may_create_accounts_in_another_organization(role):
    actor = UserFactory(role=role)
    other = OrganizationFactory(slug="other")
    call = lambda: services.create_user(  # noqa: E731
        actor=actor, email="new@example.org", organization=other, role=Role.CASEWORKER
    )
    if role == Role.SYSTEM_ADMIN:
        assert call().membership.organization == other
    else:
        with pytest.raises(NotFound):
            call()
        assert not Membership.objects.filter(user__email="new@example.org").exists()
