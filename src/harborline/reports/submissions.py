"""Submissions to the state statistical center (issue 16, items 2 and 3; Resource 3-C): the
agency prepares its year's data under a data-sharing agreement, a supervisor or administrator
of the agency other than the preparer approves it, and only then does it leave — to the
statistical center named as the agreement's other party, whose analysts alone read it, every
read audited (DSA-06, DSA-09, DSA-11). Decision 0049.

- **What it carries** is the agreement's: client-level rows and/or aggregate counts (DSA-03),
  the variables of its set (3-A's critical, or critical and recommended; DSA-02), each youth's
  screening chosen by its rule, all stated in the submission's `parameters`. A child-welfare
  agency adds its investigations opened and closed in the year with their detail fields.
- **The youth counted** are the organization's own cases open at any time in the year (where
  the organization is); each agency counts its own, and the statistical center unduplicates them
  by linking the agencies' encodings (`linking`, issue 17).
- **Identifiers** are the agreement's reporting term too (`AgreementIdentifiers`, decision
  0061): names, date of birth and ZIP code in the client-level file, or, where the agreement
  says "encodings", none of the three - the file then carries each youth's linkage encodings,
  made here inside the agency under the installation's linkage key (`linkage.keys`), and a
  record id (`RecordPseudonym`) that only the agency can turn back into its case.
- **The log is immutable** (`models.Submission`): who prepared it, when, with what parameters,
  how many rows, the file's SHA-256; approval or refusal is added once.
- **It stops on its own** while a breach is uncured past 30 days (DSA-23), and when the agreement
  is not in force.

Who does what (the table `tests/reports/submission_table.py` checks): analysts, supervisors
and administrators of a party agency prepare; its supervisors and administrators approve or
refuse, never their own; the agency's preparers and approvers read its submissions; the
statistical center's analysts read what was submitted to it."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from harborline.agreements import services as agreement_services
from harborline.agreements.models import (
    IN_FORCE_STATUSES,
    Agreement,
    DataSubmission,
    Kind,
    VariableSet,
)
from harborline.agreements.models import Status as AgreementStatus
from harborline.agreements.selectors import suspended_by_breach
from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    one_or_not_found,
)
from harborline.linkage import keys as linkage_keys
from harborline.linkage.encode import ALL_COLUMNS as ENCODING_COLUMNS
from harborline.linkage.encode import Encoder
from harborline.linkage.encode import prepare as prepare_person
from harborline.people.models import Organization, User
from harborline.people.roles import OrgType, Role
from harborline.protocols.home import home_pack_name
from harborline.protocols.packs import get_pack
from harborline.tabular import write_table

from .codebook import (
    CodeBookRecord,
    codebook_of,
    derive_record,
    load_facts,
    organization_cases,
    paused_gc,
)
from .models import (
    AgreementIdentifiers,
    Identifiers,
    RecordPseudonym,
    Submission,
    SubmissionReminder,
    SubmissionStatus,
)

PREPARERS = frozenset({Role.ANALYST, Role.SUPERVISOR, Role.ORG_ADMIN})
APPROVERS = frozenset({Role.SUPERVISOR, Role.ORG_ADMIN})
SAC_READERS = frozenset({Role.ANALYST})
NOT_FOUND = "No such submission, or you do not have access to it."
RESULT_LABELS = {
    "confirmed_victim": "Confirmed",
    "high_risk": "High risk",
    "no_indicators": "No indicators at this time",
    "": "Not screened in the year",
}
# The code-book variables that identify a youth (3-A marks them critical): where an agreement
# says "encodings", none of them leaves the agency; the linkage encodings go instead.
IDENTIFIER_VARIABLES = frozenset({"client_name", "birth_date", "zip_code"})
TIERS: dict[str, tuple[str, ...]] = {
    VariableSet.CRITICAL: ("critical",),
    VariableSet.RECOMMENDED: ("critical", "recommended"),
}


def active_membership(actor: User) -> Any:
    membership = actor.membership_or_none
    if membership is None or not membership.is_active or not actor.is_active:
        return None
    return membership


def _agency_party(agreement: Agreement, organization_id: int) -> bool:
    return any(
        p.organization_id == organization_id and p.organization.type != OrgType.STATISTICAL_CENTER
        for p in agreement.parties.all()
    )


def _receiver(agreement: Agreement) -> Organization | None:
    for party in agreement.parties.all():
        if party.organization.type == OrgType.STATISTICAL_CENTER:
            return party.organization
    return None


# --- reading ---------------------------------------------------------------------------------


def works_submissions(actor: User) -> bool:
    """Whether the submissions page has anything for `actor` (the menu asks): an agency's
    preparers and approvers, or a statistical center's analysts."""
    membership = active_membership(actor)
    if membership is None:
        return False
    if membership.organization.type == OrgType.STATISTICAL_CENTER:
        return membership.role in SAC_READERS
    return membership.role in PREPARERS | APPROVERS


