"""Changing the coordinator and the chair (the Structure page) and a member's category, end of
tenure and protected flag (the member page): services, permissions and the forms."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from harborline.errors import Conflict, Forbidden, InvalidInput
from harborline.taskforce import services
from harborline.taskforce.models import Member, TaskForce
from tests.factories import UserFactory, give_totp_device, sign_in


@pytest.fixture(autouse=True)
def _no_demo(settings):
    settings.DEMO_MODE = False


def as_(client, user):
    give_totp_device(user)
    return sign_in(client, user)


@pytest.fixture
def survivor(tf, coordinator):
    return services.add_member(
        actor=coordinator,
        taskforce=tf,
        person_name="Riley Survivor",
        category="survivors",
        protected=True,
        since=date(2025, 1, 1),
    )


# --- update_member ----------------------------------------------------------------------------


def test_category_and_tenure_change_and_the_end_can_be_cleared(tf, coordinator):
    member = tf.members.get()
    member = services.update_member(
        actor=coordinator, member=member, version=1, category="other: Sheriff's cadets"
    )
    assert member.category == "other: Sheriff's cadets" and member.version == 2
    end = timezone.localdate() + timedelta(days=30)
    member = services.update_member(actor=coordinator, member=member, version=2, until=end)
    assert member.until == end
    member = services.update_member(actor=coordinator, member=member, version=3, clear_until=True)
    assert member.until is None


def test_bad_category_and_tenure_are_named_and_nothing_changes(tf, coordinator):
    member = tf.members.get()
    with pytest.raises(InvalidInput) as problem:
        services.update_member(
            actor=coordinator,
            member=member,
            version=1,
            category="mayors",
            until=member.since - timedelta(days=1),
        )
    assert {e.field for e in problem.value.errors} == {"category", "until"}
    member.refresh_from_db()
    assert (member.category, member.until, member.version) == ("local_law_enforcement", None, 1)


def test_only_the_coordinator_or_chair_lift_protection(tf, coordinator, chair, sysadmin, survivor):
    with pytest.raises(Forbidden) as problem:
        services.update_member(actor=sysadmin, member=survivor, version=1, protected=False)
    assert problem.value.errors[0].field == "protected"
    assert Member.objects.get(pk=survivor.pk).protected
    member = services.update_member(actor=chair, member=survivor, version=1, protected=False)
    assert not member.protected
    # Anyone who manages may protect a member.
    member = services.update_member(actor=sysadmin, member=member, version=2, protected=True)
    assert member.protected


def test_a_member_cannot_change_members(tf, staff):
    with pytest.raises(Forbidden):
        services.update_member(actor=staff, member=tf.members.get(), version=1, end_tenure=True)


def test_moving_into_a_category_the_organization_holds_is_a_conflict(tf, coordinator, member_org):
    other = services.add_member(
        actor=coordinator, taskforce=tf, organization=member_org, category="prosecutors"
    )
    with pytest.raises(Conflict) as problem:
        services.update_member(
            actor=coordinator, member=other, version=1, category="local_law_enforcement"
        )
    assert problem.value.errors[0].field == "category"


# --- The member page ---------------------------------------------------------------------------


def test_coordinator_changes_a_member_on_its_page(client, tf, coordinator):
    member = tf.members.get()
    c = as_(client, coordinator)
    page = c.get(f"/taskforces/{tf.pk}/members").content.decode()
    assert f'href="/taskforces/{tf.pk}/members/{member.pk}/"' in page
    page = c.get(f"/taskforces/{tf.pk}/members/{member.pk}/").content.decode()
    assert "Change this member" in page and "Washoe County Sheriff" in page
    response = c.post(
        f"/taskforces/{tf.pk}/members/{member.pk}/",
        {"version": 1, "category": "other", "other_category": "Sheriff's cadets", "until": ""},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.category == "other: Sheriff's cadets" and member.until is None


def test_member_page_errors_sit_beside_the_field(client, tf, coordinator):
    member = tf.members.get()
    c = as_(client, coordinator)
    response = c.post(
        f"/taskforces/{tf.pk}/members/{member.pk}/",
        {"version": 1, "category": "other", "other_category": "", "until": "2000-01-01"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="id_category_error"' in page and 'id="id_until_error"' in page
    stale = c.post(
        f"/taskforces/{tf.pk}/members/{member.pk}/",
        {"version": 7, "category": "cps", "until": ""},
    )
    assert stale.status_code == 409
    assert "Someone else changed this" in stale.content.decode()
    member.refresh_from_db()
    assert member.category == "local_law_enforcement"


def test_a_system_admin_sees_no_name_and_cannot_lift_protection(client, tf, sysadmin, survivor):
    c = as_(client, sysadmin)
    page = c.get(f"/taskforces/{tf.pk}/members/{survivor.pk}/").content.decode()
    assert "Riley Survivor" not in page and "Protected member (survivor)" in page
    response = c.post(
        f"/taskforces/{tf.pk}/members/{survivor.pk}/",
        {"version": 1, "category": "survivors", "until": ""},  # the box left unticked
    )
    assert response.status_code == 403
    assert 'id="id_protected_error"' in response.content.decode()
    assert "Riley Survivor" not in response.content.decode()
    assert Member.objects.get(pk=survivor.pk).protected


def test_members_read_a_member_page_without_a_form(client, tf, staff):
    member = tf.members.get()
    c = as_(client, staff)
    page = c.get(f"/taskforces/{tf.pk}/members/{member.pk}/")
    assert page.status_code == 200 and "Change this member" not in page.content.decode()
    response = c.post(
        f"/taskforces/{tf.pk}/members/{member.pk}/", {"version": 1, "category": "cps"}
    )
    assert response.status_code == 404


def test_a_member_of_another_task_force_is_404(client, tf, coordinator):
    other = services.create_taskforce(actor=coordinator, name="Other TF", pack="washington")
    stranger = services.add_member(
        actor=coordinator, taskforce=other, person_name="Pat", category="cps"
    )
    c = as_(client, coordinator)
    assert c.get(f"/taskforces/{tf.pk}/members/{stranger.pk}/").status_code == 404


# --- Leadership: the Structure page ------------------------------------------------------------


def test_coordinator_names_a_new_chair_on_the_structure_page(client, tf, coordinator, chair):
    judge = UserFactory(role="supervisor", email="judge@example.org", full_name="Judge Okafor")
    c = as_(client, coordinator)
    page = c.get(f"/taskforces/{tf.pk}/structure").content.decode()
    assert "Judge Rivera" in page and 'name="lead-chair"' in page
    response = c.post(
        f"/taskforces/{tf.pk}/structure/leadership",
        {
            "lead-version": tf.version,
            "lead-coordinator": coordinator.email,
            "lead-chair": "JUDGE@example.org",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/taskforces/{tf.pk}/structure"
    tf.refresh_from_db()
    assert tf.chair == judge and tf.coordinator == coordinator
    assert "Judge Okafor" in c.get(f"/taskforces/{tf.pk}/structure").content.decode()


def test_leadership_errors_sit_beside_the_field(client, tf, coordinator):
    c = as_(client, coordinator)
    response = c.post(
        f"/taskforces/{tf.pk}/structure/leadership",
        {"lead-version": tf.version, "lead-coordinator": "nobody@example.org", "lead-chair": ""},
    )
    assert response.status_code == 422
    assert 'id="id_lead-coordinator_error"' in response.content.decode()
    stale = c.post(
        f"/taskforces/{tf.pk}/structure/leadership",
        {"lead-version": tf.version - 1, "lead-coordinator": coordinator.email, "lead-chair": ""},
    )
    assert stale.status_code == 409
    assert "Someone else changed this" in stale.content.decode()
    assert TaskForce.objects.get(pk=tf.pk).chair is not None


def test_members_read_the_structure_page_but_cannot_change_it(client, tf, staff):
    c = as_(client, staff)
    page = c.get(f"/taskforces/{tf.pk}/structure")
    assert page.status_code == 200
    assert "Change the coordinator or the chair" not in page.content.decode()
    response = c.post(
        f"/taskforces/{tf.pk}/structure/leadership",
        {"lead-version": tf.version, "lead-coordinator": staff.email, "lead-chair": ""},
    )
    assert response.status_code == 404
    assert TaskForce.objects.get(pk=tf.pk).coordinator != staff


def test_a_coordinator_who_hands_over_goes_back_to_the_list(client, tf, coordinator, chair):
    successor = UserFactory(role="coordinator", org=coordinator.membership.organization)
    c = as_(client, coordinator)
    response = c.post(
        f"/taskforces/{tf.pk}/structure/leadership",
        {
            "lead-version": tf.version,
            "lead-coordinator": successor.email,
            "lead-chair": chair.email,
        },
    )
    assert response.status_code == 302 and response["Location"] == "/taskforces/"
    assert c.get(f"/taskforces/{tf.pk}/").status_code == 404
    assert TaskForce.objects.get(pk=tf.pk).coordinator == successor


def test_only_a_coordinator_of_a_task_force_organization_can_be_named_coordinator(
    client, tf, coordinator, chair, staff
):
    """Naming a coordinator gives read reach over the members' agreements and mentor-advocates
    (decision 0032): a caseworker, or a 'coordinator' outside a task-force organization, is
    refused with the field named, and nothing changes."""
    c = as_(client, coordinator)
    response = c.post(
        f"/taskforces/{tf.pk}/structure/leadership",
        {"lead-version": tf.version, "lead-coordinator": staff.email, "lead-chair": chair.email},
    )
    assert response.status_code == 422
    assert "coordinator role in a task-force organization" in response.content.decode()
    assert TaskForce.objects.get(pk=tf.pk).coordinator == coordinator
    with pytest.raises(InvalidInput) as refused:
        services.create_taskforce(actor=coordinator, name="Other", pack="nevada", coordinator=staff)
    assert refused.value.errors[0].field == "coordinator"


def test_subcommittees_and_mdts_are_added_on_the_structure_page(client, tf, coordinator):
    c = as_(client, coordinator)
    response = c.post(f"/taskforces/{tf.pk}/structure/subcommittee", {"name": "Training"})
    assert response.status_code == 302
    response = c.post(f"/taskforces/{tf.pk}/structure/mdt", {"mdt-name": "", "mdt-county": ""})
    assert response.status_code == 422
    assert 'id="id_mdt-name_error"' in response.content.decode()
    response = c.post(
        f"/taskforces/{tf.pk}/structure/mdt", {"mdt-name": "King MDT", "mdt-county": "King"}
    )
    assert response.status_code == 302
    page = c.get(f"/taskforces/{tf.pk}/structure").content.decode()
    assert "Training" in page and "King MDT (King)" in page
