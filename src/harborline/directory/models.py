"""The service directory (decision 0047): Open Referral HSDS 3.0 records, kept whole, and the
few things Harborline needs that HSDS lacks.

- `Record` holds every imported HSDS row as it came (one table's fields and its parents'
  identifiers), so export -> import -> export loses nothing. A confidential site's addresses and
  coordinates are not in `data`: they are encrypted in `hidden` and leave Harborline only on the
  pages of those allowed to see them (`directory.access`).
- `Provider`, `Service` and `Location` index the records for search and matching, and carry
  Harborline's own facts: the linked Harborline organization, capacity (with when and by whom it
  was last confirmed), 24/7 availability, eligibility by gender and LGBTQ+-affirming, vetting,
  confidentiality and the county. They are exported as HSDS attributes of Harborline's own
  taxonomy (`directory.extensions`), so another HSDS system keeps them without knowing Harborline.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from harborline.crypto.fields import EncryptedJSONField


class Record(models.Model):
    table = models.CharField(max_length=40)
    hsds_id = models.CharField(max_length=200)
    # The parents this row names ("service_id=…;location_id=…"): HSDS JSON may nest one object
    # (a phone, a contact) under several parents with the same identifier; each placement is a
    # row of its own, as the tabular form would carry it.
    link = models.CharField(max_length=500, blank=True, default="")
    # The parents a row names most often looked up by, as indexed columns (JSON lookups cannot
    # use an index on SQLite): set by `save_rows` from `data`.
    service_key = models.CharField(max_length=200, blank=True, default="", db_index=True)
    location_key = models.CharField(max_length=200, blank=True, default="", db_index=True)
    organization_key = models.CharField(max_length=200, blank=True, default="", db_index=True)
    link_key = models.CharField(max_length=200, blank=True, default="", db_index=True)
    data = models.JSONField(default=dict)
    # A confidential site's address row or coordinates; NULL for every other row.
    hidden = EncryptedJSONField(null=True, blank=True, default=None)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["table", "hsds_id", "link"], name="directory_record_unique"
            )
        ]
        indexes = [models.Index(fields=["table"])]

    def __str__(self) -> str:
        return f"{self.table} {self.hsds_id}"


class Provider(models.Model):
    """An HSDS organization: whoever delivers services, with or without a Harborline account."""

    hsds_id = models.CharField(max_length=200, unique=True)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    organization = models.ForeignKey(
        "people.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_providers",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    hsds_id = models.CharField(max_length=200, unique=True)
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.SET_NULL, related_name="locations"
    )
    name = models.CharField(max_length=300, blank=True)
    confidential = models.BooleanField(default=False)
    county = models.ForeignKey(
        "protocols.County", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Where it is, for "how far" in matching: the location's own HSDS coordinates, else the
    # centre of its address's ZIP code. Never shown or exported; matching never says how far a
    # confidential site is.
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name or self.hsds_id


class Capacity(models.TextChoices):
    UNKNOWN = "unknown", "Not confirmed"
    OPEN = "open", "Open"
    WAITLIST = "waitlist", "Waitlist"
    FULL = "full", "Full"


class Vetting(models.TextChoices):
    NOT_REVIEWED = "not_reviewed", "Not reviewed"
    IN_REVIEW = "in_review", "In review"
    VETTED = "vetted", "Vetted"
    NOT_MET = "not_met", "Standards not met"


class Service(models.Model):
    hsds_id = models.CharField(max_length=200, unique=True)
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.SET_NULL, related_name="services"
    )
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=40, default="active")
    minimum_age = models.FloatField(null=True, blank=True)
    maximum_age = models.FloatField(null=True, blank=True)
    languages = models.JSONField(default=list)  # lower-case codes or names, as recorded
    categories = models.JSONField(default=list)  # taxonomy term codes, e.g. "mental_health"
    counties = models.ManyToManyField("protocols.County", blank=True, related_name="+")
    locations = models.ManyToManyField(Location, blank=True, related_name="services")
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = models.CharField(max_length=254, blank=True)
    # Harborline's own facts (exported as attributes of its taxonomy)
    capacity = models.CharField(max_length=20, choices=Capacity.choices, default=Capacity.UNKNOWN)
    capacity_confirmed_at = models.DateTimeField(null=True, blank=True)
    capacity_confirmed_by = models.CharField(max_length=254, blank=True)
    always_open = models.BooleanField(default=False)  # 24/7
    genders = models.JSONField(default=list)  # empty = any gender
    lgbtq_affirming = models.BooleanField(default=False)
    vetting = models.CharField(max_length=20, choices=Vetting.choices, default=Vetting.NOT_REVIEWED)
    search = models.TextField(blank=True)  # lower-case words for full-text search
    # Weekly opening hours of the service and of the locations it is offered at, read from the
    # HSDS schedules at indexing: [{"days": ["MO", ...], "opens": "09:00", "closes": "17:00"}],
    # in `time_zone` (the first location's county's), so "open now" needs no schedule rows.
    hours = models.JSONField(default=list, blank=True)
    time_zone = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


TOKEN_PREFIX = "hld_"  # noqa: S105 - a prefix that tells directory keys apart, not a secret


class DirectoryToken(models.Model):
    """A read-only key to the HSDS API for systems outside Harborline (a 211, a county site):
    the directory only, never youth data, never a confidential address."""

    name = models.CharField(max_length=200)
    token_hash = models.CharField(max_length=128, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class ReferralStatus(models.TextChoices):
    """HL7 Gravity / FHIR Task states of a closed-loop referral."""

    DRAFT = "draft", "Draft"
    REQUESTED = "requested", "Requested"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Declined"
    IN_PROGRESS = "in_progress", "In progress"
    ON_HOLD = "on_hold", "On hold"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Did not work out"
    CANCELLED = "cancelled", "Cancelled"


class Referral(models.Model):
    """A youth referred to a directory service by an organization on the case. The receiving
    organization (the service's provider's Harborline organization) sees the compartments the
    referral carries through `share`, on the referral's basis, while the referral is open; a
    referral to a provider with no Harborline account is external: the referrer records its
    answers, with who said so and when."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals")
    referrer = models.ForeignKey(
        "people.Organization", on_delete=models.PROTECT, related_name="referrals_made"
    )
    receiver = models.ForeignKey(
        "people.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    needs = models.JSONField(default=list)  # category codes or short needs, as the referrer wrote
    compartments = models.JSONField(default=list)
    basis_type = models.CharField(max_length=20)
    basis_reference = models.CharField(max_length=200, blank=True)
    share = models.ForeignKey(
        "access.Share", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    plan_task = models.ForeignKey(
        "response.PlanTask",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
    )
    warm_handoff = models.CharField(max_length=200, blank=True)  # who walks the youth over
    status = models.CharField(
        max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.REQUESTED
    )
    outcome = EncryptedJSONField(blank=True, default=dict)  # reason, outcome note
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    follow_up_started = models.BooleanField(default=False)  # the no-answer obligation exists
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["receiver", "status"]),
            models.Index(fields=["referrer", "status"]),
            models.Index(fields=["status", "requested_at"]),
        ]

    def __str__(self) -> str:
        return f"referral {self.pk}"

    @property
    def external(self) -> bool:
        return self.receiver_id is None


