"""Reads of access rows: a case's shares and consent records (for the organization that manages
them) and the break-glass review queue. Each checks the actor's right and records the read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import connection
from django.utils import timezone

from harborline.access.compartments import NAMES
from harborline.access.models import BreakGlass, Consent, Share
from harborline.access.policy import REVIEWERS, Grant, require_edit, works_cases
from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.cases.selectors import case_for
from harborline.errors import NotFound
from harborline.people.models import Organization

from .consent_form import build, check_language

if TYPE_CHECKING:
    from harborline.cases.models import Case
    from harborline.pdf import Printout
    from harborline.people.models import User

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


def managed_case(actor: User, case_id: int) -> tuple[Case, Grant]:
    """The case and the actor's grant, for the case's managers (policy.CASE_MANAGERS of the
    owning organization): NotFound for a case the actor does not see, Forbidden for one they see
    but do not manage. The sharing pages and the sharing wizard start here."""
    case, grant = case_for(actor, case_id)
    require_edit(grant)
    return case, grant


def active_share(*, actor: User, case: Case, grant: Grant, share_id: int) -> Share:
    """One of the case's active shares (read as `sharing_state` reads them, the read recorded);
    NotFound for a share that is not one of them."""
    state = sharing_state(actor=actor, case=case, grant=grant)
    share = next((s for s in state.shares if s.pk == share_id), None)
    if share is None:
        raise NotFound()
    return share


def case_consent(*, actor: User, case: Case, grant: Grant, consent_id: int) -> Consent:
    """One of the case's consent records (read as `sharing_state` reads them, the read
    recorded); NotFound for a record of another case."""
    state = sharing_state(actor=actor, case=case, grant=grant)
    consent = next((k for k in state.consents if k.pk == consent_id), None)
    if consent is None:
        raise NotFound()
    return consent


def resting_shares(consent: Consent, now: datetime) -> list[Share]:
    """The shares resting on a consent record that have neither ended nor expired at `now`:
    those revoking it ends."""
    return [s for s in consent.shares.all() if s.ended_at is None and s.expires_at > now]


def consent_recipients(case: Case) -> list[tuple[str, str]]:
    """(slug, name) of the organizations a consent record of the case may name: every active
    organization but the owner."""
    return [
        (o.slug, o.name)
        for o in Organization.objects.filter(is_active=True).exclude(pk=case.owner_id)
    ]


def consent_rule_words(case: Case) -> str:
    """The pack's consent rule for the youth's age, in words."""
    from harborline.protocols.packs import get_pack
    from harborline.protocols.sections import Consent as ConsentRules

    rules = get_pack(case.pack).sections.get("consent.yaml")
    if not isinstance(rules, ConsentRules):
        return "This protocol pack sets no consent rule."
    age = case.youth.age_on(timezone.localdate())
    rule = rules.rule_for(age)
    if rule is None:
        return "This protocol pack sets no consent rule for the youth's age."
    who = (
        "The youth's age is not recorded, so the strictest rule applies"
        if age is None
        else (f"The youth is {age}")
    )
    return f"{who}: {rule.note}"


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
# The consent test is correlated to each share (NOT EXISTS through the share's own consent
# rows, by the (share, consent) index): as `s.id NOT IN (every share with a revoked or expired
# consent)` it read every such consent in the installation whenever the case had a share, ~2.3
# ms on the state-scale data set for the biggest case against ~0.03 (docs/benchmarks.md, fifth
# round). The same rows: share_id is never NULL.
ACTIVE_SHARES = (
    'SELECT s.organization_id FROM "access_share" s '
    "WHERE s.case_id = %s AND s.ended_at IS NULL AND s.expires_at > %s "
    'AND NOT EXISTS (SELECT 1 FROM "access_share_consents" sc '
    'INNER JOIN "access_consent" k ON k.id = sc.consent_id '
    "WHERE sc.share_id = s.id AND (k.revoked_at IS NOT NULL OR k.expires_at <= %s))"
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


def require_emergency_access(actor: User) -> None:
    """NotFound unless the actor works cases (access.policy.works_cases): the emergency-access
    page does not exist for anyone else."""
    if not works_cases(actor):
        raise NotFound()


def reviewer_organization(actor: User) -> Organization:
    """The organization whose break-glass openings the actor reviews: their own, for its
    supervisors and administrators (NotFound for anyone else)."""
    membership = actor.membership_or_none
    if membership is None or not membership.is_active or membership.role not in REVIEWERS:
        raise NotFound("No such page.")
    return membership.organization


def break_glass_reviews(actor: User) -> ReviewQueue:
    """Break-glass openings of the actor's organization's cases: those awaiting review and the
    latest reviewed. Only supervisors and administrators (NotFound otherwise)."""
    org = reviewer_organization(actor)
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


# --- the consent form, printed for the youth and the family (decision 0064) ---------------------
def consent_form(
    *,
    actor: User,
    case: Case,
    grant: Grant,
    consent_id: int | None,
    lang: str,
    export: bool = False,
    recipients: list[str] | None = None,
    compartments: list[str] | None = None,
    purpose: str = "",
) -> Printout:
    """The consent form for one consent record of the case (`consent_id`), or blank (None),
    in `lang`: for the case's managers, as the sharing page (Forbidden otherwise); a record of
    another case is NotFound. Recorded as a read of the consent record (the blank form: of the
    case's sharing), an export when it is the PDF (`export`), as the youth-safe copy is."""
    require_edit(grant)
    check_language(lang)
    consent = None
    if consent_id is not None:
        consent = (
            Consent.objects.filter(pk=consent_id, case=case).prefetch_related("recipients").first()
        )
        if consent is None:
            raise NotFound("No such consent record, or you do not have access to it.")
        doc = build(case, lang=lang, consent=consent)
    else:
        orgs = list(
            Organization.objects.filter(slug__in=recipients or [], is_active=True)
            .exclude(pk=case.owner_id)
            .order_by("name")
        )
        chosen = [n for n in compartments or [] if n in NAMES]
        doc = build(
            case, lang=lang, recipients=orgs, compartments=chosen, purpose=purpose.strip()[:300]
        )
    record(
        actor=actor,
        action=Action.EXPORT if export else Action.VIEW,
        obj=consent,
        object_type="" if consent is not None else "access.sharing",
        object_id="" if consent is not None else f"case:{case.pk}",
        owner_org=case.owner,
        youth_id=case.youth_id,
        compartments=["identity"],
        purpose="consent form for the youth and family",
        legal_basis=grant.legal_basis,
        detail={"printout": "consent_form", "lang": lang, "blank": consent is None},
    )
    return doc
