"""Every write to agreements, and the access layer's hook `check_mou_basis`.

Writes take keyword-only arguments, run in one transaction, check the actor's right through
`permissions.RULES`, append an audit record and return the changed object."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    check_version,
)
from harborline.people.models import Organization, User
from harborline.people.roles import OrgType

from .models import (
    DSA_CURE_DAYS,
    DSA_NOTICE_DAYS,
    DSA_TERM_YEARS,
    Agreement,
    AgreementParty,
    Breach,
    DataSubmission,
    Disposition,
    Kind,
    MouElement,
    ScreeningRule,
    Status,
    VariableSet,
    add_years,
)
from .permissions import Do, Scope, may_on, scope_for
from .vocab import COMPARTMENTS, MOU_ELEMENT_CODES, PURPOSES, normalise_purpose

REFERENCE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{2,59}$")
MAX_TITLE = 200


# --- the access hook -----------------------------------------------------------------------


def check_mou_basis(
    *,
    reference: str,
    owner: Organization,
    recipient: Organization,
    compartments: Sequence[str],
    purpose: str,
    at: datetime | None = None,
) -> Agreement:
    """The MOU `reference` if it is a basis for `owner` to share `compartments` of a case with
    `recipient` for `purpose` at `at` (default now): it is in force on that day (signed by all
    parties, within its term, not terminated), both organizations are parties, it names every
    compartment and the purpose. Otherwise InvalidInput, with every problem found named by field
    ("basis.reference", "compartments", "purpose"). A pure read: the caller audits the share."""
    ref = (reference or "").strip().upper()
    mou = (
        Agreement.objects.filter(reference=ref, kind=Kind.MOU)
        .prefetch_related("parties__organization")
        .first()
        if ref
        else None
    )
    if mou is None:
        raise InvalidInput.field("basis.reference", f"There is no MOU with reference {ref!r}.")
    errors: list[FieldError] = []
    party_ids = {p.organization_id for p in mou.parties.all()}
    outsiders = [o for o in (owner, recipient) if o.pk not in party_ids]
    if outsiders:
        names = " and ".join(sorted({o.name for o in outsiders}))
        errors.append(FieldError("basis.reference", f"{names} is not a party to {mou.reference}."))
    day = mou.local_date(at)
    status = mou.status_on(day)
    if status not in (Status.IN_FORCE, Status.EXPIRING):
        errors.append(FieldError("basis.reference", _not_in_force(mou, status, day)))
    wanted = [c.strip().lower() for c in compartments if c and c.strip()]
    if not wanted:
        errors.append(FieldError("compartments", "Name at least one compartment to share."))
    else:
        named = {c.lower() for c in mou.compartments}
        missing = sorted(set(c for c in wanted if c not in named))
        if missing:
            errors.append(
                FieldError("compartments", f"{mou.reference} does not cover: {', '.join(missing)}")
            )
    slug = normalise_purpose(purpose)
    if slug not in {p.lower() for p in mou.purposes}:
        covered = ", ".join(mou.purposes) or "no purposes"
        shown = slug or "(none given)"
        errors.append(
            FieldError(
                "purpose",
                f"{mou.reference} does not cover the purpose {shown}; it covers: {covered}",
            )
        )
    if errors:
        raise InvalidInput.fields(errors)
    return mou


def _not_in_force(mou: Agreement, status: str, day: date) -> str:
    if status == Status.DRAFT:
        waiting = ", ".join(p.organization.name for p in mou.unsigned_parties())
        return f"{mou.reference} is not in force: not yet signed by {waiting}."
    if status == Status.PENDING:
        return f"{mou.reference} is not in force until {mou.effective_on:%Y-%m-%d}."
    if status == Status.EXPIRED:
        return f"{mou.reference} expired on {mou.expires_on:%Y-%m-%d}."
    if status == Status.TERMINATED:
        return f"{mou.reference} was terminated on {mou.terminates_on:%Y-%m-%d}."
    return f"{mou.reference} is not in force on {day:%Y-%m-%d}."  # pragma: no cover


# --- helpers -------------------------------------------------------------------------------


def _own_org(actor: User) -> Organization | None:
    m = actor.membership_or_none
    return m.organization if m else None


def _require(
    actor: User, action: Do, agreement: Agreement, for_org: Organization | None = None
) -> None:
    if not may_on(actor, Do.READ, agreement):
        raise NotFound()
    if not may_on(actor, action, agreement, for_org=for_org):
        raise Forbidden(
            "Only an administrator of a party organization (or a system administrator) can do this."
        )


def _check_version(agreement: Agreement, version: int | None) -> None:
    check_version(agreement.version, version)


def _bump(agreement: Agreement, fields: list[str]) -> None:
    agreement.version += 1
    agreement.updated_at = timezone.now()
    agreement.save(update_fields=[*fields, "version", "updated_at"])


def _lock(agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.select_for_update()
        .prefetch_related("parties__organization")
        .get(pk=agreement.pk)
    )


def _audit(actor: User | None, action: str, agreement: Agreement, **detail: object) -> None:
    owner = _own_org(actor) if actor is not None else None
    record(
        actor=actor,
        action=action,
        obj=agreement,
        owner_org=owner,
        detail={"reference": agreement.reference, "kind": agreement.kind, **detail},
    )


def _scope_errors(
    compartments: Iterable[str], purposes: Iterable[str]
) -> tuple[list[str], list[str], list[FieldError]]:
    errors: list[FieldError] = []
    comps = sorted({(c or "").strip().lower() for c in compartments if (c or "").strip()})
    unknown = [c for c in comps if c not in COMPARTMENTS]
    if unknown:
        errors.append(
            FieldError(
                "compartments",
                f"unknown compartments: {', '.join(unknown)} (known: {', '.join(COMPARTMENTS)})",
            )
        )
    purps = sorted({normalise_purpose(p) for p in purposes if normalise_purpose(p)})
    unknown_p = [p for p in purps if p not in PURPOSES]
    if unknown_p:
        errors.append(
            FieldError(
                "purposes",
                f"unknown purposes: {', '.join(unknown_p)} (known: {', '.join(PURPOSES)})",
            )
        )
    ordered_comps = [c for c in COMPARTMENTS if c in comps]
    ordered_purps = [p for p in PURPOSES if p in purps]
    return ordered_comps, ordered_purps, errors


def _today(tz_name: str) -> date:
    return timezone.now().astimezone(ZoneInfo(tz_name)).date()


# --- creating and editing ------------------------------------------------------------------


@transaction.atomic
def create_agreement(
    *,
    actor: User,
    kind: str,
    reference: str,
    title: str,
    parties: Sequence[Organization],
    document_reference: str = "",
    effective_on: date | None = None,
    expires_on: date | None = None,
    compartments: Iterable[str] = (),
    purposes: Iterable[str] = (),
    notes: str = "",
    time_zone: str = "",
    client_level: bool = False,
    aggregate: bool = True,
    custodian: str = "",
) -> Agreement:
    """A new MOU (with an empty 4-A checklist) or data-sharing agreement, unsigned. An org admin
    must name their own organization among the parties."""
    party_list = list({o.pk: o for o in parties}.values())
    scope = scope_for(actor, Do.CREATE)
    if scope is None:
        raise Forbidden(
            "Only organization administrators and system administrators can add agreements."
        )
    own = _own_org(actor)
    if scope == Scope.PARTY and own is not None and own.pk not in {o.pk for o in party_list}:
        raise InvalidInput.field("parties", f"Include your own organization, {own.name}.")
    errors: list[FieldError] = []
    if kind not in Kind.values:
        raise InvalidInput.field("kind", f"{kind!r} is not one of: {', '.join(Kind.values)}")
    ref = (reference or "").strip().upper()
    if not REFERENCE.match(ref):
        errors.append(
            FieldError(
                "reference",
                "use 3-60 capital letters, digits, dots and hyphens, e.g. MOU-WASHOE-2026-01",
            )
        )
    title = (title or "").strip()
    if not 1 <= len(title) <= MAX_TITLE:
        errors.append(FieldError("title", f"give a title of 1 to {MAX_TITLE} characters"))
    if len(party_list) < 2:
        errors.append(FieldError("parties", "an agreement needs at least two organizations"))
    if kind == Kind.DSA:
        centers = [o for o in party_list if o.type == OrgType.STATISTICAL_CENTER]
        if len(party_list) != 2 or len(centers) != 1:
            errors.append(
                FieldError(
                    "parties",
                    "a data-sharing agreement is between one agency and the statistical center",
                )
            )
        if not (client_level or aggregate):
            errors.append(
                FieldError("aggregate", "choose client-level data, aggregate data or both")
            )
    comps, purps, scope_errors = _scope_errors(compartments, purposes)
    errors += scope_errors
    if kind == Kind.MOU and effective_on and expires_on and expires_on < effective_on:
        errors.append(FieldError("expires_on", "the last day must not be before the first"))
    tz_name = time_zone or (own.time_zone if own is not None else "America/Los_Angeles")
    try:
        ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(FieldError("time_zone", f"{tz_name!r} is not a known time zone"))
    if errors:
        raise InvalidInput.fields(errors)
    if Agreement.objects.filter(reference=ref).exists():
        raise Conflict(
            f"An agreement with reference {ref} already exists.",
            errors=[FieldError("reference", "already used by another agreement")],
        )
    is_mou = kind == Kind.MOU
    agreement = Agreement.objects.create(
        kind=kind,
        reference=ref,
        title=title,
        document_reference=(document_reference or "").strip()[:300],
        time_zone=tz_name,
        effective_on=effective_on if is_mou else None,
        expires_on=expires_on if is_mou else None,
        compartments=comps,
        purposes=purps if is_mou else (purps or ["statistical_reporting"]),
        notes=(notes or "").strip(),
        client_level=client_level,
        aggregate=aggregate,
        custodian=(custodian or "").strip()[:200],
        created_by=actor,
    )
    AgreementParty.objects.bulk_create(
        AgreementParty(agreement=agreement, organization=o) for o in party_list
    )
    if is_mou:
        MouElement.objects.bulk_create(
            MouElement(agreement=agreement, code=code) for code in MOU_ELEMENT_CODES
        )
    _audit(actor, Action.CREATE, agreement, parties=[o.slug for o in party_list])
    return agreement


@transaction.atomic
def update_agreement(
    *,
    actor: User,
    agreement: Agreement,
    version: int | None,
    title: str | None = None,
    document_reference: str | None = None,
    notes: str | None = None,
    effective_on: date | None = None,
    expires_on: date | None = None,
    compartments: Iterable[str] | None = None,
    purposes: Iterable[str] | None = None,
    custodian: str | None = None,
) -> Agreement:
    """Change an agreement's details. The sharing scope (compartments, purposes) is what the
    parties signed: it cannot change once anyone has signed (make an amendment instead)."""
    agreement = _lock(agreement)
    _require(actor, Do.EDIT, agreement)
    _check_version(agreement, version)
    errors: list[FieldError] = []
    changed: list[str] = []
    if title is not None:
        title = title.strip()
        if not 1 <= len(title) <= MAX_TITLE:
            errors.append(FieldError("title", f"give a title of 1 to {MAX_TITLE} characters"))
        elif title != agreement.title:
            agreement.title = title
            changed.append("title")
    for name, value, limit in (
        ("document_reference", document_reference, 300),
        ("notes", notes, 10000),
        ("custodian", custodian, 200),
    ):
        if value is not None and value.strip()[:limit] != getattr(agreement, name):
            setattr(agreement, name, value.strip()[:limit])
            changed.append(name)
    if agreement.kind == Kind.MOU:
        new_eff = effective_on if effective_on is not None else agreement.effective_on
        new_exp = expires_on if expires_on is not None else agreement.expires_on
        if new_eff and new_exp and new_exp < new_eff:
            errors.append(FieldError("expires_on", "the last day must not be before the first"))
        else:
            if new_eff != agreement.effective_on:
                agreement.effective_on = new_eff
                changed.append("effective_on")
            if new_exp != agreement.expires_on:
                agreement.expires_on = new_exp
                changed.append("expires_on")
    elif effective_on is not None or expires_on is not None:
        errors.append(
            FieldError(
                "expires_on", "a data-sharing agreement's term runs 2 years from the last signature"
            )
        )
    if compartments is not None or purposes is not None:
        comps, purps, scope_errors = _scope_errors(
            compartments if compartments is not None else agreement.compartments,
            purposes if purposes is not None else agreement.purposes,
        )
        errors += scope_errors
        if not scope_errors and (comps != agreement.compartments or purps != agreement.purposes):
            if agreement.has_signatures:
                field = "compartments" if comps != agreement.compartments else "purposes"
                errors.append(
                    FieldError(
                        field,
                        "the sharing scope is fixed once a party has signed; record an amendment "
                        "as a new agreement",
                    )
                )
            else:
                agreement.compartments, agreement.purposes = comps, purps
                changed += ["compartments", "purposes"]
    if errors:
        raise InvalidInput.fields(errors)
    if changed:
        _bump(agreement, sorted(set(changed)))
        _audit(actor, Action.UPDATE, agreement, changed=sorted(set(changed)))
    return agreement


@transaction.atomic
def set_checklist(
    *,
    actor: User,
    agreement: Agreement,
    version: int | None,
    elements: Mapping[str, tuple[bool, str]],
) -> Agreement:
    """Record, for each 4-A element, whether the MOU covers it and where in the document."""
    agreement = _lock(agreement)
    _require(actor, Do.EDIT, agreement)
    if agreement.kind != Kind.MOU:
        raise InvalidInput.field("kind", "only an MOU has the 4-A checklist")
    _check_version(agreement, version)
    errors: list[FieldError] = []
    for code, (present, location) in elements.items():
        if code not in MOU_ELEMENT_CODES:
            errors.append(FieldError(f"elements.{code}", "not an element of the 4-A guidance"))
        elif present and not (location or "").strip():
            errors.append(FieldError(f"elements.{code}", "say where in the document it is"))
        elif len((location or "").strip()) > 200:
            errors.append(FieldError(f"elements.{code}", "keep the location under 200 characters"))
    if errors:
        raise InvalidInput.fields(errors)
    rows = {e.code: e for e in agreement.elements.all()}
    changed = []
    for code, (present, location) in elements.items():
        row = rows.get(code) or MouElement(agreement=agreement, code=code)
        loc = (location or "").strip() if present else (location or "").strip()
        if row.pk is None or row.present != bool(present) or row.location != loc:
            row.present, row.location = bool(present), loc
            row.save()
            changed.append(code)
    if changed:
        _bump(agreement, [])
        _audit(actor, Action.UPDATE, agreement, changed=["checklist"], elements=changed)
    return agreement


# --- signatures ----------------------------------------------------------------------------


@transaction.atomic
def record_signature(
    *,
    actor: User,
    agreement: Agreement,
    organization: Organization,
    signatory_name: str,
    signed_on: date,
    signatory_title: str = "",
) -> AgreementParty:
    """Record that `organization`'s authorized representative signed. When the last party of a
    data-sharing agreement signs, its term starts: two years from that latest signature, and an
    earlier DSA between the same two organizations is superseded."""
    agreement = _lock(agreement)
    _require(actor, Do.SIGN, agreement, for_org=organization)
    party = next((p for p in agreement.parties.all() if p.organization_id == organization.pk), None)
    if party is None:
        raise InvalidInput.field(
            "organization", f"{organization.name} is not a party to {agreement.reference}."
        )
    if party.signed_on is not None:
        raise Conflict(
            f"{organization.name}'s signature is already recorded.",
            errors=[FieldError("organization", "already signed")],
        )
    errors = []
    name = (signatory_name or "").strip()
    if not 1 <= len(name) <= 200:
        errors.append(FieldError("signatory_name", "give the name of the person who signed"))
    if signed_on is None:
        errors.append(FieldError("signed_on", "give the date of the signature"))
    elif signed_on > agreement.local_date():
        errors.append(FieldError("signed_on", "a signature cannot be dated in the future"))
    if errors:
        raise InvalidInput.fields(errors)
    party.signed_on = signed_on
    party.signatory_name = name
    party.signatory_title = (signatory_title or "").strip()[:200]
    party.recorded_by = actor
    party.recorded_at = timezone.now()
    party.save()
    changed: list[str] = []
    if agreement.kind == Kind.DSA and agreement.is_fully_signed:
        latest = max(p.signed_on for p in agreement.parties.all() if p.signed_on)
        agreement.effective_on = latest
        agreement.expires_on = add_years(latest, DSA_TERM_YEARS) - timedelta(days=1)
        changed = ["effective_on", "expires_on"]
        _supersede_older_dsas(actor, agreement)
    _bump(agreement, changed)
    _audit(actor, Action.UPDATE, agreement, changed=["signature"], party=organization.slug)
    return party


def _supersede_older_dsas(actor: User, new: Agreement) -> None:
    """3-C: the agreement also ends 'upon the completion of a new/replacement Agreement via
    signature to the new Agreement by both parties'."""
    org_ids = sorted(p.organization_id for p in new.parties.all())
    candidates = (
        Agreement.objects.select_for_update()
        .filter(kind=Kind.DSA, terminates_on__isnull=True)
        .exclude(pk=new.pk)
        .prefetch_related("parties")
    )
    for old in candidates:
        if sorted(p.organization_id for p in old.parties.all()) != org_ids:
            continue
        if not old.is_fully_signed:
            continue
        old.terminates_on = new.effective_on
        old.termination_reason = f"Replaced by {new.reference}"
        old.superseded_by = new
        _bump(old, ["terminates_on", "termination_reason", "superseded_by"])
        _audit(actor, Action.UPDATE, old, changed=["superseded_by"], by=new.reference)


