"""Every write of access rows: shares, consent records, break-glass. Each checks the actor's
right through `access.policy` (the case loaded by `cases.selectors.case_for`), runs in one
transaction and appends to the audit chain. These workflows grant access to cases and check
agreements' MOU basis, so they sit above both (docs/decisions/0036-sharing-above-cases.md); the
rule and the rows they write stay in `access`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from harborline.access import compartments as c
from harborline.access.models import (
    BREAK_GLASS_HOURS,
    BasisType,
    BreakGlass,
    Consent,
    ConsentKind,
    EndReason,
    EvidenceKind,
    ReviewOutcome,
    Share,
)
from harborline.access.policy import NOT_FOUND, Grant, may_break_glass, require_edit
from harborline.agreements.services import check_mou_basis
from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.cases.models import Case, ExternalReference, ReferenceKind
from harborline.cases.selectors import case_for
from harborline.crypto.fields import blind_index
from harborline.errors import FieldError, Forbidden, InvalidInput, NotFound
from harborline.people.lookups import organization_by_slug
from harborline.people.models import Organization
from harborline.people.roles import Role

if TYPE_CHECKING:
    from harborline.people.models import User


def _audit(actor: User, action: str, obj: Any, case: Case, grant: Grant, **detail: Any) -> None:
    record(
        actor=actor,
        action=action,
        obj=obj,
        owner_org=case.owner,
        youth_id=case.youth_id,
        compartments=detail.pop("compartments", ()),
        purpose=detail.pop("purpose", grant.purpose),
        legal_basis=detail.pop("legal_basis", grant.legal_basis),
        detail=detail,
    )


def _future(value: datetime | None, field: str, *, required: bool) -> datetime | None:
    if value is None:
        if required:
            raise InvalidInput.field(field, "give the date and time the access ends")
        return None
    if timezone.is_naive(value):
        raise InvalidInput.field(field, "give a time zone offset, e.g. 2027-03-03T17:00:00-08:00")
    if value <= timezone.now():
        raise InvalidInput.field(field, "must be in the future")
    return value


def _organization(slug: str, field: str = "organization") -> Organization:
    organization = organization_by_slug(slug, field, active=True)
    if organization is None:
        raise InvalidInput.field(field, "choose the organization")
    return organization


# --- consent ---------------------------------------------------------------------------------
@transaction.atomic
def record_consent(
    *,
    actor: User,
    case_id: int,
    kind: str,
    given_by: str,
    recipients: list[str],
    compartments: list[str],
    purpose: str,
    evidence: str,
    evidence_reference: str = "",
    attestation: str = "",
    given_on: Any = None,
    expires_at: datetime | None = None,
) -> Consent:
    case, grant = case_for(actor, case_id)
    require_edit(grant)
    errors: list[FieldError] = []
    if kind not in ConsentKind.values:
        errors.append(FieldError("kind", "Select whose consent this is"))
    if not given_by.strip():
        errors.append(FieldError("given_by", "say who gave the consent"))
    if not purpose.strip():
        errors.append(FieldError("purpose", "say what the information is shared for"))
    if evidence not in EvidenceKind.values:
        errors.append(FieldError("evidence", "Select how the consent is on file"))
    elif evidence == EvidenceKind.SIGNED_FORM and not evidence_reference.strip():
        errors.append(FieldError("evidence_reference", "name the signed form (file or form id)"))
    elif evidence == EvidenceKind.ATTESTATION and not attestation.strip():
        errors.append(FieldError("attestation", "write the attestation"))
    if not recipients:
        errors.append(FieldError("recipients", "name at least one recipient organization"))
    orgs = list(Organization.objects.filter(slug__in=recipients, is_active=True))
    missing = sorted(set(recipients) - {o.slug for o in orgs})
    if missing:
        errors.append(FieldError("recipients", f"no active organization: {', '.join(missing)}"))
    try:
        names = c.check(compartments)
    except InvalidInput as exc:
        errors.extend(exc.errors)
        names = []
    try:
        expires = _future(expires_at, "expires_at", required=False)
    except InvalidInput as exc:
        errors.extend(exc.errors)
        expires = None
    if errors:
        raise InvalidInput.fields(errors)
    consent = Consent.objects.create(
        case=case,
        kind=kind,
        given_by=given_by.strip(),
        compartments=names,
        purpose=purpose.strip(),
        given_on=given_on or timezone.localdate(),
        expires_at=expires,
        evidence=evidence,
        evidence_reference=evidence_reference.strip(),
        attestation=attestation.strip(),
        recorded_by=actor,
    )
    consent.recipients.set(orgs)
    _audit(
        actor,
        Action.CREATE,
        consent,
        case,
        grant,
        compartments=names,
        kind=kind,
        recipients=sorted(recipients),
    )
    return consent


def _consent_for(actor: User, consent_id: int) -> tuple[Consent, Case, Grant]:
    try:
        consent = Consent.objects.select_related("case").get(pk=consent_id)
    except Consent.DoesNotExist:
        raise NotFound("No such consent record, or you do not have access to it.") from None
    try:
        case, grant = case_for(actor, consent.case_id)
    except NotFound:
        raise NotFound("No such consent record, or you do not have access to it.") from None
    return consent, case, grant


@transaction.atomic
def revoke_consent(*, actor: User, consent_id: int, reason: str = "") -> Consent:
    """Revoke a consent record; every share resting on it ends at once."""
    consent, case, grant = _consent_for(actor, consent_id)
    require_edit(grant)
    if consent.revoked_at is not None:
        return consent
    now = timezone.now()
    consent.revoked_at, consent.revoked_by, consent.revoke_reason = now, actor, reason[:300]
    consent.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    ended = []
    for share in consent.shares.filter(ended_at__isnull=True).select_related("organization"):
        share.ended_at, share.ended_by = now, actor
        share.end_reason = EndReason.CONSENT_REVOKED
        share.save(update_fields=["ended_at", "ended_by", "end_reason"])
        ended.append(share.pk)
    _audit(actor, Action.UPDATE, consent, case, grant, revoked=True, shares_ended=ended)
    return consent


@dataclass
class ConsentNeeds:
    """What the pack's consent rule asks for sharing some compartments with a recipient, and
    which active consent records on file answer it: `on_file` the records that would be used,
    `missing` each consent still needed, in words ("youth assent", "parent or guardian or court
    order"); `rule` the rule's id and words, `age` the youth's age (None: unknown)."""

    on_file: list[Consent]
    missing: list[str]
    rule: str = ""
    rule_words: str = ""
    age: int | None = None

    @property
    def met(self) -> bool:
        return not self.missing


def consent_needs(case: Case, recipient: Organization, compartments: list[str]) -> ConsentNeeds:
    """The one reading of the pack's consent rule for a share (decision 0009): asked by
    create_share (through consent_covering) and by the sharing wizard's consent step."""
    from harborline.protocols.packs import get_pack
    from harborline.protocols.sections import Consent as ConsentRules

    now = timezone.now()
    candidates = [
        k
        for k in case.consents.filter(revoked_at__isnull=True)
        .prefetch_related("recipients")
        .order_by("pk")
        if k.active(now)
        and recipient in k.recipients.all()
        and set(compartments) <= set(k.compartments)
    ]
    age = case.youth.age_on(timezone.localdate())
    pack = get_pack(case.pack)
    rules = pack.sections.get("consent.yaml")
    rule = rules.rule_for(age) if isinstance(rules, ConsentRules) else None
    if rule is None:
        return ConsentNeeds(candidates, [] if candidates else ["a consent record"], age=age)
    used: list[Consent] = []
    missing: list[str] = []
    for group in rule.requires:
        match = next((k for k in candidates if k.kind in group), None)
        if match is None:
            missing.append(" or ".join(ConsentKind(kind).label.lower() for kind in group))
        else:
            used.append(match)
    return ConsentNeeds(used, missing, rule=rule.id, rule_words=rule.note, age=age)


def consents_on_file(
    *, actor: User, case: Case, grant: Grant, recipient: Organization, compartments: list[str]
) -> ConsentNeeds:
    """`consent_needs` for a person deciding on a share (the sharing wizard): for the case's
    managers only, and recorded as a read of the case's consent records, whose "given by" names
    the youth or a parent."""
    require_edit(grant)
    needs = consent_needs(case, recipient, compartments)
    record(
        actor=actor,
        action=Action.VIEW,
        object_type="access.sharing",
        object_id=f"case:{case.pk}",
        owner_org=case.owner,
        youth_id=case.youth_id,
        purpose="sharing and consent",
        legal_basis=grant.legal_basis,
        detail={"consents": [k.pk for k in needs.on_file], "recipient": recipient.slug},
    )
    return needs


def consent_covering(
    case: Case, recipient: Organization, compartments: list[str], purpose: str
) -> list[Consent]:
    """The active consent records that together satisfy the pack's age rule for sharing these
    compartments with this recipient; InvalidInput (field basis.reference) when they do not."""
    needs = consent_needs(case, recipient, compartments)
    if needs.met:
        return needs.on_file
    if not needs.rule:
        raise InvalidInput.field(
            "basis.reference",
            f"no active consent names {recipient.name} for: {', '.join(compartments)}",
        )
    who = "age unknown" if needs.age is None else f"age {needs.age}"
    raise InvalidInput.field(
        "basis.reference",
        f"for a youth of {who} sharing {', '.join(compartments)} with {recipient.name} "
        f"needs: {'; and '.join(needs.missing)} (consent rule {needs.rule!r} of the "
        f"{case.pack} pack)",
    )


# --- shares ----------------------------------------------------------------------------------
@transaction.atomic
def create_share(
    *,
    actor: User,
    case_id: int,
    organization: str,
    compartments: list[str],
    purpose: str,
    basis_type: str,
    basis_reference: str,
    expires_at: datetime | None,
    role: str = "",
    may_edit: bool = False,
    dry_run: bool = False,
) -> Share:
    """Share compartments of a case with another organization (or one role in it). The other
    organization reads them and adds notes; `may_edit` — the owner's explicit grant, off by
    default — also lets its case managers change the records in them (policy.Grant.edits).
    With `dry_run`, every check runs and the share is returned unsaved, nothing written (the
    sharing wizard asks at each step, so its rules are these)."""
    case, grant = case_for(actor, case_id)
    require_edit(grant)
    errors: list[FieldError] = []
    recipient = None
    try:
        recipient = _organization(organization)
        if recipient.pk == case.owner_id:
            errors.append(FieldError("organization", "the owning organization already sees it"))
    except InvalidInput as exc:
        errors.extend(exc.errors)
    try:
        names = c.check(compartments)
    except InvalidInput as exc:
        errors.extend(exc.errors)
        names = []
    if role and role not in Role.values:
        errors.append(FieldError("role", "Select a role in that organization, or none"))
    if not purpose.strip():
        errors.append(FieldError("purpose", "say what the information is shared for"))
    if basis_type not in BasisType.values:
        errors.append(FieldError("basis.type", "Select the legal basis for sharing"))
    if not basis_reference.strip() and basis_type != BasisType.CONSENT:
        errors.append(FieldError("basis.reference", "name the report, order or MOU"))
    try:
        expires = _future(expires_at, "expires_at", required=True)
    except InvalidInput as exc:
        errors.extend(exc.errors)
    if (
        recipient is not None
        and recipient.type in c.PRIVILEGE_BARRED_ORG_TYPES
        and c.Compartment.ADVOCATE_PRIVILEGED in names
    ):
        errors.append(
            FieldError(
                "compartments",
                "advocate-privileged notes are never shared with law enforcement, prosecution "
                "or probation",
            )
        )
    if errors:
        raise InvalidInput.fields(errors)
    assert recipient is not None and expires is not None  # noqa: S101 - narrowed by the checks
    consents: list[Consent] = []
    if basis_type == BasisType.CONSENT:
        consents = consent_covering(case, recipient, names, purpose)
        basis_reference = basis_reference.strip() or ",".join(str(k.pk) for k in consents)
        # A share cannot outlast the consent it rests on.
        ends = [k.expires_at for k in consents if k.expires_at is not None]
        expires = min([expires, *ends])
    elif basis_type == BasisType.MOU:
        check_mou_basis(
            reference=basis_reference.strip(),
            owner=case.owner,
            recipient=recipient,
            compartments=names,
            purpose=purpose.strip(),
        )
    share = Share(
        case=case,
        organization=recipient,
        role=role,
        compartments=names,
        purpose=purpose.strip(),
        basis_type=basis_type,
        basis_reference=basis_reference.strip(),
        may_edit=bool(may_edit),
        expires_at=expires,
        created_by=actor,
    )
    if dry_run:
        return share
    share.save()
    if consents:
        share.consents.set(consents)
    _audit(
        actor,
        Action.SHARE,
        share,
        case,
        grant,
        compartments=names,
        purpose=share.purpose,
        legal_basis=f"{basis_type}:{share.basis_reference}",
        recipient=recipient.slug,
        role=role,
        may_edit=share.may_edit,
    )
    return share


@transaction.atomic
def end_share(*, actor: User, share_id: int, case_id: int | None = None) -> Share:
    """End a share at once. `case_id`: the case the request names (the case page's address);
    a share of another case is NotFound and nothing is ended."""
    try:
        share = Share.objects.get(pk=share_id)
        if case_id is not None and share.case_id != case_id:
            raise NotFound
        case, grant = case_for(actor, share.case_id)
    except (Share.DoesNotExist, NotFound):
        raise NotFound("No such share, or you do not have access to it.") from None
    require_edit(grant)
    if share.ended_at is None:
        share.ended_at, share.ended_by, share.end_reason = timezone.now(), actor, EndReason.DELETED
        share.save(update_fields=["ended_at", "ended_by", "end_reason"])
        _audit(actor, Action.DELETE, share, case, grant, compartments=share.compartments)
    return share


# --- break-glass -----------------------------------------------------------------------------
# The audit action of a refused break-glass attempt (the opening itself is Action.BREAK_GLASS).
BREAK_GLASS_REFUSED = "break_glass_refused"
REASON_MIN, REASON_MAX = 10, 2000


def break_glass(*, actor: User, case_id: int, reason: str) -> BreakGlass:
    """Open a case this actor's organization has no share of, for 4 hours, with a reason. The
    owning organization is flagged (its review queue) and the opening is audited.

    The request is checked before the case is looked up, so the answer never depends on whether
    the case exists: an invalid reason is InvalidInput for every case number, and a case that does
    not exist or that the actor may not open this way is the same NotFound. Every refusal is
    recorded in the audit log — the actor and the case number asked for, never youth data and
    never which of the two it was."""
    text = reason.strip()
    if len(text) < REASON_MIN:
        _refused(actor, case_id, "invalid_request")
        raise InvalidInput.field(
            "reason", f"say why this is an emergency (at least {REASON_MIN} characters)"
        )
    if len(text) > REASON_MAX:
        _refused(actor, case_id, "invalid_request")
        raise InvalidInput.field("reason", f"at most {REASON_MAX} characters")
    try:
        return _open_glass(actor=actor, case_id=case_id, reason=text)
    except NotFound:
        _refused(actor, case_id, "no_access")
        raise


# --- emergency access by lookup ---------------------------------------------------------------
# Someone outside the owning organization does not know the case number: they look the youth up
# by exact last name and date of birth, or by a number another system gave the case. The answer
# for "nothing matched" and "a match you may not open this way" is the same NotFound, reached by
# the same queries, and both are recorded as one refusal; the search terms are youth data, so the
# audit records only which way was used.
LOOKUP_REFERENCE_KINDS = (
    ReferenceKind.UNITY,
    ReferenceKind.NCMEC_REPORT,
    ReferenceKind.LAW_ENFORCEMENT_REPORT,
)
LOOKUP_MAX_MATCHES = 5  # more than this is not an emergency lookup but a search


def _reference_norm(value: str) -> str:
    """Case, spaces and dashes do not matter in a report number."""
    return "".join(ch for ch in value.casefold() if ch.isalnum())


def _lookup_criteria(
    last_name: str, dob: str, reference_kind: str, reference: str
) -> tuple[str, str]:
    """("name", key) or ("reference", kind:normalised number); InvalidInput naming the field."""
    last_name, dob, reference = last_name.strip(), dob.strip(), reference.strip()
    by_name = bool(last_name or dob)
    by_reference = bool(reference)
    if by_name and by_reference:
        raise InvalidInput.field(
            "reference", "Give either the last name and date of birth, or a reference, not both"
        )
    if by_reference:
        if reference_kind not in LOOKUP_REFERENCE_KINDS:
            raise InvalidInput.field("reference_kind", "Select which kind of reference this is")
        number = _reference_norm(reference)
        if not number or len(reference) > 100:
            raise InvalidInput.field("reference", "Enter the reference number")
        return "reference", f"{reference_kind}:{number}"
    errors = []
    if not last_name:
        errors.append(FieldError("last_name", "Enter the youth's last name"))
    try:
        born = date.fromisoformat(dob) if dob else None
    except ValueError:
        born = None
    if born is None:
        errors.append(FieldError("dob", "Enter the youth's date of birth"))
    if errors:
        raise InvalidInput.fields(errors)
    assert born is not None  # noqa: S101 - checked above
    return "name", blind_index(last_name, born.isoformat())


def _matching_cases(way: str, key: str) -> list[Case]:
    """Open and closed cases that match, whoever owns them (one query, or one query and a scan:
    reference numbers are encrypted without an index)."""
    if way == "name":
        return list(
            Case.objects.select_related("owner").filter(youth__name_dob_key=key).order_by("pk")
        )
    kind, number = key.split(":", 1)
    ids = {
        case_id
        for case_id, value in ExternalReference.objects.filter(kind=kind).values_list(
            "case_id", "value"
        )
        if _reference_norm(value or "") == number
    }
    return list(Case.objects.select_related("owner").filter(pk__in=ids).order_by("pk"))


def break_glass_by_lookup(
    *,
    actor: User,
    reason: str,
    last_name: str = "",
    dob: str = "",
    reference_kind: str = "",
    reference: str = "",
) -> list[BreakGlass]:
    """Emergency access to the cases that match exactly, for 4 hours each, with one reason.
    InvalidInput for a bad reason or incomplete search (before anything is looked up); NotFound
    (NOT_FOUND) when nothing matched or nothing that matched may be opened this way — the same
    answer — or when too many match."""
    text = reason.strip()
    problem: InvalidInput | None = None
    if len(text) < REASON_MIN:
        problem = InvalidInput.field(
            "reason", f"Say why this is an emergency (at least {REASON_MIN} characters)"
        )
    elif len(text) > REASON_MAX:
        problem = InvalidInput.field("reason", f"Use at most {REASON_MAX} characters")
    try:
        way, key = _lookup_criteria(last_name, dob, reference_kind, reference)
    except InvalidInput as bad:
        problem = InvalidInput.fields([*(problem.errors if problem else []), *bad.errors])
    if problem is not None:
        _refused(actor, "lookup", "invalid_request")
        raise problem
    matches = _matching_cases(way, key)
    allowed = [case for case in matches if may_break_glass(actor, case)]
    if not allowed or len(allowed) > LOOKUP_MAX_MATCHES:
        _refused(actor, "lookup", "no_access", way=way)
        raise NotFound(NOT_FOUND)
    with transaction.atomic():
        return [_open_glass(actor=actor, case_id=case.pk, reason=text) for case in allowed]


def _refused(actor: User, case_id: int | str, why: str, **detail: str) -> None:
    """One audit event for a refused attempt, committed whatever the caller does next. It names
    no owning organization and no youth, so it says nothing about the case to anyone who reads
    the actor's organization's audit; `why` is the same for a missing and a forbidden case."""
    record(
        actor=actor,
        action=BREAK_GLASS_REFUSED,
        object_type="cases.case",
        object_id=str(case_id)[:64],
        purpose="emergency access (break-glass)",
        detail={"refused": why, **detail},
    )


@transaction.atomic
def _open_glass(*, actor: User, case_id: int, reason: str) -> BreakGlass:
    case = Case.objects.select_related("owner").filter(pk=case_id).first()
    if case is None or not may_break_glass(actor, case):
        raise NotFound(NOT_FOUND)
    now = timezone.now()
    membership = actor.membership_or_none
    assert membership is not None  # noqa: S101 - may_break_glass checked it
    glass = BreakGlass.objects.create(
        case=case,
        user=actor,
        organization=membership.organization,
        reason=reason,
        opened_at=now,
        expires_at=BreakGlass.window(now),
    )
    record(
        actor=actor,
        action=Action.BREAK_GLASS,
        obj=glass,
        owner_org=case.owner,
        youth_id=case.youth_id,
        compartments=c.BREAK_GLASS,
        purpose="emergency access (break-glass)",
        legal_basis=f"break_glass:{glass.pk}",
        detail={"hours": BREAK_GLASS_HOURS},
    )
    _notify_owner(glass)
    return glass


def _notify_owner(glass: BreakGlass) -> None:
    """E-mail the owning organization's reviewers (after commit): someone broke the glass."""
    from django.conf import settings
    from django.core.mail import send_mail

    from harborline.people.models import User

    reviewers = list(
        User.objects.filter(
            is_active=True,
            membership__organization_id=glass.case.owner_id,
            membership__role__in=["supervisor", "org_admin"],
        ).values_list("email", flat=True)
    )
    if not reviewers:
        return
    subject = f"Harborline: emergency access to case {glass.case_id} needs review"
    body = (
        f"{glass.user.email} of {glass.organization.name} opened case {glass.case_id} with "
        f"break-glass at {glass.opened_at:%Y-%m-%d %H:%M} UTC for {BREAK_GLASS_HOURS} hours.\n"
        f"Review it in Harborline under Break-glass reviews. The reason is shown there."
    )
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, reviewers))


