"""A current task-force member has one definition, Member.objects.current (taskforce/models.py):
joined on or before the day, and left on or after it or not at all. Every rule that asks "is
this organization or person in the task force now?" asks it, so a member whose tenure ended
(or has not begun) is not current anywhere: not in the member list's flag, the task force's
reach, the coordinator's reach over member organizations (decision 0032), the training and
agreements summaries, the representation counts, or the owners of action items."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from harborline.agreements.selectors import member_organization_ids
from harborline.taskforce import selectors, services
from harborline.taskforce.models import Member, organizations_coordinated_by
from harborline.training.permissions import may_view_taskforce
from harborline.training.selectors import taskforce_organizations
from tests.factories import OrganizationFactory, UserFactory

TODAY = timezone.localdate


def _day(offset: int):
    return TODAY() + timedelta(days=offset)


# (since, until) as days from today, and whether the member is current today
TENURES = [
    pytest.param(-30, -1, False, id="tenure-ended-yesterday"),
    pytest.param(-30, 0, True, id="tenure-ends-today"),
    pytest.param(1, None, False, id="tenure-starts-tomorrow"),
    pytest.param(-400, None, True, id="open-tenure"),
]


@pytest.mark.parametrize(("since", "until", "current"), TENURES)
def test_a_member_is_current_in_every_rule_or_in_none(tf, coordinator, since, until, current):
    org = OrganizationFactory(slug="county-cps", name="County CPS", type="child_welfare")
    org_manager = UserFactory(role="supervisor", org=org)
    person = UserFactory(role="caseworker", full_name="Pat Person")
    tenure = {"since": _day(since), "until": None if until is None else _day(until)}
    org_member = services.add_member(
        actor=coordinator, taskforce=tf, organization=org, category="cps", **tenure
    )
    user_member = services.add_member(
        actor=coordinator,
        taskforce=tf,
        user=person,
        category="community_advocates",
        **tenure,
    )
    current_ids = set(Member.objects.current().values_list("pk", flat=True))
    rows = {r.id: r for r in selectors.member_rows(coordinator, tf)}
    current_rows = {r.id for r in selectors.member_rows(coordinator, tf, current_only=True)}
    counts = {r.category: r.members for r in selectors.representation(tf).rows}
    owners = {pk for pk, _ in selectors.action_item_owners(tf)}

    answers = {
        "queryset": {org_member.pk, user_member.pk} <= current_ids,
        "is_current": org_member.is_current() and user_member.is_current(),
        "row flag": rows[org_member.pk].current and rows[user_member.pk].current,
        "current rows": {org_member.pk, user_member.pk} <= current_rows,
        "relation": services.relation(person, tf) == services.Relation.MEMBER,
        "visible task forces": tf in selectors.visible_taskforces(person),
        "coordinator's reach": organizations_coordinated_by(coordinator)
        .filter(organization_id=org.pk)
        .exists(),
        "training organizations": taskforce_organizations(tf).filter(pk=org.pk).exists(),
        "training may view": may_view_taskforce(org_manager, tf),
        "agreements summary": org.pk in member_organization_ids(tf, on=TODAY()),
        "representation": counts["cps"] == 1,
        "action item owners": str(person.pk) in owners,
    }
    assert answers == dict.fromkeys(answers, current)
    # and the organization that has been a member all along stays current whatever happens
    assert Member.objects.current().filter(taskforce=tf, category="local_law_enforcement")
