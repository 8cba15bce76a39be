"""The e-mail of one obligation reminder: the reminder stages, who receives it, what it says,
and sending it. The deadline sweep (`deadlines`) decides when a stage is due and queues the
background task (`tasks.send_obligation_reminder`), which calls `send_reminder` here.

E-mails carry no youth data: the case number, what the obligation asks (its title without the
clause describing the youth's situation), when it is due in the organization's time zone, and a
link path. Never a name, a date of birth, a screening outcome or a note."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone

from harborline.cases.models import CaseTeamMember
from harborline.people.models import User

from .clocks import local
from .models import Obligation, Status

if TYPE_CHECKING:
    from django.db.models import QuerySet

HALF, NINE_TENTHS, BREACH = "half", "nine_tenths", "breach"
# (stage, fraction of the window from the event to the due time)
STAGES: tuple[tuple[str, float], ...] = ((HALF, 0.5), (NINE_TENTHS, 0.9), (BREACH, 1.0))
STAGE_NAMES = tuple(name for name, _ in STAGES)
PENDING = (Status.OPEN, Status.OVERDUE)
SUPERVISOR = "supervisor"
ORG_ADMIN = "org_admin"

# How long one reminder waits for the mail server. It bounds a reminder task's duration, which
# the worker's task lease (config/task_lease.py, 300 s by default) must comfortably exceed.
SMTP_TIMEOUT_SECONDS = 30

# A title's clause that describes the youth's situation ("... while the youth remains high
# risk", "... after a sexual assault") is left out of e-mails: the action is enough to act on.
_SITUATION = re.compile(r"\s+(while|after|because)\s+.*$", re.IGNORECASE)


# --- who -------------------------------------------------------------------------------------


def _active_users(organization_id: int) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        membership__is_active=True,
        membership__organization_id=organization_id,
    )


def recipients(obligation: Obligation) -> list[str]:
    """Who is reminded, the first group that has anyone in it: the people of the owner
    organization in the obligation's owner role who are on the case team; everyone there in
    that role; the owner organization's people on the case team, whatever their role; its
    supervisors; its administrators. A reminder must reach someone even where the pack's owner
    role is not a role the organization staffs (a mentor-advocate program has no caseworkers)."""
    people = _active_users(obligation.owner_org_id)
    team = CaseTeamMember.objects.filter(
        case_id=obligation.case_id, active=True, user__isnull=False
    ).values("user_id")
    in_role = people.filter(membership__role=obligation.owner_role)
    groups = (
        in_role.filter(pk__in=team),
        in_role,
        people.filter(pk__in=team),
        people.filter(membership__role=SUPERVISOR),
        people.filter(membership__role=ORG_ADMIN),
    )
    for group in groups:
        emails = sorted(group.values_list("email", flat=True))
        if emails:
            return emails
    return []


def supervisors(organization_id: int) -> list[str]:
    return sorted(
        _active_users(organization_id)
        .filter(membership__role=SUPERVISOR)
        .values_list("email", flat=True)
    )


# --- what ------------------------------------------------------------------------------------


def email_label(title: str) -> str:
    """The obligation's title as an e-mail may carry it: without the clause about the youth."""
    return _SITUATION.sub("", title).strip() or title


def _span(delta: timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        parts = [f"{days} d"] + ([f"{hours} h"] if hours else [])
    elif hours:
        parts = [f"{hours} h"] + ([f"{mins} min"] if mins else [])
    else:
        parts = [f"{mins} min"]
    return " ".join(parts)


def _when(value: datetime, tz_name: str) -> str:
    at = local(value, tz_name)
    return f"{at:%H:%M} {at:%Z} on {at:%a %b} {at.day}, {at.year}"


def message(
    obligation: Obligation, stage: str, *, as_of: datetime, escalation: bool = False
) -> tuple[str, str]:
    """Subject and body of a reminder. Case number, the action, the due time in the owner
    organization's zone, a link path: nothing about the youth."""
    org = obligation.owner_org
    case = obligation.case_id
    label = email_label(obligation.title)
    due = _when(obligation.due_at, org.time_zone)
    left = obligation.due_at - as_of
    link = f"/cases/{case}/"
    if stage == BREACH:
        ago = "now" if left >= -timedelta(minutes=1) else f"{_span(left)} ago"
        line = f"An obligation on case {case} ({label}) was due at {due} ({ago}) and is not done."
        subject = f"Harborline: overdue obligation on case {case}"
    else:
        line = f"An obligation on case {case} ({label}) is due at {due} (in {_span(left)})."
        subject = f"Harborline: obligation due on case {case}"
    if escalation:
        subject = f"Harborline: escalation, overdue obligation on case {case}"
        why = (
            f"It is carried by {org.name} ({obligation.owner_role.replace('_', ' ')}s). You "
            f"receive this as a supervisor at {org.name}."
        )
    else:
        why = "Record what was done, or ask a supervisor to waive it, on the case's page."
    body = f"{line}\n\n{why}\n\nOpen the case in Harborline: {link}\n"
    return subject, body


def _send(subject: str, body: str, to: list[str], *, key: str) -> None:
    """One e-mail. Its Message-ID is the same every time this reminder is sent (`key`), so that
    in the rare case it goes out again (a worker killed after the mail server took the message
    and before the task was marked done) mail systems can recognise the copy."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "harborline.invalid"
    EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        to,
        connection=get_connection(timeout=SMTP_TIMEOUT_SECONDS),
        headers={"Message-ID": f"<harborline.reminder.{key}@{domain}>"},
    ).send()


def send_reminder(
    obligation_id: int, stage: str, *, as_of: datetime | None = None
) -> dict[str, int]:
    """E-mail one reminder (the body of the background task `send_obligation_reminder`). An
    obligation done or waived since the sweep queued the reminder is not reminded about."""
    if stage not in STAGE_NAMES:
        raise ValueError(f"unknown reminder stage {stage!r}")
    obligation = (
        Obligation.objects.select_related("owner_org")
        .only(
            "id",
            "case_id",
            "title",
            "trigger_at",
            "due_at",
            "status",
            "owner_role",
            "owner_org__id",
            "owner_org__name",
            "owner_org__time_zone",
        )
        .filter(pk=obligation_id)
        .first()
    )
    if obligation is None or obligation.status not in PENDING:
        return {"recipients": 0, "supervisors": 0}
    as_of = as_of or timezone.now()
    sent = {"recipients": 0, "supervisors": 0}
    to = recipients(obligation)
    if to:
        subject, body = message(obligation, stage, as_of=as_of)
        _send(subject, body, to, key=f"{obligation_id}.{stage}")
        sent["recipients"] = len(to)
    if stage == BREACH:
        bosses = supervisors(obligation.owner_org_id)
        if bosses:
            subject, body = message(obligation, stage, as_of=as_of, escalation=True)
            _send(subject, body, bosses, key=f"{obligation_id}.{stage}.escalation")
            sent["supervisors"] = len(bosses)
    return sent
