"""The role-grant table (grant_table.py) checked through the pages: every granter role × role
given × organization type, on the add-a-user page and the change-a-role page, and the roles the
pages offer against the table for every organization type."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from harborline.people.forms import assignable_roles
from harborline.people.models import Membership
from tests.factories import OrganizationFactory, UserFactory, give_totp_device, sign_in

from .grant_table import (
    ALLOWED,
    CHECKED_TYPES,
    DOC,
    NOT_FOUND,
    ORG_TYPES,
    REFUSED,
    ROLES,
    expected,
    expected_offer,
    render,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_demo(settings):
    settings.DEMO_MODE = False


def _granter(role: str, target_org):
    """An org admin (or anyone but a system admin) works in the target organization; a system
    admin at the statewide coalition, a task force."""
    if role == "system_admin":
        home = OrganizationFactory(slug="coalition", name="Coalition", type="task_force")
    else:
        home = target_org
    user = UserFactory(role=role, org=home)
    if role != "analyst":  # every other role sees youth data and signs in with a second factor
        give_totp_device(user)
    return sign_in(Client(), user), user


def _role_error(html: str) -> str:
    """The message shown beside the Role field of the add-a-user page."""
    found = re.search(r'<span class="usa-error-message" id="id_role_error">(.*?)</span>', html)
    return found.group(1) if found else ""


CELLS = [(g, r, t) for g in ROLES for r in ROLES for t in CHECKED_TYPES]


@pytest.mark.parametrize(("granter", "role", "org_type"), CELLS)
def test_add_a_user_with_a_role(granter, role, org_type):
    org = OrganizationFactory(slug="target", name="Target", type=org_type)
    client, _ = _granter(granter, org)
    data = {"email": "new@example.org", "full_name": "New Person", "role": role, "org": "target"}
    response = client.post("/org/users/add", data)
    outcome = expected(granter, role, org_type)
    made = Membership.objects.filter(user__email="new@example.org").first()
    if outcome == ALLOWED:
        assert response.status_code == 302, _role_error(response.content.decode())
        assert made is not None and (made.role, made.organization) == (role, org)
    elif outcome == REFUSED:
        assert response.status_code == 422
        assert _role_error(response.content.decode()), "the refusal names the role field"
        assert made is None
    else:
        assert outcome == NOT_FOUND
        assert response.status_code == 404
        assert made is None


@pytest.mark.parametrize(("granter", "role", "org_type"), CELLS)
def test_change_a_role(granter, role, org_type):
    org = OrganizationFactory(slug="target", name="Target", type=org_type)
    client, _ = _granter(granter, org)
    before = "supervisor" if role == "caseworker" else "caseworker"
    person = UserFactory(role=before, org=org)
    response = client.post(f"/org/users/{person.pk}/role", {"role": role}, HTTP_HX_REQUEST="true")
    outcome = expected(granter, role, org_type)
    person.membership.refresh_from_db()
    if outcome == ALLOWED:
        assert response.status_code == 200, response.content.decode()[-400:]
        assert "Role saved." in response.content.decode()
        assert person.membership.role == role
    elif outcome == REFUSED:
        assert response.status_code == 422
        assert 'class="usa-error-message"' in response.content.decode()
        assert person.membership.role == before
    else:
        assert outcome == NOT_FOUND
        assert response.status_code == 404
        assert person.membership.role == before


@pytest.mark.parametrize("granter", ["org_admin", "system_admin"])
def test_the_pages_offer_exactly_the_roles_the_table_allows(granter):
    """For every organization type: the add page's and the users page's role lists."""
    for org_type in ORG_TYPES:
        org = OrganizationFactory(slug=f"t-{org_type}".replace("_", "-"), type=org_type)
        actor = UserFactory(role=granter, org=org)
        offered = [value for value, _ in assignable_roles(actor, org)]
        assert offered == expected_offer(granter, org_type), org_type
    client, _ = _granter(granter, OrganizationFactory(slug="target", type="law_enforcement"))
    page = client.get("/org/users/add?org=target").content.decode()
    offered = re.findall(r'<option value="([a-z_]+)"', page)
    assert offered == expected_offer(granter, "law_enforcement")


def test_a_person_holding_a_role_the_admin_cannot_give_keeps_it_in_their_row():
    """An org admin of a task force sees their coordinator's row as a coordinator (not the
    first role offered), and saving the row unchanged keeps the role."""
    org = OrganizationFactory(slug="tf", name="Task force", type="task_force")
    client, _ = _granter("org_admin", org)
    coordinator = UserFactory(role="coordinator", org=org, email="coord@example.org")
    page = client.get("/org/users").content.decode()
    row = re.search(rf'<tr id="user-{coordinator.pk}">.*?</tr>', page, re.S).group(0)  # type: ignore[union-attr]
    assert 'value="coordinator" selected' in row
    response = client.post(
        f"/org/users/{coordinator.pk}/role", {"role": "coordinator"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    coordinator.membership.refresh_from_db()
    assert coordinator.membership.role == "coordinator"


def test_axes_are_harborlines_roles_and_types():
    from harborline.people.roles import OrgType, Role

    assert set(ROLES) == set(Role.values)
    assert set(ORG_TYPES) == set(OrgType.values)


def test_docs_page_is_the_table():
    """docs/permissions-role-grants.md is rendered from grant_table.py."""
    assert DOC.read_text() == render(), (
        "docs/permissions-role-grants.md is out of date: run "
        "`.venv/bin/python -m tests.people.grant_table > docs/permissions-role-grants.md`"
    )