def at_statistical_center(actor: User) -> bool:
    """Whether `actor` is one of a statistical center's analysts (its reports' readers)."""
    membership = active_membership(actor)
    return (
        membership is not None
        and membership.organization.type == OrgType.STATISTICAL_CENTER
        and membership.role in SAC_READERS
    )


def visible_submissions(actor: User) -> QuerySet[Submission]:
    """The submissions `actor` may read: their agency's (preparers and approvers), or those
    submitted to their statistical center (its analysts)."""
    qs = Submission.objects.select_related(
        "agreement", "organization", "receiver", "prepared_by", "decided_by"
    )
    membership = active_membership(actor)
    if membership is None:
        return qs.none()
    org = membership.organization
    if org.type == OrgType.STATISTICAL_CENTER:
        if membership.role not in SAC_READERS:
            return qs.none()
        return qs.filter(receiver=org, status=SubmissionStatus.SUBMITTED)
    if membership.role not in PREPARERS | APPROVERS:
        return qs.none()
    return qs.filter(organization=org)


def get_submission(actor: User, pk: int | str) -> Submission:
    return one_or_not_found(visible_submissions(actor), pk, NOT_FOUND)


def read_file(actor: User, pk: int | str) -> tuple[Submission, bytes]:
    """The submission's client-level file (CSV), the read audited (DSA-06)."""
    sub = get_submission(actor, pk)
    if not sub.client_file:
        raise NotFound("This submission carries aggregate counts only: no client-level file.")
    _audit(actor, sub, Action.EXPORT, file="client-level", rows=sub.row_count, sha256=sub.sha256)
    return sub, sub.client_file.encode("utf-8")


def read_summary(actor: User, pk: int | str) -> Submission:
    """The submission with its aggregate counts (the printable summary), the read audited."""
    sub = get_submission(actor, pk)
    _audit(actor, sub, Action.VIEW, view="summary", year=sub.year)
    return sub


def _audit(actor: User, sub: Submission, action: str, **detail: Any) -> None:
    """One audit event about a submission, owned by the submitting agency (DSA-06)."""
    record(
        actor=actor,
        action=action,
        obj=sub,
        owner_org=sub.organization,
        purpose="statistical reporting",
        detail=detail,
    )


# --- the identifiers term ----------------------------------------------------------------------


def identifiers_of(agreement: Agreement) -> str:
    """The agreement's "identifiers" reporting term: names (no row) or encodings."""
    term = AgreementIdentifiers.objects.filter(agreement_id=agreement.pk).first()
    return term.identifiers if term is not None else Identifiers.NAMES


def set_reporting_terms(
    *, actor: User, agreement: Agreement, identifiers: str | None = None, **terms: Any
) -> Agreement:
    """The agreement's reporting terms (agreements.services.set_reporting_terms: who may, the
    version check, the audit) and, in the same transaction, its "identifiers" term."""
    if identifiers is not None and identifiers not in Identifiers.values:
        raise InvalidInput.field("identifiers", f"choose one of: {', '.join(Identifiers.values)}")
    with transaction.atomic():
        agreement = agreement_services.set_reporting_terms(
            actor=actor, agreement=agreement, **terms
        )
        if identifiers is not None and identifiers != identifiers_of(agreement):
            AgreementIdentifiers.objects.update_or_create(
                agreement=agreement,
                defaults={
                    "identifiers": identifiers,
                    "updated_by": actor,
                    "updated_at": timezone.now(),
                },
            )
            record(
                actor=actor,
                action=Action.UPDATE,
                obj=agreement,
                purpose="statistical reporting",
                detail={"changed": ["identifiers"], "identifiers": identifiers},
            )
    return agreement


