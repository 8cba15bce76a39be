"""A youth, the case an organization opens for them, the case team, external references and
notes. Everything a youth might be recognised by is encrypted at rest; which compartment each
field belongs to is declared here (`COMPARTMENT_OF`) and enforced by `access`."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone

from harborline.access.compartments import Compartment
from harborline.crypto.fields import EncryptedJSONField, EncryptedTextField, blind_index
from harborline.people.models import Organization, User
from harborline.protocols.home import home_pack_name
from harborline.protocols.translations import printout_languages


class Youth(models.Model):
    """Identity (compartment `identity`) and contacts (compartment `contact`). The last name,
    with and without the date of birth, is also kept as blind indexes (keyed hashes) for the
    possible-duplicate warning and the search; `set_keys()` computes them."""

    first_name = EncryptedTextField()
    last_name = EncryptedTextField()
    aliases = EncryptedJSONField(default=list, blank=True)
    dob = EncryptedTextField(blank=True)  # ISO date; empty when unknown
    gender = EncryptedTextField(blank=True)  # gender identity in the youth's own words
    pronouns = EncryptedTextField(blank=True)
    # The language the youth prefers for what they are given to read: one of the printout
    # languages (settings.LANGUAGES, decision 0064); blank when not recorded. The printouts
    # default to it.
    preferred_language = EncryptedTextField(blank=True, choices=printout_languages)
    contacts = EncryptedJSONField(default=list, blank=True)  # [{"kind", "value", "note"}]
    name_dob_key = models.CharField(max_length=64, db_index=True)  # last name + date of birth
    last_name_key = models.CharField(max_length=64, db_index=True, default="")
    created_by_org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"youth {self.pk}"

    def set_keys(self) -> None:
        self.name_dob_key = blind_index(self.last_name, self.dob or "")
        self.last_name_key = blind_index(self.last_name)

    @property
    def birth_date(self) -> date | None:
        return date.fromisoformat(self.dob) if self.dob else None

    def age_on(self, day: date) -> int | None:
        born = self.birth_date
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Case(models.Model):
    """Owned by the organization that opened it. `version` guards concurrent edits."""

    youth = models.ForeignKey(Youth, on_delete=models.PROTECT, related_name="cases")
    owner = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    # The pack the case follows. The services always name it; a case made without one follows
    # the installation's home pack (HARBORLINE_PACK), never a pack written here.
    pack = models.CharField(max_length=60, default=home_pack_name)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    latest_outcome = models.CharField(max_length=40, blank=True)  # compartment screening
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["owner", "status", "-opened_at"])]

    def __str__(self) -> str:
        return f"case {self.pk}"

    @property
    def placement_address(self) -> str:
        """The current placement's address (compartment `placement_address`); the placements
        are its one home (`Placement`)."""
        current = current_placement(self)
        return current.address if current is not None else ""


class TeamRole(models.TextChoices):
    LEAD = "lead", "Lead"
    MENTOR_ADVOCATE = "mentor_advocate", "Mentor-advocate"
    CPS_WORKER = "cps_worker", "Child-welfare (CPS) worker"
    DETECTIVE = "detective", "Detective"
    PROBATION_OFFICER = "probation_officer", "Probation officer"
    PROSECUTOR = "prosecutor", "Prosecutor"
    DEFENDER = "defender", "Defender"
    THERAPIST = "therapist", "Therapist"
    MEDICAL = "medical", "Medical provider"
    EDUCATION = "education", "Education liaison"
    CASE_MANAGER = "case_manager", "Case manager"
    OTHER = "other", "Other"


class CaseTeamMember(models.Model):
    """Who works the case, in which role. Being on the team does not by itself let another
    organization read the case: that takes a share (access)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT)
    name = models.CharField(max_length=200, blank=True)  # a person without an account
    role_on_case = models.CharField(max_length=40, choices=TeamRole.choices)
    active = models.BooleanField(default=True)
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["user", "role_on_case", "active"])]

    def __str__(self) -> str:
        return f"case team member {self.pk}"


class ReferenceKind(models.TextChoices):
    UNITY = "unity", "Child-welfare system ID (UNITY)"
    LAW_ENFORCEMENT_REPORT = "le_report", "Law-enforcement report number"
    NCMEC_REPORT = "ncmec_report", "NCMEC report number"
    COURT_CASE = "court_case", "Court case number"
    OTHER = "other", "Other"


REFERENCE_COMPARTMENT = {
    ReferenceKind.UNITY: Compartment.IDENTITY,
    ReferenceKind.LAW_ENFORCEMENT_REPORT: Compartment.LEGAL,
    ReferenceKind.NCMEC_REPORT: Compartment.LEGAL,
    ReferenceKind.COURT_CASE: Compartment.LEGAL,
    ReferenceKind.OTHER: Compartment.IDENTITY,
}


class ExternalReference(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="references")
    kind = models.CharField(max_length=20, choices=ReferenceKind.choices)
    value = EncryptedTextField()
    note = models.CharField(max_length=200, blank=True)
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"external reference {self.pk}"

    @property
    def compartment(self) -> str:
        return REFERENCE_COMPARTMENT[ReferenceKind(self.kind)]


