"""Issue 10, hole 1: an organization administrator could mint a statewide reader by making a
colleague a coordinator. The reproduction, and the grant rule at the service layer (what the
command line calls)."""

from __future__ import annotations

import pytest
from django.test import Client

from harborline.errors import InvalidInput
from harborline.people import services
from harborline.people.models import Membership
from tests.factories import OrganizationFactory, UserFactory, give_totp_device, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_demo(settings):
    settings.DEMO_MODE = False


def test_law_enforcement_admin_cannot_make_its_supervisor_a_coordinator():
    police = OrganizationFactory(slug="clark-le", name="Clark Police", type="law_enforcement")
    admin = UserFactory(role="org_admin", org=police)
    give_totp_device(admin)
    supervisor = UserFactory(role="supervisor", org=police)
    client = sign_in(Client(), admin)

    assert 'value="coordinator"' not in client.get("/org/users").content.decode()
    response = client.post(
        f"/org/users/{supervisor.pk}/role", {"role": "coordinator"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert "Only a system administrator can give this role." in response.content.decode()
    supervisor.membership.refresh_from_db()
    assert supervisor.membership.role == "supervisor"

    with pytest.raises(InvalidInput) as refused:
        services.update_membership(actor=admin, user=supervisor, role="coordinator")
    assert [e.field for e in refused.value.errors] == ["role"]


def test_task_force_admin_cannot_make_a_coordinator_either():
    tf = OrganizationFactory(slug="tf-southern", name="Southern Task Force", type="task_force")
    admin = UserFactory(role="org_admin", org=tf)
    colleague = UserFactory(role="caseworker", org=tf)
    with pytest.raises(InvalidInput) as refused:
        services.update_membership(actor=admin, user=colleague, role="coordinator")
    assert refused.value.errors[0].field == "role"
    with pytest.raises(InvalidInput):
        services.create_user(
            actor=admin, email="new@example.org", organization=tf, role="coordinator"
        )
    assert not Membership.objects.filter(user__email="new@example.org").exists()


def test_system_admin_makes_coordinators_only_in_task_force_organizations():
    sysadmin = UserFactory(role="system_admin")
    police = OrganizationFactory(slug="clark-le", type="law_enforcement")
    tf = OrganizationFactory(slug="tf-southern", type="task_force")
    officer = UserFactory(role="supervisor", org=police)
    with pytest.raises(InvalidInput) as refused:
        services.update_membership(actor=sysadmin, user=officer, role="coordinator")
    assert refused.value.errors[0].field == "role"
    assert "task force organization" in refused.value.errors[0].message
    staff = UserFactory(role="caseworker", org=tf)
    services.update_membership(actor=sysadmin, user=staff, role="coordinator")
    staff.membership.refresh_from_db()
    assert staff.membership.role == "coordinator"


def test_the_operator_is_held_to_the_organization_type_too():
    """The command line (actor None) holds the installation, but a coordinator still belongs
    to a task force."""
    police = OrganizationFactory(slug="clark-le", type="law_enforcement")
    tf = OrganizationFactory(slug="tf-southern", type="task_force")
    with pytest.raises(InvalidInput) as refused:
        services.create_user(
            actor=None, email="a@example.org", organization=police, role="coordinator"
        )
    assert refused.value.errors[0].field == "role"
    made = services.create_user(
        actor=None, email="b@example.org", organization=tf, role="coordinator"
    )
    assert made.membership.role == "coordinator"
    boss = services.create_user(
        actor=None, email="c@example.org", organization=police, role="system_admin"
    )
    assert boss.membership.role == "system_admin"
