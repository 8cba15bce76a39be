"""The synthetic task forces: demo and (shrunk) state scale, with reports that have data."""

from __future__ import annotations

import pytest

from harborline.people.models import User
from harborline.reports import taskforce as reports
from harborline.synthetic import seed
from harborline.taskforce import selectors
from harborline.taskforce.models import ActionItem, Member, TaskForce


@pytest.mark.django_db(transaction=True)
def test_demo_task_forces_have_members_meetings_and_overdue_items():
    seed(scale="demo", seed=1)
    washoe = TaskForce.objects.get(pack="nevada")
    king = TaskForce.objects.get(pack="washington")
    coordinator = User.objects.get(email="coordinator@demo.example.org")
    assert washoe.coordinator == coordinator == king.coordinator
    assert Member.objects.filter(taskforce=washoe, organization__isnull=False).count() >= 4
    assert Member.objects.filter(protected=True).count() == 2
    king_rep = selectors.representation(king)
    assert {r.category for r in king_rep.missing} == {"tribal_communities", "lgbtq_representatives"}
    assert selectors.next_meeting(washoe) is not None
    assert ActionItem.objects.filter(done=False).exists()
    report = reports.annual_report(actor=coordinator, taskforce=washoe, kind="nevada", year=2026)
    assert len(report.meetings) >= 6 and report.average_attendance is not None
    assert all(text for _, text in report.narrative) and report.narrative_version == 1


@pytest.mark.django_db(transaction=True)
def test_state_scale_has_a_task_force_per_nevada_region():
    seed(scale="state", seed=3, _factor=0.02)
    assert sorted(TaskForce.objects.values_list("region", flat=True)) == [
        "northern",
        "rural",
        "southern",
    ]
    assert Member.objects.count() > 0
