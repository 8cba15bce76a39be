"""Shares, consent records and break-glass grants: the rows the access rule reads."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone

from harborline.crypto.fields import EncryptedTextField
from harborline.people.models import Organization, User

BREAK_GLASS_HOURS = 4


class BasisType(models.TextChoices):
    CONSENT = "consent", "Consent"
    MANDATED_REPORT = "mandated_report", "Mandated report"
    COURT_ORDER = "court_order", "Court order"
    MOU = "mou", "MOU"


class ConsentKind(models.TextChoices):
    YOUTH_ASSENT = "youth_assent", "The youth's own assent or consent"
    PARENT_GUARDIAN = "parent_guardian", "Parent or guardian consent"
    COURT = "court", "Court consent"


class EvidenceKind(models.TextChoices):
    SIGNED_FORM = "signed_form", "Signed form"
    ATTESTATION = "attestation", "Attestation by the person recording it"


class Consent(models.Model):
    """One person's consent (or the youth's assent) to share named compartments with named
    recipients for a purpose, until a date. Youth assent and parent/guardian/court consent are
    separate records; the pack's consent rules say which the youth's age needs."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=20, choices=ConsentKind.choices)
    given_by = EncryptedTextField()  # the name of who gave it (the youth, a parent, the court)
    recipients = models.ManyToManyField(Organization, related_name="+")
    compartments = models.JSONField(default=list)
    purpose = models.CharField(max_length=300)
    given_on = models.DateField(default=timezone.localdate)
    expires_at = models.DateTimeField(null=True, blank=True)
    evidence = models.CharField(max_length=20, choices=EvidenceKind.choices)
    evidence_reference = models.CharField(max_length=300, blank=True)  # form id / file name
    attestation = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"consent {self.pk}"

    def active(self, at: datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > at)


class EndReason(models.TextChoices):
    DELETED = "deleted", "Withdrawn by the owning organization"
    CONSENT_REVOKED = "consent_revoked", "The consent it rested on was revoked"
    EXPIRED = "expired", "Expired"


class ShareQuerySet(models.QuerySet["Share"]):
    def active(self, at: datetime | None = None) -> ShareQuerySet:
        """Not ended, not expired, and — for a share resting on consent — every consent it
        rests on still in force (a consent's expiry ends the share with it)."""
        at = at or timezone.now()
        return (
            self.filter(ended_at__isnull=True, expires_at__gt=at)
            .exclude(consents__revoked_at__isnull=False)
            .exclude(consents__expires_at__lte=at)
        )


class Share(models.Model):
    """Another organization (or one role in it) may see these compartments of a case and add
    notes to them, for a purpose, on a legal basis, until `expires_at`. Changing the owner's
    record in them (identity, contacts, placement address, reference numbers) needs the owner's
    explicit grant, `may_edit`, which is off unless the owner's managers set it when sharing."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="shares")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=40, blank=True)  # empty: every role that sees youth data
    compartments = models.JSONField(default=list)
    purpose = models.CharField(max_length=300)
    basis_type = models.CharField(max_length=20, choices=BasisType.choices)
    basis_reference = models.CharField(max_length=200)
    consents = models.ManyToManyField(Consent, blank=True, related_name="shares")
    may_edit = models.BooleanField(
        default=False,
        help_text="The other organization may also change the shared compartments' records.",
    )
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)

    objects = ShareQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["organization", "ended_at", "expires_at"])]

    def __str__(self) -> str:
        return f"share {self.pk}"


class ReviewOutcome(models.TextChoices):
    JUSTIFIED = "justified", "Justified"
    NOT_JUSTIFIED = "not_justified", "Not justified"


class BreakGlass(models.Model):
    """Emergency access by one user to a case their organization has no share of: a reason,
    a 4-hour window, a flag to the owning organization, a review."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField()
    opened_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices, blank=True)
    review_note = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self) -> str:
        return f"break glass {self.pk}"

    @staticmethod
    def window(opened_at: datetime) -> datetime:
        return opened_at + timedelta(hours=BREAK_GLASS_HOURS)
