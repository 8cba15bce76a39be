"""Synthetic training data: demo events with attendance where some requirements are met and
some short; at state scale, records for a good share of the users."""

from __future__ import annotations

import pytest

from harborline.people.models import Membership, Organization
from harborline.synthetic import seed
from harborline.training.models import Attendance, TrainingEvent, TrainingRecord
from harborline.training.selectors import compliance_for

pytestmark = pytest.mark.django_db


def test_demo_has_events_and_some_requirements_met_and_some_short():
    report = seed(scale="demo", seed=1)
    assert report.counts["training_events"] == TrainingEvent.objects.count() > 0
    assert Attendance.objects.exists()
    assert (
        TrainingRecord.objects.filter(source="event").count() == report.counts["training_records"]
    )
    results = compliance_for(pack="nevada", organizations=Organization.objects.all())
    assert any(r.met for r in results) and any(not r.met for r in results)
    assert TrainingEvent.objects.filter(survivor_speaker=True).exists()


def test_state_scale_records_cover_a_good_share_of_users():
    seed(scale="state", seed=1, _factor=0.05)
    active = Membership.objects.filter(is_active=True).count()
    trained = TrainingRecord.objects.values("person_id").distinct().count()
    assert trained >= 0.5 * active
