"""Reads of the response: a case's obligations and screenings, and the "due next / overdue"
dashboards per user and per organization. Every read of youth data is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from harborline.access.compartments import Compartment
from harborline.access.policy import Grant, require, works_cases
from harborline.audit.models import Action
from harborline.audit.services import record, record_reads
from harborline.cases.models import Case, CaseTeamMember
from harborline.cases.selectors import case_for
from harborline.people.models import User

from .models import ActionItem, Obligation, Status

DASHBOARD_LIMIT = 100
# The dashboard shows a youth's name only: the other encrypted fields are not loaded.
YOUTH_UNSHOWN = ("aliases", "dob", "gender", "pronouns", "preferred_language", "contacts")
SCREENING = Compartment.SCREENING


def obligations_for_case(
    actor: User, case_id: int | str, *, audit: bool = True
) -> list[Obligation]:
    """A case's obligations, for those who see its screening compartment (obligations follow
    from screenings, and their kinds say what a screening found): Forbidden otherwise. A page
    that has just recorded its read of the whole case (`case_detail`) passes audit=False: one
    page, one read event."""
    case, grant = case_for(actor, case_id)
    require(grant, SCREENING)
    rows = list(case.obligations.select_related("owner_org").order_by("due_at", "pk"))
    if not audit:
        return rows
    record(
        actor=actor,
        action=Action.VIEW,
        object_type="response.obligation",
        object_id=f"case:{case.pk}",
        owner_org=case.owner,
        youth_id=case.youth_id,
        purpose=grant.purpose,
        legal_basis=grant.legal_basis,
    )
    return rows


def next_due(cases: list[Case], grants: dict[int, Grant]) -> dict[int, Obligation]:
    """The next pending obligation of each listed case whose screening the actor may see (the
    grants come from `policy.grants_for`); one query whatever the number of cases. The page
    that shows them has recorded the read of each listed case."""
    ids = [case.pk for case in cases if grants[case.pk].sees(SCREENING)]
    found: dict[int, Obligation] = {}
    if ids:
        for row in Obligation.objects.pending().filter(case_id__in=ids).order_by("due_at"):
            found.setdefault(row.case_id, row)
    return found


def status_now(obligation: Obligation, at: datetime | None = None) -> str:
    """The status to show: an open obligation past its due time is overdue even before the
    sweep has marked it."""
    if obligation.is_overdue(at):
        return Status.OVERDUE
    return obligation.status


@dataclass
class Dashboard:
    overdue: list[Obligation]
    due_next: list[Obligation]
    scope: str


def _pending_for(actor: User, scope: str) -> QuerySet[Obligation]:
    if not works_cases(actor):
        return Obligation.objects.none()
    membership = actor.membership
    rows = Obligation.objects.pending().filter(owner_org_id=membership.organization_id)
    if scope == "mine":
        on_team = CaseTeamMember.objects.filter(case=OuterRef("case"), user=actor, active=True)
        rows = rows.filter(Exists(on_team))
    return rows


def dashboard(actor: User, *, scope: str = "mine") -> Dashboard:
    """Pending obligations of the actor's organization ("org") or of the cases the actor is on
    the team of ("mine"): overdue first, then the next due. Youth names are shown, so each
    listed youth is recorded as read."""
    now = timezone.now()
    base = (
        _pending_for(actor, scope)
        .select_related("case__youth", "case__owner", "owner_org")
        .defer(*(f"case__youth__{name}" for name in YOUTH_UNSHOWN))
    )
    overdue = list(base.filter(due_at__lte=now).order_by("due_at")[:DASHBOARD_LIMIT])
    due_next = list(base.filter(due_at__gt=now).order_by("due_at")[:DASHBOARD_LIMIT])
    seen = {o.case_id: o.case for o in overdue + due_next}
    record_reads(
        actor=actor,
        reads=[(case, case.owner, case.youth_id, ["identity"]) for case in seen.values()],
        purpose=f"obligations dashboard ({scope})",
    )
    return Dashboard(overdue=overdue, due_next=due_next, scope=scope)


@dataclass
class Counts:
    overdue: int
    due_today: int  # in the next 24 hours


def counts(actor: User, *, scope: str = "mine") -> Counts:
    """How many of the actor's pending obligations are overdue or due within 24 hours (numbers
    only, no youth data: not recorded as a read)."""
    from datetime import timedelta

    from django.db.models import Count, Q

    now = timezone.now()
    row = _pending_for(actor, scope).aggregate(
        overdue=Count("pk", filter=Q(due_at__lte=now)),
        soon=Count("pk", filter=Q(due_at__gt=now, due_at__lte=now + timedelta(hours=24))),
    )
    return Counts(overdue=row["overdue"] or 0, due_today=row["soon"] or 0)


# --- the home page's work queue ---------------------------------------------------------------
HOME_LIMIT = 5


@dataclass
class HomeQueue:
    overdue: list[Obligation]  # oldest deadline first, at most HOME_LIMIT
    due_today: list[Obligation]  # due in the next 24 hours
    actions: list[ActionItem]  # the actor's open MDT action items, due within 14 days or late


def home_queue(actor: User) -> HomeQueue:
    """What the actor should do first: their overdue obligations and those due in the next 24
    hours (the cases they are on the team of), and their open MDT action items. Case numbers,
    the pack's titles and due dates only — no youth data, so not recorded as a read. Two
    queries (obligations, action items) whatever the number of cases."""
    from datetime import timedelta

    if not works_cases(actor):
        return HomeQueue([], [], [])
    now = timezone.now()
    near = list(
        _pending_for(actor, "mine")
        .only("pk", "case_id", "title", "due_at", "kind")
        .filter(due_at__lte=now + timedelta(hours=24))
        .order_by("due_at")[: 20 * HOME_LIMIT]
    )
    overdue = [o for o in near if o.due_at <= now][:HOME_LIMIT]
    soon = [o for o in near if o.due_at > now][:HOME_LIMIT]
    actions = list(
        ActionItem.objects.filter(
            owner=actor,
            done_at__isnull=True,
            due_on__lte=timezone.localdate() + timedelta(days=14),
        )
        .select_related("meeting")
        .defer("text")
        .order_by("due_on")[:HOME_LIMIT]
    )
    return HomeQueue(overdue, soon, actions)
