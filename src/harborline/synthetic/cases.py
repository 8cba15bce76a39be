"""Synthetic youth and their cases: screenings (NRIT) and the obligations they start, shares and
the consent records behind them, case teams, notes, MDT meetings with action items, external
references, and (demo only) one break-glass opening awaiting review.

Everything is made with `bulk_create`, like the other synthetic modules, so no per-row audit is
written (`seed()` writes one record for the run). The invariants the services keep hold here
too, because the same pure functions decide them: the pack's NRIT scoring (`instruments.engine.
evaluate`), its obligation rules (`response.obligations.triggers_for` / `plan`, so `due_at` is the
rule's clock from the identification), its urgency rule, its consent rules by age (which consent
records a consent-based share rests on), `Youth.set_keys()` (the blind indexes), and
the same sequence as `response.services.record_screening` (only a case's first screening starts
`first_contact`; a new screening closes the pending re-screen; a kind already pending is not
started twice). Encrypted fields are encrypted by the field on `bulk_create` as on `save()`.

Time.
- Demo scale tells its story relative to the moment of seeding (`demo_now()`: the clock, read once,
  to the minute), so that the obligations dashboard has things due in the next hours and overdue.
  This is the one place synthetic data reads the clock: the same seed gives the same rows, shifted
  to when it ran.
- State scale uses the fixed calendar (base.py). Its "now" is `STATE_NOW`, the end of the
  ten-year period: obligations pending then stay pending, so by today's clock they are all past
  due (the benchmark's data set is cached for weeks; times relative to its build would go stale
  anyway). Shares of cases still open then last until `STATE_SHARE_HORIZON`.

Names are obviously made up (people.py's first names and landscape surnames), telephone numbers
are in the 555-01xx range reserved for fiction, and every note says it is synthetic."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db.models import Model
from django.utils import timezone

from harborline.access.compartments import Compartment
from harborline.access.models import (
    BREAK_GLASS_HOURS,
    BasisType,
    BreakGlass,
    Consent,
    ConsentKind,
    EvidenceKind,
    Share,
)
from harborline.cases.encodings import encode_many
from harborline.cases.models import (
    Case,
    CaseStatus,
    CaseTeamMember,
    ExternalReference,
    Note,
    Placement,
    PlacementKind,
    ReferenceKind,
    TeamRole,
    Youth,
)
from harborline.errors import InvalidInput
from harborline.instruments.engine import evaluate
from harborline.instruments.models import InstrumentResponse
from harborline.instruments.schema import Instrument
from harborline.people.models import Membership, Organization
from harborline.people.roles import OrgType, Role, rules_for
from harborline.protocols.home import screening_instrument
from harborline.protocols.packs import Pack, get_pack
from harborline.protocols.sections import Consent as ConsentSection
from harborline.response.models import (
    FULFILS,
    ActionItem,
    MdtMeeting,
    Obligation,
    Screening,
    Status,
)
from harborline.response.obligations import plan, triggers_for, urgent_by_rule

from .base import PERIOD_END, PERIOD_START, Context, apportion
from .people import FIRST_NAMES, LAST_NAMES, PACK, demo_email, demo_orgs
from .states import DemoState, demo_state

T = OrgType
C = Compartment
INSERT_BATCH = 1000  # rows per INSERT
CASES_PER_BATCH = 2000  # state scale: cases generated, written and forgotten together

# --- Proportions (state scale) ---------------------------------------------------------------
# Youth with a case over the ten fiscal years. A benchmark size, not a Nevada statistic: it is
# what a state would hold if every youth screened with the NRIT at child-welfare, probation and
# advocacy intake had a record (most with no indicators), and it is set high on purpose so that
# the pages are measured above any real caseload.
STATE_YOUTH = 50_000
# A test factor below 1 (seed's _factor) shrinks the organizations' staff (people.py) and, here,
# each worker's caseload as well, so cases shrink with its square: 0.15 gives about 1,100 cases,
# fast enough for the tests that check people at that size. At factor 1 nothing changes.
TEST_FACTOR_POWER = 2
STATE_NOW = datetime(2025, 7, 1, 8, 0, tzinfo=UTC)  # midnight after PERIOD_END, Nevada (UTC-8)
STATE_SHARE_HORIZON = datetime(2030, 6, 30, 8, 0, tzinfo=UTC)
# Cases per case-working member (caseworker, mentor-advocate, supervisor) of an organization, by
# type: child welfare and probation carry most cases; the courts, prosecutors and defenders own
# none (they see cases through shares). Synthetic estimates, not measured figures. An
# organization's members follow county population (people.py, from nevada.py's census counts),
# so cases do too.
CASELOAD_WEIGHT: dict[str, float] = {
    T.CHILD_WELFARE: 3.0,
    T.PROBATION: 2.0,
    T.COMMUNITY_ADVOCACY: 1.5,
    T.TRIBAL: 1.5,
    T.CHILD_ADVOCACY_CENTER: 1.2,
    T.SYSTEM_ADVOCACY: 1.0,
    T.LAW_ENFORCEMENT: 0.6,
    T.SERVICE_PROVIDER: 0.5,
    T.MENTAL_HEALTH: 0.4,
    T.MEDICAL: 0.3,
    T.SUBSTANCE_USE: 0.3,
    T.EDUCATION: 0.1,
}
CASE_WORKING_ROLES = (Role.CASEWORKER, Role.MENTOR_ADVOCATE, Role.SUPERVISOR)
# The first screening's outcome. Synthetic estimates: universal screening at intake finds no
# indicators for most youth.
OUTCOME_SHARE = {"confirmed_victim": 0.12, "high_risk": 0.28, "no_indicators": 0.60}
# A re-screen's outcome given the previous one (high risk is re-screened every 90 days).
NEXT_OUTCOME: dict[str, dict[str, float]] = {
    "confirmed_victim": {"confirmed_victim": 0.6, "high_risk": 0.3, "no_indicators": 0.1},
    "high_risk": {"confirmed_victim": 0.2, "high_risk": 0.5, "no_indicators": 0.3},
    "no_indicators": {"confirmed_victim": 0.1, "high_risk": 0.3, "no_indicators": 0.6},
}
SCREENINGS_PER_CASE = {1: 0.80, 2: 0.12, 3: 0.06, 4: 0.02}  # "about one, some with 2-4"
RESCREEN_DAYS = (60, 110)  # days between screenings on a case
RESCREEN_HIGH_RISK = 0.7  # a youth still high risk is re-screened (while the case is open)
AGE_AT_OPENING = {11: 2, 12: 4, 13: 8, 14: 14, 15: 20, 16: 22, 17: 18, 18: 8, 19: 4}
CASE_MEDIAN_DAYS = 240  # how long a case stays open (log-normal around this)
CASE_DAYS_SIGMA = 0.8
SHARED_SHARE = 0.20  # cases shared with other organizations
SHARE_ORGS = {1: 0.6, 2: 0.3, 3: 0.1}  # with how many
NOTES_PER_CASE = (0, 20)
BIG_CASES = 10  # long-running cases with hundreds of notes (the benchmark's "biggest case")
BIG_CASE_NOTES = (200, 400)
BIG_CASE_YEARS = (4, 7)  # opened this many years before STATE_NOW, still open
MENTOR_ON_TEAM = 0.30  # cases with a mentor-advocate from a community advocacy organization
RECIPIENT_ON_TEAM = 0.5  # a share's recipient also puts a person on the case team
REFERENCE_SHARE = 0.30
PLACEMENT_SHARE = 0.40
RECIPIENT_NOTE_SHARE = 0.2  # of a shared case's notes, written by a recipient organization
# What happens to an obligation (state scale). The rest are never closed: on an open case they
# stay pending (overdue), on a closed case they are waived when it closes.
OBLIGATION_DONE = 0.92
OBLIGATION_WAIVED = 0.03
ON_TIME = 0.85
# Who a case is shared with, on which basis, and which compartments (weights per type).
RECIPIENTS: dict[str, tuple[float, str, tuple[str, ...]]] = {
    T.LAW_ENFORCEMENT: (3, BasisType.MANDATED_REPORT, ("identity", "screening", "safety", "legal")),
    T.CHILD_WELFARE: (2, BasisType.MANDATED_REPORT, ("identity", "contact", "screening", "safety")),
    T.JUVENILE_COURT: (2, BasisType.COURT_ORDER, ("identity", "screening", "safety", "education")),
    T.PROBATION: (1, BasisType.COURT_ORDER, ("identity", "screening", "safety", "legal")),
    T.PROSECUTOR: (1, BasisType.COURT_ORDER, ("identity", "safety", "legal")),
    T.PUBLIC_DEFENDER: (1, BasisType.COURT_ORDER, ("identity", "legal")),
    T.COMMUNITY_ADVOCACY: (3, BasisType.CONSENT, ("identity", "contact", "screening", "safety")),
    T.MENTAL_HEALTH: (2, BasisType.CONSENT, ("identity", "contact", "mental_health")),
    T.SERVICE_PROVIDER: (2, BasisType.CONSENT, ("identity", "contact", "placement_address")),
    T.MEDICAL: (1, BasisType.CONSENT, ("identity", "contact", "medical")),
    T.SUBSTANCE_USE: (1, BasisType.CONSENT, ("identity", "substance_use")),
    T.CHILD_ADVOCACY_CENTER: (1, BasisType.CONSENT, ("identity", "screening", "safety")),
    T.TASK_FORCE: (1, BasisType.CONSENT, ("identity", "screening", "safety")),
    T.TRIBAL: (1, BasisType.CONSENT, ("identity", "contact", "screening", "safety")),
}
# Which compartments notes are written in (weights). Advocate-privileged notes only on cases an
# advocacy organization owns.
NOTE_COMPARTMENTS = {
    C.SAFETY: 25,
    C.EDUCATION: 12,
    C.ADVOCATE_PRIVILEGED: 12,
    C.MENTAL_HEALTH: 10,
    C.LEGAL: 10,
    C.SCREENING: 8,
    C.MEDICAL: 7,
    C.SUBSTANCE_USE: 5,
    C.CONTACT: 5,
    C.PLACEMENT_ADDRESS: 3,
    C.IDENTITY: 3,
}
PRIVILEGED_OWNERS = {T.COMMUNITY_ADVOCACY, T.SYSTEM_ADVOCACY}
# A big case is in court: shared by court order with the county's court, prosecutor, defender
# and probation department (so the benchmark's largest organizations all see one).
COURT_SIDE = (T.JUVENILE_COURT, T.PROSECUTOR, T.PUBLIC_DEFENDER, T.PROBATION)
TEAM_ROLE_BY_TYPE = {
    T.LAW_ENFORCEMENT: TeamRole.DETECTIVE,
    T.CHILD_WELFARE: TeamRole.CPS_WORKER,
    T.PROBATION: TeamRole.PROBATION_OFFICER,
    T.PROSECUTOR: TeamRole.PROSECUTOR,
    T.PUBLIC_DEFENDER: TeamRole.DEFENDER,
    T.MENTAL_HEALTH: TeamRole.THERAPIST,
    T.MEDICAL: TeamRole.MEDICAL,
    T.EDUCATION: TeamRole.EDUCATION,
    T.COMMUNITY_ADVOCACY: TeamRole.MENTOR_ADVOCATE,
}
# Where an identification happens, by the identifying organization's type.
SETTINGS_BY_TYPE: dict[str, tuple[str, ...]] = {
    T.LAW_ENFORCEMENT: ("field", "field", "crisis", "detention"),
    T.PROBATION: ("office", "detention", "court", "home"),
    T.CHILD_WELFARE: ("home", "office", "shelter", "crisis"),
    T.MEDICAL: ("medical",),
    T.MENTAL_HEALTH: ("office", "medical"),
    T.EDUCATION: ("school",),
}
DEFAULT_SETTINGS = ("office", "shelter", "field", "home")

# --- Synthetic text --------------------------------------------------------------------------
# Answer sets of Nevada's screening instrument (the NRIT). A pack screening with another
# instrument answers it with `_plain_answers` (its required items only); a pack with none opens
# its cases without a screening.
ANSWER_SETS: dict[str, dict[str, Any]] = {
    "confirmed_law_enforcement": {"cv_law_enforcement": True, "hr_runaway": True},
    "confirmed_self_report": {"cv_self_report": True},
    "confirmed_survival": {"cv_survival_sex": True, "hr_unexplained_resources": True},
    "confirmed_online": {"cv_internet_posts": True, "hr_controlling_partner": True},
    "high_risk_runaway": {"hr_runaway": True},
    "high_risk_partner": {"hr_controlling_partner": True, "hr_unexplained_resources": True},
    "high_risk_hotels": {"hr_hotels": True},
    "high_risk_markings": {"hr_injuries": True, "hr_gang_affiliation": True},
    "none": {"no_indicators": True},
}
ANSWERS_BY_OUTCOME = {
    "confirmed_victim": [k for k in ANSWER_SETS if k.startswith("confirmed")],
    "high_risk": [k for k in ANSWER_SETS if k.startswith("high_risk")],
    "no_indicators": ["none"],
}
NOTE_TEXT: dict[str, tuple[str, ...]] = {
    C.SAFETY: (
        "Reviewed the safety plan together; the youth named two safe adults to call.",
        "Checked in after curfew by phone; no new safety concerns reported.",
        "The youth reported an unknown adult messaging them online; blocked the account together.",
        "Updated the safety plan after a missed appointment; agreed on a check-in time.",
    ),
    C.EDUCATION: (
        "Met the school counselor about credit recovery; enrolment paperwork started.",
        "Attendance improved this month; the youth asked about a GED program.",
        "Arranged tutoring twice a week at the learning center.",
    ),
    C.ADVOCATE_PRIVILEGED: (
        "Privileged advocate note: the youth talked about what they want for the next month.",
        "Privileged advocate note: walked with the youth to the clinic; they went in alone.",
        "Privileged advocate note: the youth asked to keep today's conversation between us.",
    ),
    C.MENTAL_HEALTH: (
        "First session with the therapist went well; the youth wants to continue weekly.",
        "Trauma-informed assessment scheduled; the youth prefers afternoon appointments.",
        "The youth reported trouble sleeping; the therapist will follow up.",
    ),
    C.LEGAL: (
        "Hearing moved to next month; the defender explained the process to the youth.",
        "Victim-witness advocate met the youth before the interview.",
        "Court report submitted; no action needed from the youth this week.",
    ),
    C.SCREENING: (
        "Screening completed from records and partner information; results discussed with the MDT.",
        "Re-screening scheduled as the protocol asks for youth found high risk.",
    ),
    C.MEDICAL: (
        "Well-child visit completed; follow-up booked at the adolescent clinic.",
        "The youth accepted a referral for a dental appointment.",
    ),
    C.SUBSTANCE_USE: (
        "The youth agreed to an intake at the adolescent treatment program.",
        "Reviewed harm-reduction options; the youth will think about group sessions.",
    ),
    C.CONTACT: (
        "The youth has a new phone number; contacts updated.",
        "Grandmother is now the best contact in the evenings.",
    ),
    C.PLACEMENT_ADDRESS: (
        "Placement moved to a foster home closer to school.",
        "The youth is staying at the shelter until a placement opens.",
    ),
    C.IDENTITY: (
        "The youth asked to be called by their chosen name; record updated.",
        "Birth certificate request sent to the vital records office.",
    ),
}
NOTE_ENDINGS = (
    "",
    " Next check-in is next week.",
    " Shared with the team at the MDT.",
    " No further action needed today.",
)
DECISIONS = (
    "Synthetic MDT decisions: placement at a specialised foster home; weekly therapy; "
    "mentor-advocate check-ins twice a week.",
    "Synthetic MDT decisions: immediate safety plan agreed; medical visit offered and accepted; "
    "school re-enrolment to start next week.",
    "Synthetic MDT decisions: the youth stays with a relative; the team meets again in 30 days.",
)
ACTIONS = (
    "Arrange the medical appointment",
    "Enrol the youth at the learning center",
    "Find a bed at the youth shelter",
    "Set up weekly therapy",
    "Follow up with the school counselor",
    "Check in with the caregiver about the safety plan",
)
OTHER_ATTENDEES = (
    "The youth's grandmother; a school counselor (synthetic)",
    "Shelter staff member; victim-witness advocate (synthetic)",
    "Foster parent; therapist (synthetic)",
)
GENDERS = (("girl", "she/her", 55), ("boy", "he/him", 30), ("nonbinary", "they/them", 8))
GENDERS_MORE = (("trans girl", "she/her", 4), ("trans boy", "he/him", 3))
PARENT_WORDS = ("mother", "father", "grandmother", "aunt", "legal guardian")


# --- Plans -----------------------------------------------------------------------------------


@dataclass
class ScreenPlan:
    answers: str  # key of ANSWER_SETS
    identified_at: datetime
    recorded_at: datetime
    identified_by: str
    setting: str
    recorder_id: int


@dataclass
class SharePlan:
    org: Organization
    basis: str
    compartments: tuple[str, ...]
    created_at: datetime
    expires_at: datetime
    purpose: str = ""
    reference: str = ""


@dataclass
class NotePlan:
    compartment: str
    text: str
    author_id: int
    author_org_id: int
    created_at: datetime


@dataclass
class TeamPlan:
    org_id: int
    user_id: int | None
    name: str
    role_on_case: str
    added_at: datetime


@dataclass
class CasePlan:
    owner: Organization
    lead_id: int
    opened_at: datetime
    closed_at: datetime | None
    youth: dict[str, Any]
    screenings: list[ScreenPlan] = field(default_factory=list)
    shares: list[SharePlan] = field(default_factory=list)
    notes: list[NotePlan] = field(default_factory=list)
    team: list[TeamPlan] = field(default_factory=list)
    references: list[tuple[str, str, str]] = field(default_factory=list)  # kind, value, note
    placement_address: str = ""
    mentor_id: int | None = None
    # Demo: obligation kinds left pending whatever their clock says, and the ones closed early.
    keep_pending: tuple[str, ...] = ()


@dataclass
class Pools:
    """The organizations and people cases are drawn from, read once from the database."""

    orgs: list[Organization]
    by_id: dict[int, Organization]
    workers: dict[int, list[int]]  # org id -> user ids of case-working members (by email)
    members: dict[int, list[int]]  # org id -> user ids of every member who sees youth data
    mentors: dict[int, list[int]]  # org id -> user ids of mentor-advocates
    reviewers: dict[int, list[int]]  # org id -> supervisors and administrators
    by_county_type: dict[tuple[str, str], list[Organization]]

    @classmethod
    def load(cls) -> Pools:
        orgs = list(Organization.objects.select_related("county").order_by("slug"))
        workers: dict[int, list[int]] = defaultdict(list)
        members: dict[int, list[int]] = defaultdict(list)
        mentors: dict[int, list[int]] = defaultdict(list)
        reviewers: dict[int, list[int]] = defaultdict(list)
        rows = (
            Membership.objects.filter(is_active=True, user__is_active=True)
            .order_by("user__email")
            .values_list("organization_id", "user_id", "role")
        )
        for org_id, user_id, role in rows:
            if not rules_for(role).sees_youth_data or role == Role.SYSTEM_ADMIN:
                continue
            members[org_id].append(user_id)
            if role in CASE_WORKING_ROLES:
                workers[org_id].append(user_id)
            if role == Role.MENTOR_ADVOCATE:
                mentors[org_id].append(user_id)
            if role in (Role.SUPERVISOR, Role.ORG_ADMIN):
                reviewers[org_id].append(user_id)
        by_county_type: dict[tuple[str, str], list[Organization]] = defaultdict(list)
        for org in orgs:
            if org.county is not None:
                by_county_type[(org.county.slug, org.type)].append(org)
        return cls(
            orgs, {o.pk: o for o in orgs}, workers, members, mentors, reviewers, by_county_type
        )

    def worker(self, org: Organization, rng: random.Random) -> int | None:
        people = self.workers.get(org.pk) or self.members.get(org.pk)
        return rng.choice(people) if people else None

    def reviewer(self, org: Organization, fallback: int) -> int:
        people = self.reviewers.get(org.pk)
        return people[0] if people else fallback


# --- Small helpers ---------------------------------------------------------------------------


def _weighted(rng: random.Random, table: Mapping[Any, float]) -> Any:
    keys = list(table)
    return rng.choices(keys, weights=[table[k] for k in keys])[0]


def _youth(rng: random.Random, opened: date) -> dict[str, Any]:
    age = _weighted(rng, AGE_AT_OPENING)
    born = opened - timedelta(days=age * 365 + rng.randint(0, 364))
    gender, pronouns, _ = rng.choices(
        (*GENDERS, *GENDERS_MORE), weights=[g[2] for g in (*GENDERS, *GENDERS_MORE)]
    )[0]
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    aliases = [rng.choice(FIRST_NAMES)] if rng.random() < 0.2 else []
    contacts = []
    if rng.random() < 0.7:
        contacts.append(
            {
                "kind": "phone",
                "value": f"702-555-01{rng.randint(0, 99):02d}",  # reserved for fiction
                "note": "youth's own phone (fictional number)",
            }
        )
    if rng.random() < 0.4:
        contacts.append(
            {
                "kind": "phone",
                "value": f"775-555-01{rng.randint(0, 99):02d}",
                "note": f"{rng.choice(PARENT_WORDS)} (fictional number)",
            }
        )
    return {
        "first_name": first,
        "last_name": last,
        "aliases": aliases,
        "dob": born.isoformat(),
        "gender": gender,
        "pronouns": pronouns,
        "contacts": contacts,
    }


def _age_on(dob: str, day: date) -> int:
    born = date.fromisoformat(dob)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _note_text(rng: random.Random, compartment: str) -> str:
    return f"Synthetic note: {rng.choice(NOTE_TEXT[compartment])}{rng.choice(NOTE_ENDINGS)}"


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    if end <= start:
        return start
    seconds = int((end - start).total_seconds())
    return start + timedelta(seconds=rng.randint(0, seconds))


def _note_compartments(owner: Organization) -> dict[str, float]:
    if owner.type in PRIVILEGED_OWNERS:
        return {str(k): float(v) for k, v in NOTE_COMPARTMENTS.items()}
    return {str(k): float(v) for k, v in NOTE_COMPARTMENTS.items() if k != C.ADVOCATE_PRIVILEGED}


def _add_notes(
    plan_: CasePlan, rng: random.Random, count: int, until: datetime, pools: Pools
) -> None:
    weights = _note_compartments(plan_.owner)
    shared = [s for s in plan_.shares if s.created_at < until]
    for _ in range(count):
        at = _between(rng, plan_.opened_at, until)
        author, org_id = plan_.lead_id, plan_.owner.pk
        compartment = _weighted(rng, weights)
        if shared and rng.random() < RECIPIENT_NOTE_SHARE:
            share = rng.choice(shared)
            writer = pools.worker(share.org, rng)
            if writer is not None:
                author, org_id = writer, share.org.pk
                at = _between(rng, share.created_at, until)
                compartment = rng.choice(
                    [c for c in share.compartments if c != C.ADVOCATE_PRIVILEGED]
                )
        elif compartment == C.ADVOCATE_PRIVILEGED and plan_.mentor_id is not None:
            author = plan_.mentor_id
        plan_.notes.append(NotePlan(compartment, _note_text(rng, compartment), author, org_id, at))


def _share_purpose(basis: str, org: Organization) -> str:
    purposes: dict[str, str] = {
        BasisType.MANDATED_REPORT: "Mandated report and investigation",
        BasisType.COURT_ORDER: "Court-ordered case coordination",
        BasisType.CONSENT: f"Services from {org.name}",
    }
    return purposes.get(basis, "Case coordination")


def _share_reference(rng: random.Random, basis: str) -> str:
    if basis == BasisType.MANDATED_REPORT:
        return f"SYN-REPORT-{rng.randint(10000, 99999)}"
    if basis == BasisType.COURT_ORDER:
        return f"SYN-ORDER-J{rng.randint(100000, 999999)}"
    return ""  # consent: the consent records' ids, filled in when they exist


# --- Obligations: the same sequence as response.services.record_screening ---------------------


@dataclass
class _Ob:
    obj: Obligation
    done_at: datetime | None = None
    waived: bool = False
    by_screening: int | None = None  # index of the screening that closed it

    def pending_at(self, at: datetime) -> bool:
        return self.obj.created_at <= at and (self.done_at is None or self.done_at > at)


Settle = Callable[[_Ob, CasePlan, random.Random], None]


def _settle_state(ob: _Ob, case_plan: CasePlan, rng: random.Random) -> None:
    """State scale: most obligations are done (most of them on time), a few waived, a few never
    closed. A re-screen is closed only by the next screening."""
    o = ob.obj
    if o.kind == "rescreen":
        return
    roll = rng.random()
    window = o.due_at - o.trigger_at
    if roll < OBLIGATION_WAIVED:
        ob.done_at, ob.waived = o.trigger_at + window / 2 + timedelta(minutes=30), True
    elif roll < OBLIGATION_WAIVED + OBLIGATION_DONE:
        if window <= timedelta(0):  # "at first contact": done on the spot
            ob.done_at = o.trigger_at + timedelta(minutes=rng.randint(5, 120))
        elif rng.random() < ON_TIME:
            ob.done_at = o.trigger_at + window * rng.uniform(0.05, 0.95)
        else:
            ob.done_at = o.due_at + timedelta(hours=rng.uniform(1, 96))


def _settle_demo(now: datetime) -> Settle:
    """Demo: what is already due was done in time, unless the story keeps it pending; what is
    not due yet is still open (the dashboard's "due next")."""

    def settle(ob: _Ob, case_plan: CasePlan, rng: random.Random) -> None:
        o = ob.obj
        if o.kind == "rescreen" or o.kind in case_plan.keep_pending:
            return
        window = o.due_at - o.trigger_at
        if window <= timedelta(0):
            done = o.trigger_at + timedelta(minutes=rng.randint(10, 50))
        else:
            done = o.trigger_at + window * rng.uniform(0.3, 0.9)
        if done < now and o.due_at <= now:
            ob.done_at = done

    return settle


def _reminders(o: Obligation, now: datetime) -> list[str]:
    window = (o.due_at - o.trigger_at).total_seconds()
    elapsed = (now - o.trigger_at).total_seconds()
    if o.due_at <= now:
        return ["half", "nine_tenths", "breach"] if window > 0 else ["breach"]
    sent = []
    if window > 0 and elapsed >= window * 0.5:
        sent.append("half")
    if window > 0 and elapsed >= window * 0.9:
        sent.append("nine_tenths")
    return sent


# --- Writing ---------------------------------------------------------------------------------


def has_instrument(pack: str, instrument: str) -> bool:
    return instrument in get_pack(pack).instruments


def _plain_answers(definition: Instrument) -> dict[str, Any]:
    """Answers to an instrument's required items, for a pack whose screening instrument is not
    the NRIT (Wisconsin's case-management intake): text says it is synthetic, a date is the
    period's last day, a choice its first option."""
    answers: dict[str, Any] = {}
    for item in definition.all_items():
        if not item.required:
            continue
        if item.type in ("text", "long_text", "signature"):
            answers[item.id] = "Synthetic"
        elif item.type == "date":
            answers[item.id] = PERIOD_END.isoformat()
        elif item.type in ("enum", "rating") and item.options:
            answers[item.id] = item.options[0].value
        elif item.type == "multi" and item.options:
            answers[item.id] = [item.options[0].value]
        elif item.type == "yes_no":
            answers[item.id] = "no"
        elif item.type == "check":
            answers[item.id] = True
        elif item.type in ("number", "integer"):
            answers[item.id] = item.min or 0
    return answers


class _Evaluations:
    """The pack's screening instrument scored once per answer set (the engine is deterministic).
    `instrument` is "" when the pack has none that can be answered: cases get no screening."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.instrument = screening_instrument(pack)
        self._cache: dict[str, tuple[dict[str, Any], dict[str, Any], list[Any]]] = {}
        self.definition = pack.instrument(self.instrument) if self.instrument else None
        if self.definition is not None and not self._fits(ANSWER_SETS["none"]):
            try:
                self._score("plain", _plain_answers(self.definition))
            except InvalidInput:  # required items the plain answers cannot satisfy
                self.instrument, self.definition = "", None

    def _fits(self, answers: dict[str, Any]) -> bool:
        assert self.definition is not None
        return set(answers) <= set(self.definition.item_map())

    def _score(self, key: str, answers: dict[str, Any]) -> None:
        assert self.definition is not None
        e = evaluate(
            pack=self.pack.name,
            version=self.pack.version,
            instrument=self.definition,
            answers=answers,
        )
        self._cache[key] = (e.answers, e.results, e.actions)

    def __call__(self, key: str) -> tuple[dict[str, Any], dict[str, Any], list[Any]]:
        if key in ANSWER_SETS and not self._fits(ANSWER_SETS[key]):
            key = "plain"
        if key not in self._cache:
            self._score(key, ANSWER_SETS[key])
        return self._cache[key]


def _bulk(model: type[Model], rows: Sequence[Model]) -> None:
    if rows:
        model._default_manager.bulk_create(rows, batch_size=INSERT_BATCH)


def _count(ctx: Context, name: str, n: int) -> None:
    ctx.counts[name] = ctx.counts.get(name, 0) + n


def _write(
    ctx: Context,
    plans: list[CasePlan],
    *,
    now: datetime,
    rng: random.Random,
    pools: Pools,
    settle: Settle,
    scoring: _Evaluations,
) -> list[Case]:
    """Write the cases of `plans` and everything on them, in a fixed order of bulk inserts."""
    pack = scoring.pack
    youths = [Youth(**p.youth, created_by_org=p.owner, created_at=p.opened_at) for p in plans]
    for youth in youths:
        youth.set_keys()  # the blind indexes, as the services compute them
    _bulk(Youth, youths)
    encode_many(youths)  # their encodings for the possible-duplicate check (decision 0063)
    cases = []
    for p, youth in zip(plans, youths, strict=True):
        outcome = ""
        for s in p.screenings:
            outcome = str(scoring(s.answers)[1].get("outcome") or outcome)
        cases.append(
            Case(
                youth=youth,
                owner=p.owner,
                status=CaseStatus.CLOSED if p.closed_at else CaseStatus.OPEN,
                pack=pack.name,
                opened_at=p.opened_at,
                closed_at=p.closed_at,
                opened_by_id=p.lead_id,
                latest_outcome=outcome,
            )
        )
    _bulk(Case, cases)
    # The current placement holds the address (synthetic.missing adds kinds and history).
    _bulk(
        Placement,
        [
            Placement(
                case=case,
                kind=PlacementKind.UNKNOWN,
                started_on=p.opened_at.date(),
                address=p.placement_address,
                recorded_by_id=p.lead_id,
            )
            for p, case in zip(plans, cases, strict=True)
            if p.placement_address
        ],
    )

    # Screenings and their instrument responses.
    responses: list[InstrumentResponse] = []
    screenings: list[Screening] = []
    for p, case in zip(plans, cases, strict=True):
        for s in p.screenings:
            answers, results, actions = scoring(s.answers)
            responses.append(
                InstrumentResponse(
                    pack=pack.name,
                    pack_version=pack.version,
                    instrument=scoring.instrument,
                    about_youth=True,
                    answers=answers,
                    sealed={"results": results, "actions": actions},
                    organization=p.owner,
                    submitted_by_id=s.recorder_id,
                    submitted_at=s.recorded_at,
                    subject_type="cases.case",
                    subject_id=str(case.pk),
                )
            )
    _bulk(InstrumentResponse, responses)
    answers_of = iter(responses)
    per_case: list[list[Screening]] = []
    for p, case in zip(plans, cases, strict=True):
        mine = []
        for s in p.screenings:
            urgent = urgent_by_rule(pack, identified_by=s.identified_by, setting=s.setting)
            mine.append(
                Screening(
                    case=case,
                    response=next(answers_of),
                    pack=pack.name,
                    pack_version=pack.version,
                    instrument=scoring.instrument,
                    outcome=str(scoring(s.answers)[1].get("outcome") or ""),
                    identified_by=s.identified_by,
                    identified_at=s.identified_at,
                    setting=s.setting,
                    urgent=urgent,
                    urgent_derived=urgent,
                    recorded_by_id=s.recorder_id,
                    recorded_at=s.recorded_at,
                )
            )
        per_case.append(mine)
        screenings.extend(mine)
    _bulk(Screening, screenings)

    # Obligations, in the order record_screening would have made them.
    obligations: list[_Ob] = []
    meetings: list[tuple[MdtMeeting, _Ob, CasePlan]] = []
    for p, case, mine in zip(plans, cases, per_case, strict=True):
        made: list[_Ob] = []
        for index, (s, screening) in enumerate(zip(p.screenings, mine, strict=True)):
            results = scoring(s.answers)[1]
            fired = triggers_for(
                pack, instrument=scoring.instrument, results=results, urgent=screening.urgent
            )
            if index > 0 and "first_contact" in fired:
                fired.remove("first_contact")
            for ob in made:
                if ob.obj.kind == "rescreen" and ob.pending_at(s.recorded_at):
                    ob.done_at, ob.by_screening = s.recorded_at, index
                    ob.obj.completed_by_id = s.recorder_id
                    ob.obj.evidence = {"screening": screening.pk}
            pending = {ob.obj.kind for ob in made if ob.pending_at(s.recorded_at)}
            for planned in plan(pack, triggers=fired, at=s.identified_at):
                if planned.rule.id in pending:
                    continue
                ob = _Ob(
                    Obligation(
                        case=case,
                        screening=screening,
                        pack=pack.name,
                        kind=planned.rule.id,
                        title=planned.rule.title,
                        trigger=planned.trigger,
                        trigger_at=planned.trigger_at,
                        due_at=planned.due_at,
                        owner_org=p.owner,
                        owner_role=planned.rule.owner.role,
                        created_at=s.recorded_at,
                    )
                )
                settle(ob, p, rng)
                made.append(ob)
        _close_out(made, p, now, pools, rng)
        for ob in made:
            o = ob.obj
            if o.status == Status.DONE and o.kind in FULFILS.values() and ob.by_screening is None:
                kind = next(k for k, v in FULFILS.items() if v == o.kind)
                assert o.completed_at is not None
                meetings.append(
                    (
                        MdtMeeting(
                            case=case,
                            kind=kind,
                            held_at=o.completed_at,
                            other_attendees=rng.choice(OTHER_ATTENDEES),
                            youth_participated=rng.random() < 0.6,
                            decisions=rng.choice(DECISIONS),
                            recorded_by_id=p.lead_id,
                            recorded_at=min(o.completed_at + timedelta(hours=1), now),
                        ),
                        ob,
                        p,
                    )
                )
        obligations.extend(made)
    _bulk(MdtMeeting, [m for m, _, _ in meetings])
    for meeting, ob, _p in meetings:
        held = meeting.held_at
        ob.obj.evidence = {"meeting": meeting.pk, "held_at": held.isoformat()}
    _bulk(Obligation, [ob.obj for ob in obligations])
    for meeting, ob, _p in meetings:
        meeting.fulfilled = ob.obj
    if meetings:
        MdtMeeting.objects.bulk_update(
            [m for m, _, _ in meetings], ["fulfilled"], batch_size=INSERT_BATCH
        )
    attendees = []
    actions = []
    through = MdtMeeting.attendees.through
    for meeting, _ob, p in meetings:
        people = [p.lead_id] + ([p.mentor_id] if p.mentor_id else [])
        for user_id in dict.fromkeys(people):
            attendees.append(through(mdtmeeting_id=meeting.pk, user_id=user_id))
        for _ in range(rng.randint(1, 3)):
            due = meeting.held_at.date() + timedelta(days=rng.randint(2, 14))
            done = None
            due_moment = datetime.combine(due, datetime.min.time(), tzinfo=UTC)
            if due_moment < now and rng.random() < 0.85:
                done = due_moment - timedelta(hours=rng.randint(1, 40))
            actions.append(
                ActionItem(
                    meeting=meeting,
                    text=f"{rng.choice(ACTIONS)} (synthetic)",
                    owner_id=rng.choice(people),
                    due_on=due,
                    done_at=done,
                )
            )
    _bulk(through, attendees)
    _bulk(ActionItem, actions)

    # Consent records, shares, the team, notes, references.
    consents: list[tuple[Consent, Organization]] = []
    share_consents: list[list[Consent]] = []
    shares: list[Share] = []
    for p, case in zip(plans, cases, strict=True):
        for sp in p.shares:
            needed: list[Consent] = []
            if sp.basis == BasisType.CONSENT:
                needed = _consents_for(case, p, sp, pack, rng)
                consents.extend((k, sp.org) for k in needed)
            share_consents.append(needed)
            shares.append(
                Share(
                    case=case,
                    organization=sp.org,
                    compartments=list(sp.compartments),
                    purpose=sp.purpose or _share_purpose(sp.basis, sp.org),
                    basis_type=sp.basis,
                    basis_reference=sp.reference,
                    expires_at=sp.expires_at,
                    created_by_id=p.lead_id,
                    created_at=sp.created_at,
                )
            )
    _bulk(Consent, [k for k, _ in consents])
    recipients = Consent.recipients.through
    _bulk(recipients, [recipients(consent_id=k.pk, organization_id=o.pk) for k, o in consents])
    for share, needed in zip(shares, share_consents, strict=True):
        if needed:
            share.basis_reference = ",".join(str(k.pk) for k in needed)
    _bulk(Share, shares)
    links = Share.consents.through
    _bulk(
        links,
        [
            links(share_id=share.pk, consent_id=k.pk)
            for share, needed in zip(shares, share_consents, strict=True)
            for k in needed
        ],
    )
    team = [
        CaseTeamMember(
            case=case,
            organization_id=t.org_id,
            user_id=t.user_id,
            name=t.name,
            role_on_case=t.role_on_case,
            added_at=t.added_at,
            added_by_id=p.lead_id,
        )
        for p, case in zip(plans, cases, strict=True)
        for t in p.team
    ]
    _bulk(CaseTeamMember, team)
    notes = [
        Note(
            case=case,
            compartment=n.compartment,
            text=n.text,
            author_id=n.author_id,
            author_org_id=n.author_org_id,
            created_at=n.created_at,
        )
        for p, case in zip(plans, cases, strict=True)
        for n in p.notes
    ]
    _bulk(Note, notes)
    references = [
        ExternalReference(
            case=case,
            kind=kind,
            value=value,
            note=note,
            added_at=p.opened_at + timedelta(hours=2),
            added_by_id=p.lead_id,
        )
        for p, case in zip(plans, cases, strict=True)
        for kind, value, note in p.references
    ]
    _bulk(ExternalReference, references)

    still_open = [ob for ob in obligations if ob.obj.status in (Status.OPEN, Status.OVERDUE)]
    for name, n in (
        ("youth", len(youths)),
        ("cases", len(cases)),
        ("cases.open", sum(1 for c in cases if c.status == CaseStatus.OPEN)),
        ("screenings", len(screenings)),
        ("obligations", len(obligations)),
        ("obligations.pending", len(still_open)),
        ("obligations.overdue", sum(1 for ob in still_open if ob.obj.due_at <= now)),
        ("obligations.done", sum(1 for ob in obligations if ob.obj.status == Status.DONE)),
        ("obligations.waived", sum(1 for ob in obligations if ob.obj.status == Status.WAIVED)),
        ("mdt_meetings", len(meetings)),
        ("action_items", len(actions)),
        ("shares", len(shares)),
        ("consents", len(consents)),
        ("case_team_members", len(team)),
        ("notes", len(notes)),
        ("external_references", len(references)),
    ):
        _count(ctx, name, n)
    return cases


def _close_out(
    made: list[_Ob], p: CasePlan, now: datetime, pools: Pools, rng: random.Random
) -> None:
    """Turn the simulated completions into statuses as of `now`: closed ones done or waived;
    obligations still pending when the case closed waived then; the rest pending, marked overdue
    when past due (as the reminder sweep would) with the reminders it would have sent."""
    for ob in made:
        o = ob.obj
        if p.closed_at is not None and (ob.done_at is None or ob.done_at > p.closed_at):
            ob.done_at, ob.waived, ob.by_screening = p.closed_at, True, None
            o.waived_reason = "The case closed before this was done (synthetic)."
            o.evidence = {}
        if ob.done_at is not None and ob.done_at <= now:
            o.completed_at = ob.done_at
            if ob.waived:
                o.status = Status.WAIVED
                o.completed_by_id = pools.reviewer(p.owner, p.lead_id)
                if not o.waived_reason:
                    o.waived_reason = (
                        "Not applicable to this youth, per the supervisor (synthetic)."
                    )
            else:
                o.status = Status.DONE
                if o.completed_by_id is None:
                    o.completed_by_id = p.lead_id
                if not o.evidence:
                    o.evidence = _evidence(o, rng)
            o.version = 2
            o.reminders_sent = [r for r in _reminders(o, ob.done_at) if r != "breach"] + (
                ["breach"] if ob.done_at > o.due_at else []
            )
        else:
            ob.done_at, ob.by_screening = None, None
            o.completed_by_id = None
            o.evidence = {}
            o.status = Status.OVERDUE if o.due_at <= now else Status.OPEN
            o.reminders_sent = _reminders(o, now)


def _evidence(o: Obligation, rng: random.Random) -> dict[str, str]:
    assert o.completed_at is not None
    if o.kind == "child_welfare_report":
        return {
            "report_number": f"SYN-CW-{rng.randint(100000, 999999)}",
            "told": "Child-welfare intake line (synthetic)",
            "told_at": o.completed_at.isoformat(timespec="minutes"),
        }
    return {"note": f"{o.title}: done (synthetic)."}


def _consents_for(
    case: Case, p: CasePlan, sp: SharePlan, pack: Pack, rng: random.Random
) -> list[Consent]:
    """The consent records the pack's age rule asks for before sharing with this recipient:
    one record per required kind (youth assent and a parent or guardian, for a 14-year-old)."""
    rules = pack.sections.get("consent.yaml")
    age = _age_on(p.youth["dob"], sp.created_at.date())
    rule = rules.rule_for(age) if isinstance(rules, ConsentSection) else None
    kinds: list[str] = [group[0] for group in rule.requires] if rule else ["youth_assent"]
    if age < 18 and "youth_assent" not in kinds:
        kinds.append("youth_assent")  # asked for and recorded when it can be
    made = []
    for kind in kinds:
        if kind == ConsentKind.YOUTH_ASSENT:
            given_by = f"{p.youth['first_name']} {p.youth['last_name']}"
        elif kind == ConsentKind.COURT:
            given_by = "Juvenile court (synthetic)"
        else:
            given_by = (
                f"{rng.choice(FIRST_NAMES)} {p.youth['last_name']}, {rng.choice(PARENT_WORDS)}"
            )
        made.append(
            Consent(
                case=case,
                kind=kind,
                given_by=given_by,
                compartments=list(sp.compartments),
                purpose=sp.purpose or _share_purpose(sp.basis, sp.org),
                given_on=sp.created_at.date(),
                expires_at=None,
                evidence=EvidenceKind.SIGNED_FORM,
                evidence_reference=f"SYN-FORM-{rng.randint(10000, 99999)}",
                recorded_by_id=p.lead_id,
                recorded_at=sp.created_at - timedelta(minutes=10),
            )
        )
    return made


# --- State scale -----------------------------------------------------------------------------


def _screen_plans(
    rng: random.Random,
    owner: Organization,
    recorder: int,
    start: datetime,
    end: datetime,
    count: int,
) -> list[ScreenPlan]:
    plans = []
    outcome = _weighted(rng, OUTCOME_SHARE)
    at = start - timedelta(minutes=rng.randint(0, 360))
    for index in range(max(SCREENINGS_PER_CASE)):
        if index >= count and not (outcome == "high_risk" and rng.random() < RESCREEN_HIGH_RISK):
            break
        if index:
            at = at + timedelta(days=rng.randint(*RESCREEN_DAYS), minutes=rng.randint(-240, 240))
            outcome = _weighted(rng, NEXT_OUTCOME[outcome])
        recorded = at + timedelta(minutes=rng.randint(5, 240))
        if recorded > end:
            break
        by = owner.type
        if owner.type in (T.CHILD_WELFARE, T.COMMUNITY_ADVOCACY) and rng.random() < 0.15:
            by = T.LAW_ENFORCEMENT  # law enforcement found the youth and called it in
        setting = rng.choice(SETTINGS_BY_TYPE.get(by, DEFAULT_SETTINGS))
        answers = rng.choice(ANSWERS_BY_OUTCOME[outcome])
        plans.append(ScreenPlan(answers, at, recorded, by, setting, recorder))
    return plans


def _recipients(
    rng: random.Random, owner: Organization, pools: Pools, k: int
) -> list[Organization]:
    if owner.county is None:
        return []
    county = owner.county.slug
    chosen: list[Organization] = []
    types = [t for t in RECIPIENTS if t != owner.type]
    for _ in range(k * 3):
        if len(chosen) == k:
            break
        t = rng.choices(types, weights=[RECIPIENTS[t][0] for t in types])[0]
        candidates = pools.by_county_type.get((county, t), [])
        if not candidates:
            continue
        org = rng.choice(candidates)
        if org not in chosen and pools.members.get(org.pk):
            chosen.append(org)
    return chosen


def _state_case(
    rng: random.Random, owner: Organization, pools: Pools, *, big: bool
) -> CasePlan | None:
    lead = pools.worker(owner, rng)
    if lead is None:
        return None
    if big:
        years = rng.uniform(*BIG_CASE_YEARS)
        opened = STATE_NOW - timedelta(days=years * 365, hours=rng.randint(0, 23))
        closed = None
    else:
        opened = datetime.combine(
            PERIOD_START + timedelta(days=rng.randint(0, (PERIOD_END - PERIOD_START).days)),
            datetime.min.time(),
            tzinfo=UTC,
        ) + timedelta(minutes=rng.randint(16 * 60, 25 * 60))  # office hours in Nevada
        days = rng.lognormvariate(math.log(CASE_MEDIAN_DAYS), CASE_DAYS_SIGMA)
        closed = opened + timedelta(days=days)
        closed = None if closed >= STATE_NOW else closed
    until = closed or STATE_NOW
    p = CasePlan(owner, lead, opened, closed, _youth(rng, opened.date()))
    count = 4 if big else _weighted(rng, SCREENINGS_PER_CASE)
    p.screenings = _screen_plans(rng, owner, lead, opened, until, count)
    p.team.append(TeamPlan(owner.pk, lead, "", TeamRole.LEAD, opened))
    if owner.type == T.COMMUNITY_ADVOCACY:
        p.mentor_id = lead if lead in pools.mentors.get(owner.pk, []) else None
    elif rng.random() < MENTOR_ON_TEAM and owner.county is not None:
        advocacy = pools.by_county_type.get((owner.county.slug, T.COMMUNITY_ADVOCACY), [])
        mentors = [m for org in advocacy for m in pools.mentors.get(org.pk, [])]
        if mentors:
            p.mentor_id = rng.choice(mentors)
            org_id = next(o.pk for o in advocacy if p.mentor_id in pools.mentors.get(o.pk, []))
            added = _between(rng, opened, min(opened + timedelta(days=14), until))
            p.team.append(TeamPlan(org_id, p.mentor_id, "", TeamRole.MENTOR_ADVOCATE, added))
    if big:
        county = owner.county.slug if owner.county is not None else ""
        recipients = [
            org
            for t in COURT_SIDE
            for org in pools.by_county_type.get((county, t), [])[:1]
            if org.pk != owner.pk
        ]
        recipients += _recipients(rng, owner, pools, 2)
    elif rng.random() < SHARED_SHARE:
        recipients = _recipients(rng, owner, pools, _weighted(rng, SHARE_ORGS))
    else:
        recipients = []
    for org in dict.fromkeys(recipients):
        _, basis, compartments = RECIPIENTS[org.type]
        if big and org.type in COURT_SIDE:
            basis = BasisType.COURT_ORDER
        created = _between(
            rng, opened + timedelta(hours=3), min(opened + timedelta(days=60), until)
        )
        expires = closed + timedelta(days=30) if closed else STATE_SHARE_HORIZON
        p.shares.append(
            SharePlan(
                org, basis, compartments, created, expires, reference=_share_reference(rng, basis)
            )
        )
        if rng.random() < RECIPIENT_ON_TEAM:
            person = pools.worker(org, rng)
            role = TEAM_ROLE_BY_TYPE.get(OrgType(org.type), TeamRole.CASE_MANAGER)
            p.team.append(TeamPlan(org.pk, person, "", role, created))
    notes = rng.randint(*BIG_CASE_NOTES) if big else rng.randint(*NOTES_PER_CASE)
    _add_notes(p, rng, notes, until, pools)
    if rng.random() < REFERENCE_SHARE:
        if owner.type == T.CHILD_WELFARE:
            p.references.append((ReferenceKind.UNITY, f"SYN{rng.randint(1000000, 9999999)}", ""))
        else:
            p.references.append(
                (ReferenceKind.LAW_ENFORCEMENT_REPORT, f"SYN-LE-{rng.randint(10000, 99999)}", "")
            )
    if rng.random() < PLACEMENT_SHARE and owner.county is not None:
        town = rng.choice(demo_state(PACK).towns[owner.county.slug])
        p.placement_address = f"{rng.randint(100, 9999)} Synthetic Way, {town}, NV (not real)"
    return p


def _state_plans(ctx: Context, pools: Pools, rng: random.Random) -> Iterator[list[CasePlan]]:
    owners = [o for o in pools.orgs if o.type in CASELOAD_WEIGHT and pools.workers.get(o.pk)]
    weights = [CASELOAD_WEIGHT[o.type] * len(pools.workers[o.pk]) for o in owners]
    shares = apportion(max(1, round(STATE_YOUTH * ctx.factor**TEST_FACTOR_POWER)), weights)
    ranked = sorted(range(len(owners)), key=lambda i: (-shares[i], owners[i].slug))
    big_owners = {owners[i].pk for i in ranked[:BIG_CASES] if shares[i] > 0}
    batch: list[CasePlan] = []
    for owner, count in zip(owners, shares, strict=True):
        for number in range(count):
            p = _state_case(rng, owner, pools, big=number == 0 and owner.pk in big_owners)
            if p is not None:
                batch.append(p)
            if len(batch) >= CASES_PER_BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


# --- Demo scale ------------------------------------------------------------------------------


def demo_now() -> datetime:
    """The demo's "now": the clock at seeding, to the minute. The one clock read of synthetic
    data (tests replace it to get identical rows)."""
    return timezone.now().replace(second=0, microsecond=0)


@dataclass(frozen=True)
class Story:
    """One hand-written demo case: who owns and leads it, its screenings (answer set, hours
    before now, identified by, setting), shares (organization key, basis), what stays pending."""

    owner: str
    lead: str  # a demo login's role, or "" for the organization's first case-working member
    screenings: tuple[tuple[str, float, str, str], ...] = ()
    shares: tuple[tuple[str, str], ...] = ()
    keep_pending: tuple[str, ...] = ()
    mentor: bool = False
    notes: int = 3
    opened_days_ago: float | None = None  # default: a day before the first screening
    closed_days_ago: float | None = None


MR, CO, CS = BasisType.MANDATED_REPORT, BasisType.COURT_ORDER, BasisType.CONSENT
CW, LE, ADV = T.CHILD_WELFARE, T.LAW_ENFORCEMENT, T.COMMUNITY_ADVOCACY
CASEWORKER, MENTOR, COORD = (
    Role.CASEWORKER.value,
    Role.MENTOR_ADVOCATE.value,
    Role.COORDINATOR.value,
)
# Hours before now: 1.5 h ago a youth was identified in the field (a Rapid Response MDT is due
# within the half hour), 20 h ago a report to child welfare falls due in 4 h, 76 h ago the 72-hour
# MDT is now 4 h overdue, and so on.
# fmt: off
DEMO_STORIES: tuple[Story, ...] = (
    # Clark County child welfare (the caseworker, supervisor and administrator logins).
    Story("clark-cw", CASEWORKER, (("confirmed_survival", 1.5, CW, "field"),),
          (("clark-advocacy", CS),), mentor=True, notes=2),
    Story("clark-cw", CASEWORKER, (("confirmed_self_report", 20, CW, "home"),),
          (("tf-southern", CS),), notes=3),
    Story("clark-cw", CASEWORKER, (("confirmed_online", 76, CW, "school"),),
          (("clark-le", MR),), keep_pending=("mdt_72h",), mentor=True, notes=5),
    Story("clark-cw", CASEWORKER, (("high_risk_runaway", 2100, CW, "shelter"),), mentor=True),
    Story("clark-cw", CASEWORKER, (("high_risk_partner", 2200, CW, "office"),), notes=4),
    Story("clark-cw", CASEWORKER, (("none", 240, CW, "home"),), notes=1),
    Story("clark-cw", CASEWORKER,
          (("high_risk_hotels", 4800, CW, "office"), ("confirmed_survival", 2640, LE, "field")),
          (("clark-court", CO), ("clark-probation", CO), ("clark-advocacy", CS)),
          mentor=True, notes=25),
    Story("clark-cw", CASEWORKER, (("confirmed_law_enforcement", 960, LE, "field"),),
          (("clark-le", MR), ("clark-advocacy", CS)), mentor=True, notes=8),
    Story("clark-cw", "", (("high_risk_markings", 720, CW, "office"),), notes=3),
    Story("clark-cw", "", (("confirmed_self_report", 5, CW, "school"),),
          keep_pending=("safety_assessment",), notes=1),
    Story("clark-cw", CASEWORKER, (("none", 3000, CW, "home"),), notes=2, closed_days_ago=30),
    Story("clark-cw", "", (("confirmed_online", 6000, CW, "office"),),
          (("clark-mental-health", CS),), notes=6, closed_days_ago=90),
    # Clark County community advocacy (the mentor-advocate login).
    Story("clark-advocacy", MENTOR, (("confirmed_survival", 30, ADV, "field"),),
          (("clark-cw", MR),), keep_pending=("child_welfare_report",), notes=3),
    Story("clark-advocacy", MENTOR, (("high_risk_partner", 1440, ADV, "office"),), notes=6),
    Story("clark-advocacy", MENTOR, (("none", 2000, ADV, "office"),), notes=2,
          closed_days_ago=20),
    Story("clark-advocacy", MENTOR, (("confirmed_self_report", 2400, ADV, "shelter"),),
          (("clark-mental-health", CS), ("clark-cw", MR)), notes=10),
    Story("clark-advocacy", "", (("high_risk_runaway", 300, ADV, "field"),), notes=2),
    # The Southern Nevada task force (the coordinator login).
    Story("tf-southern", COORD, (("confirmed_law_enforcement", 50, LE, "office"),),
          (("clark-cw", MR),), notes=2),
    Story("tf-southern", COORD, (("high_risk_hotels", 336, T.TASK_FORCE, "office"),), notes=2),
    # Law enforcement, probation and others, sharing with the demo logins' organizations.
    Story("clark-le", "", (("confirmed_law_enforcement", 3, LE, "field"),),
          (("clark-cw", MR), ("clark-advocacy", CS)), notes=1),
    Story("clark-le", "", (("confirmed_law_enforcement", 288, LE, "crisis"),),
          (("clark-cw", MR), ("clark-da", CO)), notes=4),
    Story("clark-le", "", (("high_risk_hotels", 1080, LE, "field"),), (("tf-southern", CS),)),
    Story("clark-probation", "", (("confirmed_survival", 192, T.PROBATION, "detention"),),
          (("clark-cw", CO), ("clark-court", CO), ("tf-southern", CO)), notes=5),
    Story("clark-probation", "", (("high_risk_markings", 1680, T.PROBATION, "court"),),
          (("clark-advocacy", CS),), notes=3),
    Story("clark-probation", "", (("none", 500, T.PROBATION, "office"),), notes=1),
    Story("clark-cac", "", (("confirmed_self_report", 96, T.CHILD_ADVOCACY_CENTER, "office"),),
          (("clark-cw", MR),), notes=2),
    Story("clark-mental-health", "", (("high_risk_partner", 600, T.MENTAL_HEALTH, "office"),),
          (("clark-cw", CS),), notes=2),
    Story("clark-provider", "", (("none", 150, T.SERVICE_PROVIDER, "shelter"),), notes=1),
    Story("clark-medical", "", (("high_risk_runaway", 400, T.MEDICAL, "medical"),), notes=1),
    Story("washoe-cw", "", (("confirmed_self_report", 6, CW, "home"),),
          (("washoe-advocacy", CS),), notes=1),
    Story("washoe-cw", "", (("high_risk_runaway", 480, CW, "office"),), (("clark-cw", CS),),
          notes=3),
    Story("washoe-cw", "", (("none", 900, CW, "home"),), notes=1),
    Story("washoe-cw", "", (("confirmed_online", 3600, CW, "office"),), notes=4,
          closed_days_ago=40),
    Story("washoe-le", "", (("confirmed_law_enforcement", 48, LE, "field"),),
          (("washoe-cw", MR),), notes=1),
    Story("washoe-advocacy", "", (("high_risk_partner", 700, ADV, "office"),), notes=3),
    Story("washoe-system-advocacy", "",
          (("confirmed_self_report", 1200, T.SYSTEM_ADVOCACY, "court"),),
          (("washoe-cw", MR),), notes=2),
    Story("elko-cw", "", (("confirmed_survival", 360, CW, "shelter"),), (("elko-tribal", CS),),
          notes=3),
    Story("elko-cw", "", (("high_risk_runaway", 1900, CW, "home"),), notes=2),
    Story("elko-tribal", "", (("high_risk_markings", 800, T.TRIBAL, "home"),), notes=2),
    Story("washoe-substance-use", "", (("none", 260, T.SUBSTANCE_USE, "office"),), notes=1),
)
# fmt: on
# youth came in overnight); the review is waiting for Clark County's supervisor.
DEMO_BREAK_GLASS = ("clark-medical", 7, 1.0)  # organization, index in DEMO_STORIES, hours ago
DEMO_BREAK_GLASS_REASON = (
    "Synthetic: the youth arrived at the clinic overnight and we need the safety plan and "
    "emergency contacts."
)


def _demo_orgs(state: DemoState) -> dict[str, Organization]:
    """The demo organizations by their key in people.DEMO_ORGS (type and county identify them)."""
    found: dict[str, Organization] = {}
    orgs = list(Organization.objects.select_related("county", "region").order_by("pk"))
    for key, org_type, county in demo_orgs(state.pack):
        for org in orgs:
            if org.type != org_type or org in found.values():
                continue
            if key == "coalition" and (org.county is not None or org.region is not None):
                continue
            if key == "tf-rural" and (org.region is None or org.region.slug != state.rural_region):
                continue
            if key not in ("coalition", "tf-rural") and (
                org.county is None or org.county.slug != county
            ):
                continue
            found[key] = org
            break
    return found


def _demo_plans(
    ctx: Context, pools: Pools, rng: random.Random, now: datetime
) -> tuple[list[CasePlan], dict[str, Organization]]:
    state = demo_state(ctx.pack)
    orgs = _demo_orgs(state)
    logins = dict(
        Membership.objects.filter(user__email__in=[demo_email(r) for r in Role.values]).values_list(
            "role", "user_id"
        )
    )
    plans = []
    for story in DEMO_STORIES:
        owner = orgs[story.owner]
        lead = logins[story.lead] if story.lead else pools.worker(owner, rng)
        if lead is None:
            continue
        first = max(hours for _, hours, _, _ in story.screenings) if story.screenings else 48
        opened_days = story.opened_days_ago if story.opened_days_ago is not None else first / 24 + 1
        opened = now - timedelta(days=opened_days)
        if story.screenings and opened > now - timedelta(hours=first):
            opened = now - timedelta(hours=first)
        closed = now - timedelta(days=story.closed_days_ago) if story.closed_days_ago else None
        until = closed or now
        p = CasePlan(owner, lead, opened, closed, _youth(rng, opened.date()))
        p.keep_pending = story.keep_pending
        for answers, hours, by, setting in story.screenings:
            at = now - timedelta(hours=hours)
            recorded = min(at + timedelta(minutes=rng.randint(10, 40)), now - timedelta(minutes=1))
            p.screenings.append(ScreenPlan(answers, at, recorded, by, setting, lead))
        p.team.append(TeamPlan(owner.pk, lead, "", TeamRole.LEAD, opened))
        if story.mentor:
            p.mentor_id = logins[MENTOR]
            p.team.append(
                TeamPlan(
                    orgs["clark-advocacy"].pk, p.mentor_id, "", TeamRole.MENTOR_ADVOCATE, opened
                )
            )
        elif owner.type == T.COMMUNITY_ADVOCACY and lead in pools.mentors.get(owner.pk, []):
            p.mentor_id = lead
        for key, basis in story.shares:
            org = orgs[key]
            created = min(opened + timedelta(hours=2), now - timedelta(minutes=5))
            expires = (closed + timedelta(days=30)) if closed else now + timedelta(days=180)
            p.shares.append(
                SharePlan(
                    org,
                    basis,
                    RECIPIENTS[org.type][2],
                    created,
                    expires,
                    reference=_share_reference(rng, basis),
                )
            )
            if org.type in (LE, T.PROSECUTOR, T.PROBATION, T.MENTAL_HEALTH):
                person = pools.worker(org, rng)
                role = TEAM_ROLE_BY_TYPE.get(OrgType(org.type), TeamRole.CASE_MANAGER)
                p.team.append(TeamPlan(org.pk, person, "", role, created))
        if owner.type != T.LAW_ENFORCEMENT and rng.random() < 0.5:
            first_name, last_name = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            p.team.append(
                TeamPlan(
                    owner.pk,
                    None,
                    f"{first_name} {last_name} (foster parent, synthetic)",
                    TeamRole.OTHER,
                    opened,
                )
            )
        _add_notes(p, rng, story.notes, until, pools)
        if owner.type == T.CHILD_WELFARE:
            p.references.append((ReferenceKind.UNITY, f"SYN{rng.randint(1000000, 9999999)}", ""))
        if owner.county is not None and rng.random() < 0.6:
            town = rng.choice(state.towns[owner.county.slug])
            p.placement_address = (
                f"{rng.randint(100, 9999)} Synthetic Way, {town}, {state.abbreviation} (not real)"
            )
        plans.append(p)
    return plans, orgs


# --- Entry point -----------------------------------------------------------------------------


def build(ctx: Context) -> str:
    """Make the youth, cases and everything on them (after people.build). Returns the
    instrument the cases were screened with ("" when the pack has none: no screenings)."""
    rng = ctx.rng("cases")
    pools = Pools.load()
    scoring = _Evaluations(get_pack(ctx.pack))
    if ctx.scale == "demo":
        now = demo_now()
        plans, orgs = _demo_plans(ctx, pools, rng, now)
        if not scoring.instrument:
            for p in plans:
                p.screenings = []
        cases = _write(
            ctx, plans, now=now, rng=rng, pools=pools, settle=_settle_demo(now), scoring=scoring
        )
        key, index, hours = DEMO_BREAK_GLASS
        user = pools.worker(orgs[key], rng)
        if user is not None and index < len(cases):
            opened = now - timedelta(hours=hours)
            BreakGlass.objects.create(
                case=cases[index],
                user_id=user,
                organization=orgs[key],
                reason=DEMO_BREAK_GLASS_REASON,
                opened_at=opened,
                expires_at=opened + timedelta(hours=BREAK_GLASS_HOURS),
            )
            _count(ctx, "break_glass", 1)
        ctx.say(f"cases: {ctx.counts.get('cases', 0)} demo cases")
        return scoring.instrument
    for batch in _state_plans(ctx, pools, rng):
        _write(
            ctx,
            batch,
            now=STATE_NOW,
            rng=rng,
            pools=pools,
            settle=_settle_state,
            scoring=scoring,
        )
        ctx.say(
            f"cases: {ctx.counts['cases']} cases, {ctx.counts['notes']} notes, "
            f"{ctx.counts['obligations']} obligations"
        )
    return scoring.instrument
