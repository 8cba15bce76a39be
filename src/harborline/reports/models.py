"""What reporting keeps (issue 16): a case's hand-coded code-book answers, for the items nothing
else in Harborline records (race, ethnicity, ZIP code, victimization history, court
attendance, ...), and the log of submissions to the state statistical center.

A submission is immutable once it leaves: the row, its file and its hash are written when it is
prepared and only its approval (who, when) or refusal is added; `save()` refuses any other
change, and nothing deletes one (decision 0049)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from harborline.crypto.fields import EncryptedJSONField, EncryptedTextField
from harborline.errors import Conflict


class CaseCoding(models.Model):
    """The code-book answers recorded by hand for one case: {variable name: code or text}.
    Encrypted: they are identity, safety and legal facts about a youth."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="coding")
    answers = EncryptedJSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"code-book coding of case {self.case_id}"


class SubmissionStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    SUBMITTED = "submitted", "Submitted to the statistical center"
    REFUSED = "refused", "Refused by the approver"


class Submission(models.Model):
    """One agency's data for one reporting year under one data-sharing agreement (3-C): the
    client-level file and/or the aggregate counts, as prepared, approved and sent."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="data_submissions"
    )
    organization = models.ForeignKey(
        "people.Organization", on_delete=models.PROTECT, related_name="data_submissions"
    )
    receiver = models.ForeignKey(
        "people.Organization", on_delete=models.PROTECT, related_name="data_received"
    )
    year = models.PositiveIntegerField(help_text="The reporting year (due January 31 after it).")
    status = models.CharField(
        max_length=20,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.AWAITING_APPROVAL,
    )
    # The terms it was made under: level, variables, screening rule, threshold, pack version.
    parameters = models.JSONField(default=dict)
    row_count = models.PositiveIntegerField(default=0)
    client_file = EncryptedTextField(blank=True)  # the CSV, when the agreement is client-level
    aggregate = models.JSONField(default=dict, blank=True)  # {variable: {code: count}}
    investigations = EncryptedJSONField(default=dict, blank=True)  # child welfare's counts
    sha256 = models.CharField(max_length=64)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    refused_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-prepared_at"]
        indexes = [models.Index(fields=["receiver", "status", "year"])]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "year"],
                condition=models.Q(status="submitted"),
                name="submission_once_a_year",
            )
        ]

    def __str__(self) -> str:
        return f"submission {self.pk} ({self.year})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = Submission.objects.filter(pk=self.pk).values("status").first()
            if stored is not None and stored["status"] != SubmissionStatus.AWAITING_APPROVAL:
                raise Conflict("A submission that has been decided cannot change.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise Conflict("Submissions are kept: the log is immutable.")


class SubmissionReminder(models.Model):
    """A January 31 reminder sent for one agreement, reporting year and threshold (30 or 7
    days before), so each goes out once."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveIntegerField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "year", "days_before"], name="submission_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"reminder {self.year} ({self.days_before} days)"


class Release(models.Model):
    """One release of a controlled table (issue 16, item 4): the exact counts it was made from
    (encrypted: small counts are sensitive) and the entries it withheld, so that the next
    release of the same table and parameters is checked against it (differencing), and the note
    published with it. A release is recorded only when its exact counts or its note differ from
    the last one's."""

    table = models.CharField(max_length=80)
    key = models.CharField(max_length=300)  # the parameters: year, period, region, level, ...
    labels = models.JSONField(default=dict)  # {"rows": [...], "columns": [...]}
    grid = EncryptedJSONField()  # the exact augmented grid (cells with their totals)
    hidden = models.JSONField(default=list)  # [[i, j], ...] withheld
    # The words released with the table, e.g. how an unduplicated count was reached (issue 17):
    # whoever reads the release later (the Coalition's annual report) shows them as released.
    note = models.TextField(blank=True, default="")
    released_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["released_at", "pk"]
        indexes = [models.Index(fields=["table", "key"])]

    def __str__(self) -> str:
        return f"release of {self.table} ({self.key})"


# --- the same youth across agencies (issue 17, decisions 0061 and 0062) ----------------------


class Identifiers(models.TextChoices):
    NAMES = "names", "Names, date of birth and ZIP code"
    ENCODINGS = "encodings", "Linkage encodings instead of names"


