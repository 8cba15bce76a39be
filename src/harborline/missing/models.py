"""Missing and runaway episodes (Nevada Resource 9-F), the efforts to locate the youth, the
return, and the Returning Child De-Briefing (Resource 9-G). Everything here is in the `safety`
compartment (docs/decisions/0037-missing-episodes.md); every text a youth might be recognised by
is encrypted at rest. No credential is ever stored: the services refuse them."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone

from harborline.access.compartments import Compartment
from harborline.crypto.fields import EncryptedJSONField, EncryptedTextField
from harborline.people.models import Organization, User

COMPARTMENT = Compartment.SAFETY


class MissingEpisode(models.Model):
    """One time a youth went missing or ran away. The reports' clocks run from
    `reported_missing_at` (when the agency learned of it), not from when it was typed in."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="missing_episodes"
    )
    last_seen_at = models.DateTimeField()
    reported_missing_at = models.DateTimeField()
    last_seen_where = EncryptedTextField(blank=True)  # address or place the youth ran from
    last_seen_with = EncryptedTextField(blank=True)
    items_taken = EncryptedTextField(blank=True)
    description = EncryptedTextField(blank=True)  # physical description, clothing, car
    social_media = EncryptedJSONField(default=list, blank=True)  # [{"platform", "account"}]
    possible_locations = EncryptedTextField(blank=True)  # addresses the youth might run to
    suspected_trafficked = models.CharField(max_length=10, blank=True)  # yes | no | unknown
    notes = EncryptedTextField(blank=True)  # anything the MDT should know
    law_enforcement_report_number = EncryptedTextField(blank=True)
    ncmec_report_number = EncryptedTextField(blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_where = EncryptedTextField(blank=True)
    found_by = EncryptedTextField(blank=True)  # who found the youth, or "returned on their own"
    return_notes = EncryptedTextField(blank=True)
    obligations = models.ManyToManyField("response.Obligation", blank=True, related_name="+")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_by_org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["case", "-last_seen_at"])]

    def __str__(self) -> str:
        return f"missing episode {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.returned_at is None

    def time_missing(self, now: datetime | None = None) -> timedelta:
        """From last seen to the return (or to now while the youth is still missing)."""
        end = self.returned_at or now or timezone.now()
        return max(end - self.last_seen_at, timedelta(0))


class LocateEffort(models.Model):
    """One effort to find the youth: who was called, where someone looked, what came of it."""

    episode = models.ForeignKey(MissingEpisode, on_delete=models.CASCADE, related_name="efforts")
    made_at = models.DateTimeField()
    action = EncryptedTextField()
    outcome = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["episode", "made_at"])]

    def __str__(self) -> str:
        return f"locate effort {self.pk}"


class Debrief(models.Model):
    """The Returning Child De-Briefing (9-G), led by an adult the youth chooses — who may belong
    to another organization than the case owner. `answers` holds the 9-G questions by their
    field names (nv_forms §8); `in_danger_now` is kept apart because a yes starts obligations."""

    episode = models.OneToOneField(MissingEpisode, on_delete=models.CASCADE, related_name="debrief")
    held_at = models.DateTimeField()
    led_by_name = EncryptedTextField()
    led_by_organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    chosen_by_youth = models.BooleanField(default=True)
    youth_refused = models.BooleanField(default=False)
    in_danger_now = models.CharField(max_length=10, blank=True)  # yes | no | "" (not answered)
    answers = EncryptedJSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"debrief {self.pk}"


class RunawayPrevention(models.Model):
    """The Runaway Prevention Interventions Guide (9-C) completed with the youth: what sets off
    the urge to run, what helped, and each intervention tried with whether it helped. The answers
    live (encrypted) in the instrument response, scored by the pack's `runaway_prevention`."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="runaway_prevention"
    )
    response = models.OneToOneField(
        "instruments.InstrumentResponse", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"runaway prevention {self.pk}"


class EventKind(models.TextChoices):
    """The events of a case that start a pack's clocks: the crisis events of the protocol (E3;
    seed 001 L1881-1884, L5017-5019), and the concern and disclosures that no screening or
    episode records — reasonable cause to believe the youth is abused or neglected (the report
    clocks of packs without a screening instrument: Washington's 48 hours, Wisconsin's
    "immediately"), a sexual assault (the 120-hour medical window) and a disclosure in custody
    (the county protocol's rape-crisis referral); issue 15. The kinds are
    protocols.sections.EVENT_KINDS, which the pack's `events` rules name."""

    RUNAWAY = "runaway", "Ran away (a missing episode)"
    RETURN_TO_EXPLOITER = "return_to_exploiter", "Returned to the exploiter"
    SUICIDE_ATTEMPT = "suicide_attempt", "Suicide attempt"
    PLACEMENT_DISRUPTION = "placement_disruption", "Placement disruption"
    ARREST = "arrest", "Arrest"
    REASONABLE_CAUSE = (
        "reasonable_cause",
        "Reasonable cause to believe the youth is abused or neglected (a concern to report)",
    )
    SEXUAL_ASSAULT = "sexual_assault", "A sexual assault, disclosed or known"
    DISCLOSURE_IN_CUSTODY = (
        "disclosure_in_custody",
        "A disclosure of exploitation to a medical or mental-health provider while in custody",
    )


class CrisisEvent(models.Model):
    """A crisis event on the case (decision 0042). It starts the obligations the pack's `events`
    rule for its kind names (an MDT review and a safety reassessment in Nevada). A runaway points
    at its missing episode, a placement disruption at the placement that ended; the note is
    encrypted. In the `safety` compartment."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="crisis_events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    occurred_at = models.DateTimeField()
    note = EncryptedTextField(blank=True)
    episode = models.ForeignKey(
        MissingEpisode, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    placement = models.ForeignKey(
        "cases.Placement", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    obligations = models.ManyToManyField("response.Obligation", blank=True, related_name="+")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_by_org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["case", "occurred_at"])]

    def __str__(self) -> str:
        return f"crisis event {self.pk}"
