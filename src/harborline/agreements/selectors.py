"""Reads of agreements: what an actor may see, an agreement's dated duties, renewal alerts and
the task-force summary for the annual report. Agreements hold no youth data, so reads are not
audited (writes are)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from harborline.errors import NotFound
from harborline.people.models import User

from .models import (
    DSA_SUBMISSION_DAY,
    DSA_SUBMISSION_MONTH,
    IN_FORCE_STATUSES,
    RENEWAL_ALERT_DAYS,
    Agreement,
    AgreementParty,
    Breach,
    Kind,
    Status,
)
from .permissions import Do, Scope, may_on, party_filter, scope_for
from .vocab import COMPARTMENT_LABELS, MOU_ELEMENTS, PURPOSES

if TYPE_CHECKING:
    from harborline.taskforce.models import TaskForce

DUE_SOON_DAYS = 30


def visible_agreements(*, actor: User, kind: str | None = None) -> QuerySet[Agreement]:
    scope = scope_for(actor, Do.READ)
    qs = Agreement.objects.prefetch_related("parties__organization").order_by("reference")
    if kind:
        qs = qs.filter(kind=kind)
    if scope is None:
        return qs.none()
    if scope == Scope.ANY:
        return qs
    return qs.filter(pk__in=Agreement.objects.filter(party_filter(actor, scope)).values("pk"))


def get_agreement(
    *, actor: User, pk: int, do: Do | None = None, kind: str | None = None
) -> Agreement:
    """The agreement if the actor may read it (and may `do` that on it, and it is of `kind`,
    when given); otherwise NotFound (existence does not leak): a page the actor may not use
    does not exist for them."""
    found = (
        visible_agreements(actor=actor, kind=kind)
        .prefetch_related("elements", "submissions", "breaches")
        .select_related("termination_notice_by", "superseded_by")
        .filter(pk=pk)
        .first()
    )
    if found is None or (do is not None and not may_on(actor, do, found)):
        raise NotFound()
    return found


def signing_party(*, actor: User, agreement: Agreement, organization_id: int) -> AgreementParty:
    """The party to the agreement whose signature the actor may record; NotFound for an
    organization that is not a party, or whose signature the actor may not record."""
    party = next((p for p in agreement.parties.all() if p.organization_id == organization_id), None)
    if party is None or not may_on(actor, Do.SIGN, agreement, party.organization):
        raise NotFound()
    return party


def checklist_values(agreement: Agreement) -> dict[str, tuple[bool, str]]:
    """The MOU checklist as recorded: each element's code with whether the MOU covers it and
    where (not covered, nowhere, for an element not recorded yet)."""
    rows = {e.code: e for e in agreement.elements.all()}
    return {
        spec.code: (rows[spec.code].present, rows[spec.code].location)
        if spec.code in rows
        else (False, "")
        for spec in MOU_ELEMENTS
    }


# --- dated duties --------------------------------------------------------------------------


@dataclass(frozen=True)
class Duty:
    key: str
    label: str
    due_on: date | None
    state: str  # done | overdue | due_soon | upcoming | suspended | info
    detail: str = ""

    @property
    def flagged(self) -> bool:
        return self.state == "overdue"


def submission_due_dates(agreement: Agreement, *, until: date) -> list[date]:
    """Every January 31 on which an annual submission falls due: those within the agreement's
    term, up to `until`."""
    if agreement.effective_on is None:
        return []
    last = until
    if agreement.ends_on is not None:
        last = min(last, agreement.ends_on - timedelta(days=1))
    dates = []
    for year in range(agreement.effective_on.year, last.year + 1):
        due = date(year, DSA_SUBMISSION_MONTH, DSA_SUBMISSION_DAY)
        if agreement.effective_on <= due <= last:
            dates.append(due)
    return dates


def suspended_by_breach(agreement: Agreement, *, at: datetime) -> bool:
    """3-C: a material breach not cured within 30 days -> the agency stops providing data."""
    return any(b.is_overdue(at) for b in agreement.breaches.all())


def dsa_duties(agreement: Agreement, *, at: datetime | None = None) -> list[Duty]:
    """What a data-sharing agreement asks of its parties, with dates and state, soonest first
    (overdue ones at the top)."""
    at = at or timezone.now()
    today = agreement.local_date(at)
    duties: list[Duty] = []
    suspended = suspended_by_breach(agreement, at=at)
    submitted = {s.due_year: s for s in agreement.submissions.all()}
    for due in submission_due_dates(agreement, until=today + timedelta(days=366)):
        label = f"Annual data submission due {due:%B %-d, %Y}"
        if due.year in submitted:
            sub = submitted[due.year]
            duties.append(
                Duty(f"submission-{due.year}", label, due, "done", f"sent {sub.submitted_on}")
            )
        elif suspended:
            duties.append(
                Duty(
                    f"submission-{due.year}",
                    label,
                    due,
                    "suspended",
                    "an uncured breach is past its 30 days: the agency stops providing data",
                )
            )
        elif due < today:
            duties.append(
                Duty(f"submission-{due.year}", label, due, "overdue", "not recorded as sent")
            )
        else:
            state = "due_soon" if (due - today).days <= DUE_SOON_DAYS else "upcoming"
            duties.append(Duty(f"submission-{due.year}", label, due, state))
            break  # only the next one ahead
    for breach in agreement.breaches.all():
        due_local = agreement.local_date(breach.cure_due_at)
        label = f"Cure the breach reported {agreement.local_date(breach.reported_at):%Y-%m-%d}"
        if breach.cured_at is not None:
            duties.append(Duty(f"breach-{breach.pk}", label, due_local, "done", "cured"))
        elif breach.is_overdue(at):
            duties.append(
                Duty(f"breach-{breach.pk}", label, due_local, "overdue", "not cured within 30 days")
            )
        else:
            duties.append(Duty(f"breach-{breach.pk}", label, due_local, "due_soon"))
    if agreement.terminates_on is not None and agreement.termination_notice_on is not None:
        state = "done" if today >= agreement.terminates_on else "upcoming"
        duties.append(
            Duty(
                "termination",
                f"Ends after 30 days' notice given {agreement.termination_notice_on:%Y-%m-%d}",
                agreement.terminates_on,
                state,
            )
        )
    elif agreement.expires_on is not None:
        days = (agreement.expires_on - today).days
        state = "info" if days > RENEWAL_ALERT_DAYS[0] else ("done" if days < 0 else "due_soon")
        duties.append(
            Duty(
                "renewal",
                "Renew before the 2-year term ends (last day)",
                agreement.expires_on,
                state,
            )
        )
    disposal_due = agreement.disposal_due_on
    if (
        disposal_due is not None
        and agreement.ends_on is not None
        and (agreement.terminates_on is not None or today >= agreement.ends_on)
    ):
        label = "Data destroyed or returned, with proof (10 days after the end)"
        if agreement.certificate_received_on is not None:
            duties.append(
                Duty(
                    "disposal",
                    label,
                    disposal_due,
                    "done",
                    f"certificate received {agreement.certificate_received_on}",
                )
            )
        elif today > disposal_due:
            duties.append(Duty("disposal", label, disposal_due, "overdue", "no certificate yet"))
        else:
            duties.append(Duty("disposal", label, disposal_due, "upcoming"))
    order = {"overdue": 0, "suspended": 1, "due_soon": 2, "upcoming": 3, "info": 4, "done": 5}
    return sorted(duties, key=lambda d: (order[d.state], d.due_on or date.max))


def next_duty(agreement: Agreement, *, at: datetime | None = None) -> Duty | None:
    open_duties = [d for d in dsa_duties(agreement, at=at) if d.state not in ("done", "info")]
    return open_duties[0] if open_duties else None


def renewal_alert(agreement: Agreement, *, at: datetime | None = None) -> int | None:
    """Days left before the agreement stops being in force, when that is 90 days or fewer."""
    day = agreement.local_date(at)
    if agreement.status_on(day) not in IN_FORCE_STATUSES:
        return None
    left = agreement.days_to_end(day)
    if left is None or left > RENEWAL_ALERT_DAYS[0]:
        return None
    return left


# --- the task force's summary (annual report) ----------------------------------------------


@dataclass
class AgreementsSummary:
    mous_in_force: int = 0
    mous_expiring: int = 0  # in force, 90 days or fewer left (also counted in force)
    mous_expired: int = 0  # expired or terminated
    mous_awaiting_signature: int = 0
    dsas_in_force: int = 0
    dsas_expiring: int = 0
    dsas_expired: int = 0
    dsas_awaiting_signature: int = 0
    duties_overdue: int = 0
    member_organizations: int = 0
    organizations_without_dsa: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def member_organization_ids(taskforce: TaskForce, *, on: date) -> set[int]:
    rows = taskforce.members.current(on).filter(organization__isnull=False)
    return set(rows.values_list("organization_id", flat=True))


def summary_for(*, taskforce: TaskForce, at: datetime | None = None) -> AgreementsSummary:
    """Counts of MOUs and data-sharing agreements to which any current member organization of
    the task force is a party, by status, and how many DSA duties are overdue."""
    at = at or timezone.now()
    org_ids = member_organization_ids(taskforce, on=timezone.localdate(at))
    summary = AgreementsSummary(member_organizations=len(org_ids))
    agreements = (
        Agreement.objects.filter(parties__organization_id__in=org_ids)
        .distinct()
        .prefetch_related("parties__organization", "submissions", "breaches")
    )
    orgs_with_dsa: set[int] = set()
    for agreement in agreements:
        status = agreement.status_at(at)
        prefix = "mous" if agreement.kind == Kind.MOU else "dsas"
        if status in IN_FORCE_STATUSES:
            setattr(summary, f"{prefix}_in_force", getattr(summary, f"{prefix}_in_force") + 1)
            if status == Status.EXPIRING:
                setattr(summary, f"{prefix}_expiring", getattr(summary, f"{prefix}_expiring") + 1)
            if agreement.kind == Kind.DSA:
                orgs_with_dsa |= {p.organization_id for p in agreement.parties.all()}
        elif status in (Status.EXPIRED, Status.TERMINATED):
            setattr(summary, f"{prefix}_expired", getattr(summary, f"{prefix}_expired") + 1)
        elif status == Status.DRAFT:
            key = f"{prefix}_awaiting_signature"
            setattr(summary, key, getattr(summary, key) + 1)
        if agreement.kind == Kind.DSA:
            summary.duties_overdue += sum(1 for d in dsa_duties(agreement, at=at) if d.flagged)
    from harborline.people.models import Organization

    summary.organizations_without_dsa = sorted(
        Organization.objects.filter(pk__in=org_ids - orgs_with_dsa)
        .exclude(type="statistical_center")
        .values_list("name", flat=True)
    )
    return summary


# --- What the agreement pages show (view-ready; the pages only render these) -----------------


def list_rows(*, actor: User, kind: str | None = None) -> list[dict[str, Any]]:
    """The agreements the actor may read (at most 500), each with its status now, its renewal
    alert and, for a DSA, its next duty: the rows of the agreements list."""
    now = timezone.now()
    rows = []
    for a in visible_agreements(actor=actor, kind=kind).prefetch_related("submissions", "breaches")[
        :500
    ]:
        status = a.status_at(now)
        rows.append(
            {
                "a": a,
                "status_code": status,
                "status_label": Status(status).label,
                "days_left": renewal_alert(a, at=now),
                "next_duty": next_duty(a, at=now) if a.kind == Kind.DSA else None,
            }
        )
    return rows


def duties_board(*, actor: User) -> list[dict[str, Any]]:
    """The data-sharing agreements the actor may read with the duties not yet done, the most
    overdue first: the DSA duties page."""
    now = timezone.now()
    items: list[dict[str, Any]] = []
    for a in visible_agreements(actor=actor, kind=Kind.DSA).prefetch_related(
        "submissions", "breaches"
    )[:500]:
        duties = dsa_duties(a, at=now)
        items.append(
            {
                "a": a,
                "status_label": Status(a.status_at(now)).label,
                "duties": [d for d in duties if d.state != "done"],
                "overdue": sum(1 for d in duties if d.flagged),
            }
        )
    items.sort(key=lambda i: (-i["overdue"], i["a"].reference))
    return items


def detail(*, actor: User, agreement: Agreement) -> dict[str, Any]:
    """Everything the agreement's page shows: status, parties (and whether the actor may record
    each one's signature), the 4-A checklist, the sharing scope in words, a DSA's duties,
    breaches and submissions, and what the actor may change."""
    now = timezone.now()
    elements = {e.code: e for e in agreement.elements.all()}
    checklist: list[dict[str, Any]] = [
        {"spec": spec, "row": elements.get(spec.code)} for spec in MOU_ELEMENTS
    ]
    status = agreement.status_at(now)
    return {
        "a": agreement,
        "status_code": status,
        "status_label": Status(status).label,
        "today": agreement.local_date(now),
        "days_left": renewal_alert(agreement, at=now),
        "parties": [
            {
                "p": p,
                "may_sign": p.signed_on is None
                and may_on(actor, Do.SIGN, agreement, p.organization),
            }
            for p in agreement.parties.all()
        ],
        "checklist": checklist,
        "checklist_count": sum(1 for c in checklist if c["row"] and c["row"].present),
        "compartments": [(c, COMPARTMENT_LABELS.get(c, c)) for c in agreement.compartments],
        "purposes": [(p, PURPOSES.get(p, p)) for p in agreement.purposes],
        "duties": dsa_duties(agreement, at=now) if agreement.kind == Kind.DSA else [],
        "breaches": list(agreement.breaches.all()),
        "submissions": list(agreement.submissions.all()),
        "may_edit": may_on(actor, Do.EDIT, agreement),
        "may_duties": may_on(actor, Do.DUTIES, agreement),
        "tz": ZoneInfo(agreement.time_zone),
    }


def get_breach(*, agreement: Agreement, pk: int) -> Breach:
    """A breach of this agreement (already read through get_agreement); NotFound for another
    agreement's."""
    breach = agreement.breaches.filter(pk=pk).first()
    if breach is None:
        raise NotFound()
    return breach
