"""Screenings on a case, the obligations they start (with their clocks), MDT meetings."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils import timezone

from harborline.crypto.fields import EncryptedJSONField, EncryptedTextField
from harborline.people.models import Organization, User


class Setting(models.TextChoices):
    CRISIS = "crisis", "In a crisis (immediate safety concern)"
    FIELD = "field", "In the field (street, hotel, vehicle, online meet-up)"
    HOME = "home", "At home or in a placement"
    SHELTER = "shelter", "Shelter or residential program"
    SCHOOL = "school", "School"
    MEDICAL = "medical", "Medical or mental-health visit"
    DETENTION = "detention", "Detention or custody"
    COURT = "court", "Court"
    OFFICE = "office", "Agency office or therapy session"
    OTHER = "other", "Other"


class Screening(models.Model):
    """One instrument completed on a case, with the context of the identification. The answers
    and results live (encrypted) in the instrument response; `outcome` is kept here to drive
    obligations and the case list, inside the screening compartment."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="screenings")
    response = models.OneToOneField(
        "instruments.InstrumentResponse", on_delete=models.PROTECT, related_name="screening"
    )
    pack = models.CharField(max_length=60)
    pack_version = models.CharField(max_length=40)
    instrument = models.CharField(max_length=60)
    outcome = models.CharField(max_length=60, blank=True)
    identified_by = models.CharField(max_length=40)  # people.roles.OrgType slug
    identified_at = models.DateTimeField()
    setting = models.CharField(max_length=20, choices=Setting.choices, blank=True)
    urgent = models.BooleanField(default=False)  # as decided (derived, or overridden)
    urgent_derived = models.BooleanField(default=False)  # what the pack's rule said
    urgent_override_reason = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["case", "-identified_at"])]

    def __str__(self) -> str:
        return f"screening {self.pk}"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    WAIVED = "waived", "Waived"
    OVERDUE = "overdue", "Overdue"


class ObligationQuerySet(models.QuerySet["Obligation"]):
    def pending(self) -> ObligationQuerySet:
        return self.filter(status__in=[Status.OPEN, Status.OVERDUE])


class Obligation(models.Model):
    """A duty with a clock, created from a pack rule: due `due_at` (computed from the event's
    time, `trigger_at`, never from data entry), carried by `owner_org` and `owner_role`."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="obligations")
    screening = models.ForeignKey(
        Screening, null=True, blank=True, on_delete=models.PROTECT, related_name="obligations"
    )
    pack = models.CharField(max_length=60)
    kind = models.CharField(max_length=60)  # the pack's obligation id
    title = models.CharField(max_length=300)
    trigger = models.CharField(max_length=40)
    trigger_at = models.DateTimeField()
    due_at = models.DateTimeField()
    owner_org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    owner_role = models.CharField(max_length=40)
    # No organization the rule names is on the case: the case owner holds it until it is
    # assigned (decision 0038).
    to_assign = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    evidence = EncryptedJSONField(default=dict, blank=True)  # report number, who was told, when
    waived_reason = EncryptedTextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reminders_sent = models.JSONField(default=list, blank=True)  # "half", "nine_tenths", "breach"
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ObligationQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["owner_org", "status", "due_at"]),
            models.Index(fields=["case", "due_at"]),
            models.Index(fields=["status", "due_at"]),
        ]

    def __str__(self) -> str:
        return f"obligation {self.pk}"

    def is_overdue(self, at: datetime | None = None) -> bool:
        pending = self.status in (Status.OPEN, Status.OVERDUE)
        return pending and self.due_at <= (at or timezone.now())


class MeetingKind(models.TextChoices):
    RAPID_RESPONSE = "rapid_response", "Rapid Response MDT"
    MDT_72H = "mdt_72h", "72-Hour MDT"
    PLAN = "plan", "Service-planning MDT"
    REVIEW = "review", "Review MDT"
    EVENT = "event_triggered", "Event-triggered MDT"


# Holding a meeting of this kind fulfils the open obligation of that kind on the case.
FULFILS = {MeetingKind.RAPID_RESPONSE: "rapid_response_mdt", MeetingKind.MDT_72H: "mdt_72h"}


class MdtMeeting(models.Model):
    """A case MDT meeting. Its decisions are in the safety compartment."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    held_at = models.DateTimeField()
    attendees = models.ManyToManyField(User, blank=True, related_name="+")
    other_attendees = EncryptedTextField(blank=True)  # people without an account, and roles
    youth_participated = models.BooleanField(default=False)
    decisions = EncryptedTextField(blank=True)
    fulfilled = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"mdt meeting {self.pk}"


class ActionItem(models.Model):
    meeting = models.ForeignKey(MdtMeeting, on_delete=models.CASCADE, related_name="actions")
    text = EncryptedTextField()
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"action item {self.pk}"
