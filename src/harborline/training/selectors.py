"""Every read of training: records, events, anonymous evaluation results, and compliance with
the packs' training requirements.

Compliance (`compliance_for`, `compliance_summary`) evaluates each requirement of a pack's
`training.yaml` for a set of organizations:

- scope `person`: every active member of a matching organization (org_types) with a matching
  role must hold a qualifying record; with `within_days_of_hire`, by the membership's start
  date (`Membership.since`) plus that many days (people still inside that window are listed as
  due, not counted short); with `hours_per_year`, that many hours of qualifying training in the
  calendar year. One result per organization.
- scope `agency`, `county`, `region`, `task_force`, `state`: the subject (each matching
  organization; each county; each region; the whole set) needs `required` distinct trained
  people among its matching organizations' members.
- `before` ("supervisors before their staff"): in each organization with supervisors, a staff
  member's first qualifying record dated before any supervisor was trained is flagged.

A record qualifies when it is of the same pack, of one of the requirement's courses (any course
when none are named), and at the requirement's level or deeper (LEVEL_RANK)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from harborline import tabular
from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.errors import NotFound
from harborline.instruments.models import InstrumentResponse
from harborline.people.models import Membership, Organization, User
from harborline.people.roles import OrgType, Role
from harborline.protocols.models import County, Region
from harborline.protocols.packs import get_pack
from harborline.protocols.sections import Requirement

from . import permissions
from .catalogue import SPEAKER_STEPS, SPEAKER_STEPS_PACK, SPEAKER_STEPS_RESOURCE, requirements_of
from .models import LEVEL_RANK, Attendance, TrainingEvent, TrainingRecord

if TYPE_CHECKING:
    from harborline.taskforce.models import TaskForce

MIN_EVALUATIONS = 5  # fewer responses than this and no results are shown (decision 0017)


# --- records and events ----------------------------------------------------------------------
def person_for(actor: User, person_id: int) -> User:
    if not 0 < person_id < 2**63:
        raise NotFound()
    person = User.objects.select_related("membership__organization").filter(pk=person_id).first()
    if person is None or not permissions.may_view_person(actor, person):
        raise NotFound()
    return person


def records_of(person: User) -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.filter(person=person).select_related("event")


def hours_text(hours: Decimal) -> str:
    """1.50 -> "1.5", 6.00 -> "6", 10 -> "10"."""
    text = f"{hours:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def hours_by_year(person: User) -> list[tuple[int, str]]:
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for day, hours in TrainingRecord.objects.filter(person=person).values_list(
        "completed_on", "hours"
    ):
        totals[day.year] += hours
    return [(year, hours_text(total)) for year, total in sorted(totals.items(), reverse=True)]


def records_visible(actor: User) -> QuerySet[TrainingRecord]:
    """Records of the people the actor may record (their organization; all for system admins;
    member organizations of task forces they coordinate)."""
    rows = TrainingRecord.objects.select_related("person", "person__membership__organization")
    if permissions.is_system_admin(actor):
        return rows
    membership = actor.membership_or_none
    if membership is None or not membership.is_active:
        return rows.none()
    from harborline.taskforce.models import organizations_coordinated_by

    condition = Q(person__membership__organization_id__in=organizations_coordinated_by(actor))
    if membership.role in permissions.MANAGER_ROLES:
        condition |= Q(person__membership__organization_id=membership.organization_id)
    return rows.filter(condition)


def events_for(actor: User) -> QuerySet[TrainingEvent]:
    """Events the actor organizes, manages (their organization's) or attended."""
    rows = TrainingEvent.objects.select_related("organization", "organizer")
    if permissions.is_system_admin(actor):
        return rows
    membership = actor.membership_or_none
    condition = Q(organizer=actor) | Q(attendance__person=actor)
    if membership is not None and membership.role in permissions.MANAGER_ROLES:
        condition |= Q(organization_id=membership.organization_id)
    return rows.filter(condition).distinct()


def event_for(actor: User, event_id: int) -> TrainingEvent:
    event = events_for(actor).filter(pk=event_id).first()
    if event is None:
        raise NotFound()
    return event


def event_to_evaluate(actor: User, event_id: int) -> tuple[TrainingEvent, str]:
    """An event the actor attended and its pack with the evaluation form (2-B); NotFound
    otherwise: only those who were there evaluate it, on their own protocol's form."""
    from .services import evaluation_pack

    event = event_for(actor, event_id)
    pack = evaluation_pack(event)
    if pack is None or not event.attendance.filter(person=actor).exists():
        raise NotFound()
    return event, pack


def attendance_of(event: TrainingEvent) -> QuerySet[Attendance]:
    return Attendance.objects.filter(event=event).select_related(
        "person", "person__membership__organization", "record"
    )


# --- evaluations -----------------------------------------------------------------------------
@dataclass
class RatedItem:
    id: str
    label: str
    section: str
    average: float | None
    answered: int  # responses that rated it (Does Not Apply excluded)


@dataclass
class EvaluationSummary:
    count: int
    shown: bool  # False when fewer than MIN_EVALUATIONS responses: nothing else is filled
    sections: list[tuple[str, float | None]] = field(default_factory=list)
    items: list[RatedItem] = field(default_factory=list)
    levels: list[tuple[str, int]] = field(default_factory=list)
    survivor_feedback: list[str] = field(default_factory=list)  # for the organizer only


def evaluation_summary(event: TrainingEvent, *, for_organizer: bool = False) -> EvaluationSummary:
    """Form 2-B results for an event, anonymously: counts and averages only, and nothing at
    all below MIN_EVALUATIONS responses. "Does Not Apply" is left out of averages."""
    from harborline.protocols.packs import get_pack

    from .services import EVALUATION_INSTRUMENT, EVALUATION_SUBJECT

    responses = list(
        InstrumentResponse.objects.filter(
            subject_type=EVALUATION_SUBJECT,
            subject_id=str(event.pk),
            instrument=EVALUATION_INSTRUMENT,
        ).only("answers", "pack")
    )
    summary = EvaluationSummary(count=len(responses), shown=len(responses) >= MIN_EVALUATIONS)
    if not summary.shown:
        return summary
    definition = get_pack(responses[0].pack).instrument(EVALUATION_INSTRUMENT)
    by_section: dict[str, list[float]] = defaultdict(list)
    level_counts: dict[str, int] = defaultdict(int)
    level_labels: dict[str, str] = {}
    for section in definition.sections:
        for item in section.items:
            if item.type == "rating":
                scores = {o.value: float(o.score or 0) for o in item.options}
                values = [
                    scores[v]
                    for r in responses
                    if (v := (r.answers or {}).get(item.id)) in scores and scores[v]
                ]
                by_section[section.title].extend(values)
                summary.items.append(
                    RatedItem(
                        id=item.id,
                        label=" ".join(item.label.split()),
                        section=section.title,
                        average=round(sum(values) / len(values), 2) if values else None,
                        answered=len(values),
                    )
                )
            elif item.id == "material_level":
                level_labels = {o.value: o.label for o in item.options}
    for r in responses:
        chosen = (r.answers or {}).get("material_level")
        if chosen:
            level_counts[chosen] += 1
        feedback = (r.answers or {}).get("survivor_presentation_feedback")
        if for_organizer and isinstance(feedback, str) and feedback.strip():
            summary.survivor_feedback.append(feedback.strip())
    summary.survivor_feedback.sort()  # no order that would tell who wrote what
    summary.sections = [
        (title, round(sum(v) / len(v), 2) if v else None) for title, v in by_section.items()
    ]
    summary.levels = [(level_labels.get(k, k), level_counts.get(k, 0)) for k in level_labels]
    return summary


# --- compliance ------------------------------------------------------------------------------
@dataclass
class RequirementResult:
    id: str
    scope: str
    subject: str
    required: int
    actual: int
    met: bool
    missing: list[str] = field(default_factory=list)
    due: dt.date | None = None
    requirement: str = ""  # who must be trained, in the pack's words
    subject_type: str = ""  # organization, county, region, task_force, state
    subject_id: str = ""
    source: str = ""

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["due"] = self.due.isoformat() if self.due else None
        return data


@dataclass(frozen=True)
class _Person:
    user_id: int
    name: str
    org_id: int
    role: str
    since: dt.date


@dataclass(frozen=True)
class _Record:
    course: str
    level: str
    completed_on: dt.date
    hours: Decimal


NOUNS: dict[str, tuple[str, str]] = {
    OrgType.LAW_ENFORCEMENT: ("officer", "officers"),
    OrgType.COMMUNITY_ADVOCACY: ("advocate", "advocates"),
    OrgType.SYSTEM_ADVOCACY: ("advocate", "advocates"),
    OrgType.CHILD_WELFARE: ("social worker", "social workers"),
    OrgType.PROSECUTOR: ("deputy prosecutor", "deputy prosecutors"),
    OrgType.PUBLIC_DEFENDER: ("public defender", "public defenders"),
    OrgType.PROBATION: ("probation officer", "probation officers"),
}
ROLE_NOUNS: dict[str, tuple[str, str]] = {
    Role.SUPERVISOR: ("supervisor", "supervisors"),
    Role.COORDINATOR: ("coordinator", "coordinators"),
    Role.MENTOR_ADVOCATE: ("mentor-advocate", "mentor-advocates"),
}
LEVEL_WORDS = {
    "basic": "basic training",
    "intermediate": "intermediate training",
    "advanced": "advanced training",
    "in_depth": "in-depth training",
    "any": "training",
}


def _noun(req: Requirement, count: int) -> str:
    plural = count != 1
    if len(req.roles) == 1 and req.roles[0] in ROLE_NOUNS:
        return ROLE_NOUNS[req.roles[0]][plural]
    if len(req.org_types) == 1 and req.org_types[0] in NOUNS:
        return NOUNS[req.org_types[0]][plural]
    return "people" if plural else "person"


def _training_words(req: Requirement) -> str:
    words = LEVEL_WORDS[req.level]
    if req.courses:
        words += f" ({' or '.join(req.courses)})"
    return words


def _qualifies(rec: _Record, req: Requirement) -> bool:
    if req.courses and rec.course not in req.courses:
        return False
    return req.level == "any" or LEVEL_RANK.get(rec.level, 0) >= LEVEL_RANK[req.level]


def _matches(person: _Person, org: Organization, req: Requirement) -> bool:
    return (not req.org_types or org.type in req.org_types) and (
        not req.roles or person.role in req.roles
    )


def _region_of(org: Organization) -> Any:
    if org.region_id:
        return org.region
    if org.county is not None:
        return org.county.region
    return None


class _Data:
    """The people of the organizations and their records of the pack, read in two queries."""

    def __init__(self, pack: str, organizations: list[Organization], at: dt.date) -> None:
        ids = [o.pk for o in organizations]
        self.orgs = {
            o.pk: o
            for o in Organization.objects.filter(pk__in=ids).select_related(
                "county__region", "region"
            )
        }
        self.people: dict[int, list[_Person]] = defaultdict(list)
        rows = Membership.objects.filter(
            organization_id__in=list(self.orgs),
            is_active=True,
            user__is_active=True,
            since__lte=at,
        ).values_list(
            "user_id", "user__full_name", "user__email", "organization_id", "role", "since"
        )
        for user_id, full_name, email, org_id, role, since in rows:
            name = f"{full_name} ({email})" if full_name else email
            self.people[org_id].append(_Person(user_id, name, org_id, role, since))
        self.records: dict[int, list[_Record]] = defaultdict(list)
        for person_id, course, level, completed_on, hours in TrainingRecord.objects.filter(
            pack=pack,
            completed_on__lte=at,
            person__membership__organization_id__in=list(self.orgs),
        ).values_list("person_id", "course_code", "level", "completed_on", "hours"):
            self.records[person_id].append(_Record(course, level, completed_on, hours))

    def qualifying(self, person: _Person, req: Requirement) -> list[_Record]:
        return [r for r in self.records.get(person.user_id, []) if _qualifies(r, req)]


def _person_scope(req: Requirement, data: _Data, at: dt.date) -> list[RequirementResult]:
    results = []
    for org in sorted(data.orgs.values(), key=lambda o: o.name):
        if req.org_types and org.type not in req.org_types:
            continue
        people = [p for p in data.people.get(org.pk, []) if _matches(p, org, req)]
        if not people:
            continue
        required = actual = 0
        missing: list[str] = []
        upcoming: list[dt.date] = []
        for person in sorted(people, key=lambda p: p.name):
            records = data.qualifying(person, req)
            if req.hours_per_year:
                year_hours = sum(
                    (r.hours for r in records if r.completed_on.year == at.year), Decimal(0)
                )
                required += 1
                if year_hours >= Decimal(str(req.hours_per_year)):
                    actual += 1
                else:
                    missing.append(
                        f"{person.name}: {hours_text(year_hours)} of "
                        f"{req.hours_per_year:g} hours in {at.year}"
                    )
                continue
            if req.within_days_of_hire:
                due = person.since + dt.timedelta(days=req.within_days_of_hire)
                if records:
                    required += 1
                    actual += 1
                elif due >= at:
                    upcoming.append(due)
                    missing.append(f"{person.name}: due by {due.isoformat()}")
                else:
                    required += 1
                    missing.append(f"{person.name}: overdue since {due.isoformat()}")
                continue
            required += 1
            if records:
                actual += 1
            else:
                missing.append(f"{person.name}: no {_training_words(req)}")
        due_date: dt.date | None = None
        if req.hours_per_year:
            due_date = dt.date(at.year, 12, 31)
        elif upcoming:
            due_date = min(upcoming)
        results.append(
            RequirementResult(
                id=req.id,
                scope=req.scope,
                subject=org.name,
                required=required,
                actual=actual,
                met=actual >= required,
                missing=missing,
                due=due_date,
                requirement=" ".join(req.subject.split()),
                subject_type="organization",
                subject_id=org.slug,
                source=req.source,
            )
        )
    return results


def _before_check(req: Requirement, data: _Data) -> list[RequirementResult]:
    """Supervisors (the requirement's roles) trained before their staff, per organization."""
    first_roles = set(req.roles or [Role.SUPERVISOR])
    results = []
    for org in sorted(data.orgs.values(), key=lambda o: o.name):
        if req.org_types and org.type not in req.org_types:
            continue
        people = data.people.get(org.pk, [])
        supervisors = [p for p in people if p.role in first_roles]
        if not supervisors:
            continue
        dates = [r.completed_on for p in supervisors for r in data.qualifying(p, req)]
        first = min(dates) if dates else None
        trained_staff = 0
        flagged: list[str] = []
        for person in sorted(people, key=lambda p: p.name):
            if person.role in first_roles:
                continue
            records = data.qualifying(person, req)
            if not records:
                continue
            trained_staff += 1
            earliest = min(r.completed_on for r in records)
            if first is None or earliest < first:
                flagged.append(
                    f"{person.name}: trained on {earliest.isoformat()}, before any "
                    f"{_noun(req, 2)} of the organization"
                )
        results.append(
            RequirementResult(
                id=req.id,
                scope=req.scope,
                subject=org.name,
                required=trained_staff,
                actual=trained_staff - len(flagged),
                met=not flagged,
                missing=flagged,
                requirement=" ".join(req.subject.split()),
                subject_type="organization",
                subject_id=org.slug,
                source=req.source,
            )
        )
    return results


def _group_scope(
    req: Requirement, data: _Data, *, group_label: str, group_id: str
) -> list[RequirementResult]:
    # Every county or region the organizations are in is a subject, even one with no matching
    # organization (it is short by the whole minimum); an agency minimum applies only to
    # matching organizations.
    groups: dict[Any, list[Organization]] = defaultdict(list)
    for org in data.orgs.values():
        matching = not req.org_types or org.type in req.org_types
        if req.scope == "agency" and not matching:
            continue
        if req.scope == "agency":
            key: Any = ("organization", org.slug, org.name)
        elif req.scope == "county":
            key = (
                ("county", str(org.county_id), org.county.name)
                if org.county is not None
                else ("county", "", "Organizations with no county recorded")
            )
        elif req.scope == "region":
            region = _region_of(org)
            key = (
                ("region", str(region.pk), region.name)
                if region is not None
                else ("region", "", "Organizations with no region recorded")
            )
        else:  # task_force, state: the whole set
            key = (req.scope, group_id, group_label)
        if matching:
            groups[key].append(org)
        elif key[1]:  # a real county or region, not "none recorded"
            groups.setdefault(key, [])
    results = []
    for (subject_type, subject_id, subject), orgs in sorted(groups.items(), key=lambda g: g[0][2]):
        trained = 0
        for org in orgs:
            for person in data.people.get(org.pk, []):
                if _matches(person, org, req) and data.qualifying(person, req):
                    trained += 1
        short = max(0, req.required - trained)
        missing = [f"{short} more {_noun(req, short)} with {_training_words(req)}"] if short else []
        if subject_type in ("county", "region") and not subject_id and orgs:
            missing.append(
                "Record the county or region of: " + ", ".join(sorted(o.name for o in orgs))
            )
        results.append(
            RequirementResult(
                id=req.id,
                scope=req.scope,
                subject=subject,
                required=req.required,
                actual=trained,
                met=short == 0,
                missing=missing,
                requirement=" ".join(req.subject.split()),
                subject_type=subject_type,
                subject_id=subject_id,
                source=req.source,
            )
        )
    return results


def compliance_for(
    *,
    pack: str,
    organizations: Iterable[Organization],
    at: dt.date | None = None,
    group_label: str = "All organizations",
    group_id: str = "",
) -> list[RequirementResult]:
    """Every training requirement of `pack`, evaluated for these organizations on day `at`
    (today when not given). InvalidInput naming "pack" for an unknown pack."""
    requirements = requirements_of(pack)
    day = at or timezone.localdate()
    orgs = list(organizations)
    data = _Data(pack, orgs, day)
    results: list[RequirementResult] = []
    for req in requirements:
        if req.before:
            results.extend(_before_check(req, data))
        elif req.scope == "person":
            results.extend(_person_scope(req, data, day))
        else:
            results.extend(_group_scope(req, data, group_label=group_label, group_id=group_id))
    return results


def taskforce_organizations(taskforce: TaskForce) -> QuerySet[Organization]:
    from harborline.taskforce.models import Member

    current = (
        Member.objects.current()
        .filter(taskforce=taskforce, organization__isnull=False)
        .values("organization_id")
    )
    return Organization.objects.filter(pk__in=current, is_active=True).select_related(
        "county__region", "region"
    )


def compliance_summary(
    *, taskforce: TaskForce, at: dt.date | None = None
) -> list[RequirementResult]:
    """The task force's pack's requirements for its current member organizations."""
    return compliance_for(
        pack=taskforce.pack,
        organizations=taskforce_organizations(taskforce),
        at=at,
        group_label=taskforce.name,
        group_id=str(taskforce.pk),
    )


def taskforce_for(actor: User, taskforce_id: int) -> TaskForce:
    from harborline.taskforce.models import TaskForce

    if not 0 < taskforce_id < 2**63:
        raise NotFound()
    found = TaskForce.objects.filter(pk=taskforce_id).first()
    if found is None or not permissions.may_view_taskforce(actor, found):
        raise NotFound()
    return found


def taskforces_for(actor: User) -> list[TaskForce]:
    from harborline.taskforce.models import TaskForce

    return [t for t in TaskForce.objects.all() if permissions.may_view_taskforce(actor, t)]


# --- What the training pages show (view-ready; the pages only render these) -------------------


def speaker_steps_source(pack: str) -> str:
    """Where the survivor-speaker checklist comes from, said for an event of `pack`: its own
    protocol's phases, or (a pack that gives none) the phases of the pack that does, offered as a
    model."""
    source = get_pack(SPEAKER_STEPS_PACK).manifest.jurisdiction
    if pack == SPEAKER_STEPS_PACK:
        return f"The protocol's four phases ({source} {SPEAKER_STEPS_RESOURCE})."
    try:
        title = get_pack(pack).manifest.title
    except NotFound:
        title = pack
    return (
        f"{title} gives no steps for preparing a survivor speaker; the checklist offers the "
        f"four phases of {source}'s protocol ({SPEAKER_STEPS_RESOURCE}) as a model."
    )


def event_page(actor: User, event: TrainingEvent) -> dict[str, Any]:
    """What an event's page shows the actor: the attendance (to those who manage the event),
    whether the actor attended, the survivor-speaker checklist by phase, and the evaluations
    (the speaker's name only to the organizer)."""
    manages = permissions.may_manage_event(actor, event)
    attendance = list(attendance_of(event)) if manages else []
    attends = (
        any(a.person_id == actor.pk for a in attendance)
        or event.attendance.filter(person=actor).exists()
    )
    checklist = event.speaker_checklist or {}
    phases: dict[str, list[dict[str, Any]]] = {}
    for step in SPEAKER_STEPS:
        phases.setdefault(step.phase, []).append(
            {"step": step, "done": bool(checklist.get(step.id))}
        )
    organizer = permissions.may_see_speaker_name(actor, event)
    return {
        "event": event,
        "manages": manages,
        "attendance": attendance,
        "attends": attends,
        "sees_speaker_name": organizer,
        "phases": phases,
        "steps_source": speaker_steps_source(event.pack),
        "steps_done": sum(1 for s in SPEAKER_STEPS if checklist.get(s.id)),
        "steps_total": len(SPEAKER_STEPS),
        "summary": evaluation_summary(event, for_organizer=organizer),
        "min_evaluations": MIN_EVALUATIONS,
    }


COMPLIANCE_COLUMNS = [
    "requirement",
    "scope",
    "subject",
    "required",
    "actual",
    "met",
    "missing",
    "due",
    "source",
]


def compliance_rows(results: list[RequirementResult]) -> list[dict[str, Any]]:
    """Compliance results as the rows of an export (COMPLIANCE_COLUMNS)."""
    return [
        {
            "requirement": r.id,
            "scope": r.scope,
            "subject": r.subject,
            "required": r.required,
            "actual": r.actual,
            "met": "yes" if r.met else "no",
            "missing": r.missing,
            "due": r.due,
            "source": r.source,
        }
        for r in results
    ]


RECORD_COLUMNS = [
    "email",
    "name",
    "organization",
    "pack",
    "course",
    "level",
    "completed_on",
    "hours",
    "source",
]


def record_rows(actor: User, limit: int) -> list[dict[str, Any]]:
    """The training records the actor may see (at most `limit`), as the rows of an export
    (RECORD_COLUMNS)."""
    return [
        {
            "email": r.person.email,
            "name": r.person.full_name,
            "organization": r.person.membership.organization.name
            if r.person.membership_or_none
            else "",
            "pack": r.pack,
            "course": r.course_code,
            "level": r.level,
            "completed_on": r.completed_on,
            "hours": float(r.hours),
            "source": r.source,
        }
        for r in records_visible(actor)[:limit]
    ]


def agency_for(actor: User, slug: str) -> Organization:
    """The organization with this short name if the actor may see its training compliance;
    NotFound otherwise (and for no such organization), so existence does not leak."""
    found = Organization.objects.select_related("county", "region").filter(slug=slug).first()
    if found is None or not permissions.may_view_agency(actor, found):
        raise NotFound()
    return found


def county_for(actor: User, county_id: int) -> County:
    """A county whose compliance the actor may see (area roles); NotFound otherwise."""
    found = County.objects.filter(pk=county_id).first() if 0 < county_id < 2**63 else None
    if found is None or not permissions.may_view_area(actor):
        raise NotFound()
    return found


def region_for(actor: User, region_id: int) -> Region:
    """A region whose compliance the actor may see (area roles); NotFound otherwise."""
    found = Region.objects.filter(pk=region_id).first() if 0 < region_id < 2**63 else None
    if found is None or not permissions.may_view_area(actor):
        raise NotFound()
    return found


def area_compliance(area: County | Region, pack: str) -> list[RequirementResult]:
    """The requirements of `pack` for the active organizations of a county or a region (those
    of a region's counties without a region of their own), at the area's level and above."""
    levels: tuple[str, ...]
    if isinstance(area, County):
        orgs = Organization.objects.filter(county=area, is_active=True)
        levels = ("county", "region", "state", "task_force")
    else:
        orgs = Organization.objects.filter(is_active=True).filter(
            Q(region=area) | Q(region__isnull=True, county__region=area)
        )
        levels = ("region", "state", "task_force")
    results = compliance_for(pack=pack, organizations=orgs, group_label=area.name)
    return [r for r in results if r.scope in levels]


def areas_for(actor: User) -> tuple[Any, Any]:
    """The counties and the regions whose compliance the actor may see (area roles: all of
    them; anyone else: none)."""
    if not permissions.may_view_area(actor):
        return [], []
    return County.objects.select_related("region"), Region.objects.all()


def own_agency(actor: User) -> Organization | None:
    """The actor's organization, if they may see its training compliance."""
    membership = actor.membership_or_none
    org = membership.organization if membership else None
    return org if org is not None and permissions.may_view_agency(actor, org) else None


def compliance_export(
    actor: User,
    *,
    title: str,
    pack: str,
    results: list[RequirementResult],
    owner: Organization | None,
    fmt: str,
) -> tuple[bytes, str]:
    """Compliance results as a spreadsheet (csv or xlsx) and its content type; the export is
    recorded."""
    rows = compliance_rows(results)
    content, content_type = tabular.write_table(rows, COMPLIANCE_COLUMNS, fmt)
    record(
        actor=actor,
        action=Action.EXPORT,
        object_type="training.compliance",
        object_id=title[:60],
        owner_org=owner,
        detail={"pack": pack, "rows": len(rows), "format": fmt},
    )
    return content, content_type


def records_export(actor: User, fmt: str) -> tuple[bytes, str]:
    """The training records the actor may see as a spreadsheet (csv or xlsx) and its content
    type; the export is recorded."""
    rows = record_rows(actor, limit=tabular.MAX_ROWS * 5)
    content, content_type = tabular.write_table(rows, RECORD_COLUMNS, fmt)
    membership = actor.membership_or_none
    record(
        actor=actor,
        action=Action.EXPORT,
        object_type="training.trainingrecord",
        owner_org=membership.organization if membership else None,
        detail={"rows": len(rows), "format": fmt},
    )
    return content, content_type
