"""Closed-loop referrals (issue 14, decision 0047): a youth referred from a case to a directory
service, through the HL7 Gravity task states.

    draft -> requested -> accepted | rejected (a reason)
    accepted -> in_progress <-> on_hold -> completed | failed (a reason)
    any open state -> cancelled (by the referrer, a reason)

**Who acts.** The receiving organization (the members of the Harborline organization linked to
the service's provider) accepts, declines, starts, holds, resumes, completes or fails it; the
referrer cancels it. A referral to a provider with no Harborline account is *external*: the
referrer records the provider's answers, naming who said so (`said_by`) and when — the same
states, the same clocks. An action the current state does not allow is a Conflict (409).

**What the receiver sees.** Only the compartments the referral carries, on its basis (consent
or a legal basis), through a share scoped to the referral that `sharing.services.create_share`
makes and checks like any other; the share ends when the referral ends (declined, completed,
failed or cancelled), so the receiver loses access then.

**Follow-up.** A requested referral with no answer after `HARBORLINE_REFERRAL_ANSWER_DAYS`
business days (default 3; weekends and the public holidays of the case's state do not count:
response.clocks.business_days_after, the one business-day count) starts the
pack's `referral_follow_up` obligation for the case (`sweep_unanswered`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from harborline.access.models import EndReason, Share
from harborline.access.policy import Grant, require_edit
from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.cases.models import Case
from harborline.cases.selectors import case_for
from harborline.directory.models import Referral, ReferralEvent, Service
from harborline.directory.models import ReferralStatus as S
from harborline.errors import Conflict, FieldError, InvalidInput, NotFound, check_version
from harborline.people.models import User
from harborline.response.clocks import business_days_after
from harborline.response.models import PlanTask
from harborline.response.services import case_calendar, start_obligations
from harborline.sharing.services import create_share

OPEN = (S.DRAFT, S.REQUESTED, S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD)
CLOSED = (S.REJECTED, S.COMPLETED, S.FAILED, S.CANCELLED)
RECEIVER, REFERRER = "receiver", "referrer"


@dataclass(frozen=True)
class Move:
    sources: tuple[str, ...]
    target: str
    by: str
    needs_reason: bool = False


MOVES: dict[str, Move] = {
    "accept": Move((S.REQUESTED,), S.ACCEPTED, RECEIVER),
    "reject": Move((S.REQUESTED,), S.REJECTED, RECEIVER, needs_reason=True),
    "start": Move((S.ACCEPTED,), S.IN_PROGRESS, RECEIVER),
    "hold": Move((S.ACCEPTED, S.IN_PROGRESS), S.ON_HOLD, RECEIVER),
    "resume": Move((S.ON_HOLD,), S.IN_PROGRESS, RECEIVER),
    "complete": Move((S.IN_PROGRESS,), S.COMPLETED, RECEIVER),
    "fail": Move((S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD), S.FAILED, RECEIVER, needs_reason=True),
    "cancel": Move(OPEN, S.CANCELLED, REFERRER, needs_reason=True),
}
ACTIONS = tuple(MOVES)
NOT_FOUND = "No such referral, or you do not have access to it."
SHARE_DAYS = 180
TRIGGER = "referral_unanswered"  # the pack's rule for it: `referral_follow_up`


def answer_days() -> int:
    return int(getattr(settings, "HARBORLINE_REFERRAL_ANSWER_DAYS", 3))


def _service(value: Any) -> Service:
    found = None
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        found = Service.objects.filter(pk=int(value)).first()
    if found is None and isinstance(value, str) and value.strip():
        found = Service.objects.filter(hsds_id=value.strip()).first()
    if found is None:
        raise InvalidInput.field("service", "Choose a service from the directory")
    return found


def _audit(actor: User, action: str, referral: Referral, case: Case, **detail: Any) -> None:
    record(
        actor=actor,
        action=action,
        obj=referral,
        owner_org=case.owner,
        youth_id=case.youth_id,
        compartments=referral.compartments,
        purpose="referral",
        legal_basis=f"{referral.basis_type}:{referral.basis_reference}",
        detail={"status": referral.status, "service": referral.service.hsds_id, **detail},
    )


@transaction.atomic
def create_referral(
    *,
    actor: User,
    case_id: int,
    service: Any,
    needs: list[str],
    compartments: list[str],
    basis_type: str,
    basis_reference: str = "",
    plan_task_id: int | None = None,
    warm_handoff: str = "",
    draft: bool = False,
) -> Referral:
    case, grant = case_for(actor, case_id)
    require_edit(grant)
    errors: list[FieldError] = []
    chosen = None
    try:
        chosen = _service(service)
    except InvalidInput as exc:
        errors.extend(exc.errors)
    cleaned_needs = [str(n).strip()[:200] for n in needs or [] if str(n).strip()]
    if not cleaned_needs:
        errors.append(FieldError("needs", "Say which needs this referral is for"))
    task = None
    if plan_task_id is not None:
        task = PlanTask.objects.filter(pk=plan_task_id, outcome__plan__case=case).first()
        if task is None:
            errors.append(FieldError("plan_task", "Choose a task of this youth's service plan"))
    if errors:
        raise InvalidInput.fields(errors)
    assert chosen is not None  # noqa: S101 - narrowed by the checks
    provider = chosen.provider
    receiver = provider.organization if provider is not None else None
    share = None
    if receiver is not None and receiver.pk != case.owner_id:
        share = create_share(
            actor=actor,
            case_id=case.pk,
            organization=receiver.slug,
            compartments=compartments,
            purpose=f"Referral to {chosen.name}"[:300],
            basis_type=basis_type,
            basis_reference=basis_reference,
            expires_at=timezone.now() + timedelta(days=SHARE_DAYS),
        )
    now = timezone.now()
    referral = Referral.objects.create(
        case=case,
        service=chosen,
        referrer=actor.membership.organization,
        receiver=receiver,
        needs=cleaned_needs,
        compartments=list(share.compartments) if share else sorted(set(compartments)),
        basis_type=basis_type,
        basis_reference=share.basis_reference if share else basis_reference.strip(),
        share=share,
        plan_task=task,
        warm_handoff=warm_handoff.strip()[:200],
        status=S.DRAFT if draft else S.REQUESTED,
        created_by=actor,
        requested_at=None if draft else now,
    )
    ReferralEvent.objects.create(
        referral=referral,
        action="create",
        from_status="",
        to_status=referral.status,
        at=now,
        by=actor,
    )
    _audit(actor, Action.CREATE, referral, case, external=referral.external)
    return referral


def _side(actor: User, referral: Referral) -> str:
    """Which side of the referral the actor is on ("" if neither)."""
    membership = actor.membership_or_none
    if membership is None or not membership.is_active:
        return ""
    if referral.receiver_id is not None and membership.organization_id == referral.receiver_id:
        return RECEIVER
    if membership.organization_id == referral.referrer_id:
        try:
            case_for(actor, referral.case_id)
        except NotFound:
            return ""
        return REFERRER
    return ""


def referral_for(actor: User, referral_id: int) -> tuple[Referral, str]:
    """The referral and the actor's side of it, or the one NotFound."""
    referral = (
        Referral.objects.select_related("service__provider", "case", "referrer", "receiver")
        .filter(pk=referral_id)
        .first()
    )
    side = _side(actor, referral) if referral is not None else ""
    if referral is None or not side:
        raise NotFound(NOT_FOUND)
    return referral, side


