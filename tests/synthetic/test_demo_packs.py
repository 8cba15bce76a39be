"""`seed(pack=...)`: a demo for each state pack (decision 0046): its counties and time zone, a
task force on its own pack whose members carry its categories, training events from its own
catalogue, and cases screened with its own instrument, or opened without a screening when the
pack has none (Washington's toolkit names none)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from harborline.cases.models import Case
from harborline.people.models import Organization, User
from harborline.protocols.home import screening_instrument
from harborline.protocols.packs import get_pack
from harborline.response.models import Screening
from harborline.synthetic import cases as synthetic_cases
from harborline.synthetic import seed
from harborline.taskforce.categories import categories_for
from harborline.taskforce.models import Member, TaskForce
from harborline.training.models import TrainingEvent

pytestmark = pytest.mark.django_db

FIXED_NOW = datetime(2026, 11, 30, 17, 45, tzinfo=UTC)
# pack -> (the demo's big county, its time zone)
STATES = {
    "nevada": ("clark", "America/Los_Angeles"),
    "washington": ("king", "America/Los_Angeles"),
    "wisconsin": ("milwaukee", "America/Chicago"),
}
AGENCY_LOGINS = {
    "law-enforcement": "law_enforcement",
    "prosecutor": "prosecutor",
    "probation": "probation",
    "advocate": "community_advocacy",
}


@pytest.fixture
def fixed_now(monkeypatch):
    monkeypatch.setattr(synthetic_cases, "demo_now", lambda: FIXED_NOW)


@pytest.mark.parametrize("pack", sorted(STATES))
def test_each_state_demo_uses_its_own_counties_categories_courses_and_instrument(fixed_now, pack):
    report = seed(scale="demo", seed=1, pack=pack)
    county, zone = STATES[pack]

    orgs = Organization.objects.exclude(county=None)
    assert orgs.exists() and set(orgs.values_list("county__pack", flat=True)) == {pack}
    assert Organization.objects.filter(county__slug=county).count() >= 5
    assert set(Organization.objects.values_list("time_zone", flat=True)) >= {zone}

    tf = (
        TaskForce.objects.get(pack=pack)
        if pack != "nevada"
        else TaskForce.objects.filter(pack="nevada").first()
    )
    assert tf is not None
    known = set(categories_for(pack).all)
    members = list(Member.objects.filter(taskforce=tf))
    assert len(members) >= 5
    ours = [m.category for m in members if not m.category.startswith("other:")]
    assert ours and set(ours) <= known

    catalogue = {c.code for c in get_pack(pack).section("training.yaml").courses}
    events = list(TrainingEvent.objects.all())
    # Wisconsin's pack lists competencies but no courses: no events to record.
    assert bool(events) == bool(catalogue)
    assert {e.pack for e in events} <= {pack}
    assert {e.course_code for e in events} <= catalogue

    instrument = screening_instrument(get_pack(pack))
    assert report.screening_instrument == instrument
    assert Case.objects.filter(pack=pack).count() == Case.objects.count() > 10
    screened = Screening.objects.all()
    if instrument:
        assert screened.exists() and {s.instrument for s in screened} == {instrument}
    else:
        assert not screened.exists()


def test_washington_demo_opens_cases_without_a_screening_and_meets_some_minimums(fixed_now):
    report = seed(scale="demo", seed=1, pack="washington")
    assert report.screening_instrument == ""
    assert not Screening.objects.exists()
    assert TrainingEvent.objects.filter(level="in_depth").exists()


@pytest.mark.parametrize("pack", sorted(STATES))
def test_every_demo_has_law_enforcement_prosecution_probation_and_advocate_logins(fixed_now, pack):
    report = seed(scale="demo", seed=1, pack=pack)
    extra = {login.email.split("@")[0]: login for login in report.demo_logins if login.what}
    assert set(extra) == set(AGENCY_LOGINS)
    for name, org_type in AGENCY_LOGINS.items():
        user = User.objects.get(email=f"{name}@demo.example.org")
        assert user.membership.organization.type == org_type
        assert user.membership.organization.name == extra[name].organization
        assert user.needs_mfa


def test_an_unknown_pack_is_refused_naming_the_field(db):
    from harborline.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        seed(scale="demo", seed=1, pack="atlantis")
    assert refused.value.errors[0].field == "pack"
    assert not Organization.objects.exists()
