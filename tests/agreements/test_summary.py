"""summary_for(taskforce): the agreements figures of the task force's annual report."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from harborline.agreements.selectors import summary_for
from harborline.taskforce.models import Member, TaskForce
from tests.factories import OrganizationFactory

from .factories import make_dsa, make_mou

pytestmark = pytest.mark.django_db


def test_counts_agreements_of_member_organizations_by_status():
    cw = OrganizationFactory(slug="cw", name="Child Welfare")
    pd = OrganizationFactory(slug="pd", name="Police")
    outsider = OrganizationFactory(slug="out", name="Outsider")
    tf = TaskForce.objects.create(name="Northern Nevada Task Force", pack="nevada")
    for org in (cw, pd):
        Member.objects.create(
            taskforce=tf, organization=org, category="child_welfare", since=date(2024, 1, 1)
        )
    make_mou([cw, pd], reference="MOU-IN-FORCE", expires_on=date(2027, 12, 31))
    make_mou([cw, pd], reference="MOU-EXPIRING", expires_on=date(2026, 7, 1))
    make_mou(
        [cw, pd], reference="MOU-OLD", effective_on=date(2024, 1, 1), expires_on=date(2025, 12, 31)
    )
    make_mou([cw, pd], reference="MOU-DRAFT", signed=False)
    make_mou([outsider, OrganizationFactory(slug="o2", name="O2")], reference="MOU-OTHERS")
    make_dsa(cw, reference="DSA-CW")  # 2025-01-20 .. 2027-01-19, nothing submitted
    at = datetime(2026, 6, 1, 19, 0, tzinfo=UTC)
    summary = summary_for(taskforce=tf, at=at)
    assert summary.member_organizations == 2
    assert (summary.mous_in_force, summary.mous_expiring, summary.mous_expired) == (2, 1, 1)
    assert summary.mous_awaiting_signature == 1
    assert (summary.dsas_in_force, summary.dsas_expiring, summary.dsas_expired) == (1, 0, 0)
    assert summary.duties_overdue == 2  # the January 31 submissions of 2025 and 2026
    assert summary.organizations_without_dsa == ["Police"]
    assert summary.as_dict()["mous_in_force"] == 2