@transaction.atomic
def act(
    *,
    actor: User,
    referral_id: int,
    action: str,
    reason: str = "",
    outcome: str = "",
    said_by: str = "",
    version: int | None = None,
) -> Referral:
    if action not in MOVES:
        raise NotFound(NOT_FOUND)
    referral, side = referral_for(actor, referral_id)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    move = MOVES[action]
    acting_for = move.by
    if referral.external and move.by == RECEIVER:
        acting_for = REFERRER  # the referrer records the outside provider's answers
    if side != acting_for:
        who = "the receiving organization" if acting_for == RECEIVER else "the referrer"
        raise Conflict(f"Only {who} may {action} this referral.")
    check_version(referral.version, version)
    if referral.status not in move.sources:
        raise Conflict(
            f"A referral that is {referral.get_status_display().lower()} cannot be "
            f"{action}ed; it can be: {', '.join(allowed(referral)) or 'nothing more'}."
        )
    errors = []
    if move.needs_reason and not reason.strip():
        errors.append(FieldError("reason", "Say why, in a few words"))
    if referral.external and move.by == RECEIVER and not said_by.strip():
        errors.append(FieldError("said_by", "Name the person at the service who told you"))
    if errors:
        raise InvalidInput.fields(errors)
    now = timezone.now()
    before = referral.status
    referral.status = move.target
    referral.version += 1
    if before == S.DRAFT and move.target == S.REQUESTED:
        referral.requested_at = now
    if before == S.REQUESTED and referral.answered_at is None:
        referral.answered_at = now
    referral.outcome = {
        **referral.outcome,
        **({"reason": reason.strip()} if reason else {}),
        **({"outcome": outcome.strip()} if outcome else {}),
    }
    if move.target in CLOSED:
        referral.closed_at = now
        _end_share(referral.share, actor, now)
        if move.target == S.COMPLETED and referral.plan_task is not None:
            referral.plan_task.done_at = referral.plan_task.done_at or now
            referral.plan_task.save(update_fields=["done_at"])
    referral.save()
    ReferralEvent.objects.create(
        referral=referral,
        action=action,
        from_status=before,
        to_status=referral.status,
        at=now,
        by=actor,
        said_by=said_by.strip()[:200],
        note={k: v for k, v in (("reason", reason.strip()), ("outcome", outcome.strip())) if v},
    )
    _audit(actor, Action.UPDATE, referral, referral.case, move=action, said_by=bool(said_by))
    return referral


