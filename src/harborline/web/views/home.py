"""The home page: each role's work queue first — overdue and due-today obligations, emergency
accesses waiting for review, action items, shares and consents about to end, and a warning when
few recovery codes are left — then what the role can do. Each queue is one selector of its app
(one query each, no youth data); the view only gathers them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from harborline.access import policy
from harborline.audit.models import Action, AuditEvent
from harborline.people.roles import Role, reads_aggregates
from harborline.response import selectors as response_reads
from harborline.sharing import selectors as sharing_reads
from harborline.taskforce import selectors as taskforce_reads

from ._util import actor

RECENT = 8
FEW_RECOVERY_CODES = 3  # at or below this, the home page asks for new codes
SIGN_IN_ACTIONS = [
    Action.LOGIN,
    Action.LOGOUT,
    Action.IDLE_TIMEOUT,
    Action.MFA_VERIFY,
    Action.MFA_FAILED,
    Action.MFA_RECOVERY,
    Action.MFA_ENROL,
]


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    membership = user.membership_or_none
    # A fixed number of queries whatever the history: the device, the recovery-code count and
    # the newest sign-in events (indexed by actor).
    has_totp = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    recovery_left = StaticToken.objects.filter(device__user=user).count() if has_totp else 0
    recent = list(
        AuditEvent.objects.filter(actor_id=user.pk, action__in=SIGN_IN_ACTIONS)
        .only("seq", "at", "action", "detail")
        .order_by("-seq")[:RECENT]
    )
    role = membership.role if membership else ""
    works_cases = policy.works_cases(user)
    due = response_reads.counts(user, scope="mine") if works_cases else None
    queue = response_reads.home_queue(user)
    expiring = sharing_reads.expiring_soon(user)
    tf_actions = taskforce_reads.my_action_items(user)
    return render(
        request,
        "web/home.html",
        {
            "has_totp": has_totp,
            "recovery_left": recovery_left,
            "recent": recent,
            "role": role,
            "org_tz": membership.organization.time_zone if membership else "UTC",
            "is_analyst": role == Role.ANALYST,
            "reads_aggregates": reads_aggregates(user),
            "is_admin": role in (Role.ORG_ADMIN, Role.SYSTEM_ADMIN),
            "works_cases": works_cases,
            "due": due,
            "coordinates": role in (Role.COORDINATOR, Role.SUPERVISOR, Role.ORG_ADMIN),
            "queue": queue,
            "expiring": expiring,
            "tf_actions": tf_actions,
            "few_codes": has_totp and recovery_left <= FEW_RECOVERY_CODES,
            "has_work": bool(
                queue.overdue
                or queue.due_today
                or queue.actions
                or tf_actions
                or expiring.shares_given
                or expiring.shares_received
                or expiring.consents
            ),
        },
    )
