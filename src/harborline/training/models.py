"""Training events, attendance and per-person training records. Only one-row invariants here;
workflow is in services.py and compliance in selectors.py.

The course catalogue is not a table: courses and requirements live in the protocol packs
(`training.yaml`), so a record names its course by pack and code
(docs/decisions/0014-training-records-and-levels.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from harborline.crypto.fields import EncryptedTextField


class Level(models.TextChoices):
    BASIC = "basic", "Basic"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"
    IN_DEPTH = "in_depth", "In-depth"


# How deep a level goes. A record satisfies a requirement of its own level or a lower one;
# Washington's "in-depth" and Nevada's "advanced" are the same depth (decision 0014).
LEVEL_RANK: dict[str, int] = {
    Level.BASIC: 1,
    Level.INTERMEDIATE: 2,
    Level.ADVANCED: 3,
    Level.IN_DEPTH: 3,
}


class Format(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"
    HYBRID = "hybrid", "Hybrid"


class Source(models.TextChoices):
    EVENT = "event", "Training event"
    IMPORT = "import", "Imported roster"
    API = "api", "API"
    MANUAL = "manual", "Entered by hand"


class SpeakerRole(models.TextChoices):
    GUEST_SPEAKER = "guest_speaker", "Guest speaker"
    CO_TRAINER = "co_trainer", "Co-trainer"


class TrainingEvent(models.Model):
    """One offering of a course: when, where, how, by whom, and whether a survivor speaks."""

    pack = models.SlugField(max_length=40)
    course_code = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    organization = models.ForeignKey(
        "people.Organization", on_delete=models.PROTECT, related_name="training_events"
    )
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="organized_trainings"
    )
    starts_on = models.DateField()
    format = models.CharField(max_length=20, choices=Format.choices)
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.BASIC)
    trainers = models.CharField(max_length=300, blank=True)
    location = models.CharField(max_length=300, blank=True)
    survivor_speaker = models.BooleanField(default=False)
    speaker_role = models.CharField(max_length=20, choices=SpeakerRole.choices, blank=True)
    # Shown only to the event's organizer, never exported (decision 0016).
    speaker_name = EncryptedTextField(blank=True)
    speaker_checklist = models.JSONField(
        default=dict, blank=True, help_text="Survivor-speaker preparation step id -> done."
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        indexes = [
            models.Index(fields=["organization", "-starts_on"]),
            models.Index(fields=["pack", "course_code"]),
        ]
        constraints = [
            models.CheckConstraint(name="training_event_hours", condition=Q(hours__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on})"


class TrainingRecord(models.Model):
    """One person completed one course at one level on one day."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_records"
    )
    pack = models.SlugField(max_length=40)
    course_code = models.CharField(max_length=40)
    level = models.CharField(max_length=20, choices=Level.choices)
    completed_on = models.DateField()
    hours = models.DecimalField(max_digits=6, decimal_places=2)
    event = models.ForeignKey(
        TrainingEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        indexes = [
            models.Index(fields=["person", "completed_on"]),
            models.Index(fields=["pack", "course_code"]),
        ]
        constraints = [
            models.CheckConstraint(name="training_record_hours", condition=Q(hours__gte=0)),
            models.UniqueConstraint(
                fields=["person", "event"],
                condition=Q(event__isnull=False),
                name="training_record_once_per_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.pack}:{self.course_code} {self.completed_on}"


class Attendance(models.Model):
    """Who came to an event; `completed` people also have a training record."""

    event = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_attendance"
    )
    completed = models.BooleanField(default=False)
    record = models.OneToOneField(
        TrainingRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="attendance"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["person__full_name", "person__email"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="training_attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.event}"