def pseudonyms(organization: Organization, cases: list[Any]) -> dict[int, str]:
    """Each case's record id in submissions with encodings, made on first use (random, stable
    across years and linkage keys; models.RecordPseudonym)."""
    ids = [c.pk for c in cases]
    have = dict(RecordPseudonym.objects.filter(case_id__in=ids).values_list("case_id", "token"))
    missing = [
        RecordPseudonym(case_id=pk, organization=organization, token=f"r{secrets.token_hex(8)}")
        for pk in ids
        if pk not in have
    ]
    if missing:
        RecordPseudonym.objects.bulk_create(missing, ignore_conflicts=True)
        have = dict(RecordPseudonym.objects.filter(case_id__in=ids).values_list("case_id", "token"))
    return have


def _identifiers(case: Any, fact: Any, record_id: str) -> dict[str, str]:
    """What the encodings are made from: the youth's names and date of birth, the ZIP code the
    code book holds for the case (sex and city are optional to the encoder and not recorded as
    such: a youth's gender identity in their own words is not a sex field)."""
    zip_code = fact.coding.get("zip_code")
    return {
        "id": record_id,
        "first_name": case.youth.first_name or "",
        "last_name": case.youth.last_name or "",
        "dob": case.youth.dob or "",
        "zip": str(zip_code) if zip_code not in (None, "") else "",
    }


# --- preparing -------------------------------------------------------------------------------


def _variables(agreement: Agreement, book: Any) -> list[Any]:
    tiers = TIERS.get(agreement.variable_set, TIERS[VariableSet.RECOMMENDED])
    return [v for v in book.variables if v.tier in tiers]


def _cell(item: Any) -> str:
    if item.status in ("not_recorded", "withheld"):
        return ""
    return str(item.code) if item.code is not None else item.value


def _aggregate(records: list[CodeBookRecord], variables: list[Any], results: list[str]) -> dict:
    """{"youth": n, "screening_result": {label: n}, "variables": {name: {code: n}}}: counts of
    every coded variable's codes ("" = not recorded); no free text, dates or names."""
    coded = [v for v in variables if v.type == "coded"]
    tallies: dict[str, Counter[str]] = {v.name: Counter() for v in coded}
    for made in records:
        by_name = {i.name: i for i in made.items}
        for v in coded:
            code = by_name[v.name].code
            tallies[v.name][str(code) if code is not None else ""] += 1
    return {
        "youth": len(records),
        "screening_result": dict(Counter(RESULT_LABELS.get(r, r) for r in results)),
        "variables": {name: dict(sorted(t.items())) for name, t in tallies.items()},
    }


def _investigations(organization: Organization, year: int, zone: str) -> dict:
    """Child welfare's January 31 counts (seed 001 L1414-1418): investigations opened and
    closed in the year, each with the date of incident, jurisdiction, report to law
    enforcement, screening tool completed, service referrals made and crossover status."""
    from harborline.cases.models import Case

    tz = ZoneInfo(zone)
    start, end = datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)
    opened = Case.objects.filter(owner=organization, opened_at__gte=start, opened_at__lt=end)
    closed = Case.objects.filter(owner=organization, closed_at__gte=start, closed_at__lt=end)
    cases = list((opened | closed).select_related("youth", "owner").distinct().order_by("pk"))
    facts = load_facts(cases, rule="first", year=None, zone=zone)
    rows = []
    for case in cases:
        fact = facts[case.pk]
        rows.append(
            {
                "opened_in_year": start <= case.opened_at < end,
                "closed_in_year": case.closed_at is not None and start <= case.closed_at < end,
                "date_of_incident": (
                    fact.screening.identified_at.date().isoformat() if fact.screening else ""
                ),
                "jurisdiction": organization.county.name if organization.county else "",
                "report_to_law_enforcement": "le_report" in fact.references,
                "screening_tool_completed": fact.screening is not None,
                "service_referrals_made": bool(fact.referral_categories),
                "crossover": "probation" in fact.team_org_types,
            }
        )
    return {
        "opened": sum(1 for r in rows if r["opened_in_year"]),
        "closed": sum(1 for r in rows if r["closed_in_year"]),
        "investigations": rows,
    }


def _outcome(screening: Any) -> str:
    return screening.outcome if screening is not None else ""


def content(client_file: str, aggregate: dict, investigations: dict) -> bytes:
    """The bytes the hash covers: the file and the counts, as sent."""
    counts = json.dumps(
        {"aggregate": aggregate, "investigations": investigations},
        sort_keys=True,
        separators=(",", ":"),
    )
    return client_file.encode("utf-8") + b"\n" + counts.encode("utf-8")


