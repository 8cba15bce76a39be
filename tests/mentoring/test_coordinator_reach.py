"""Issue 10, hole 1: a coordinator reads the mentor-advocates of the organizations the task
forces they coordinate hold (decision 0032), not every organization's. The attacker read another
organization's mentor-advocate's phone number and background-check date; checked here through
the pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from harborline.errors import NotFound
from harborline.mentoring import selectors, services
from harborline.taskforce.models import Member, TaskForce
from tests.factories import OrganizationFactory, UserFactory, give_totp_device, sign_in

pytestmark = pytest.mark.django_db


def _client(user):
    give_totp_device(user)
    return sign_in(Client(), user)


def _advocate(org, email, phone):
    supervisor = UserFactory(role="supervisor", org=org)
    advocate = services.add_to_program(
        actor=supervisor,
        user=UserFactory(role="mentor_advocate", org=org, email=email),
        phone=phone,
    )
    return services.update_advocate(
        actor=supervisor, advocate=advocate, version=None, background_check_on=date(2026, 3, 4)
    )


@pytest.fixture
def world():
    today = timezone.localdate()
    home = OrganizationFactory(slug="tf-a", name="Task Force A Office", type="task_force")
    coordinator = UserFactory(role="coordinator", org=home)
    inside = OrganizationFactory(slug="a-adv", name="A Advocates", type="community_advocacy")
    outside = OrganizationFactory(slug="x-adv", name="X Advocates", type="community_advocacy")
    former = OrganizationFactory(slug="f-adv", name="F Advocates", type="community_advocacy")
    tf = TaskForce.objects.create(name="Task force A", pack="nevada", coordinator=coordinator)
    Member.objects.create(
        taskforce=tf, organization=inside, category="mentor_advocate", since=today - timedelta(9)
    )
    Member.objects.create(
        taskforce=tf,
        organization=former,
        category="mentor_advocate",
        since=today - timedelta(90),
        until=today - timedelta(1),
    )
    advocates = {
        "inside": _advocate(inside, "in@example.org", "775-555-0111"),
        "outside": _advocate(outside, "out@example.org", "702-555-0199"),
        "former": _advocate(former, "former@example.org", "775-555-0177"),
    }
    return coordinator, advocates


def test_coordinator_gets_404_outside_their_task_force_and_200_inside(world):
    coordinator, advocates = world
    client = _client(coordinator)
    inside = client.get(reverse("web:mentoring_detail", args=[advocates["inside"].pk]))
    assert inside.status_code == 200
    assert "775-555-0111" in inside.content.decode()
    for name in ("outside", "former"):
        response = client.get(reverse("web:mentoring_detail", args=[advocates[name].pk]))
        assert response.status_code == 404, name
        assert (
            "555-01" not in response.content.decode()
            and "2026-03-04" not in response.content.decode()
        )
    missing = max(a.pk for a in advocates.values()) + 100
    assert client.get(reverse("web:mentoring_detail", args=[missing])).status_code == 404
    roster = client.get(reverse("web:mentoring")).content.decode()
    assert "A Advocates" in roster
    assert "X Advocates" not in roster and "F Advocates" not in roster


def test_the_selectors_agree_with_the_pages(world):
    coordinator, advocates = world
    visible = {a.pk for a in selectors.visible_advocates(actor=coordinator, include_inactive=True)}
    assert visible == {advocates["inside"].pk}
    with pytest.raises(NotFound):
        selectors.get_advocate(actor=coordinator, pk=advocates["outside"].pk)


def test_reading_is_not_managing(world):
    from harborline.errors import Forbidden

    coordinator, advocates = world
    with pytest.raises(Forbidden):
        services.update_advocate(
            actor=coordinator, advocate=advocates["inside"], version=None, phone="1"
        )
    with pytest.raises(NotFound):
        services.update_advocate(
            actor=coordinator, advocate=advocates["outside"], version=None, phone="1"
        )
