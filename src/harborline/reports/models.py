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
    release of the same table and parameters is checked against it (differencing). A release
    is recorded only when its exact counts differ from the last one's."""

    table = models.CharField(max_length=80)
    key = models.CharField(max_length=300)  # the parameters: year, period, region, level, ...
    labels = models.JSONField(default=dict)  # {"rows": [...], "columns": [...]}
    grid = EncryptedJSONField()  # the exact augmented grid (cells with their totals)
    hidden = models.JSONField(default=list)  # [[i, j], ...] withheld
    released_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["released_at", "pk"]
        indexes = [models.Index(fields=["table", "key"])]

    def __str__(self) -> str:
        return f"release of {self.table} ({self.key})"
