"""The mentor-advocate program (Nevada protocol ch. 6; spec nv_coordination.md §2.7): the roster
and its qualifications, readiness reviews of survivor mentor-advocates, weekly supervision, and
the 24/7 on-call schedule. No youth data lives here: supervision notes are about the
mentor-advocate's work and well-being, never about a youth."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from harborline.people.models import Organization
from harborline.protocols.models import County, Region

# Numbers from the protocol (L2034-2360) and, where it gives none, our decision (0020).
CASELOAD_MIN, CASELOAD_MAX = 7, 12  # "e.g. 7-12 CSEC" per mentor-advocate (R44)
READINESS_MONTHS = 6  # survivor mentor-advocates: "re-evaluation every six months" (R39)
BACKGROUND_CHECK_VALID_DAYS = 2 * 365  # the protocol gives no period: decision 0020
BACKGROUND_CHECK_WARN_DAYS = 30
SUPERVISION_EVERY_DAYS = 7  # "weekly supervision" (R43, R45)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


class QualificationRoute(models.TextChoices):
    DEGREE = "degree", "Master's degree in a social science and 2 years' experience"
    EXPERIENCE = "experience", "Associate's degree or 2 years' related experience, with training"
    PEER = "peer", "Peer Recovery and Support certification"
    OTHER = "other", "Other (describe in the training link or notes)"


class MentorAdvocate(models.Model):
    """A person on the program's roster (a user with the mentor-advocate role, or any user
    the program adds)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentor_profile"
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True)
    phone = models.CharField(
        max_length=40, blank=True, help_text="Shown to MDT members while on call."
    )
    qualification_route = models.CharField(
        max_length=20, choices=QualificationRoute.choices, blank=True
    )
    background_check_on = models.DateField(null=True, blank=True)
    is_survivor = models.BooleanField(
        default=False,
        help_text="Survivor mentor-advocates have a readiness review every six months. "
        "Shown only to the program's supervisors and administrators.",
    )
    training_url = models.URLField(blank=True, help_text="Link to the training record.")
    caseload_min = models.PositiveSmallIntegerField(default=CASELOAD_MIN)
    caseload_max = models.PositiveSmallIntegerField(default=CASELOAD_MAX)
    added_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["organization__name", "user__full_name", "user__email"]
        constraints = [
            models.CheckConstraint(
                condition=Q(caseload_max__gte=F("caseload_min")), name="mentor_caseload_range"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.user.full_name or self.user.email

    def background_check_expires_on(self) -> date | None:
        if self.background_check_on is None:
            return None
        return self.background_check_on + timedelta(days=BACKGROUND_CHECK_VALID_DAYS)


class ReadinessReview(models.Model):
    """A clinician's readiness evaluation of a survivor mentor-advocate (R39)."""

    class Outcome(models.TextChoices):
        READY = "ready", "Ready to serve"
        READY_WITH_SUPPORTS = "ready_with_supports", "Ready, with added supports"
        NOT_NOW = "not_now", "Not at this time"

    advocate = models.ForeignKey(
        MentorAdvocate, on_delete=models.CASCADE, related_name="readiness_reviews"
    )
    reviewed_on = models.DateField()
    reviewer = models.CharField(max_length=200, help_text="The clinician who did the review.")
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"Readiness review of {self.advocate} on {self.reviewed_on}"

    @property
    def next_due_on(self) -> date:
        return add_months(self.reviewed_on, READINESS_MONTHS)


class SupervisionSession(models.Model):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", "Individual"
        GROUP = "group", "Group"

    advocate = models.ForeignKey(
        MentorAdvocate, on_delete=models.CASCADE, related_name="supervision"
    )
    held_on = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INDIVIDUAL)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(
        blank=True,
        help_text="About the mentor-advocate's work, support and well-being. Never write about "
        "a youth here: case matters belong in the case record.",
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Supervision of {self.advocate} on {self.held_on}"


class OnCallShift(models.Model):
    """A period a mentor-advocate is on call for crisis response, for a county, a region, an
    organization, or (none of them) statewide."""

    advocate = models.ForeignKey(MentorAdvocate, on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField(db_index=True)
    county = models.ForeignKey(County, null=True, blank=True, on_delete=models.PROTECT)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    phone = models.CharField(max_length=40, help_text="Shown to MDT members during the shift.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="shift_has_length"
            ),
            models.CheckConstraint(
                # at most one of county, region and organization (none: statewide)
                condition=Q(county__isnull=True, region__isnull=True)
                | Q(county__isnull=True, organization__isnull=True)
                | Q(region__isnull=True, organization__isnull=True),
                name="shift_one_coverage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.advocate} on call {self.starts_at:%Y-%m-%d %H:%M}Z"

    @property
    def covers(self) -> str:
        if self.county_id:
            return self.county.name  # type: ignore[union-attr]  # the foreign key is checked just before
        if self.region_id:
            return f"{self.region.name} region"  # type: ignore[union-attr]  # the foreign key is checked just before
        if self.organization_id:
            return self.organization.name  # type: ignore[union-attr]  # the kind checked just before says which is set
        return "Statewide"

    def is_on(self, at: datetime) -> bool:
        return self.starts_at <= at < self.ends_at