def _check_can_send(agreement: Agreement, at: datetime) -> None:
    if agreement.kind != Kind.DSA:
        raise InvalidInput.field("agreement", "only a data-sharing agreement carries submissions")
    if suspended_by_breach(agreement, at=at):
        raise Conflict(
            "Submissions under this agreement are suspended: a breach is uncured past its 30 "
            "days (DSA-23).",
            errors=[FieldError("agreement", "suspended by an uncured breach")],
        )
    status = agreement.status_at(at)
    if status not in IN_FORCE_STATUSES:
        raise Conflict(
            f"The agreement is not in force ({AgreementStatus(status).label.lower()}): nothing "
            "leaves under it.",
            errors=[FieldError("agreement", "not in force")],
        )


def _locked_agreement(actor: User, agreement_id: Any) -> Agreement:
    try:
        pk = int(agreement_id)
    except (TypeError, ValueError):
        raise InvalidInput.field("agreement", "give the agreement's id") from None
    agreement = (
        (
            Agreement.objects.select_for_update().prefetch_related(
                "parties__organization", "breaches"
            )
        )
        .filter(pk=pk)
        .first()
    )
    membership = active_membership(actor)
    if agreement is None or membership is None:
        raise NotFound("No such agreement, or you do not have access to it.")
    if not _agency_party(agreement, membership.organization_id):
        raise NotFound("No such agreement, or you do not have access to it.")
    return agreement


@dataclass
class Prepared:
    client_file: str
    aggregate: dict
    investigations: dict
    row_count: int
    parameters: dict


def build(
    agreement: Agreement, organization: Organization, year: int, *, rng: Any = None
) -> Prepared:
    """What a submission would carry, without saving anything (the bench measures this).
    `rng` (a numpy Generator) draws the encodings' bit flips: given only by the synthetic data,
    so that a seed repeats its files; a submission leaves it None (fresh randomness)."""
    zone = organization.time_zone or "UTC"
    cases = organization_cases(organization.pk, year, zone)
    pack_name = cases[0].pack if cases else home_pack_name()
    book = codebook_of(pack_name)
    variables = _variables(agreement, book)
    rule = agreement.screening_rule
    with paused_gc():
        facts = load_facts(cases, rule=rule, year=year, zone=zone)
        records = [derive_record(book, facts[c.pk], rule=rule, year=year, sees=None) for c in cases]
    results = [_outcome(facts[c.pk].screening) for c in cases]
    client_file = ""
    identifiers = identifiers_of(agreement)
    encoded = agreement.client_level and identifiers == Identifiers.ENCODINGS
    carried = [v for v in variables if not (encoded and v.name in IDENTIFIER_VARIABLES)]
    key = linkage_keys.current() if encoded else None
    if agreement.client_level:
        names = {v.name for v in carried}
        columns = ["record", *[v.name for v in carried]]
        if key is not None:
            columns += list(ENCODING_COLUMNS)
            record_ids = pseudonyms(organization, cases)
            people = [prepare_person(_identifiers(c, facts[c.pk], record_ids[c.pk])) for c in cases]
            encodings = Encoder(key.secret, rng=rng).encode_people(people)
        rows = []
        for n, (case, made) in enumerate(zip(cases, records, strict=True), start=1):
            row: dict[str, Any] = {
                "record": record_ids[case.pk] if key else f"{organization.slug}-{year}-{n}"
            }
            row.update({i.name: _cell(i) for i in made.items if i.name in names})
            if key is not None:
                row.update({c: encodings[c][n - 1] for c in ENCODING_COLUMNS})
            rows.append(row)
        client_file = write_table(rows, columns, "csv")[0].decode("utf-8-sig")
    aggregate = _aggregate(records, variables, results) if agreement.aggregate else {}
    investigations = (
        _investigations(organization, year, zone)
        if organization.type == OrgType.CHILD_WELFARE
        else {}
    )
    return Prepared(
        client_file=client_file,
        aggregate=aggregate,
        investigations=investigations,
        row_count=len(records),
        parameters={
            "level": [
                name
                for name, on in (
                    ("client_level", agreement.client_level),
                    ("aggregate", agreement.aggregate),
                )
                if on
            ],
            "variable_set": agreement.variable_set,
            "variables": [v.name for v in carried],
            "identifiers": identifiers if agreement.client_level else "",
            **(
                {"linkage_key": {"version": key.version, "key_id": key.key_id}}
                if key is not None
                else {}
            ),
            "screening_rule": rule,
            "threshold": agreement.disclosure_threshold,
            "pack": pack_name,
            "pack_version": get_pack(pack_name).version,
            "youth_counted": "the organization's cases open at any time in the year",
            "unduplicated": False,
        },
    )