# --- termination and the DSA's duties ------------------------------------------------------


@transaction.atomic
def give_termination_notice(
    *,
    actor: User,
    agreement: Agreement,
    by_organization: Organization,
    notice_on: date,
    terminates_on: date | None = None,
    reason: str = "",
) -> Agreement:
    """Record written notice to terminate. A data-sharing agreement ends 30 days after the
    notice (3-C); an MOU ends on the day given (default: the day of the notice)."""
    agreement = _lock(agreement)
    _require(actor, Do.DUTIES, agreement)
    if agreement.terminates_on is not None:
        raise Conflict(f"{agreement.reference} already ends on {agreement.terminates_on:%Y-%m-%d}.")
    if by_organization.pk not in {p.organization_id for p in agreement.parties.all()}:
        raise InvalidInput.field("by_organization", "the notice must come from a party")
    if notice_on is None or notice_on > agreement.local_date():
        raise InvalidInput.field(
            "notice_on", "give the date the notice was given (not in the future)"
        )
    if agreement.kind == Kind.DSA:
        ends = notice_on + timedelta(days=DSA_NOTICE_DAYS)
    else:
        ends = terminates_on or notice_on
        if ends < notice_on:
            raise InvalidInput.field("terminates_on", "must not be before the notice")
    agreement.termination_notice_on = notice_on
    agreement.termination_notice_by = by_organization
    agreement.terminates_on = ends
    agreement.termination_reason = (reason or "").strip()[:300]
    _bump(
        agreement,
        ["termination_notice_on", "termination_notice_by", "terminates_on", "termination_reason"],
    )
    _audit(actor, Action.UPDATE, agreement, changed=["termination"], terminates_on=str(ends))
    return agreement


