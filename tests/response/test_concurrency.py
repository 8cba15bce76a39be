"""Two people edit the same version of a record: one wins in full, the other gets 409 and
nothing of theirs is written. Sequential (a stale version) on every database; truly concurrent
(two threads, two connections) on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from harborline.cases import services as cases
from harborline.cases.models import Case, Youth
from harborline.errors import Conflict
from harborline.response import services as response
from harborline.response.deadlines import check_deadlines
from harborline.response.models import Obligation, Status

from .conftest import FIRST, LAST, Api, make_obligation

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers (IMMEDIATE transactions), so two threads cannot interleave "
    "their edits; the truly concurrent variant runs on PostgreSQL (DATABASE_URL=postgres://...)",
)

EDIT_A = {"first_name": "Alder", "pronouns": "she/her"}
EDIT_B = {"last_name": "Birchwood", "gender": "nonbinary"}
EVIDENCE_A = {"report_number": "CW-A-1", "told": "Washoe County HHS intake"}
EVIDENCE_B = {"report_number": "CW-B-2", "note": "reported by phone"}


def _youth(case_id: int) -> Youth:
    return Youth.objects.get(cases__pk=case_id)


def _assert_youth_is_exactly(case_id: int, winner: dict[str, str], loser: dict[str, str]):
    youth = _youth(case_id)
    for name, value in winner.items():
        assert getattr(youth, name) == value, name
    untouched = {"first_name": FIRST, "last_name": LAST, "gender": "girl", "pronouns": ""}
    for name in loser:
        assert getattr(youth, name) == untouched[name], f"{name} of the losing edit was written"


# --- sequential: a stale version, on every database -------------------------------------------


def test_a_stale_youth_edit_is_refused_and_writes_nothing(setup, make_user):
    other = Api(make_user(setup.org, "supervisor"))
    version = Case.objects.get(pk=setup.case_id).version
    first = setup.client.patch(f"/cases/{setup.case_id}/youth", {"version": version, **EDIT_A})
    assert first.status_code == 200, first.content
    assert first.json()["version"] == version + 1
    second = other.patch(f"/cases/{setup.case_id}/youth", {"version": version, **EDIT_B})
    assert second.status_code == 409
    assert second["content-type"].startswith("application/problem+json")
    _assert_youth_is_exactly(setup.case_id, EDIT_A, EDIT_B)
    assert Case.objects.get(pk=setup.case_id).version == version + 1


def test_a_stale_youth_edit_through_the_service_raises_conflict(setup):
    version = Case.objects.get(pk=setup.case_id).version
    cases.update_youth(actor=setup.lead, case_id=setup.case_id, version=version, changes=EDIT_A)
    with pytest.raises(Conflict):
        cases.update_youth(
            actor=setup.supervisor, case_id=setup.case_id, version=version, changes=EDIT_B
        )
    _assert_youth_is_exactly(setup.case_id, EDIT_A, EDIT_B)


def test_a_stale_obligation_completion_is_refused_and_writes_nothing(setup):
    ob = make_obligation(setup, trigger_at=timezone.now() - timedelta(hours=1), hours=24)
    other = Api(setup.supervisor)
    first = setup.client.post(
        f"/obligations/{ob.pk}/complete", {"evidence": EVIDENCE_A, "version": ob.version}
    )
    assert first.status_code == 200, first.content
    second = other.post(
        f"/obligations/{ob.pk}/complete", {"evidence": EVIDENCE_B, "version": ob.version}
    )
    assert second.status_code == 409
    stored = Obligation.objects.get(pk=ob.pk)
    assert stored.status == Status.DONE
    assert stored.evidence == EVIDENCE_A
    assert stored.completed_by == setup.lead
    assert stored.version == ob.version + 1


def test_a_stale_obligation_completion_through_the_service_raises_conflict(setup):
    ob = make_obligation(setup, trigger_at=timezone.now() - timedelta(hours=1), hours=24)
    response.complete_obligation(
        actor=setup.lead, obligation_id=ob.pk, evidence=EVIDENCE_A, version=ob.version
    )
    with pytest.raises(Conflict):
        response.complete_obligation(
            actor=setup.supervisor, obligation_id=ob.pk, evidence=EVIDENCE_B, version=ob.version
        )
    assert Obligation.objects.get(pk=ob.pk).evidence == EVIDENCE_A


# --- truly concurrent: two threads, two connections (PostgreSQL) ------------------------------


def _race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment in threads, each on its own database connection."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except BaseException as problem:  # noqa: BLE001 - reported to the test below
            results[i] = problem
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_youth_edits_one_wins_in_full(setup, transactional_db):
    a, b = Api(setup.lead), Api(setup.supervisor)
    version = Case.objects.get(pk=setup.case_id).version
    path = f"/cases/{setup.case_id}/youth"
    ra, rb = _race(
        lambda: a.patch(path, {"version": version, **EDIT_A}),
        lambda: b.patch(path, {"version": version, **EDIT_B}),
    )
    assert sorted([ra.status_code, rb.status_code]) == [200, 409], (ra.content, rb.content)
    winner, loser = (EDIT_A, EDIT_B) if ra.status_code == 200 else (EDIT_B, EDIT_A)
    _assert_youth_is_exactly(setup.case_id, winner, loser)
    assert Case.objects.get(pk=setup.case_id).version == version + 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_obligation_completions_one_wins_in_full(setup, transactional_db):
    ob = make_obligation(setup, trigger_at=timezone.now() - timedelta(hours=1), hours=24)
    a, b = Api(setup.lead), Api(setup.supervisor)
    path = f"/obligations/{ob.pk}/complete"
    ra, rb = _race(
        lambda: a.post(path, {"evidence": EVIDENCE_A, "version": ob.version}),
        lambda: b.post(path, {"evidence": EVIDENCE_B, "version": ob.version}),
    )
    assert sorted([ra.status_code, rb.status_code]) == [200, 409], (ra.content, rb.content)
    winner, by = (
        (EVIDENCE_A, setup.lead) if ra.status_code == 200 else (EVIDENCE_B, setup.supervisor)
    )
    stored = Obligation.objects.get(pk=ob.pk)
    assert stored.evidence == winner
    assert stored.completed_by == by
    assert stored.version == ob.version + 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_each_reminder_once(setup, transactional_db):
    start = timezone.now() - timedelta(hours=30)
    obligations = [make_obligation(setup, trigger_at=start, hours=24) for _ in range(5)]
    obligations += [make_obligation(setup, trigger_at=start, hours=50) for _ in range(5)]
    mail.outbox.clear()
    now = timezone.now()
    reports = _race(lambda: check_deadlines(now=now), lambda: check_deadlines(now=now))
    assert not any(isinstance(r, BaseException) for r in reports), reports
    assert sum(r.sent["breach"] for r in reports) == 5
    assert sum(r.sent["half"] for r in reports) == 5
    assert sum(r.newly_overdue for r in reports) == 5
    # one owner e-mail per reminder, plus one escalation per breach
    assert len(mail.outbox) == 5 + 5 + 5
    for ob in obligations:
        ob.refresh_from_db()
        assert ob.reminders_sent in (["half", "nine_tenths", "breach"], ["half"])
