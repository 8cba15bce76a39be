"""The task lease (config/task_lease.py), in process on any database: a task left RUNNING for
longer than the lease goes back in the queue, once; a younger one, or a finished one, stays."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from harborline.config.task_lease import requeue_abandoned
from harborline.response.tasks import send_obligation_reminder

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queued(db) -> list[DBTaskResult]:
    with override_settings(TASKS=DB_TASKS):
        ids = [send_obligation_reminder.enqueue(n, "half").id for n in (1, 2, 3)]
    return [DBTaskResult.objects.get(pk=pk) for pk in ids]


def test_a_task_running_past_its_lease_is_queued_again_once(queued) -> None:
    abandoned, young, finished = queued
    for row, age in ((abandoned, 600), (young, 10), (finished, 600)):
        row.claim("worker-that-died")
        DBTaskResult.objects.filter(pk=row.pk).update(
            started_at=timezone.now() - timedelta(seconds=age)
        )
    finished.refresh_from_db()
    finished.set_successful({"recipients": 1, "supervisors": 0})

    assert requeue_abandoned(lease=300) == [str(abandoned.pk)]
    assert requeue_abandoned(lease=300) == []  # once
    states = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert states == {abandoned.pk: "READY", young.pk: "RUNNING", finished.pk: "SUCCESSFUL"}
    abandoned.refresh_from_db()
    assert abandoned.started_at is None
    assert abandoned.worker_ids == ["worker-that-died"]  # the attempt stays on record
    assert DBTaskResult.objects.ready().filter(pk=abandoned.pk).exists()


def test_the_lease_comes_from_the_environment(queued, monkeypatch) -> None:
    row = queued[0]
    row.claim("gone")
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - timedelta(seconds=30))
    monkeypatch.setenv("HARBORLINE_TASK_LEASE_SECONDS", "60")
    assert requeue_abandoned() == []
    monkeypatch.setenv("HARBORLINE_TASK_LEASE_SECONDS", "20")
    assert requeue_abandoned() == [str(row.pk)]
