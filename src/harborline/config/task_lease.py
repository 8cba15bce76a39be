"""A lease on background tasks, so that a worker killed in the middle of a task (SIGKILL, a
crash, the machine lost) does not lose it.

django-tasks-db marks a task RUNNING when a worker claims it and SUCCESSFUL or FAILED when the
worker finishes. A worker that dies in between leaves the task RUNNING for ever: nobody runs it
again, and an obligation reminder is never sent. `harborline worker` therefore puts back in the
queue every task that has been RUNNING for longer than the lease (`HARBORLINE_TASK_LEASE_SECONDS`,
300 s by default), before it looks for work. A task of ours is far shorter than that (a reminder
sends at most two e-mails, each with a 30-second SMTP timeout: `response.deadlines`), so a task
that old belongs to a worker that is gone; the task runs again once, by the next worker that
claims it, and its `worker_ids` shows both attempts.

The requeue is one conditional UPDATE, so with several workers each abandoned task is put back
once and claimed by one of them (the claim locks the row). See docs/operations.md ("Deadlines,
reminders and the worker") for what is and is not guaranteed about e-mail."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from . import env

LEASE_ENV = "HARBORLINE_TASK_LEASE_SECONDS"
DEFAULT_LEASE_SECONDS = 300
RUNNING, READY = "RUNNING", "READY"


def lease_seconds() -> int:
    return max(env.integer(LEASE_ENV, DEFAULT_LEASE_SECONDS), 1)


def requeue_abandoned(*, lease: float | None = None, backend_name: str = "default") -> list[str]:
    """Put back in the queue the tasks RUNNING for longer than `lease` seconds; their ids."""
    seconds = lease_seconds() if lease is None else lease
    cutoff = timezone.now() - timedelta(seconds=seconds)
    stale = DBTaskResult.objects.filter(
        backend_name=backend_name, status=RUNNING, started_at__lt=cutoff
    )
    ids = [str(pk) for pk in stale.values_list("pk", flat=True)]
    if ids:
        # Conditional on the same state, so a task finished meanwhile is left alone.
        DBTaskResult.objects.filter(pk__in=ids, status=RUNNING, started_at__lt=cutoff).update(
            status=READY, started_at=None
        )
    return ids
