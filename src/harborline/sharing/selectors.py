"""Reads of access rows: a case's shares and consent records (for the organization that manages
them) and the break-glass review queue. Each checks the actor's right and records the read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection
from django.utils import timezone

from harborline.access.models import BreakGlass, Consent, Share
from harborline.access.policy import REVIEWERS, Grant, require_edit
from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.errors import NotFound

if TYPE_CHECKING:
    from harborline.cases.models import Case
    from harborline.people.models import Organization, User

REVIEW_QUEUE_LIMIT = 200


@dataclass
class SharingState:
    shares: list[Share]  # active
    consents: list[Consent]
    ended: list[Share]  # the latest ended or expired ones


def sharing_state(*, actor: User, case: Case, grant: Grant) -> SharingState:
    """The case's shares and consent records, for its managers (Forbidden otherwise); `case`
    and `grant` come from `cases.selectors.case_for`. Recorded as a read of the case."""
    require_edit(grant)
    now = timezone.now()
    shares = list(
        Share.objects.filter(case=case)
        .select_related("organization")
        .prefetch_related("consents")
        .order_by("-created_at")
    )
    consents = list(
        Consent.objects.filter(case=case)
        .prefetch_related("recipients", "shares")
        .order_by("-recorded_at")
    )
    active = [s for s in shares if s.ended_at is None and s.expires_at > now]
    ended = [s for s in shares if s not in active][:20]
    record(
        actor=actor,
        action=Action.VIEW,
        object_type="access.sharing",
        object_id=f"case:{case.pk}",
        owner_org=case.owner,
        youth_id=case.youth_id,
        purpose="sharing and consent",
        legal_basis=grant.legal_basis,
    )
    return SharingState(shares=active, consents=consents, ended=ended)


def team_organizations(*, case: Case, grant: Grant) -> list[tuple[str, str]]:
    """(slug, name) of the organizations a case team can name, by name, for the case's
    managers: the owner and those the case is shared with by an active share
    (`Share.objects.active()`; someone on the team of an organization without a share could
    not read the case: share it first); active organizations only.

    One SQL statement (ACTIVE_SHARES is `Share.objects.active()` written out): the case page
    asks this on every request of a manager, and building the ORM's form of it (two excluding
    subqueries through the consents) cost ~2 ms of Python against ~0.05 ms to run it
    (docs/benchmarks.md, third round). tests/sharing/test_team_organizations_sql.py checks it
    against `Share.objects.active()` for every way a share ends."""
    require_edit(grant)
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(TEAM_ORGANIZATIONS, [True, case.owner_id, case.pk, at, at])
        return [(slug, name) for slug, name in cursor.fetchall()]


# `Share.objects.active()` (access.models.ShareQuerySet) in SQL, for one case: not ended, not
# expired, and no consent it rests on revoked or expired. Parameters: case id, now, now.
ACTIVE_SHARES = (
    'SELECT s.organization_id FROM "access_share" s '
    "WHERE s.case_id = %s AND s.ended_at IS NULL AND s.expires_at > %s "
    'AND s.id NOT IN (SELECT sc.share_id FROM "access_share_consents" sc '
    'INNER JOIN "access_consent" k ON k.id = sc.consent_id '
    "WHERE k.revoked_at IS NOT NULL OR k.expires_at <= %s)"
)
# Parameters: True, the owner's id, then ACTIVE_SHARES's.
TEAM_ORGANIZATIONS = (
    'SELECT o.slug, o.name FROM "people_organization" o WHERE o.is_active = %s '  # noqa: S608
    f"AND (o.id = %s OR o.id IN ({ACTIVE_SHARES})) ORDER BY o.name"
)


@dataclass
class ReviewQueue:
    organization: Organization
    open: list[BreakGlass]  # oldest first
    recent: list[BreakGlass]  # the latest reviewed


def break_glass_reviews(actor: User) -> ReviewQueue:
    """Break-glass openings of the actor's organization's cases: those awaiting review and the
    latest reviewed. Only supervisors and administrators (NotFound otherwise)."""
    membership = actor.membership_or_none
    if membership is None or not membership.is_active or membership.role not in REVIEWERS:
        raise NotFound("No such page.")
    org = membership.organization
    waiting = list(
        BreakGlass.objects.filter(case__owner=org, reviewed_at__isnull=True)
        .select_related("user", "organization", "case")
        .order_by("opened_at")[:REVIEW_QUEUE_LIMIT]
    )
    done = list(
        BreakGlass.objects.filter(case__owner=org, reviewed_at__isnull=False)
        .select_related("user", "organization", "reviewed_by")
        .order_by("-reviewed_at")[:20]
    )
    return ReviewQueue(organization=org, open=waiting, recent=done)


def break_glass_waiting(actor: User) -> int:
    """How many emergency accesses to the actor's organization's cases wait for review — for its
    reviewers (supervisors, administrators); 0 for anyone else. A number only (one query), not a
    read of youth data."""
    membership = actor.membership_or_none
    if membership is None or not membership.is_active or membership.role not in REVIEWERS:
        return 0
    return BreakGlass.objects.filter(
        case__owner_id=membership.organization_id, reviewed_at__isnull=True
    ).count()


EXPIRY_NOTICE_DAYS = 14


@dataclass
class Expiring:
    shares_given: list[Share]  # of the actor's organization's cases, to others
    shares_received: list[Share]  # to the actor's organization
    consents: list[Consent]  # on the actor's organization's cases


def expiring_soon(actor: User, *, days: int = EXPIRY_NOTICE_DAYS, limit: int = 5) -> Expiring:
    """Shares and consent records that end within `days`, for the home page: those the actor's
    organization gave or holds on its cases (for the roles that manage sharing: supervisors and
    administrators; a caseworker of the owner too) and the shares it was given. Case numbers,
    organizations and dates only — no youth data. Two queries."""
    from datetime import timedelta

    from harborline.access.policy import works_cases

    if not works_cases(actor):
        return Expiring([], [], [])
    membership = actor.membership_or_none
    assert membership is not None  # noqa: S101 - works_cases checked it
    org_id = membership.organization_id
    now = timezone.now()
    horizon = now + timedelta(days=days)
    ending = Share.objects.active(now).filter(expires_at__lte=horizon).order_by("expires_at")
    from django.db.models import Q

    rows = list(
        ending.filter(Q(case__owner_id=org_id) | Q(organization_id=org_id))
        .select_related("organization", "case__owner")
        .distinct()[: 4 * limit]
    )
    given = [s for s in rows if s.case.owner_id == org_id][:limit]
    received = [s for s in rows if s.organization_id == org_id][:limit]
    consents = list(
        Consent.objects.filter(
            case__owner_id=org_id,
            revoked_at__isnull=True,
            expires_at__gt=now,
            expires_at__lte=horizon,
        )
        .only("pk", "case_id", "kind", "expires_at")
        .order_by("expires_at")[:limit]
    )
    return Expiring(given, received, consents)
