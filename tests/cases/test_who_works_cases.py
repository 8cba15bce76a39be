"""Who may work cases has one answer, access.policy.works_cases: an active user with an active
membership in a role that sees youth data, not a system administrator. Every path that used to
restate it (the grant, opening a case in the service, the case list's "New case" button, the
new-case page) refuses an inactive membership."""

from __future__ import annotations

import pytest
from django.test import Client

from harborline.access.policy import grant_for, works_cases
from harborline.cases import services as case_services
from harborline.cases.models import Case
from harborline.errors import Forbidden
from harborline.people.models import Membership
from harborline.response import selectors as response_reads
from tests.factories import OrganizationFactory, UserFactory, give_totp_device, sign_in

YOUTH = {"first_name": "Ana", "last_name": "Reyes", "dob": "2010-05-01"}


@pytest.fixture
def worker(db):
    user = UserFactory(role="caseworker", org=OrganizationFactory(type="child_welfare"))
    give_totp_device(user)
    return user


def _deactivate(user) -> None:
    Membership.objects.filter(user=user).update(is_active=False)
    user.refresh_from_db()


@pytest.mark.parametrize(
    "role,membership_active,user_active,expected",
    [
        ("caseworker", True, True, True),
        ("caseworker", False, True, False),
        ("caseworker", True, False, False),
        ("system_admin", True, True, False),
    ],
)
def test_works_cases(db, role, membership_active, user_active, expected):
    user = UserFactory(role=role, org=OrganizationFactory(type="child_welfare"))
    Membership.objects.filter(user=user).update(is_active=membership_active)
    user.is_active = user_active
    user.save(update_fields=["is_active"])
    user.refresh_from_db()
    assert works_cases(user) is expected


def test_an_inactive_membership_is_refused_on_every_path(worker):
    case = case_services.open_case(actor=worker, youth=YOUTH)
    page = sign_in(Client(), worker)
    assert 'href="/cases/new"' in page.get("/cases/").content.decode()
    assert page.get("/cases/new").status_code == 200
    assert page.get("/cases/break-glass").status_code == 200
    assert response_reads.dashboard(worker, scope="org").scope == "org"

    _deactivate(worker)
    assert not works_cases(worker)
    assert not grant_for(worker, case).compartments  # the grant: nothing
    with pytest.raises(Forbidden):  # the service
        case_services.open_case(actor=worker, youth=YOUTH)
    assert Case.objects.count() == 1
    listing = page.get("/cases/")  # the list offers no "New case"
    assert listing.status_code == 200
    assert 'href="/cases/new"' not in listing.content.decode()
    assert page.get("/cases/new").status_code in (302, 403, 404)  # the page
    assert page.post("/cases/new", YOUTH).status_code in (302, 403, 404)
    assert page.get("/cases/break-glass").status_code in (302, 403, 404)  # break-glass page
    board = response_reads.dashboard(worker, scope="org")  # the obligations dashboard
    assert board.overdue == [] and board.due_next == []
    assert Case.objects.count() == 1


def test_an_inactive_user_may_not_open_a_case_through_the_service(worker):
    """The service's old copy checked neither the user's own flag nor, by name, the membership's."""
    worker.is_active = False
    worker.save(update_fields=["is_active"])
    with pytest.raises(Forbidden):
        case_services.open_case(actor=worker, youth=YOUTH)
    assert not Case.objects.exists()


def test_a_system_administrator_gets_neither_the_break_glass_page_nor_obligations(db):
    """They run the installation, not cases; the break-glass page and the dashboard used to
    restate the rule without that exception."""
    admin = UserFactory(role="system_admin", org=OrganizationFactory(type="child_welfare"))
    give_totp_device(admin)
    assert sign_in(Client(), admin).get("/cases/break-glass").status_code == 404
    assert not response_reads._pending_for(admin, "org").exists()