def store(
    made: Prepared,
    *,
    agreement: Agreement,
    organization: Organization,
    receiver: Organization,
    year: int,
    prepared_by: User,
    prepared_at: datetime,
    decided_by: User | None = None,
    decided_at: datetime | None = None,
) -> Submission:
    """The log row of a built submission, with its hash; decided (sent) when `decided_by` is
    given (the synthetic data and the bench record sent ones this way)."""
    carried = content(made.client_file, made.aggregate, made.investigations)
    return Submission.objects.create(
        agreement=agreement,
        organization=organization,
        receiver=receiver,
        year=year,
        status=SubmissionStatus.SUBMITTED if decided_by else SubmissionStatus.AWAITING_APPROVAL,
        parameters=made.parameters,
        row_count=made.row_count,
        client_file=made.client_file,
        aggregate=made.aggregate,
        investigations=made.investigations,
        sha256=hashlib.sha256(carried).hexdigest(),
        prepared_by=prepared_by,
        prepared_at=prepared_at,
        decided_by=decided_by,
        decided_at=decided_at,
    )


def prepare(actor: User, agreement_id: Any, year: Any) -> Submission:
    """Prepare the year's submission under an agreement; it waits for approval."""
    membership = active_membership(actor)
    if membership is None or membership.role not in PREPARERS:
        raise Forbidden(
            "Only an analyst, supervisor or administrator of a party agency prepares a submission."
        )
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise InvalidInput.field("year", "give the reporting year, from 2000 to 2100")
    now = timezone.now()
    with transaction.atomic():
        agreement = _locked_agreement(actor, agreement_id)
        if year > agreement.local_date(now).year:
            raise InvalidInput.field("year", "a year that has not begun has nothing to submit")
        _check_can_send(agreement, now)
        receiver = _receiver(agreement)
        if receiver is None:
            raise InvalidInput.field(
                "agreement", "the agreement names no statistical center to send to"
            )
        existing = Submission.objects.filter(
            agreement=agreement,
            year=year,
            status__in=[SubmissionStatus.AWAITING_APPROVAL, SubmissionStatus.SUBMITTED],
        ).first()
        if existing is not None:
            state = existing.get_status_display().lower()
            raise Conflict(
                f"The {year} submission under this agreement is already {state} "
                f"(submission {existing.pk}).",
                errors=[FieldError("year", f"already {state}")],
            )
        sub = store(
            build(agreement, membership.organization, year),
            agreement=agreement,
            organization=membership.organization,
            receiver=receiver,
            year=year,
            prepared_by=actor,
            prepared_at=now,
        )
        _audit(actor, sub, Action.CREATE, year=year, rows=sub.row_count, sha256=sub.sha256)
    return sub


def _decide(actor: User, pk: Any) -> tuple[Submission, Any]:
    membership = active_membership(actor)
    sub = get_submission(actor, pk)
    if membership is None or membership.organization_id != sub.organization_id:
        raise NotFound(NOT_FOUND)
    if membership.role not in APPROVERS:
        raise Forbidden("Only a supervisor or administrator of the agency approves submissions.")
    if sub.prepared_by_id == actor.pk:
        raise Forbidden(
            "You prepared this submission: another supervisor or administrator approves it."
        )
    sub = Submission.objects.select_for_update().get(pk=sub.pk)
    if sub.status != SubmissionStatus.AWAITING_APPROVAL:
        raise Conflict(f"This submission is already {sub.get_status_display().lower()}.")
    return sub, membership


# What happens at the receiving center once a submission is sent, run inside the approval's
# transaction: `linking` adds the same-youth linkage of a file with encodings (registered by
# ReportsConfig.ready, so that this module need not import what is built on it).
AFTER_SENT: list[Callable[[Submission], None]] = []


