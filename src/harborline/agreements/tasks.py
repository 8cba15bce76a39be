"""Background work (django-tasks): renewal reminders for agreements 90 and 30 days before they
end. Run it daily from cron, e.g. `harborline manage shell -c "from harborline.agreements.tasks
import send_renewal_reminders as t; t.enqueue()"` (see docs/user-guide/agreements.md, "For
operators")."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def send_renewal_reminders() -> int:
    """E-mail the parties' org admins about agreements nearing their end; returns how many
    agreements were reminded about."""
    return services.send_renewal_reminders()
