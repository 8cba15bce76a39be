"""Compliance with the packs' training requirements: every Washington minimum (one parametrized
test per requirement of washington/training.yaml) is short by one until one more person is
trained, then met; Nevada's CSEC 101 within 60 days of hire, 3 hours a year of continuing
education, and supervisors trained before their staff."""

from __future__ import annotations

import datetime as dt

import pytest

from harborline.people.models import Membership
from harborline.training.catalogue import requirements_of
from harborline.training.selectors import compliance_for, compliance_summary

from .factories import org, person, system_admin, taskforce, train, washington_geography

WASHINGTON = requirements_of("washington")


def _result(results, requirement_id, subject):
    found = [r for r in results if r.id == requirement_id and r.subject == subject]
    assert len(found) == 1, [(r.id, r.subject) for r in results]
    return found[0]


def test_law_enforcement_agency_with_one_in_depth_officer_is_short_by_one(db):
    region, county = washington_geography()
    police = org("law_enforcement", county=county, name="Harbor City Police (synthetic)")
    first, second = person(police), person(police)
    tf = taskforce("washington", police)
    train(first, course="CSEC-101", pack="washington", level="in_depth")

    result = _result(compliance_summary(taskforce=tf), "law_enforcement_in_depth", police.name)
    assert (result.required, result.actual, result.met) == (2, 1, False)
    assert result.missing == ["1 more officer with in-depth training"]
    assert result.scope == "agency"

    train(second, course="CSEC-201", pack="washington", level="in_depth")
    result = _result(compliance_summary(taskforce=tf), "law_enforcement_in_depth", police.name)
    assert (result.required, result.actual, result.met) == (2, 2, True)
    assert result.missing == []


@pytest.mark.parametrize("requirement", WASHINGTON, ids=[r.id for r in WASHINGTON])
def test_each_washington_minimum_is_short_by_one_then_met(db, requirement):
    region, county = washington_geography()
    org_type = requirement.org_types[0] if requirement.org_types else "service_provider"
    role = requirement.roles[0] if requirement.roles else "caseworker"
    agency = org(org_type, county=county, name="Member Agency (synthetic)")
    bystander = person(agency, role="analyst" if requirement.roles else "caseworker")
    tf = taskforce("washington", agency)
    level = requirement.level if requirement.level != "any" else "basic"
    course = requirement.courses[0] if requirement.courses else "CSEC-101"

    if requirement.scope == "person":
        people = (
            [bystander, person(agency, role=role)]
            if not requirement.roles
            else [
                person(agency, role=role),
                person(agency, role=role),
            ]
        )
        needed = len(people) + (0 if requirement.roles else 0)
        for p in people[:-1]:
            train(p, course=course, pack="washington", level=level)
        subject = agency.name
        expected_required = needed
    else:
        people = [person(agency, role=role) for _ in range(requirement.required)]
        for p in people[:-1]:
            train(p, course=course, pack="washington", level=level)
        # The wrong level or role does not count.
        if requirement.level != "basic":
            train(people[-1], course=course, pack="washington", level="basic")
        if requirement.roles:
            train(bystander, course=course, pack="washington", level=level)
        subject = {
            "agency": agency.name,
            "county": county.name,
            "region": region.name,
        }[requirement.scope]
        expected_required = requirement.required

    result = _result(compliance_summary(taskforce=tf), requirement.id, subject)
    assert result.scope == requirement.scope
    assert result.required == expected_required
    assert result.actual == expected_required - 1
    assert result.met is False
    assert result.missing

    train(people[-1], course=course, pack="washington", level=level)
    result = _result(compliance_summary(taskforce=tf), requirement.id, subject)
    assert (result.actual, result.met, result.missing) == (expected_required, True, [])


