"""Task-force services: creating, members across categories, protected identities, tenure,
meetings in UTC, attendance, action items due, versions and the audit record."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from harborline.audit.models import Action, AuditEvent
from harborline.errors import Conflict, Forbidden, InvalidInput, NotFound
from harborline.taskforce import selectors, services
from harborline.taskforce.categories import categories_for, check_category
from harborline.taskforce.models import PROTECTED_LABEL, Member
from tests.factories import OrganizationFactory


def fields(problem):
    return {e.field for e in problem.value.errors}


def test_creator_coordinates_and_creation_is_audited(coordinator):
    tf = services.create_taskforce(
        actor=coordinator, name="Washoe TF", pack="nevada", region="northern"
    )
    assert tf.coordinator == coordinator
    event = AuditEvent.objects.filter(object_type="taskforce.taskforce", object_id=str(tf.pk)).get()
    assert event.action == Action.CREATE
    assert event.youth_id is None
    assert event.owner_org_id == coordinator.membership.organization_id


def test_unknown_pack_and_empty_name_are_named(coordinator):
    with pytest.raises(InvalidInput) as problem:
        services.create_taskforce(actor=coordinator, name=" ", pack="atlantis")
    assert fields(problem) == {"name", "pack"}


def test_caseworker_cannot_create(outsider):
    with pytest.raises(Forbidden):
        services.create_taskforce(actor=outsider, name="X", pack="nevada")


def test_washington_has_thirteen_member_categories_and_healthcare_sub_categories():
    cats = categories_for("washington")
    assert len(cats.top) == 13
    assert cats.covers("medical") == "healthcare_providers"
    wisconsin = categories_for("wisconsin")
    assert wisconsin.top[0].id == "government_agencies"
    assert wisconsin.top[-1].id == "researchers"
    nevada = categories_for("nevada")
    assert {"law_enforcement", "mentor_advocate", "public_health"} <= set(nevada.all)


def test_other_category_is_explicit_and_unknown_ids_are_refused():
    assert check_category("washington", "other:  Faith communities") == "other: Faith communities"
    with pytest.raises(InvalidInput) as problem:
        check_category("washington", "mayors")
    assert problem.value.errors[0].field == "category"


def test_members_of_every_kind(tf, coordinator, staff):
    person = services.add_member(
        actor=coordinator,
        taskforce=tf,
        person_name="Jordan Vale",
        person_email="J@example.org",
        category="community_advocates",
    )
    user_member = services.add_member(actor=coordinator, taskforce=tf, user=staff, category="cps")
    assert person.kind == "person" and person.person_email == "j@example.org"
    assert user_member.kind == "user"
    with pytest.raises(InvalidInput) as problem:
        services.add_member(actor=coordinator, taskforce=tf, category="cps")
    assert "organization" in fields(problem)
    with pytest.raises(InvalidInput) as problem:
        services.add_member(
            actor=coordinator,
            taskforce=tf,
            person_name="X",
            category="cps",
            since=date(2026, 5, 1),
            until=date(2026, 4, 1),
        )
    assert fields(problem) == {"until"}


def test_same_organization_twice_in_a_category_is_a_conflict(tf, coordinator, member_org):
    with pytest.raises(Conflict):
        services.add_member(
            actor=coordinator,
            taskforce=tf,
            organization=member_org,
            category="local_law_enforcement",
        )


def test_protected_names_only_for_coordinator_and_chair(tf, coordinator, chair, staff, sysadmin):
    services.add_member(
        actor=coordinator,
        taskforce=tf,
        person_name="Riley Survivor",
        category="survivors",
        protected=True,
    )

    def names(actor, **kw):
        return {r.name for r in selectors.member_rows(actor, tf, **kw)}

    assert "Riley Survivor" in names(coordinator)
    assert "Riley Survivor" in names(chair)
    for reader in (staff, sysadmin):
        assert "Riley Survivor" not in names(reader)
        assert PROTECTED_LABEL in names(reader)
    assert "Riley Survivor" not in names(coordinator, for_export=True)
    # Nor in the audit record.
    assert not AuditEvent.objects.filter(detail__icontains="Riley").exists()


def test_representation_lists_every_category_and_the_missing(tf, coordinator):
    services.add_member(actor=coordinator, taskforce=tf, person_name="Dr. M", category="medical")
    services.add_member(
        actor=coordinator, taskforce=tf, person_name="Rev. F", category="other: Faith"
    )
    rep = selectors.representation(tf)
    assert len(rep.rows) == 13
    got = {r.category: r.members for r in rep.rows}
    assert got["local_law_enforcement"] == 1
    assert got["healthcare_providers"] == 1
    assert len(rep.missing) == 11
    assert rep.other == [("Other: Faith", 1)]


def test_ended_tenure_no_longer_counts(tf, coordinator, staff):
    member = services.add_member(
        actor=coordinator, taskforce=tf, user=staff, category="cps", since=date(2020, 1, 1)
    )
    services.update_member(
        actor=coordinator, member=member, version=member.version, until=date(2021, 1, 1)
    )
    assert "cps" in {r.category for r in selectors.representation(tf).missing}
    assert selectors.representation(tf, on=date(2020, 6, 1)).rows[2].represented


def test_stale_version_is_a_conflict(tf, coordinator):
    member = Member.objects.filter(taskforce=tf).first()
    services.update_member(actor=coordinator, member=member, version=1, protected=False)
    with pytest.raises(Conflict):
        services.update_member(actor=coordinator, member=member, version=1, protected=True)


def test_meeting_times_are_stored_in_utc_and_need_a_zone(tf, coordinator):
    from zoneinfo import ZoneInfo

    local = datetime(2026, 12, 10, 9, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    meeting = services.create_meeting(
        actor=coordinator, taskforce=tf, title="December", starts_at=local
    )
    meeting.refresh_from_db()
    assert meeting.starts_at == datetime(2026, 12, 10, 17, 30, tzinfo=UTC)
    with pytest.raises(InvalidInput) as problem:
        services.create_meeting(
            actor=coordinator,
            taskforce=tf,
            title="",
            starts_at=datetime(2026, 1, 1, 9),
            link="nope",
        )
    assert fields(problem) == {"title", "starts_at", "link"}


def test_attendance_and_unknown_members(tf, coordinator):
    meeting = services.create_meeting(
        actor=coordinator, taskforce=tf, title="M", starts_at=timezone.now()
    )
    member = tf.members.first()
    services.record_attendance(actor=coordinator, meeting=meeting, statuses={member.pk: "present"})
    services.record_attendance(actor=coordinator, meeting=meeting, statuses={member.pk: "excused"})
    assert selectors.attendance_sheet(meeting) == {member.pk: "excused"}
    with pytest.raises(InvalidInput):
        services.record_attendance(actor=coordinator, meeting=meeting, statuses={member.pk: "late"})
    with pytest.raises(InvalidInput):
        services.record_attendance(actor=coordinator, meeting=meeting, statuses={999999: "present"})


def test_due_action_items_are_overdue_or_due_within_two_days(tf, coordinator, staff):
    today = date(2026, 12, 2)
    for days in (-3, 0, 2, 3):
        services.add_action_item(
            actor=coordinator,
            taskforce=tf,
            text=f"d{days}",
            due=today + timedelta(days=days),
            owner=staff,
        )
    due = selectors.due_action_items(taskforce=tf, today=today)
    assert [i.text for i in due] == ["d-3", "d0", "d2"]
    assert [i.text for i in selectors.overdue(due, today)] == ["d-3"]


def test_owner_may_tick_their_own_item_but_not_others(tf, coordinator, staff, outsider):
    services.add_member(actor=coordinator, taskforce=tf, user=staff, category="cps")
    item = services.add_action_item(
        actor=coordinator, taskforce=tf, text="Call", due=date(2026, 1, 1), owner=staff
    )
    services.set_action_item_done(actor=staff, item=item, done=True, version=1)
    item.refresh_from_db()
    assert item.done and item.done_at is not None
    with pytest.raises(NotFound):
        services.set_action_item_done(actor=outsider, item=item, done=False, version=2)


def test_subcommittees_and_mdts(tf, coordinator):
    services.add_subcommittee(actor=coordinator, taskforce=tf, name="Demand reduction")
    with pytest.raises(InvalidInput):
        services.add_subcommittee(actor=coordinator, taskforce=tf, name="demand REDUCTION")
    mdt = services.add_mdt(actor=coordinator, taskforce=tf, name="Seattle MDT", county="King")
    assert mdt.taskforce == tf


def test_inactive_organization_cannot_join(tf, coordinator):
    org = OrganizationFactory(slug="gone", is_active=False)
    with pytest.raises(InvalidInput):
        services.add_member(actor=coordinator, taskforce=tf, organization=org, category="cps")