def _require_dsa(agreement: Agreement) -> None:
    if agreement.kind != Kind.DSA:
        raise InvalidInput.field("kind", "only a data-sharing agreement has this duty")


@transaction.atomic
def record_submission(
    *, actor: User, agreement: Agreement, due_year: int, submitted_on: date, note: str = ""
) -> DataSubmission:
    """The agency's annual data submission for the January 31 of `due_year`."""
    agreement = _lock(agreement)
    _require(actor, Do.DUTIES, agreement)
    _require_dsa(agreement)
    errors = []
    if not isinstance(due_year, int) or not 2000 <= due_year <= 2200:
        errors.append(FieldError("due_year", "give the year of the January 31 deadline"))
    if submitted_on is None or submitted_on > agreement.local_date():
        errors.append(FieldError("submitted_on", "give the date it was sent (not in the future)"))
    if errors:
        raise InvalidInput.fields(errors)
    if agreement.submissions.filter(due_year=due_year).exists():
        raise Conflict(
            f"The submission due {due_year}-01-31 is already recorded.",
            errors=[FieldError("due_year", "already recorded")],
        )
    sub = DataSubmission.objects.create(
        agreement=agreement,
        due_year=due_year,
        submitted_on=submitted_on,
        note=(note or "").strip()[:300],
        recorded_by=actor,
    )
    _bump(agreement, [])
    _audit(actor, Action.UPDATE, agreement, changed=["submission"], due_year=due_year)
    return sub