def test_region_minimum_counts_people_across_the_regions_organizations(db):
    region, county = washington_geography()
    north = org("child_welfare", region=region, name="DCYF North Office (synthetic)")
    south = org("child_welfare", county=county, name="DCYF King Office (synthetic)")
    for office in (north, south):
        for _ in range(2):
            train(person(office), course="CSEC-101", pack="washington", level="in_depth")
    results = compliance_for(pack="washington", organizations=[north, south])
    workers = _result(results, "cps_social_workers_in_depth", region.name)
    assert (workers.required, workers.actual, workers.met) == (4, 4, True)
    supervisors = _result(results, "cps_supervisors_in_depth", region.name)
    assert (supervisors.actual, supervisors.met) == (0, False)
    assert supervisors.missing == ["2 more supervisors with in-depth training"]


def test_organizations_without_a_county_are_named_for_county_minimums(db):
    defenders = org("public_defender", name="Defender Office (synthetic)")
    results = compliance_for(pack="washington", organizations=[defenders])
    result = _result(results, "public_defender_in_depth", "Organizations with no county recorded")
    assert result.met is False
    assert "Defender Office (synthetic)" in result.missing[-1]


def test_records_of_another_pack_or_after_the_day_do_not_count(db):
    _, county = washington_geography()
    police = org("law_enforcement", county=county)
    a, b = person(police), person(police)
    _hire(a, 1000)
    _hire(b, 1000)
    train(a, course="101B", pack="nevada", level="advanced")
    train(b, course="CSEC-101", pack="washington", level="in_depth", on=dt.date(2026, 6, 1))
    at_may = compliance_for(pack="washington", organizations=[police], at=dt.date(2026, 5, 1))
    assert _result(at_may, "law_enforcement_in_depth", police.name).actual == 0
    at_july = compliance_for(pack="washington", organizations=[police], at=dt.date(2026, 7, 1))
    assert _result(at_july, "law_enforcement_in_depth", police.name).actual == 1


def test_an_in_depth_record_satisfies_a_basic_requirement(db):
    police = org("law_enforcement")
    officer = person(police)
    train(officer, course="CSEC-101", pack="washington", level="in_depth")
    results = compliance_for(pack="washington", organizations=[police])
    assert _result(results, "law_enforcement_all_basic", police.name).met is True


# --- Nevada ------------------------------------------------------------------------------------
def _hire(user, days_ago):
    Membership.objects.filter(user=user).update(since=dt.date.today() - dt.timedelta(days=days_ago))


def test_csec_101_is_due_within_60_days_of_the_membership_start(db):
    agency = org("child_welfare", name="Clark Child Welfare (synthetic)")
    trained, overdue, new = person(agency), person(agency), person(agency)
    for p, days in ((trained, 200), (overdue, 90), (new, 10)):
        _hire(p, days)
    train(trained, course="101B", pack="nevada")
    result = _result(
        compliance_for(pack="nevada", organizations=[agency]),
        "csec_101_within_60_days",
        agency.name,
    )
    # The new hire is still inside the window: listed as due, not counted short.
    assert (result.required, result.actual, result.met) == (2, 1, False)
    overdue_since = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    due_by = (dt.date.today() + dt.timedelta(days=50)).isoformat()
    assert any(f"overdue since {overdue_since}" in m and overdue.email in m for m in result.missing)
    assert any(f"due by {due_by}" in m and new.email in m for m in result.missing)
    assert result.due == dt.date.today() + dt.timedelta(days=50)

    train(overdue, course="101A", pack="nevada")
    result = _result(
        compliance_for(pack="nevada", organizations=[agency]),
        "csec_101_within_60_days",
        agency.name,
    )
    assert result.met is True


def test_three_hours_of_continuing_education_a_year(db):
    agency = org("community_advocacy", name="Advocates (synthetic)")
    full, part = person(agency), person(agency)
    today = dt.date.today()
    jan = dt.date(today.year, 1, 2)
    train(full, course="300", pack="nevada", hours=3, on=jan)
    train(part, course="300", pack="nevada", hours=1.5, on=jan)
    train(part, course="300", pack="nevada", hours=5, on=dt.date(today.year - 1, 6, 1))
    train(part, course="101B", pack="nevada", hours=8, on=jan)  # not continuing education
    result = _result(
        compliance_for(pack="nevada", organizations=[agency]),
        "annual_continuing_education",
        agency.name,
    )
    assert (result.required, result.actual, result.met) == (2, 1, False)
    assert result.missing == [f"{part.full_name} ({part.email}): 1.5 of 3 hours in {today.year}"]
    assert result.due == dt.date(today.year, 12, 31)


