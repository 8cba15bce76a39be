"""Issue 10, hole 1: a coordinator reads the agreements the task forces they coordinate hold
(decision 0032), not every organization's. Checked through the pages, where the attacker went
from 404 to 200 on another organization's MOU."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from harborline.agreements import selectors
from harborline.errors import NotFound
from harborline.taskforce.models import Member, TaskForce
from tests.factories import OrganizationFactory, UserFactory, give_totp_device, sign_in

from .factories import make_mou

pytestmark = pytest.mark.django_db


def _client(user):
    give_totp_device(user)
    return sign_in(Client(), user)


@pytest.fixture
def world():
    """Task force A, coordinated from a task-force organization, with a current member (child
    welfare), a former one (police, left yesterday) and one joining tomorrow (court); two
    organizations outside it."""
    today = timezone.localdate()
    home = OrganizationFactory(slug="tf-a", name="Task Force A Office", type="task_force")
    coordinator = UserFactory(role="coordinator", org=home, email="coord@example.org")
    inside = OrganizationFactory(slug="a-cw", name="A Child Welfare")
    former = OrganizationFactory(slug="a-pd", name="A Police", type="law_enforcement")
    joining = OrganizationFactory(slug="a-court", name="A Court", type="juvenile_court")
    out1 = OrganizationFactory(slug="x-pd", name="X Police", type="law_enforcement")
    out2 = OrganizationFactory(slug="x-cw", name="X Child Welfare")
    tf = TaskForce.objects.create(name="Task force A", pack="nevada", coordinator=coordinator)
    Member.objects.create(
        taskforce=tf,
        organization=inside,
        category="child_welfare",
        since=today - timedelta(days=30),
    )
    Member.objects.create(
        taskforce=tf,
        organization=former,
        category="law_enforcement",
        since=today - timedelta(days=400),
        until=today - timedelta(days=1),
    )
    Member.objects.create(
        taskforce=tf, organization=joining, category="juvenile_court", since=today + timedelta(1)
    )
    mous = {
        "inside": make_mou([inside, out1], reference="MOU-INSIDE-1"),
        "home": make_mou([home, out1], reference="MOU-HOME-1"),
        "outside": make_mou([out1, out2], reference="MOU-OUTSIDE-1"),
        "former": make_mou([former, out2], reference="MOU-FORMER-1"),
        "joining": make_mou([joining, out2], reference="MOU-JOINING-1"),
    }
    return coordinator, home, mous


def test_coordinator_gets_404_outside_their_task_force_and_200_inside(world):
    coordinator, _, mous = world
    client = _client(coordinator)
    status = {
        name: client.get(reverse("web:agreement_detail", args=[mou.pk])).status_code
        for name, mou in mous.items()
    }
    assert status == {"inside": 200, "home": 200, "outside": 404, "former": 404, "joining": 404}
    missing = max(m.pk for m in mous.values()) + 100
    assert client.get(reverse("web:agreement_detail", args=[missing])).status_code == 404
    listing = client.get(reverse("web:agreements")).content.decode()
    assert "MOU-INSIDE-1" in listing and "MOU-HOME-1" in listing
    for hidden in ("MOU-OUTSIDE-1", "MOU-FORMER-1", "MOU-JOINING-1"):
        assert hidden not in listing


def test_the_selectors_agree_with_the_pages(world):
    coordinator, _, mous = world
    visible = set(selectors.visible_agreements(actor=coordinator).values_list("pk", flat=True))
    assert visible == {mous["inside"].pk, mous["home"].pk}
    with pytest.raises(NotFound):
        selectors.get_agreement(actor=coordinator, pk=mous["outside"].pk)


def test_another_coordinator_of_the_same_office_reads_only_what_they_coordinate(world):
    _, home, mous = world
    colleague = UserFactory(role="coordinator", org=home)
    client = _client(colleague)
    assert client.get(reverse("web:agreement_detail", args=[mous["inside"].pk])).status_code == 404
    assert client.get(reverse("web:agreement_detail", args=[mous["home"].pk])).status_code == 200


def test_leaving_the_task_force_ends_the_coordinators_reading(world):
    coordinator, _, mous = world
    client = _client(coordinator)
    url = reverse("web:agreement_detail", args=[mous["inside"].pk])
    assert client.get(url).status_code == 200
    Member.objects.filter(organization__slug="a-cw").update(
        until=timezone.localdate() - timedelta(1)
    )
    assert client.get(url).status_code == 404


def test_a_system_administrator_still_reads_every_agreement(world):
    _, _, mous = world
    admin = UserFactory(role="system_admin")
    client = _client(admin)
    for mou in mous.values():
        assert client.get(reverse("web:agreement_detail", args=[mou.pk])).status_code == 200