class Note(models.Model):
    """A note in one compartment of a case. A note in any compartment but advocate-privileged is
    part of the owner's record. An advocate-privileged note belongs to the organization that
    holds it, `author_org` — the advocate's organization, not the case's owner (decision 0043):
    only that organization's advocates read it, and others on the case learn that it exists
    only when its writer ticked "let the team know notes exist" (`existence_shown`)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    compartment = models.CharField(max_length=30, choices=Compartment.choices)
    text = EncryptedTextField()
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # The holding organization of an advocate-privileged note.
    author_org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    existence_shown = models.BooleanField(
        default=False,
        help_text="Advocate-privileged only: the owner and the advocates on the case team may "
        "see that the holding organization has notes on the case (never their text).",
    )

    class Meta:
        indexes = [models.Index(fields=["case", "compartment", "-created_at"])]

    def __str__(self) -> str:
        return f"note {self.pk}"


class PlacementKind(models.TextChoices):
    HOME = "home", "Home (parent or guardian)"
    RELATIVE = "relative", "Relative or kin"
    FOSTER_HOME = "foster_home", "Foster home"
    CSEC_TREATMENT_FOSTER_CARE = (
        "csec_treatment_foster_care",
        "Specialized CSEC treatment foster care",
    )
    GROUP_HOME = "group_home", "Group home"
    CSEC_GROUP_HOME = "csec_group_home", "Specialized CSEC group home"
    SHELTER = "shelter", "Emergency shelter"
    RESIDENTIAL_TREATMENT = "residential_treatment", "Residential treatment center"
    CSEC_RTC = "csec_rtc", "Specialized CSEC residential treatment center"
    DETENTION = "detention", "Detention"
    INDEPENDENT_LIVING = "independent_living", "Independent or transitional living"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not recorded"


class PlacementEnd(models.TextChoices):
    PLANNED = "planned", "Planned move"
    DISRUPTION = "disruption", "Disruption (the placement broke down)"
    OTHER = "other", "Other"


class Placement(models.Model):
    """Where the youth lives, one row per placement: the case's placement history and the one
    home of the placement address. The address is in the `placement_address` compartment; the
    kind, dates, the 11-A considerations and how the placement ended are in `safety`
    (docs/decisions/0037-missing-episodes.md). The current placement is the one not ended."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="placements")
    kind = models.CharField(max_length=40, choices=PlacementKind.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=PlacementEnd.choices, blank=True)
    end_note = EncryptedTextField(blank=True)
    address = EncryptedTextField(blank=True)  # compartment placement_address
    considerations = EncryptedJSONField(default=dict, blank=True)  # 11-A, by question
    notes = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["case", "-started_on"])]

    def __str__(self) -> str:
        return f"placement {self.pk}"


def current_placement(case: Case) -> Placement | None:
    return case.placements.filter(ended_on__isnull=True).order_by("-started_on", "-pk").first()


class DuplicateCheckSecret(models.Model):
    """The installation's secret for the possible-duplicate check's encodings (decision 0063):
    32 random bytes, made on first use, held encrypted with the field keys (so `harborline
    rotate-keys` re-encrypts it like every other encrypted value) and never shown. One is current; a
    rotation (`harborline manage youth_encodings --rotate-secret`) makes a new one, re-encodes
    every youth under it and then deletes the old one with its encodings. Not the linkage key
    of the submissions to the statistical center (decision 0061): what is encoded under this
    one never leaves the installation."""

    secret = EncryptedTextField()  # url-safe base64
    key_id = models.CharField(max_length=12, unique=True)  # fingerprint, never the secret
    current = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["current"],
                condition=models.Q(current=True),
                name="one_current_duplicate_check_secret",
            )
        ]

    def __str__(self) -> str:
        return f"duplicate-check secret {self.key_id}"


class YouthEncoding(models.Model):
    """A youth's keyed Bloom-filter encodings under one linkage secret, for the
    possible-duplicate check across organizations (decision 0063): the filters of each name
    variant (`linkage.case_match`), encrypted at rest as a second wall, and the keyed blocking
    tokens beside them (`YouthBlockingKey`) for the lookup. Recomputed whenever the youth's
    name or date of birth changes."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="encodings")
    secret = models.ForeignKey(DuplicateCheckSecret, on_delete=models.CASCADE, related_name="+")
    variants = EncryptedJSONField(default=list)
    encoded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["youth", "secret"], name="one_encoding_per_secret")
        ]

    def __str__(self) -> str:
        return f"youth encoding {self.pk}"


class YouthBlockingKey(models.Model):
    """One keyed blocking token of a youth's encoding (16 hex digits, `linkage.encode`): the
    check looks up the stored encodings that share a token with the youth being opened."""

    encoding = models.ForeignKey(YouthEncoding, on_delete=models.CASCADE, related_name="keys")
    token = models.CharField(max_length=16, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["encoding", "token"], name="one_row_per_token")
        ]

    def __str__(self) -> str:
        return f"blocking key {self.pk}"
