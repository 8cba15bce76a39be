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


class ClockSetBy(models.TextChoices):
    PACK = "pack", "the protocol pack's rule"
    AGENCY = "agency", "the agency's policy"


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
    # Which rule set `due_at`, in words ("48 hours", "2 business days (weekends and US-NV public
    # holidays skipped)", "immediately"), and whose: the pack's or the agency's (decision 0057).
    clock = models.CharField(max_length=200, blank=True, default="")
    clock_set_by = models.CharField(
        max_length=10, choices=ClockSetBy.choices, default=ClockSetBy.PACK
    )
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


# --- Safety (9-A, 9-B) and the service plan (CISP), issue 12. All in the `safety` compartment. ---


class AssessmentPoint(models.TextChoices):
    """When safety is assessed (L3302-3310; spec nv_service_delivery §4.16)."""

    INITIAL_CONTACT = "initial_contact", "At initial contact"
    CISP_PLANNING = "cisp_planning", "During service planning"
    SCHEDULED_MDT = "scheduled_mdt", "At a scheduled MDT"
    CRISIS_OR_RETURN = "crisis_or_return", "After a crisis or a return from runaway"


class SafetyAssessment(models.Model):
    """A completed CSEC Safety Assessment (Resource 9-A) with its supplemental gang-related and
    lethality parts: the answers and results live (encrypted) in the instrument response."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="safety_assessments"
    )
    response = models.OneToOneField(
        "instruments.InstrumentResponse", on_delete=models.PROTECT, related_name="+"
    )
    pack = models.CharField(max_length=60)
    pack_version = models.CharField(max_length=40)
    point = models.CharField(max_length=20, choices=AssessmentPoint.choices)
    assessed_at = models.DateTimeField()
    issues_identified = models.BooleanField(default=False)
    fulfilled = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["case", "-assessed_at"])]

    def __str__(self) -> str:
        return f"safety assessment {self.pk}"


class SafetyPlan(models.Model):
    """One version of a youth's safety plan (Resource 9-B: before leaving, after leaving,
    technology safety, contacts, signatures). A revision is a new row with the next number;
    `changes` says what changed. `content` holds the 9-B answers, encrypted."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="safety_plans")
    number = models.PositiveIntegerField()
    content = EncryptedJSONField(default=dict)
    changes = EncryptedTextField(blank=True)
    youth_signed = models.BooleanField(default=False)
    staff_signed = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="safety_plan_version_unique")
        ]

    def __str__(self) -> str:
        return f"safety plan {self.pk}"


class ServicePlan(models.Model):
    """A youth's Comprehensive Individualized Service Plan (CISP): at most four active
    prioritized outcomes, each with tasks. `version` counts revisions; each is kept as a
    ServicePlanVersion with what changed."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="service_plans")
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_movement_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"service plan {self.pk}"


class OutcomeStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ACHIEVED = "achieved", "Achieved"
    DROPPED = "dropped", "No longer a priority"


class PlanOutcome(models.Model):
    """An outcome for an underlying need. Marked achieved on its own (D4): finishing every task
    does not achieve it."""

    plan = models.ForeignKey(ServicePlan, on_delete=models.CASCADE, related_name="outcomes")
    title = EncryptedTextField()
    priority = models.PositiveSmallIntegerField()
    youth_priority = models.BooleanField(default=False)  # the youth's own priority (V3)
    status = models.CharField(
        max_length=10, choices=OutcomeStatus.choices, default=OutcomeStatus.ACTIVE
    )
    status_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["priority", "pk"]

    def __str__(self) -> str:
        return f"plan outcome {self.pk}"


class PlanTask(models.Model):
    """An incremental step toward an outcome, with its target date, resource and the person
    responsible for the warm handoff."""

    outcome = models.ForeignKey(PlanOutcome, on_delete=models.CASCADE, related_name="tasks")
    text = EncryptedTextField()
    target_on = models.DateField()
    resource = EncryptedTextField(blank=True)  # free text until the directory exists
    responsible = EncryptedTextField()  # the person who links the youth to the resource
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["target_on", "pk"]

    def __str__(self) -> str:
        return f"plan task {self.pk}"


class PlanSignature(models.Model):
    plan = models.ForeignKey(ServicePlan, on_delete=models.CASCADE, related_name="signatures")
    plan_version = models.PositiveIntegerField()
    name = EncryptedTextField()
    role = models.CharField(max_length=60)  # "youth", or the member's role on the MDT
    is_youth = models.BooleanField(default=False)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"plan signature {self.pk}"


class ServicePlanVersion(models.Model):
    """What the plan was at each version, and what changed."""

    plan = models.ForeignKey(ServicePlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = EncryptedJSONField(default=dict)
    changes = EncryptedTextField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="service_plan_version_unique")
        ]

    def __str__(self) -> str:
        return f"service plan version {self.pk}"


class PlanReview(models.Model):
    """An MDT review of the plan: the D5 questions answered and kept, and the D4 result."""

    plan = models.ForeignKey(ServicePlan, on_delete=models.CASCADE, related_name="reviews")
    held_at = models.DateTimeField()
    trigger = models.CharField(max_length=30)
    answers = EncryptedJSONField(default=dict)  # question id -> {"needs_change": bool, "note"}
    result = models.CharField(max_length=20)  # D4: goal_attained | progressing | not_progressing
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"plan review {self.pk}"


class NeedsAssessment(models.Model):
    """One version of a youth's holistic needs assessment (issue 12, item 2): immediate needs
    (acute and basic), underlying needs by domain, strengths, the youth's own priorities in their
    words and the Nevada CANS domain ratings (ratings only, never the licensed item text). The
    answers live (encrypted) in the instrument response, with the pack version that checked them.
    A new version supersedes the last (the current one is the highest `number`); every version
    is kept. In the `safety` compartment, beside the service plan it feeds (decision 0041)."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="needs_assessments"
    )
    number = models.PositiveIntegerField()
    response = models.OneToOneField(
        "instruments.InstrumentResponse", on_delete=models.PROTECT, related_name="+"
    )
    pack = models.CharField(max_length=60)
    pack_version = models.CharField(max_length=40)
    assessed_at = models.DateTimeField()
    changes = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "number"], name="needs_assessment_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"needs assessment {self.pk}"


class AgencyPolicy(models.Model):
    """An organization's own rules within a pack (Nevada's Resource 8-B asks each agency to decide
    who screens, when, and when to re-screen; decision 0058): shorter clocks for the pack's
    `agency_configurable` obligations, which re-screening triggers it uses, and which roles
    complete the screening tool. Written only by `response.policy.set_policy`.

    `clocks` maps an obligation id to `{"hours": n}`, `{"business_days": n}` or `{"off": true}`
    (a re-screening trigger the agency does not use); `screeners` lists people.roles.Role slugs
    ([] = anyone who may screen)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="agency_policies"
    )
    pack = models.CharField(max_length=60)
    clocks = models.JSONField(default=dict, blank=True)
    screeners = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "pack"], name="agency_policy_unique")
        ]

    def __str__(self) -> str:
        return f"agency policy {self.pk}"
