"""`harborline check-deadlines` and `harborline worker`."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings

from harborline.config import cli as cli_module
from harborline.response.models import Status

from .conftest import make_obligation
from .test_deadlines import T0

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_check_deadlines_prints_a_one_line_summary(cli, setup):
    ob = make_obligation(setup, trigger_at=T0, hours=10)
    at = (T0 + timedelta(hours=10, minutes=1)).isoformat()
    result = cli("check-deadlines", "--now", at)
    assert result.code == 0, result.err
    assert result.out == (
        "Reminders sent: 0 at half time, 0 at nine-tenths, 1 at breach; 1 newly overdue; "
        "1 escalated to supervisors; 0 shares expired; "
        "0 unanswered referrals to follow up.\n"
    )
    ob.refresh_from_db()
    assert ob.status == Status.OVERDUE
    again = cli("check-deadlines", "--now", at)
    assert "0 at breach; 0 newly overdue" in again.out


def test_check_deadlines_refuses_a_time_without_offset(cli, db):
    result = cli("check-deadlines", "--now", "2026-12-02T14:30")
    assert result.code == 2
    assert len(result.err_lines) == 1
    assert "has no UTC offset" in result.err


def test_check_deadlines_refuses_a_malformed_time(cli, db):
    result = cli("check-deadlines", "--now", "tomorrow")
    assert result.code == 2 and len(result.err_lines) == 1
    assert "is not a date and time" in result.err


def test_worker_refuses_a_bad_interval(cli):
    result = cli("worker", "--interval", "0")
    assert result.code == 2 and "must be at least 1" in result.err


# The worker closes stale connections between cycles, as a long-running process must; inside a
# test's wrapping transaction that would close the test's own connection, hence transaction=True.
@pytest.mark.django_db(transaction=True)
def test_worker_sweeps_and_runs_queued_tasks(setup, capsys):
    """One cycle with the database task backend: the sweep queues the reminder, the worker's
    queue runner sends it."""
    make_obligation(setup, trigger_at=T0 - timedelta(days=30), hours=10)
    with override_settings(TASKS=DB_TASKS):
        from django_tasks_db.models import DBTaskResult

        code = cli_module.run_worker(interval=300, poll=0, cycles=1)
        assert code == 0
        assert DBTaskResult.objects.count() == 1
        assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    out = capsys.readouterr().out
    assert "deadline sweep every 300 s; runs queued background tasks" in out
    assert "1 at breach; 1 newly overdue" in out
    assert "Harborline worker stopped." in out
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        f"Harborline: escalation, overdue obligation on case {setup.case_id}",
        f"Harborline: overdue obligation on case {setup.case_id}",
    ]


@pytest.mark.django_db(transaction=True)
def test_worker_stops_when_asked(capsys):
    stop = threading.Event()
    timer = threading.Timer(0.3, stop.set)
    timer.start()
    try:
        assert cli_module.run_worker(interval=300, poll=0.05, stop=stop) == 0
    finally:
        timer.cancel()
    assert "Harborline worker stopped." in capsys.readouterr().out


def test_worker_refuses_without_keys_outside_demo_mode(cli, monkeypatch, settings):
    started = []
    monkeypatch.setattr(cli_module, "run_worker", lambda **kw: started.append(kw) or 0)
    settings.DEMO_MODE = False
    settings.SECRET_KEY_CONFIGURED = False
    settings.FIELD_ENCRYPTION_KEYS = []
    result = cli("worker")
    assert result.code == 2
    assert started == []
    assert result.err_lines[-1] == (
        "harborline worker: refusing to start. Run `harborline keys generate` and set the lines "
        "it prints in the environment."
    )


def test_worker_starts_with_keys_and_the_default_interval(cli, monkeypatch, settings):
    started = []
    monkeypatch.setattr(cli_module, "run_worker", lambda **kw: started.append(kw) or 0)
    settings.DEMO_MODE = False
    assert cli("worker").code == 0
    assert cli("worker", "--interval", "60").code == 0
    assert started == [{"interval": 300}, {"interval": 60}]


@pytest.mark.django_db(transaction=True)
def test_worker_runs_the_other_reminders_with_each_sweep(monkeypatch, capsys):
    """Agreement renewals and task-force action items are reminded by the same worker."""
    calls: list[str] = []

    def job(name: str, sent: int):
        return lambda: calls.append(name) or sent

    monkeypatch.setattr(
        cli_module,
        "periodic_jobs",
        lambda: [("renewals", job("renewals", 2)), ("items", job("items", 0))],
    )
    assert cli_module.run_worker(interval=300, poll=0, cycles=1) == 0
    assert calls == ["renewals", "items"]
    out = capsys.readouterr().out
    assert "renewals: 2 sent" in out and "items:" not in out


def test_the_worker_knows_the_real_reminder_jobs():
    from harborline.agreements.services import send_renewal_reminders
    from harborline.audit.anchors import anchor_if_due
    from harborline.taskforce.tasks import remind

    assert [fn for _, fn in cli_module.periodic_jobs()] == [
        send_renewal_reminders,
        remind,
        anchor_if_due,
    ]