MIN_THRESHOLD, MAX_THRESHOLD = 3, 100


@transaction.atomic
def set_reporting_terms(
    *,
    actor: User,
    agreement: Agreement,
    version: int | None,
    screening_rule: str | None = None,
    variable_set: str | None = None,
    disclosure_threshold: int | None = None,
    client_level: bool | None = None,
    aggregate: bool | None = None,
) -> Agreement:
    """What a DSA's submissions carry (DSA-02, DSA-03), which screening counts for the year, and
    the smallest count its aggregates publish (DSA-16). Set by a party's administrator; each
    later submission states the terms it was made under."""
    agreement = _lock(agreement)
    _require(actor, Do.EDIT, agreement)
    _require_dsa(agreement)
    _check_version(agreement, version)
    errors: list[FieldError] = []
    if screening_rule is not None and screening_rule not in ScreeningRule.values:
        errors.append(
            FieldError("screening_rule", f"choose one of: {', '.join(ScreeningRule.values)}")
        )
    if variable_set is not None and variable_set not in VariableSet.values:
        errors.append(FieldError("variable_set", f"choose one of: {', '.join(VariableSet.values)}"))
    if disclosure_threshold is not None and (
        isinstance(disclosure_threshold, bool)
        or not isinstance(disclosure_threshold, int)
        or not MIN_THRESHOLD <= disclosure_threshold <= MAX_THRESHOLD
    ):
        errors.append(
            FieldError(
                "disclosure_threshold",
                f"give a whole number from {MIN_THRESHOLD} to {MAX_THRESHOLD}",
            )
        )
    level = (
        agreement.client_level if client_level is None else client_level,
        agreement.aggregate if aggregate is None else aggregate,
    )
    if not any(level):
        errors.append(FieldError("aggregate", "a submission is client-level, aggregate or both"))
    if errors:
        raise InvalidInput.fields(errors)
    changed = {
        "screening_rule": screening_rule,
        "variable_set": variable_set,
        "disclosure_threshold": disclosure_threshold,
        "client_level": client_level,
        "aggregate": aggregate,
    }
    fields = [name for name, value in changed.items() if value is not None]
    for name in fields:
        setattr(agreement, name, changed[name])
    _bump(agreement, fields)
    _audit(actor, Action.UPDATE, agreement, changed=fields)
    return agreement