def test_staff_trained_before_any_supervisor_are_flagged(db):
    agency = org("child_welfare", name="Washoe Child Welfare (synthetic)")
    supervisor = person(agency, role="supervisor")
    early, late = person(agency), person(agency)
    train(early, course="101B", pack="nevada", on=dt.date(2026, 1, 5))
    train(supervisor, course="101B", pack="nevada", on=dt.date(2026, 2, 1))
    train(late, course="101B", pack="nevada", on=dt.date(2026, 3, 1))
    result = _result(
        compliance_for(pack="nevada", organizations=[agency]),
        "supervisors_trained_first",
        agency.name,
    )
    assert (result.required, result.actual, result.met) == (2, 1, False)
    assert len(result.missing) == 1
    assert early.email in result.missing[0] and "2026-01-05" in result.missing[0]


def test_supervisors_first_is_not_checked_where_there_are_no_supervisors(db):
    agency = org("child_welfare")
    train(person(agency), course="101B", pack="nevada")
    results = compliance_for(pack="nevada", organizations=[agency])
    assert [r for r in results if r.id == "supervisors_trained_first"] == []


def test_compliance_summary_uses_only_current_member_organizations(db):
    from harborline.taskforce.models import Member

    _, county = washington_geography()
    current = org("law_enforcement", county=county, name="Current (synthetic)")
    former = org("law_enforcement", county=county, name="Former (synthetic)")
    tf = taskforce("washington", current)
    Member.objects.create(
        taskforce=tf,
        organization=former,
        category="member agency",
        since=dt.date(2020, 1, 1),
        until=dt.date(2021, 1, 1),
    )
    subjects = {r.subject for r in compliance_summary(taskforce=tf) if r.scope == "agency"}
    assert subjects == {"Current (synthetic)"}


def test_unknown_pack_is_invalid_input_on_pack(db):
    from harborline.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        compliance_for(pack="atlantis", organizations=[])
    assert caught.value.errors[0].field == "pack"


def test_a_report_counts_training_as_it_stood_at_the_end_of_its_period(db):
    """Training finished after a report period does not count in that period's report."""
    import datetime as dt

    from harborline.reports import taskforce as reports
    from harborline.reports.taskforce import training_compliance

    region, county = washington_geography()
    police = org("law_enforcement", county=county, name="Harbor City Police (synthetic)")
    first, second = person(police), person(police)
    for officer in (first, second):  # both on staff since 2024
        officer.membership.since = dt.date(2024, 1, 1)
        officer.membership.save()
    tf = taskforce("washington", police)
    train(first, course="CSEC-101", pack="washington", level="in_depth", on=dt.date(2025, 6, 1))
    train(second, course="CSEC-201", pack="washington", level="in_depth", on=dt.date(2026, 2, 1))

    def officers(at):
        found = [
            r for r in training_compliance(tf, at=at).items if r.id == "law_enforcement_in_depth"
        ]
        return found[0].actual

    assert officers(dt.date(2025, 12, 31)) == 1
    assert officers(dt.date(2026, 3, 1)) == 2
    start, end, _ = reports.period("washington", 2025)
    assert end == dt.date(2025, 12, 31)
    report = reports.annual_report(actor=system_admin(), taskforce=tf, kind="washington", year=2025)
    line = [g for g in report.gaps if "Harbor City Police" in g and "1 of 2" in g]
    # each gap names its requirement: the two "1 of 2" lines are told apart
    assert any("in-depth" in g.lower() or "in depth" in g.lower() for g in line), line
    assert any("basic training" in g.lower() for g in line), line
