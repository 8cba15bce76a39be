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

The e-mails themselves — who receives one, what it says, sending it — are `reminders`; the
background task that sends one is `tasks.send_obligation_reminder`, which the sweep queues
(deadlines -> tasks -> reminders, no cycle)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.cases.models import Case

from .clocks import fraction_point
from .models import Obligation, Status
from .plans import sweep_stalled_plans
from .reminders import (
    BREACH,
    HALF,
    NINE_TENTHS,
    PENDING,
    STAGE_NAMES,
    STAGES,
    recipients,
    supervisors,
)
from .tasks import send_obligation_reminder

SWEEP_ACTOR = "task:response.check_deadlines"


@dataclass
class SweepReport:
    """What one run of the sweep did."""

    now: datetime
    sent: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGE_NAMES, 0))
    newly_overdue: int = 0
    escalations: int = 0
    shares_expired: int = 0  # filled in by config's periodic sweep, from sharing.sweep
    referrals_followed_up: int = 0  # filled in by config's sweep, from directory.referrals

    def summary(self) -> str:
        return (
            f"Reminders sent: {self.sent[HALF]} at half time, {self.sent[NINE_TENTHS]} at "
            f"nine-tenths, {self.sent[BREACH]} at breach; {self.newly_overdue} newly overdue; "
            f"{self.escalations} escalated to supervisors; {self.shares_expired} shares expired; "
            f"{self.referrals_followed_up} unanswered referrals to follow up."
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
    # A service plan that has not moved for the agency's weeks gets a review (issue 12).
    sweep_stalled_plans(now=now)
    return report


@transaction.atomic
def _remind(obligation_id: int, now: datetime, report: SweepReport) -> None:
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
    case = Case.objects.select_related("owner").get(pk=obligation.case_id)
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
