"""Background work (django-tasks): the January 31 submission reminders, 30 and 7 days before,
run daily like the agreements' renewal reminders (docs/user-guide/reporting.md, "For
operators")."""

from __future__ import annotations

from django_tasks import task

from . import submissions


@task()
def send_submission_reminders() -> int:
    """E-mail agencies whose year's data is due within 30 (then 7) days and not yet sent."""
    return submissions.send_submission_reminders()