@transaction.atomic
def record_breach(
    *, actor: User, agreement: Agreement, reported_at: datetime, description: str
) -> Breach:
    """A use or disclosure not provided for, as the statistical center reported it; the cure is
    due 30 days after the report."""
    agreement = _lock(agreement)
    _require(actor, Do.DUTIES, agreement)
    _require_dsa(agreement)
    errors = []
    text = (description or "").strip()
    if not 1 <= len(text) <= 5000:
        errors.append(FieldError("description", "describe what happened (no youth's details)"))
    if reported_at is None or timezone.is_naive(reported_at) or reported_at > timezone.now():
        errors.append(FieldError("reported_at", "give when it was reported (not in the future)"))
    if errors:
        raise InvalidInput.fields(errors)
    breach = Breach.objects.create(
        agreement=agreement,
        reported_at=reported_at,
        description=text,
        cure_due_at=reported_at + timedelta(days=DSA_CURE_DAYS),
        recorded_by=actor,
    )
    _bump(agreement, [])
    _audit(actor, Action.UPDATE, agreement, changed=["breach"], breach=breach.pk)
    return breach


@transaction.atomic
def record_cure(*, actor: User, breach: Breach, cured_at: datetime, note: str = "") -> Breach:
    agreement = _lock(breach.agreement)
    _require(actor, Do.DUTIES, agreement)
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    if breach.cured_at is not None:
        raise Conflict("This breach is already recorded as cured.")
    if cured_at is None or timezone.is_naive(cured_at) or cured_at > timezone.now():
        raise InvalidInput.field("cured_at", "give when it was cured (not in the future)")
    if cured_at < breach.reported_at:
        raise InvalidInput.field("cured_at", "must not be before the breach was reported")
    breach.cured_at = cured_at
    breach.cure_note = (note or "").strip()[:5000]
    breach.save(update_fields=["cured_at", "cure_note"])
    _bump(agreement, [])
    _audit(actor, Action.UPDATE, agreement, changed=["breach_cured"], breach=breach.pk)
    return breach


