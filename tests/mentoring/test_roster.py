"""The roster's flags: caseload against 7-12, background check, readiness review, supervision."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from harborline.cases.models import Case, CaseTeamMember, Youth
from harborline.errors import Conflict, InvalidInput
from harborline.mentoring import selectors, services
from harborline.mentoring.models import add_months

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 2, 20, 0, tzinfo=UTC)  # noon in Nevada


def give_cases(advocate, n, *, status="open", role="mentor_advocate", active=True):
    for i in range(n):
        youth = Youth.objects.create(
            first_name="Synthetic",
            last_name=f"Youth {i}",
            name_dob_key=f"k{i}",
            created_by_org=advocate.organization,
        )
        case = Case.objects.create(
            youth=youth, owner=advocate.organization, status=status, opened_by=advocate.user
        )
        CaseTeamMember.objects.create(
            case=case,
            organization=advocate.organization,
            user=advocate.user,
            role_on_case=role,
            active=active,
            added_by=advocate.user,
        )


def row(supervisor, advocate):
    return selectors.row_for(actor=supervisor, advocate=advocate, at=NOW)


@pytest.mark.parametrize(
    ("count", "state"), [(0, "below"), (6, "below"), (7, "ok"), (12, "ok"), (13, "above")]
)
def test_caseload_is_compared_with_seven_to_twelve(program, count, state):
    _, supervisor, a1, _ = program
    give_cases(a1, count)
    r = row(supervisor, a1)
    assert (r.caseload, r.caseload_state) == (count, state)
    assert ("above the maximum of 12" in " ".join(r.flags)) is (state == "above")


def test_caseload_counts_only_open_cases_where_they_are_an_active_mentor_advocate(program):
    _, supervisor, a1, _ = program
    give_cases(a1, 2)
    give_cases(a1, 3, status="closed")
    give_cases(a1, 4, role="lead")
    give_cases(a1, 5, active=False)
    assert row(supervisor, a1).caseload == 2


def test_a_program_may_set_its_own_caseload_range(program):
    _, supervisor, a1, _ = program
    a1 = services.update_advocate(
        actor=supervisor, advocate=a1, version=a1.version, caseload_min=3, caseload_max=8
    )
    give_cases(a1, 9)
    assert row(supervisor, a1).caseload_message == "9 open cases: above the maximum of 8"
    with pytest.raises(InvalidInput):
        services.update_advocate(
            actor=supervisor, advocate=a1, version=a1.version, caseload_min=9, caseload_max=2
        )


def test_background_check_expires_after_two_years(program):
    _, supervisor, a1, _ = program
    assert row(supervisor, a1).background_state == "missing"
    a1 = services.update_advocate(
        actor=supervisor, advocate=a1, version=None, background_check_on=date(2024, 12, 10)
    )
    r = row(supervisor, a1)
    assert r.background_expires_on == date(2026, 12, 10)
    assert r.background_state == "expiring"
    a1 = services.update_advocate(
        actor=supervisor, advocate=a1, version=None, background_check_on=date(2024, 11, 30)
    )
    assert row(supervisor, a1).background_state == "expired"


def test_survivor_readiness_review_is_due_every_six_months(program):
    _, supervisor, a1, _ = program
    a1 = services.update_advocate(actor=supervisor, advocate=a1, version=None, is_survivor=True)
    assert row(supervisor, a1).readiness_state == "missing"
    services.record_readiness_review(
        actor=supervisor,
        advocate=a1,
        reviewed_on=date(2026, 6, 1),
        reviewer="Synthetic Clinician, LCSW",
        outcome="ready",
    )
    r = row(supervisor, a1)
    assert r.readiness_next_due == date(2026, 12, 1)
    assert r.readiness_state == "overdue"
    assert "readiness review overdue" in r.flags


def test_add_months_keeps_the_month_end():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 6, 1), 6) == date(2026, 12, 1)


def test_readiness_is_hidden_from_those_who_do_not_manage_the_program(
    program,
):
    from tests.factories import UserFactory

    org, supervisor, a1, _ = program
    a1 = services.update_advocate(actor=supervisor, advocate=a1, version=None, is_survivor=True)
    coordinator = UserFactory(role="coordinator")
    r = selectors.row_for(actor=coordinator, advocate=a1, at=NOW)
    assert not r.shows_private and r.readiness_state == ""
    assert selectors.row_for(actor=a1.user, advocate=a1, at=NOW).shows_private


def test_no_supervision_in_the_last_seven_days_is_flagged(program):
    _, supervisor, a1, _ = program
    assert row(supervisor, a1).supervision_overdue
    services.log_supervision(actor=supervisor, advocate=a1, held_on=date(2026, 11, 26))
    assert not row(supervisor, a1).supervision_overdue  # 6 days before 2026-12-02
    assert selectors.supervision_overdue(date(2026, 11, 25), date(2026, 12, 2))
    listing = selectors.roster(actor=supervisor, at=NOW)
    assert [r.supervision_overdue for r in listing] == [False, True]


def test_supervision_dates_cannot_be_in_the_future(program):
    _, supervisor, a1, _ = program
    with pytest.raises(InvalidInput) as caught:
        services.log_supervision(
            actor=supervisor, advocate=a1, held_on=date.today() + timedelta(days=3), kind="x"
        )
    assert {e.field for e in caught.value.errors} == {"held_on", "kind"}


def test_a_person_is_on_the_roster_once(program):
    _, supervisor, a1, _ = program
    with pytest.raises(Conflict):
        services.add_to_program(actor=supervisor, user=a1.user)
    services.update_advocate(actor=supervisor, advocate=a1, version=None, active=False)
    again = services.add_to_program(actor=supervisor, user=a1.user)
    assert again.pk == a1.pk and again.active


def test_a_stale_roster_edit_is_refused(program):
    _, supervisor, a1, _ = program
    services.update_advocate(actor=supervisor, advocate=a1, version=1, phone="775-555-0199")
    with pytest.raises(Conflict):
        services.update_advocate(actor=supervisor, advocate=a1, version=1, phone="775-555-0100")