class AgreementIdentifiers(models.Model):
    """The reporting term "identifiers" of a data-sharing agreement: whether its client-level
    file carries the youth's names, date of birth and ZIP code, or the linkage encodings made
    inside the agency instead (none of the three then leaves). No row: names, as before."""

    agreement = models.OneToOneField(
        "agreements.Agreement", on_delete=models.CASCADE, related_name="identifiers_term"
    )
    identifiers = models.CharField(
        max_length=12, choices=Identifiers.choices, default=Identifiers.NAMES
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"identifiers of agreement {self.agreement_id}: {self.identifiers}"


class RecordPseudonym(models.Model):
    """The record id a case carries in submissions with encodings: random, made on first use,
    the same in every year's submission and under every linkage key (so the statistical center
    maps a re-encoded record to the cluster it is in), and meaningless outside the agency, which
    alone can turn it back into its case (to answer a confirmation request)."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        "people.Organization", on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=24, unique=True)

    def __str__(self) -> str:
        return self.token


class LinkRun(models.Model):
    """One linking at the statistical center: a new submission linked against the clusters it
    holds (incremental), or every record under the current key linked again (`full`)."""

    receiver = models.ForeignKey(
        "people.Organization", on_delete=models.PROTECT, related_name="link_runs"
    )
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="link_runs"
    )
    full = models.BooleanField(default=False)
    key_version = models.PositiveIntegerField()
    lower = models.FloatField()  # pairs from here up to `upper` go to review
    upper = models.FloatField()  # pairs from here up are linked without review
    records = models.PositiveIntegerField(default=0)  # new records (all, when full)
    remapped = models.PositiveIntegerField(default=0)  # records already held, by record id
    candidates = models.PositiveIntegerField(default=0)
    auto_linked = models.PositiveIntegerField(default=0)
    to_review = models.PositiveIntegerField(default=0)
    model = models.JSONField(default=dict)  # the Fellegi-Sunter weights estimated (no data)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"link run {self.pk}"


class Cluster(models.Model):
    """One youth as the statistical center knows them: the records of one or more agencies
    linked together. The unduplicated count of a year is the number of clusters with a record in
    that year's submissions."""

    receiver = models.ForeignKey(
        "people.Organization", on_delete=models.PROTECT, related_name="clusters"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"cluster {self.pk}"


class LinkedRecord(models.Model):
    """One agency's record at the statistical center (a cluster member): the agency, its record
    id (a RecordPseudonym's token), the cluster, and its latest encodings with the key version
    they were made under. A later submission of the same record replaces the encodings and keeps
    the cluster - that is how a key rotation keeps the clusters."""

    receiver = models.ForeignKey("people.Organization", on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "people.Organization", on_delete=models.PROTECT, related_name="+"
    )
    record = models.CharField(max_length=40)
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="members")
    key_version = models.PositiveIntegerField()
    encoding = EncryptedJSONField(default=dict)  # {column: value} of encode.ALL_COLUMNS
    first_run = models.ForeignKey(LinkRun, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["receiver", "organization", "record"], name="linked_record_once"
            )
        ]
        indexes = [models.Index(fields=["receiver", "key_version"])]

    def __str__(self) -> str:
        return f"{self.organization_id}:{self.record}"


class SubmittedRecord(models.Model):
    """Which records each submission carried (so a year's count takes that year's records)."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="+")
    record = models.ForeignKey(LinkedRecord, on_delete=models.PROTECT, related_name="submitted")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "record"], name="submitted_record_once")
        ]

    def __str__(self) -> str:
        return f"record {self.record_id} in submission {self.submission_id}"


class PairStatus(models.TextChoices):
    AUTO_LINKED = "auto_linked", "Linked (probability at or above the upper threshold)"
    PENDING = "pending", "Waiting for review"
    LINKED = "linked", "Linked by a reviewer"
    SPLIT = "split", "Kept apart by a reviewer"


class CandidatePair(models.Model):
    """Two agencies' records the linking scored at or above the lower threshold: linked without
    review, waiting in the review queue, or decided by a reviewer. What it keeps is the field
    agreement pattern (`pattern`: per field its level, in words, and its match weight), never an
    identifier. A reviewer's decision stays with the pair whatever a later linking scores."""

    receiver = models.ForeignKey("people.Organization", on_delete=models.PROTECT, related_name="+")
    left = models.ForeignKey(LinkedRecord, on_delete=models.PROTECT, related_name="+")
    right = models.ForeignKey(LinkedRecord, on_delete=models.PROTECT, related_name="+")
    probability = models.FloatField()
    pattern = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=PairStatus.choices)
    run = models.ForeignKey(LinkRun, on_delete=models.PROTECT, related_name="pairs")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-probability", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="candidate_pair_once"),
            models.CheckConstraint(
                condition=models.Q(left__lt=models.F("right")), name="candidate_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["receiver", "status"])]

    def __str__(self) -> str:
        return f"pair {self.pk}"


class Confirmation(models.TextChoices):
    WAITING = "waiting", "Waiting for the agency"
    YES = "yes", "Yes"
    NO = "no", "No"


class ConfirmationRequest(models.Model):
    """A center analyst's yes-or-no question to the agency that owns one record of a pair in
    review, which the agency answers from its own plaintext. The agency sees its own record and
    the question, never the other agency's record nor the pattern."""

    pair = models.ForeignKey(CandidatePair, on_delete=models.PROTECT, related_name="requests")
    record = models.ForeignKey(LinkedRecord, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "people.Organization", on_delete=models.PROTECT, related_name="+"
    )
    question = models.CharField(max_length=500)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.CharField(
        max_length=8, choices=Confirmation.choices, default=Confirmation.WAITING
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at", "-pk"]

    def __str__(self) -> str:
        return f"confirmation request {self.pk}"
