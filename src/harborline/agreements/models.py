"""Memoranda of understanding (Resource 4-A) and data-sharing agreements with the state
statistical center (Resource 3-C): parties and their signatures, the term, the data-sharing
scope an MOU authorizes (compartments and purposes), and a DSA's dated duties.

Only one-row facts live here (what the status of an agreement is on a given day, given its
parties); every write is in services.py."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import timezone

from harborline.people.models import Organization

from .vocab import MOU_ELEMENT_CODES

# Duties of Resource 3-C (seed 001, lines 9600-9698), as numbers.
DSA_TERM_YEARS = 2  # "valid for 2 years from the latest signature"
DSA_NOTICE_DAYS = 30  # "termination by either party with 30 days written notice"
DSA_DISPOSAL_DAYS = 10  # "destroyed or returned ... within 10 days of the termination"
DSA_CURE_DAYS = 30  # "a material breach ... not cured within thirty (30) days"
DSA_SUBMISSION_MONTH, DSA_SUBMISSION_DAY = 1, 31  # "by January 31 of each year"
RENEWAL_ALERT_DAYS = (90, 30)  # reminders before an agreement's last day


class Kind(models.TextChoices):
    MOU = "mou", "Memorandum of understanding"
    DSA = "dsa", "Data-sharing agreement (statistical center)"


class Status(models.TextChoices):
    DRAFT = "draft", "Awaiting signatures"
    PENDING = "pending", "Signed, not yet in effect"
    IN_FORCE = "in_force", "In force"
    EXPIRING = "expiring", "In force, expiring soon"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"


IN_FORCE_STATUSES = (Status.IN_FORCE, Status.EXPIRING)


class Disposition(models.TextChoices):
    DESTROY = "destroy", "Destroy the data"
    RETURN = "return", "Return the data"


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February -> 28 February
        return day.replace(year=day.year + years, day=28)


class ScreeningRule(models.TextChoices):
    """Which of a youth's screenings counts for a reporting year (issue 16, item 1)."""

    LATEST = "latest", "The latest screening in the year"
    FIRST = "first", "The first screening in the year"
    CONFIRMED = "confirmed", "Ever confirmed: the first confirmed screening, else the latest"


class VariableSet(models.TextChoices):
    """Which code-book variables a submission carries (Resource 3-A's sharing columns, DSA-02)."""

    CRITICAL = "critical", "Critical to share with the SAC (the minimum)"
    RECOMMENDED = "recommended", "Critical and recommended (the 3-A table)"


DEFAULT_DISCLOSURE_THRESHOLD = 11  # the DSA gives none (DSA-16); decision 0048