@transaction.atomic
def review_break_glass(*, actor: User, glass_id: int, outcome: str, note: str = "") -> BreakGlass:
    try:
        glass = BreakGlass.objects.select_related("case").get(pk=glass_id)
        case, grant = case_for(actor, glass.case_id)
    except (BreakGlass.DoesNotExist, NotFound):
        raise NotFound("No such break-glass opening, or you do not have access to it.") from None
    if not grant.reviews:
        raise Forbidden("Only supervisors and administrators of the owning organization review.")
    if outcome not in ReviewOutcome.values:
        raise InvalidInput.field("outcome", "Select justified or not justified")
    if outcome == ReviewOutcome.NOT_JUSTIFIED and not note.strip():
        raise InvalidInput.field("note", "say what was wrong, for the record")
    now = timezone.now()
    glass.reviewed_at, glass.reviewed_by = now, actor
    glass.outcome, glass.review_note = outcome, note.strip()[:500]
    fields = ["reviewed_at", "reviewed_by", "outcome", "review_note"]
    ended = outcome == ReviewOutcome.NOT_JUSTIFIED and glass.expires_at > now
    if ended:
        # "Not justified" ends the access at once, not when its four hours run out.
        glass.expires_at = now
        fields.append("expires_at")
    glass.save(update_fields=fields)
    _audit(actor, Action.UPDATE, glass, case, grant, outcome=outcome, ended=ended)
    if outcome == ReviewOutcome.NOT_JUSTIFIED:
        _notify_not_justified(glass, ended=ended)
    return glass


def _notify_not_justified(glass: BreakGlass, *, ended: bool) -> None:
    """E-mail (after commit) the owning organization's reviewers and the person who opened the
    case: the review found the emergency access not justified. No youth data: the case number,
    the organizations and the times only."""
    from django.conf import settings
    from django.core.mail import send_mail

    from harborline.people.models import User

    owners = set(
        User.objects.filter(
            is_active=True,
            membership__organization_id=glass.case.owner_id,
            membership__role__in=["supervisor", "org_admin"],
        ).values_list("email", flat=True)
    )
    recipients = sorted(owners | {glass.user.email})
    subject = f"Harborline: emergency access to case {glass.case_id} was not justified"
    when = "It was ended at once." if ended else "Its four hours had already run out."
    body = (
        f"A reviewer of the owning organization found the emergency access by "
        f"{glass.user.email} of {glass.organization.name} to case {glass.case_id} "
        f"not justified. {when}\n"
        f"The review note is in Harborline under Break-glass reviews."
    )
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients))
