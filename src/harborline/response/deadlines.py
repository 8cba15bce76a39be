"""The deadline sweep: reminders for pending obligations at half and at nine-tenths of their
window (from the event, `trigger_at`, to `due_at`) and at the breach, each exactly once; a
breached obligation is marked overdue and escalated to the supervisors of the organization that
carries it. The worker's periodic sweep (`harborline.config.cli.run_sweep`) runs this one and
then ends expired shares (`sharing.sweep`), filling in `SweepReport.shares_expired`: response
sits below sharing and never imports it.

Run it with `harborline check-deadlines` (once) or `harborline worker` (every few minutes, with
the background-task worker). Several sweeps may run at once, on several servers: each obligation
is handled in its own transaction under a row lock (SELECT ... FOR UPDATE SKIP LOCKED on
PostgreSQL; SQLite serialises writers), and the stages already sent are read again under that
lock, so no reminder goes out twice. See docs/decisions/0024-deadline-reminders.md.

E-mails carry no youth data: the case number, what the obligation asks (its title without the
clause describing the youth's situation), when it is due in the organization's time zone, and a
link path. Never a name, a date of birth, a screening outcome or a note."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.people.models import User

from .clocks import fraction_point, local
from .models import Obligation, Status

if TYPE_CHECKING:
    from django.db.models import QuerySet

SWEEP_ACTOR = "task:response.check_deadlines"
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


@dataclass
class SweepReport:
    """What one run of the sweep did."""

    now: datetime
    sent: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGE_NAMES, 0))
    newly_overdue: int = 0
    escalations: int = 0
    shares_expired: int = 0  # filled in by config's periodic sweep, from sharing.sweep

    def summary(self) -> str:
        return (
            f"Reminders sent: {self.sent[HALF]} at half time, {self.sent[NINE_TENTHS]} at "
            f"nine-tenths, {self.sent[BREACH]} at breach; {self.newly_overdue} newly overdue; "
            f"{self.escalations} escalated to supervisors; {self.shares_expired} shares expired."
        )


# --- when ------------------------------------------------------------------------------------


def stage_times(trigger_at: datetime, due_at: datetime) -> list[tuple[str, datetime]]:
    """When each reminder falls. An obligation due at the event itself (a zero window, e.g.
    the safety assessment at first contact) has only the breach."""
    if due_at <= trigger_at:
        return [(BREACH, due_at)]
    return [(name, fraction_point(trigger_at, due_at, share)) for name, share in STAGES]


def stages_due(trigger_at: datetime, due_at: datetime, sent: list[str], now: datetime) -> list[str]:
    """The stages whose moment has come and that have not been sent, earliest first."""
    return [name for name, at in stage_times(trigger_at, due_at) if at <= now and name not in sent]


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
    from harborline.cases.models import CaseTeamMember

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


# --- the sweep -------------------------------------------------------------------------------


def check_deadlines(*, now: datetime | None = None) -> SweepReport:
    """Send the reminders that have come due, mark breached obligations overdue and escalate
    them. Idempotent: run twice (or on two servers at once), each reminder goes out once. The
    periodic sweep (`harborline.config.cli.run_sweep`) also ends expired shares."""
    now = now or timezone.now()
    report = SweepReport(now=now)
    # Small tuples only (no encrypted fields), read in full before the per-obligation
    # transactions begin, so no cursor stays open across them.
    candidates = list(
        Obligation.objects.filter(status__in=PENDING, trigger_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("pk", "trigger_at", "due_at", "reminders_sent")
    )
    for pk, trigger_at, due, sent in candidates:
        # A cheap look first; the decision is taken again under the row lock.
        if stages_due(trigger_at, due, list(sent or []), now):
            _remind(pk, now, report)
    return report


@transaction.atomic
def _remind(obligation_id: int, now: datetime, report: SweepReport) -> None:
    from harborline.cases.models import Case

    from .tasks import send_obligation_reminder

    obligation = (
        Obligation.objects.select_for_update(skip_locked=True)
        .only(
            "id",
            "case_id",
            "trigger_at",
            "due_at",
            "status",
            "owner_org_id",
            "owner_role",
            "reminders_sent",
        )
        .filter(pk=obligation_id, status__in=PENDING)
        .first()
    )
    if obligation is None:  # done or waived meanwhile, or another sweep holds it
        return
    already = list(obligation.reminders_sent or [])
    due = stages_due(obligation.trigger_at, obligation.due_at, already, now)
    if not due:
        return
    # A sweep that runs late (the worker was down) may find several stages due at once: only
    # the latest is sent; the earlier ones are recorded as passed, so they never go out late.
    stage, skipped = due[-1], due[:-1]
    overdue = stage == BREACH and obligation.status == Status.OPEN
    changes: dict[str, object] = {"reminders_sent": [*already, *due]}
    if overdue:
        changes["status"] = Status.OVERDUE
    updated = Obligation.objects.filter(pk=obligation_id, status__in=PENDING).update(**changes)
    if not updated:
        return
    reminded = len(recipients(obligation))
    escalated = len(supervisors(obligation.owner_org_id)) if stage == BREACH else 0
    case = (
        Case.objects.select_related("owner").defer("placement_address").get(pk=obligation.case_id)
    )
    record(
        actor=None,
        actor_email=SWEEP_ACTOR,
        action=Action.UPDATE,
        obj=obligation,
        owner_org=case.owner,
        youth_id=case.youth_id,
        detail={
            "reminder": stage,
            "skipped": skipped,
            "marked_overdue": overdue,
            "recipients": reminded,
            "escalated_to_supervisors": escalated,
        },
    )
    # Queued inside the transaction: with the database task backend the queued task and the
    # record of the reminder commit together, or neither does.
    send_obligation_reminder.enqueue(obligation_id, stage, now.isoformat())
    report.sent[stage] += 1
    report.newly_overdue += int(overdue)
    report.escalations += int(escalated > 0)