@transaction.atomic
def record_disposal(
    *, actor: User, agreement: Agreement, disposition: str, certificate_received_on: date
) -> Agreement:
    """The statistical center destroyed or returned the data, and its proof was received."""
    agreement = _lock(agreement)
    _require(actor, Do.DUTIES, agreement)
    _require_dsa(agreement)
    errors = []
    if disposition not in Disposition.values:
        errors.append(FieldError("disposition", "choose destroyed or returned"))
    if certificate_received_on is None or certificate_received_on > agreement.local_date():
        errors.append(FieldError("certificate_received_on", "give the date (not in the future)"))
    if agreement.terminates_on is None and agreement.status_at() != Status.EXPIRED:
        errors.append(
            FieldError("disposition", "the data is destroyed or returned after the agreement ends")
        )
    if errors:
        raise InvalidInput.fields(errors)
    agreement.disposition = disposition
    agreement.certificate_received_on = certificate_received_on
    _bump(agreement, ["disposition", "certificate_received_on"])
    _audit(actor, Action.UPDATE, agreement, changed=["disposal"], disposition=disposition)
    return agreement


# --- renewal reminders (run daily by the task in tasks.py) ---------------------------------


def _party_admin_emails(agreement: Agreement) -> list[str]:
    from harborline.people.roles import Role

    org_ids = [p.organization_id for p in agreement.parties.all()]
    return sorted(
        User.objects.filter(
            is_active=True,
            membership__is_active=True,
            membership__role=Role.ORG_ADMIN,
            membership__organization_id__in=org_ids,
        ).values_list("email", flat=True)
    )


