"""The dated duties of a data-sharing agreement with the statistical center (Resource 3-C)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from harborline.agreements import selectors, services
from harborline.agreements.models import Status
from harborline.errors import InvalidInput
from tests.factories import OrganizationFactory

from .factories import make_dsa, make_mou, system_admin

pytestmark = pytest.mark.django_db


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 20, 0, tzinfo=UTC)  # noon in Nevada (PST)


@pytest.fixture
def agency():
    return OrganizationFactory(slug="washoe-cw", name="Washoe Child Welfare")


@pytest.fixture
def dsa(agency):
    # Signed 2025-01-10 and 2025-01-20: in force 2025-01-20 .. 2027-01-19.
    return make_dsa(agency)


def by_key(duties):
    return {d.key: d for d in duties}


def test_the_next_january_31_is_due_and_the_missed_one_is_overdue(dsa):
    # 2025-01-31 falls within the term and nothing was sent.
    duties = by_key(selectors.dsa_duties(dsa, at=noon(date(2025, 6, 1))))
    assert duties["submission-2025"].state == "overdue"
    assert duties["submission-2026"].state == "upcoming"
    assert duties["submission-2026"].due_on == date(2026, 1, 31)


def test_recording_the_submission_marks_it_done(dsa):
    services.record_submission(
        actor=system_admin(), agreement=dsa, due_year=2025, submitted_on=date(2025, 1, 30)
    )
    duties = by_key(selectors.dsa_duties(dsa, at=noon(date(2026, 1, 5))))
    assert duties["submission-2025"].state == "done"
    assert duties["submission-2026"].state == "due_soon"  # within 30 days
    assert selectors.next_duty(dsa, at=noon(date(2026, 1, 5))).key == "submission-2026"


def test_january_31_is_overdue_only_from_february_1_in_nevada(dsa):
    services.record_submission(
        actor=system_admin(), agreement=dsa, due_year=2025, submitted_on=date(2025, 1, 30)
    )
    # 2026-02-01 07:59 UTC is still January 31 in Nevada.
    assert (
        by_key(selectors.dsa_duties(dsa, at=datetime(2026, 2, 1, 7, 59, tzinfo=UTC)))[
            "submission-2026"
        ].state
        == "due_soon"
    )
    assert (
        by_key(selectors.dsa_duties(dsa, at=datetime(2026, 2, 1, 8, 0, tzinfo=UTC)))[
            "submission-2026"
        ].state
        == "overdue"
    )


def test_no_submission_is_due_after_the_term(dsa):
    dates = selectors.submission_due_dates(dsa, until=date(2030, 1, 1))
    assert dates == [date(2025, 1, 31), date(2026, 1, 31)]  # 2027-01-31 is after 2027-01-19


def test_a_submission_is_recorded_once(dsa):
    from harborline.errors import Conflict

    services.record_submission(
        actor=system_admin(), agreement=dsa, due_year=2026, submitted_on=date(2026, 1, 20)
    )
    with pytest.raises(Conflict):
        services.record_submission(
            actor=system_admin(), agreement=dsa, due_year=2026, submitted_on=date(2026, 1, 21)
        )


def test_notice_ends_the_agreement_thirty_days_later_and_starts_the_ten_day_disposal(dsa, agency):
    services.give_termination_notice(
        actor=system_admin(), agreement=dsa, by_organization=agency, notice_on=date(2026, 3, 2)
    )
    dsa.refresh_from_db()
    assert dsa.terminates_on == date(2026, 4, 1)
    assert dsa.status_on(date(2026, 3, 31)) in (Status.IN_FORCE, Status.EXPIRING)
    assert dsa.status_on(date(2026, 4, 1)) == Status.TERMINATED
    assert dsa.disposal_due_on == date(2026, 4, 11)
    duties = by_key(selectors.dsa_duties(dsa, at=noon(date(2026, 4, 11))))
    assert duties["disposal"].state == "upcoming"
    duties = by_key(selectors.dsa_duties(dsa, at=noon(date(2026, 4, 12))))
    assert duties["disposal"].state == "overdue"
    dsa = services.record_disposal(
        actor=system_admin(),
        agreement=dsa,
        disposition="destroy",
        certificate_received_on=date(2026, 4, 9),
    )
    duties = by_key(selectors.dsa_duties(dsa, at=noon(date(2026, 4, 12))))
    assert duties["disposal"].state == "done"


def test_disposal_cannot_be_recorded_while_the_agreement_runs(dsa):
    with pytest.raises(InvalidInput):
        services.record_disposal(
            actor=system_admin(),
            agreement=dsa,
            disposition="return",
            certificate_received_on=date(2026, 4, 9),
        )


def test_an_expired_agreement_owes_disposal_ten_days_after_its_last_day(agency):
    dsa = make_dsa(agency, signed_on=(date(2023, 5, 1), date(2023, 5, 2)))
    assert dsa.expires_on == date(2025, 5, 1)
    duties = by_key(selectors.dsa_duties(dsa, at=noon(date(2025, 5, 13))))
    assert duties["disposal"].due_on == date(2025, 5, 12)
    assert duties["disposal"].state == "overdue"


def test_a_breach_must_be_cured_within_thirty_days(dsa):
    reported = datetime(2026, 3, 1, 17, 0, tzinfo=UTC)
    breach = services.record_breach(
        actor=system_admin(),
        agreement=dsa,
        reported_at=reported,
        description="A report table showed a cell of 2 before suppression.",
    )
    assert breach.cure_due_at == reported + timedelta(days=30)
    assert (
        by_key(selectors.dsa_duties(dsa, at=reported + timedelta(days=29)))[
            f"breach-{breach.pk}"
        ].state
        == "due_soon"
    )
    late = reported + timedelta(days=30, minutes=1)
    duties = by_key(selectors.dsa_duties(dsa, at=late))
    assert duties[f"breach-{breach.pk}"].state == "overdue"
    assert selectors.suspended_by_breach(dsa, at=late)
    services.record_cure(
        actor=system_admin(), breach=breach, cured_at=reported + timedelta(days=31)
    )
    assert by_key(selectors.dsa_duties(dsa, at=late))[f"breach-{breach.pk}"].state == "done"


def test_an_uncured_breach_suspends_the_annual_submission(dsa):
    services.record_submission(
        actor=system_admin(), agreement=dsa, due_year=2025, submitted_on=date(2025, 1, 30)
    )
    services.record_breach(
        actor=system_admin(),
        agreement=dsa,
        reported_at=datetime(2025, 11, 1, 17, tzinfo=UTC),
        description="Shared with a third party without the agency's prior agreement.",
    )
    duties = by_key(selectors.dsa_duties(dsa, at=noon(date(2026, 2, 10))))
    assert duties["submission-2026"].state == "suspended"


def test_breach_input_is_checked(dsa):
    with pytest.raises(InvalidInput) as caught:
        services.record_breach(
            actor=system_admin(),
            agreement=dsa,
            reported_at=datetime(2099, 1, 1, tzinfo=UTC),
            description="",
        )
    assert {e.field for e in caught.value.errors} == {"reported_at", "description"}


def test_mou_has_no_dsa_duties(agency):
    other = OrganizationFactory(slug="o", name="O")
    mou = make_mou([agency, other])
    with pytest.raises(InvalidInput):
        services.record_submission(
            actor=system_admin(), agreement=mou, due_year=2026, submitted_on=date(2026, 1, 2)
        )


def test_renewal_alert_counts_days_to_the_end(dsa):
    assert selectors.renewal_alert(dsa, at=noon(date(2026, 6, 1))) is None
    assert selectors.renewal_alert(dsa, at=noon(date(2026, 12, 21))) == 30
