"""Background work of the response (django-tasks): the e-mail of one obligation reminder. The
deadline sweep (`response.deadlines.check_deadlines`) queues it; `harborline worker` runs it.
The e-mail is `reminders.send_reminder`: this module imports it, never the sweep."""

from __future__ import annotations

from datetime import datetime

from django_tasks import task

from . import reminders


@task()
def send_obligation_reminder(
    obligation_id: int, stage: str, as_of: str | None = None
) -> dict[str, int]:
    """E-mail the reminder `stage` ("half", "nine_tenths" or "breach") of one obligation to the
    people who carry it (and, at the breach, to their supervisors). `as_of` (ISO 8601) is the
    sweep's time, from which "due in ..." is counted. Returns how many people were e-mailed."""
    when = datetime.fromisoformat(as_of) if as_of else None
    return reminders.send_reminder(obligation_id, stage, as_of=when)
