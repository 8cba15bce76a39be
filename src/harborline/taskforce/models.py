"""Task forces, their members, subcommittees and MDTs, meetings with attendance and action items,
the secret calendar feeds and the written parts of the annual reports. Only one-row invariants
here; workflow is in services.py."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from harborline.protocols.packs import registry

if TYPE_CHECKING:
    from harborline.people.models import User

PROTECTED_LABEL = "Protected member (survivor)"


class Kind(models.TextChoices):
    REGIONAL = "regional", "Regional"
    TRIBAL = "tribal", "Tribal"
    STATEWIDE = "statewide", "Statewide"


class TaskForce(models.Model):
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.REGIONAL)
    name = models.CharField(max_length=200)
    region = models.CharField(
        max_length=120,
        blank=True,
        help_text="Free text, or a region slug of the pack's geography.",
    )
    pack = models.SlugField(max_length=40, help_text="The protocol pack the task force follows.")
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coordinated_taskforces",
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chaired_taskforces",
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def time_zone(self) -> str:
        """The task force's time zone, which its meetings are read and shown in: its
        coordinator organization's (which follows that organization's county), else the time
        zone of the pack the task force follows (a Wisconsin task force without a coordinator
        meets in Central time, not Pacific; issue 15, item 4)."""
        coordinator = self.coordinator
        membership = coordinator.membership_or_none if coordinator is not None else None
        if membership is not None:
            return membership.organization.time_zone
        pack = registry().get(self.pack)
        return pack.manifest.time_zone if pack is not None else "America/Los_Angeles"


class Subcommittee(models.Model):
    taskforce = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="subcommittees")
    name = models.CharField(max_length=120)
    suggestion = models.CharField(
        max_length=60, blank=True, help_text="The pack's suggested subcommittee it follows, if any."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["taskforce", "name"], name="tf_subcommittee_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Mdt(models.Model):
    """A multidisciplinary team that belongs to a task force."""

    taskforce = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="mdts")
    name = models.CharField(max_length=120)
    county = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "MDT"
        constraints = [models.UniqueConstraint(fields=["taskforce", "name"], name="tf_mdt_unique")]

    def __str__(self) -> str:
        return self.name


class MemberQuerySet(models.QuerySet["Member"]):
    def current(self, on: date | None = None) -> MemberQuerySet:
        """Members on `on` (today by default): joined on or before it, and left on or after it
        or not at all. The one definition of a current member (Member.is_current says the same
        of one row)."""
        day = on or timezone.localdate()
        return self.filter(Q(since__lte=day), Q(until__isnull=True) | Q(until__gte=day))


def organizations_coordinated_by(user: User) -> models.QuerySet[Member, Any]:
    """The ids of the organizations the task forces `user` coordinates hold: the current member
    organizations of every task force whose coordinator the user is (decision 0032). A lazy
    subquery, to use as `organization_id__in=`. The agreements, mentor-advocate and training
    rules all ask this."""
    return (
        Member.objects.current()
        .filter(taskforce__coordinator=user, organization__isnull=False)
        .values("organization_id")
    )


class Member(models.Model):
    """A member organization, a user, or a person without an account (name, optional email)."""

    taskforce = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="members")
    organization = models.ForeignKey(
        "people.Organization", null=True, blank=True, on_delete=models.PROTECT
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    person_name = models.CharField(max_length=200, blank=True)
    person_email = models.EmailField(blank=True)
    category = models.CharField(max_length=120)
    since = models.DateField(default=timezone.localdate)
    until = models.DateField(null=True, blank=True)
    protected = models.BooleanField(
        default=False,
        help_text="A survivor or parent of a survivor: the name is shown only to the "
        "coordinator and the chair, and never exported.",
    )
    version = models.PositiveIntegerField(default=1)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["category", "id"]
        constraints = [
            models.CheckConstraint(
                name="tf_member_one_kind",
                condition=(
                    Q(organization__isnull=False, user__isnull=True, person_name="")
                    | Q(organization__isnull=True, user__isnull=False, person_name="")
                    | (Q(organization__isnull=True, user__isnull=True) & ~Q(person_name=""))
                ),
            ),
            models.CheckConstraint(
                name="tf_member_tenure", condition=Q(until__isnull=True) | Q(until__gte=F("since"))
            ),
        ]

    def __str__(self) -> str:
        return self.real_name

    @property
    def kind(self) -> str:
        if self.organization_id:
            return "organization"
        return "user" if self.user_id else "person"

    @property
    def real_name(self) -> str:
        if self.organization_id:
            return self.organization.name  # type: ignore[union-attr]  # the kind checked just before says which is set
        if self.user_id:
            return self.user.full_name or self.user.email  # type: ignore[union-attr]  # the kind checked just before says which is set
        return self.person_name

    @property
    def real_email(self) -> str:
        if self.user_id:
            return self.user.email  # type: ignore[union-attr]  # the kind checked just before says which is set
        return self.person_email

    def is_current(self, on: object = None) -> bool:
        day = on or timezone.localdate()
        return self.since <= day and (self.until is None or self.until >= day)  # type: ignore[operator]  # set on every saved row


class Meeting(models.Model):
    taskforce = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="meetings")
    subcommittee = models.ForeignKey(
        Subcommittee, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField(help_text="Stored in UTC.")
    ends_at = models.DateTimeField(null=True, blank=True)
    location = models.CharField(max_length=300, blank=True)
    link = models.URLField(blank=True)
    agenda = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["taskforce", "starts_at"])]

    def __str__(self) -> str:
        return self.title


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    ABSENT = "absent", "Absent"
    EXCUSED = "excused", "Excused"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=10, choices=AttendanceStatus.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="tf_attendance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.status} at {self.meeting_id}"


class ActionItem(models.Model):
    taskforce = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="action_items")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    text = models.CharField(max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    due = models.DateField()
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    last_reminded = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["done", "due"])]

    def __str__(self) -> str:
        return self.text


class CalendarFeed(models.Model):
    """A person's secret calendar address. Only a SHA-256 digest of the token is stored."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="taskforce_feed"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"calendar feed of {self.user}"