class Agreement(models.Model):
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reference = models.CharField(
        max_length=60, unique=True, help_text="Stable code, e.g. MOU-WASHOE-2026-01."
    )
    title = models.CharField(max_length=200)
    document_reference = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where the signed document is kept (file name, records-system number or link).",
    )
    time_zone = models.CharField(
        max_length=60,
        default="America/Los_Angeles",
        help_text="Dates of the agreement are calendar days in this time zone.",
    )
    effective_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True, help_text="The last day in force.")
    compartments = models.JSONField(default=list, blank=True)
    purposes = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    # Termination (either kind); for a DSA the notice starts the 30-day period.
    termination_notice_on = models.DateField(null=True, blank=True)
    termination_notice_by = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    terminates_on = models.DateField(
        null=True, blank=True, help_text="The first day the agreement is no longer in force."
    )
    termination_reason = models.CharField(max_length=300, blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )
    # Data-sharing agreements (Resource 3-C) only.
    client_level = models.BooleanField(default=False)
    aggregate = models.BooleanField(default=True)
    custodian = models.CharField(
        max_length=200, blank=True, help_text="The statistical center's person responsible."
    )
    disposition = models.CharField(max_length=10, choices=Disposition.choices, blank=True)
    certificate_received_on = models.DateField(null=True, blank=True)
    # What a submission under this DSA carries and how its aggregates are protected (issue 16).
    screening_rule = models.CharField(
        max_length=10, choices=ScreeningRule.choices, default=ScreeningRule.LATEST
    )
    variable_set = models.CharField(
        max_length=12, choices=VariableSet.choices, default=VariableSet.RECOMMENDED
    )
    disclosure_threshold = models.PositiveSmallIntegerField(
        default=DEFAULT_DISCLOSURE_THRESHOLD,
        help_text="The smallest count published (k); smaller counts are suppressed.",
    )

    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(effective_on__isnull=True)
                | models.Q(expires_on__gte=models.F("effective_on")),
                name="agreement_expires_after_effective",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    # --- one-row facts -------------------------------------------------------------------
    def local_date(self, at: datetime | None = None) -> date:
        """The calendar day `at` (default now) falls on in the agreement's time zone."""
        return (at or timezone.now()).astimezone(ZoneInfo(self.time_zone)).date()

    def signed_parties(self) -> list[AgreementParty]:
        return [p for p in self.parties.all() if p.signed_on is not None]

    def unsigned_parties(self) -> list[AgreementParty]:
        return [p for p in self.parties.all() if p.signed_on is None]

    @property
    def is_fully_signed(self) -> bool:
        parties = list(self.parties.all())
        return bool(parties) and all(p.signed_on is not None for p in parties)

    @property
    def has_signatures(self) -> bool:
        return any(p.signed_on is not None for p in self.parties.all())

    @property
    def ends_on(self) -> date | None:
        """The first day not in force: the termination date or the day after expiry."""
        ends = [d for d in (self.terminates_on, _day_after(self.expires_on)) if d is not None]
        return min(ends) if ends else None

    def status_on(self, day: date) -> str:
        if self.terminates_on is not None and day >= self.terminates_on:
            return Status.TERMINATED
        if self.expires_on is not None and day > self.expires_on:
            return Status.EXPIRED
        if not self.is_fully_signed:
            return Status.DRAFT
        if self.effective_on is None or day < self.effective_on:
            return Status.PENDING
        last = self.ends_on
        if last is not None and (last - day).days <= RENEWAL_ALERT_DAYS[0]:
            return Status.EXPIRING
        return Status.IN_FORCE

    def status_at(self, at: datetime | None = None) -> str:
        return self.status_on(self.local_date(at))

    def in_force_on(self, day: date) -> bool:
        return self.status_on(day) in IN_FORCE_STATUSES

    def days_to_end(self, day: date) -> int | None:
        last = self.ends_on
        return None if last is None else (last - day).days

    @property
    def disposal_due_on(self) -> date | None:
        """A DSA's data must be destroyed or returned within 10 days of its end."""
        if self.kind != Kind.DSA:
            return None
        ends = self.ends_on
        return ends + timedelta(days=DSA_DISPOSAL_DAYS) if ends else None


def _day_after(day: date | None) -> date | None:
    return day + timedelta(days=1) if day is not None else None


class AgreementParty(models.Model):
    """An organization that is party to an agreement, and its signature once recorded."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="agreement_parties"
    )
    signed_on = models.DateField(null=True, blank=True)
    signatory_name = models.CharField(max_length=200, blank=True)
    signatory_title = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organization"], name="agreement_party_once"
            ),
            models.CheckConstraint(
                condition=models.Q(signed_on__isnull=True) | ~models.Q(signatory_name=""),
                name="agreement_signature_names_signatory",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} on {self.agreement.reference}"


class MouElement(models.Model):
    """One element of the 4-A guidance: whether the MOU covers it, and where."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="elements")
    code = models.CharField(max_length=10, choices=[(c, c) for c in MOU_ELEMENT_CODES])
    present = models.BooleanField(default=False)
    location = models.CharField(
        max_length=200, blank=True, help_text="Where in the document, e.g. 'Section 3.2, p. 4'."
    )

    class Meta:
        ordering = ["agreement", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "code"], name="mou_element_once")
        ]

    def __str__(self) -> str:
        return f"{self.agreement.reference} {self.code}"


class DataSubmission(models.Model):
    """The agency's annual submission to the statistical center (due January 31)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="submissions")
    due_year = models.PositiveIntegerField(help_text="The year of the January 31 it answers.")
    submitted_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agreement", "due_year"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "due_year"], name="dsa_submission_once")
        ]

    def __str__(self) -> str:
        return f"{self.agreement.reference} submission for {self.due_year}-01-31"


class Breach(models.Model):
    """A use or disclosure the agreement does not provide for (3-C, 'Reporting and repair')."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="breaches")
    reported_at = models.DateTimeField()
    description = models.TextField(
        help_text="What happened, without any youth's identifying information."
    )
    cure_due_at = models.DateTimeField()
    cured_at = models.DateTimeField(null=True, blank=True)
    cure_note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reported_at"]
        verbose_name_plural = "breaches"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cure_due_at__gt=models.F("reported_at")),
                name="breach_cure_after_report",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement.reference} breach reported {self.reported_at:%Y-%m-%d}"

    def is_overdue(self, at: datetime) -> bool:
        return self.cured_at is None and at > self.cure_due_at


class RenewalReminder(models.Model):
    """That the reminder N days before an agreement's end was sent (so it is sent once)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveIntegerField()
    ends_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "days_before", "ends_on"], name="renewal_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement.reference}: {self.days_before} days before {self.ends_on}"