def _reminder_body(agreement: Agreement, days_left: int, last_day: date) -> str:
    parties = ", ".join(p.organization.name for p in agreement.parties.all())
    what = "data-sharing agreement" if agreement.kind == Kind.DSA else "MOU"
    return (
        f"Hello,\n\nThe {what} {agreement.reference} ({agreement.title}) between {parties} "
        f"is in force until {last_day:%B %-d, %Y} ({days_left} days from today).\n\n"
        "To keep sharing information under it, agree and sign a renewal or replacement before "
        "then, and record the new agreement in Harborline.\n\n"
        "You receive this because you administer one of the parties' Harborline accounts.\n"
    )


@transaction.atomic
def send_renewal_reminders(*, at: datetime | None = None) -> int:
    """E-mail the org admins of every party of an agreement in force whose end is 90 or 30 days
    away or nearer, once per threshold and term (extending the term re-arms the reminders).
    Returns how many agreements were reminded about."""
    from django.core.mail import send_mail

    from .models import RENEWAL_ALERT_DAYS, RenewalReminder

    at = at or timezone.now()
    sent = 0
    candidates = (
        Agreement.objects.filter(Q(expires_on__isnull=False) | Q(terminates_on__isnull=False))
        .prefetch_related("parties__organization", "reminders")
        .order_by("pk")
    )
    for agreement in candidates:
        day = agreement.local_date(at)
        if agreement.status_on(day) not in (Status.IN_FORCE, Status.EXPIRING):
            continue
        ends = agreement.ends_on
        if ends is None:
            continue
        days_left = (ends - day).days
        due = [t for t in RENEWAL_ALERT_DAYS if days_left <= t]
        if not due:
            continue
        done = {r.days_before for r in agreement.reminders.all() if r.ends_on == ends}
        if min(due) in done:
            continue
        recipients = _party_admin_emails(agreement)
        last_day = ends - timedelta(days=1)
        if recipients:
            send_mail(
                subject=f"{agreement.reference} ends in {days_left} days",
                message=_reminder_body(agreement, days_left, last_day),
                from_email=None,
                recipient_list=recipients,
            )
        for threshold in due:
            if threshold not in done:
                RenewalReminder.objects.create(
                    agreement=agreement,
                    days_before=threshold,
                    ends_on=ends,
                    sent_at=at,
                    recipients=len(recipients),
                )
        record(
            actor=None,
            actor_email="task:agreements.renewal_reminders",
            action=Action.UPDATE,
            obj=agreement,
            detail={
                "reference": agreement.reference,
                "changed": ["renewal_reminder"],
                "days_left": days_left,
                "recipients": len(recipients),
            },
        )
        sent += 1
    return sent