# --- Annual-report narratives ----------------------------------------------------------------


class ReportKind(models.TextChoices):
    NEVADA = "nevada", "Annual report to the Nevada CSEC Coalition"
    WASHINGTON = "washington", "Annual report to the Washington Statewide Coordinating Committee"
    # A task force whose pack names no body it reports to (Wisconsin's guidelines, the county
    # protocol): its own calendar-year report, titled with its pack's name (decision 0031).
    ANNUAL = "annual", "Annual report of the task force"


# The report a task force of each pack writes by default; a pack not named here writes the
# task force's own annual report (ReportKind.ANNUAL).
PACK_REPORT_KINDS: dict[str, str] = {
    "nevada": ReportKind.NEVADA,
    "washington": ReportKind.WASHINGTON,
}


def report_kind_for(pack: str) -> str:
    """The annual report a task force following `pack` writes by default."""
    return str(PACK_REPORT_KINDS.get(pack, ReportKind.ANNUAL))


class NarrativeSection(NamedTuple):
    field: str
    label: str
    help: str


# The written parts of each annual report, in the order the report shows them. Nevada: the three
# things a regional task force gives the Coalition every year (seed 001 L1696-1706). Washington:
# the toolkit names no contents for the report to the SCC (seed 002 L477-481), so the sections
# follow its suggested data measures (L277-289, L463-467) plus what the task force needs
# (decision 0031). The task force's own report (any other pack): what Wisconsin's guidelines ask
# of a community response (seed 004 L73, L173-176), which fits any task force.
NARRATIVE_SECTIONS: dict[str, tuple[NarrativeSection, ...]] = {
    ReportKind.NEVADA: (
        NarrativeSection(
            "progress",
            "Progress on the adapted protocol",
            "The region's progress in implementing the adapted CSEC protocol, and the regional "
            "data that shows it.",
        ),
        NarrativeSection(
            "service_needs",
            "Service needs, new services and gaps",
            "Service needs, services developed this year, and gaps in services.",
        ),
        NarrativeSection(
            "recommendations",
            "Recommendations",
            "Recommendations for improving prevention, intervention and restorative services.",
        ),
    ),
    ReportKind.WASHINGTON: (
        NarrativeSection(
            "activities",
            "Activities and trainings",
            "What the task force did this year: trainings held, events, goals reached.",
        ),
        NarrativeSection(
            "interconnectedness",
            "How services connect",
            "Do organizations serving youth know about each other, talk to each other, and "
            "refer youth to each other?",
        ),
        NarrativeSection(
            "criminalization",
            "Criminalization of youth and of buyers",
            "What law enforcement did this year: were youth experiencing exploitation treated "
            "as offenders, and were buyers held accountable?",
        ),
        NarrativeSection(
            "requests",
            "Challenges and requests to the committee",
            "What stands in the task force's way, and what it asks of the Statewide "
            "Coordinating Committee.",
        ),
    ),
    ReportKind.ANNUAL: (
        NarrativeSection(
            "progress",
            "Progress this year",
            "What the task force did this year toward its goals: initiatives and services for "
            "prevention and protection, and training that helps people recognize and respond "
            "to youth at risk.",
        ),
        NarrativeSection(
            "service_needs",
            "Resources, gaps and new services",
            "What the community's inventory of resources shows: services developed this year, "
            "and the gaps that remain.",
        ),
        NarrativeSection(
            "recommendations",
            "Priorities and recommendations",
            "What the task force means to do next year, and what it asks of its members and "
            "partners.",
        ),
    ),
}
# What the body a report goes to asks the task force to write, where it says so (shown above the
# narrative form); a page reads it from here rather than naming a jurisdiction.
NARRATIVE_ASKS: dict[str, str] = {
    ReportKind.NEVADA: "what the Coalition asks of every regional task force each year",
}
NARRATIVE_FIELDS: tuple[str, ...] = tuple(
    dict.fromkeys(s.field for sections in NARRATIVE_SECTIONS.values() for s in sections)
)
NARRATIVE_LIMIT = 10_000  # characters per section


class ReportNarrative(models.Model):
    """The written parts of one task force's annual report of one kind for one year. The
    numbers of the report come from the records (reports.annual_report); these are the words
    the coordinator and the chair add."""

    taskforce = models.ForeignKey(
        TaskForce, on_delete=models.CASCADE, related_name="report_narratives"
    )
    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField(help_text="The year the reporting period ends.")
    progress = models.TextField(blank=True)
    service_needs = models.TextField(blank=True)
    recommendations = models.TextField(blank=True)
    activities = models.TextField(blank=True)
    interconnectedness = models.TextField(blank=True)
    criminalization = models.TextField(blank=True)
    requests = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["taskforce", "kind", "year"], name="tf_narrative_unique"
            ),
            models.CheckConstraint(
                name="tf_narrative_kind", condition=Q(kind__in=ReportKind.values)
            ),
            models.CheckConstraint(
                name="tf_narrative_year", condition=Q(year__gte=2000, year__lte=2100)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year} narrative of {self.taskforce_id}"

    @property
    def sections(self) -> list[tuple[NarrativeSection, str]]:
        return [(s, getattr(self, s.field)) for s in NARRATIVE_SECTIONS[self.kind]]