def approve(actor: User, pk: Any) -> Submission:
    """Approve and send: the submission goes to the statistical center and the agreement's
    January 31 duty for the year is recorded as met."""
    now = timezone.now()
    with transaction.atomic():
        sub, _ = _decide(actor, pk)
        agreement = Agreement.objects.prefetch_related("parties__organization", "breaches").get(
            pk=sub.agreement_id
        )
        _check_can_send(agreement, now)
        sub.status = SubmissionStatus.SUBMITTED
        sub.decided_by, sub.decided_at = actor, now
        try:
            with transaction.atomic():
                sub.save(update_fields=["status", "decided_by", "decided_at"])
        except IntegrityError:
            raise Conflict(
                f"The {sub.year} submission under this agreement was already sent."
            ) from None
        DataSubmission.objects.get_or_create(
            agreement=agreement,
            due_year=sub.year + 1,
            defaults={
                "submitted_on": agreement.local_date(now),
                "note": f"Harborline submission {sub.pk}, SHA-256 {sub.sha256[:16]}…",
                "recorded_by": actor,
            },
        )
        _audit(
            actor, sub, Action.UPDATE, status="submitted", sha256=sub.sha256, to=sub.receiver.slug
        )
        for then in AFTER_SENT:
            then(sub)
    return sub


def refuse(actor: User, pk: Any, reason: str) -> Submission:
    """Refuse: nothing leaves; the agency prepares again once the data is put right."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.field("reason", "say why, so the preparer can put it right")
    with transaction.atomic():
        sub, _ = _decide(actor, pk)
        sub.status = SubmissionStatus.REFUSED
        sub.decided_by, sub.decided_at = actor, timezone.now()
        sub.refused_reason = reason[:500]
        sub.save(update_fields=["status", "decided_by", "decided_at", "refused_reason"])
        _audit(actor, sub, Action.UPDATE, status="refused")
    return sub


# --- the January 31 calendar ---------------------------------------------------------------

REMINDER_DAYS = (30, 7)


def due_on(year: int) -> date:
    """A reporting year's data is due January 31 of the next year (DSA-04)."""
    return date(year + 1, 1, 31)


def reminders_due(*, at: datetime | None = None) -> list[tuple[Agreement, int, int]]:
    """(agreement, reporting year, days left) for every agreement in force whose January 31 is
    30 or 7 days away or nearer with nothing submitted for it."""
    at = at or timezone.now()
    found = []
    agreements = Agreement.objects.filter(kind=Kind.DSA).prefetch_related(
        "parties__organization", "breaches"
    )
    for agreement in agreements:
        today = agreement.local_date(at)
        if not agreement.in_force_on(today):
            continue
        year = today.year - 1 if today <= date(today.year, 1, 31) else today.year
        days_left = (due_on(year) - today).days
        if days_left < 0 or days_left > REMINDER_DAYS[0]:
            continue
        sent = Submission.objects.filter(
            agreement=agreement, year=year, status=SubmissionStatus.SUBMITTED
        ).exists()
        if not sent and not suspended_by_breach(agreement, at=at):
            found.append((agreement, year, days_left))
    return found


def send_submission_reminders(*, at: datetime | None = None) -> int:
    """E-mail the agency's administrators and supervisors 30 and 7 days before a January 31
    with nothing submitted, once per threshold (run daily, as the renewal reminders are).
    Returns how many reminders went out."""
    from django.core.mail import send_mail

    sent = 0
    for agreement, year, days_left in reminders_due(at=at):
        threshold = min(t for t in REMINDER_DAYS if days_left <= t)
        reminder, created = SubmissionReminder.objects.get_or_create(
            agreement=agreement, year=year, days_before=threshold
        )
        if not created:
            continue
        agencies = [
            p.organization_id
            for p in agreement.parties.all()
            if p.organization.type != OrgType.STATISTICAL_CENTER
        ]
        recipients = sorted(
            User.objects.filter(
                is_active=True,
                membership__is_active=True,
                membership__role__in=list(APPROVERS),
                membership__organization_id__in=agencies,
            ).values_list("email", flat=True)
        )
        if recipients:
            send_mail(
                subject=f"{agreement.reference}: {year} data due {due_on(year):%B %-d, %Y}",
                message=(
                    f"Hello,\n\nThe {year} data under {agreement.reference} ({agreement.title}) "
                    f"is due at the statistical center by {due_on(year):%B %-d, %Y}, "
                    f"{days_left} days from today, and has not been submitted.\n\n"
                    "Prepare it in Harborline under Reports → Submissions; a supervisor or "
                    "administrator other than the preparer approves it before it leaves.\n"
                ),
                from_email=None,
                recipient_list=recipients,
            )
            sent += 1
    return sent