def _end_share(share: Share | None, actor: User, now: datetime) -> None:
    if share is None or share.ended_at is not None:
        return
    share.ended_at, share.ended_by, share.end_reason = now, actor, EndReason.DELETED
    share.save(update_fields=["ended_at", "ended_by", "end_reason"])


def allowed(referral: Referral) -> list[str]:
    return [name for name, move in MOVES.items() if referral.status in move.sources]


def referrals_of_case(actor: User, case_id: int) -> QuerySet[Referral]:
    case, _grant = case_for(actor, case_id)
    mine = actor.membership.organization_id
    return (
        Referral.objects.filter(case=case)
        .filter(Q(referrer_id=mine) | Q(receiver_id=mine) | Q(case__owner_id=mine))
        .select_related("service__provider", "referrer", "receiver")
        .order_by("-pk")
    )


def inbox(actor: User) -> QuerySet[Referral]:
    """Referrals to the actor's organization, newest first."""
    membership = actor.membership_or_none
    if membership is None:
        return Referral.objects.none()
    return (
        Referral.objects.filter(receiver_id=membership.organization_id)
        .exclude(status=S.DRAFT)
        .select_related("service", "referrer")
        .order_by("-pk")
    )


def sweep_unanswered(*, now: datetime | None = None) -> list[int]:
    """Start the pack's `referral_follow_up` obligation for every referral still unanswered
    after the configured business days (once per referral)."""
    now = now or timezone.now()
    started = []
    waiting = Referral.objects.filter(status=S.REQUESTED, follow_up_started=False).select_related(
        "case__owner", "case__youth"
    )
    for referral in waiting:
        assert referral.requested_at is not None  # noqa: S101 - requested ones have it
        case = referral.case
        calendar = case_calendar(case)
        due = business_days_after(
            referral.requested_at, answer_days(), calendar, case.owner.time_zone
        )
        if due > now:
            continue
        with transaction.atomic():
            start_obligations(
                actor=None, case=referral.case, grant=Grant(), triggers=[TRIGGER], at=due
            )
            Referral.objects.filter(pk=referral.pk).update(follow_up_started=True)
        started.append(referral.pk)
    return started
