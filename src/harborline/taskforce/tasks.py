"""Background work (django-tasks): e-mail reminders of action items that fall due in two days
or are overdue. Run it daily, e.g. `harborline manage shell -c "from harborline.taskforce.tasks
import send_action_item_reminders as t; t.enqueue()"` from cron (see the user guide's "For
operators")."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task

from .models import ActionItem
from .selectors import REMIND_DAYS, due_action_items


def _body(name: str, items: list[ActionItem], today: date) -> str:
    lines = [f"Hello {name},", "", "These task-force action items are yours:", ""]
    for item in items:
        when = (
            f"overdue since {item.due:%d %B %Y}" if item.due < today else f"due {item.due:%d %B %Y}"
        )
        lines.append(f"- {item.text} ({item.taskforce.name}; {when})")
    lines += ["", "Mark them done on the task force's page in Harborline once they are done."]
    return "\n".join(lines) + "\n"


def remind(today: date | None = None) -> int:
    """E-mail each owner their open items due within two days or overdue, at most once a day
    per item. Returns how many e-mails were sent."""
    today = today or timezone.localdate()
    by_owner: dict[int, list[ActionItem]] = defaultdict(list)
    for item in due_action_items(today=today, within_days=REMIND_DAYS):
        if item.owner is None or not item.owner.is_active or item.last_reminded == today:
            continue
        by_owner[item.owner.pk].append(item)
    sent = 0
    for items in by_owner.values():
        owner = items[0].owner
        assert owner is not None  # noqa: S101 - filtered above
        send_mail(
            subject=f"Harborline: {len(items)} task-force action item(s) due",
            message=_body(owner.full_name or owner.email, items, today),
            from_email=None,
            recipient_list=[owner.email],
        )
        ActionItem.objects.filter(pk__in=[i.pk for i in items]).update(last_reminded=today)
        sent += 1
    return sent


@task()
def send_action_item_reminders() -> int:
    return remind()