class ReferralEvent(models.Model):
    """One change of a referral's state: who did it, or for an external referral who said so."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    said_by = models.CharField(max_length=200, blank=True)  # external: the person who answered
    note = EncryptedJSONField(blank=True, default=dict)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"referral event {self.pk}"


class StandardsReview(models.TextChoices):
    IN_REVIEW = "in_review", "Waiting for review"
    MET = "vetted", "Standards met"
    NOT_MET = "not_met", "Standards not met"


class ProviderAssessment(models.Model):
    """A provider's self-assessment against its protocol's standards — Nevada's Standards for
    CSEC Service Providers (Resource 3-D) or Wisconsin's community resource inventory (the
    best-practice attributes of each service category), both instruments of their pack — and the
    directory steward's review, which sets the vetting shown wherever its services are offered.
    The source recommends the self-assessment every year: one older than a year is stale."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="assessments")
    pack = models.CharField(max_length=60)
    instrument = models.CharField(max_length=63)  # provider_standards | resource_inventory
    response = models.ForeignKey(
        "instruments.InstrumentResponse", on_delete=models.PROTECT, related_name="+"
    )
    evidence = models.TextField(blank=True)  # where the policies and documents are
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    status = models.CharField(
        max_length=20, choices=StandardsReview.choices, default=StandardsReview.IN_REVIEW
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"provider assessment {self.pk}"


class SurveyRound(models.Model):
    """One round of Washington's interconnectedness survey for a task force (002 L286-289,
    L466): each member organization says, of every other member organization, whether it knows
    of it, communicates with it and refers youth to it."""

    taskforce = models.ForeignKey(
        "taskforce.TaskForce", on_delete=models.CASCADE, related_name="survey_rounds"
    )
    name = models.CharField(max_length=120)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-opened_on", "-pk"]

    def __str__(self) -> str:
        return self.name


class SurveyAnswer(models.Model):
    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="answers")
    respondent = models.ForeignKey(
        "people.Organization", on_delete=models.PROTECT, related_name="+"
    )
    about = models.ForeignKey("people.Organization", on_delete=models.PROTECT, related_name="+")
    knows = models.BooleanField(default=False)
    communicates = models.BooleanField(default=False)
    refers = models.BooleanField(default=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "respondent", "about"], name="survey_answer_once"
            )
        ]

    def __str__(self) -> str:
        return f"survey answer {self.pk}"
