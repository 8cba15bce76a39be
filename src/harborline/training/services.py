"""Every write of training: events, attendance, records, imports, the survivor-speaker checklist
and evaluations (form 2-B, stored by the instruments engine)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from harborline import tabular
from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    check_bumped,
    check_version,
)
from harborline.instruments import services as instruments
from harborline.instruments.models import InstrumentResponse
from harborline.people.models import User
from harborline.protocols.packs import get_pack

from . import permissions
from .catalogue import SPEAKER_STEP_IDS, course_of, packs_with_course, training_of
from .models import (
    Attendance,
    Format,
    Level,
    Source,
    SpeakerRole,
    TrainingEvent,
    TrainingRecord,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

EVALUATION_INSTRUMENT = "training_evaluation"
EVALUATION_SUBJECT = "training_event"
MAX_HOURS = Decimal("1000")
EARLIEST = dt.date(1990, 1, 1)
PERSON_UNKNOWN = "No person with this email whose training you may record."


# --- parsing shared by the API, the pages and imports -------------------------------------------
def parse_hours(value: Any, *, field: str = "hours", allow_zero: bool = True) -> Decimal:
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput.field(field, "Give the hours as a number, e.g. 1.5.") from None
    if not hours.is_finite() or hours < 0 or (hours == 0 and not allow_zero):
        raise InvalidInput.field(
            field, "Hours must be more than 0." if not allow_zero else "Hours cannot be negative."
        )
    if hours > MAX_HOURS:
        raise InvalidInput.field(field, f"Hours must be at most {MAX_HOURS}.")
    return hours.quantize(Decimal("0.01"))


def parse_day(value: Any, *, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise InvalidInput.field(field, "Give a date as YYYY-MM-DD.") from None
    if value < EARLIEST:
        raise InvalidInput.field(field, f"The date must be on or after {EARLIEST.isoformat()}.")
    return value


def _completed_on(value: Any, *, field: str = "completed_on") -> dt.date:
    day = parse_day(value, field=field)
    if day > timezone.localdate():
        raise InvalidInput.field(field, "A training cannot be completed in the future.")
    return day


def _level(value: str, *, field: str = "level") -> str:
    if value not in Level.values:
        raise InvalidInput.field(field, f"Choose one of: {', '.join(Level.values)}.")
    return value


def find_person(actor: User, email: str, *, field: str = "person") -> User:
    """The person with this email if the actor may record their training; the same error for
    "no such person" and "not yours to record", so existence does not leak."""
    email = (email or "").strip().lower()
    person = (
        User.objects.select_related("membership__organization").filter(email=email).first()
        if email
        else None
    )
    if person is None or not permissions.may_record(actor, person):
        raise InvalidInput.field(field, PERSON_UNKNOWN)
    return person


def resolve_pack(course: str, person: User | None, pack: str = "") -> str:
    """The pack a course code belongs to: the one given, the only pack that has it, or, when
    several have it, the pack of the person's county or region."""
    if pack:
        course_of(pack, course)  # InvalidInput on "course" if the pack lacks it
        return pack
    found = packs_with_course(course)
    if len(found) == 1:
        return found[0]
    if not found:
        raise InvalidInput.field("course", f"No protocol pack has a course {course!r}.")
    membership = person.membership_or_none if person is not None else None
    org = membership.organization if membership is not None else None
    home = ""
    if org is not None and org.county_id:
        home = org.county.pack  # type: ignore[union-attr]  # the foreign key is checked just before
    elif org is not None and org.region_id:
        home = org.region.pack  # type: ignore[union-attr]  # the foreign key is checked just before
    if home in found:
        return home
    raise InvalidInput.field(
        "course", f"Several packs have a course {course!r} ({', '.join(found)}); name the pack."
    )


# --- records -------------------------------------------------------------------------------------
@transaction.atomic
def record_training(
    *,
    actor: User,
    person: str | User,
    course: str,
    level: str,
    completed_on: Any,
    hours: Any,
    pack: str = "",
    source: str = Source.MANUAL,
    event: TrainingEvent | None = None,
) -> TrainingRecord:
    """Record that a person completed a course. `person` is an email (or a User the caller has
    already checked). InvalidInput names person, course, level, completed_on or hours."""
    errors: list[FieldError] = []
    who: User | None = None
    try:
        who = person if isinstance(person, User) else find_person(actor, person)
        if isinstance(person, User) and not permissions.may_record(actor, person):
            raise InvalidInput.field("person", PERSON_UNKNOWN)
    except InvalidInput as problem:
        errors.extend(problem.errors)
    values: dict[str, Any] = {}
    for name, check in (
        ("course", lambda: resolve_pack((course or "").strip(), who, pack)),
        ("level", lambda: _level(level)),
        ("completed_on", lambda: _completed_on(completed_on)),
        ("hours", lambda: parse_hours(hours)),
    ):
        try:
            values[name] = check()
        except InvalidInput as problem:
            errors.extend(problem.errors)
    if errors:
        raise InvalidInput.fields(errors)
    assert who is not None
    if source not in Source.values:
        raise InvalidInput.field("source", f"Choose one of: {', '.join(Source.values)}.")
    membership = who.membership_or_none
    row = TrainingRecord.objects.create(
        person=who,
        pack=values["course"],
        course_code=(course or "").strip(),
        level=values["level"],
        completed_on=values["completed_on"],
        hours=values["hours"],
        event=event,
        source=source,
        recorded_by=actor,
    )
    record(
        actor=actor,
        action=Action.CREATE,
        obj=row,
        owner_org=membership.organization if membership else None,
        detail={"pack": row.pack, "course": row.course_code, "source": source},
    )
    return row


@transaction.atomic
def delete_record(*, actor: User, record_id: int, version: int) -> None:
    row = (
        TrainingRecord.objects.select_related("person__membership__organization")
        .filter(pk=record_id)
        .first()
    )
    if row is None or not permissions.may_record(actor, row.person):
        raise NotFound()
    check_version(row.version, version)
    membership = row.person.membership_or_none
    Attendance.objects.filter(record=row).update(completed=False)
    record(
        actor=actor,
        action=Action.DELETE,
        obj=row,
        owner_org=membership.organization if membership else None,
        detail={"pack": row.pack, "course": row.course_code},
    )
    row.delete()


# --- events ----------------------------------------------------------------------------------
@transaction.atomic
def create_event(
    *,
    actor: User,
    pack: str,
    course: str,
    starts_on: Any,
    format: str,
    hours: Any,
    level: str = Level.BASIC,
    title: str = "",
    trainers: str = "",
    location: str = "",
    survivor_speaker: bool = False,
    speaker_role: str = "",
    speaker_name: str = "",
) -> TrainingEvent:
    if not permissions.may_create_event(actor):
        raise Forbidden("Only supervisors, administrators and coordinators create training events.")
    membership = actor.membership_or_none
    assert membership is not None
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    checks = (
        ("course", lambda: course_of(pack, (course or "").strip())),
        ("starts_on", lambda: parse_day(starts_on, field="starts_on")),
        ("hours", lambda: parse_hours(hours, allow_zero=False)),
        ("level", lambda: _level(level)),
    )
    try:
        training_of(pack)
    except InvalidInput as problem:
        errors.extend(problem.errors)
    else:
        for name, check in checks:
            try:
                values[name] = check()
            except InvalidInput as problem:
                errors.extend(problem.errors)
    if format not in Format.values:
        errors.append(FieldError("format", "Choose in person, online or hybrid."))
    if survivor_speaker and speaker_role not in SpeakerRole.values:
        errors.append(FieldError("speaker_role", "Choose guest speaker or co-trainer."))
    for name, text, limit in (
        ("title", title, 200),
        ("trainers", trainers, 300),
        ("location", location, 300),
    ):
        if len(text or "") > limit:
            errors.append(FieldError(name, f"Use at most {limit} characters."))
    if errors:
        raise InvalidInput.fields(errors)
    event = TrainingEvent.objects.create(
        pack=pack,
        course_code=values["course"].code,
        title=(title or "").strip() or values["course"].title,
        organization=membership.organization,
        organizer=actor,
        starts_on=values["starts_on"],
        format=format,
        hours=values["hours"],
        level=values["level"],
        trainers=(trainers or "").strip(),
        location=(location or "").strip(),
        survivor_speaker=bool(survivor_speaker),
        speaker_role=speaker_role if survivor_speaker else "",
        speaker_name=(speaker_name or "").strip() if survivor_speaker else "",
    )
    record(
        actor=actor,
        action=Action.CREATE,
        obj=event,
        owner_org=event.organization,
        detail={"pack": pack, "course": event.course_code},
    )
    return event


def _managed_event(actor: User, event_id: int) -> TrainingEvent:
    event = TrainingEvent.objects.select_related("organization").filter(pk=event_id).first()
    if event is None or not permissions.may_manage_event(actor, event):
        raise NotFound()
    return event


@transaction.atomic
def update_speaker_checklist(
    *, actor: User, event_id: int, done: Iterable[str], version: int
) -> TrainingEvent:
    event = _managed_event(actor, event_id)
    if not event.survivor_speaker:
        raise InvalidInput.field("checklist", "This event has no survivor speaker.")
    chosen = set(done)
    unknown = chosen - SPEAKER_STEP_IDS
    if unknown:
        raise InvalidInput.field("checklist", f"Unknown steps: {', '.join(sorted(unknown))}.")
    updated = TrainingEvent.objects.filter(pk=event.pk, version=version).update(
        speaker_checklist={step: step in chosen for step in sorted(SPEAKER_STEP_IDS)},
        version=version + 1,
    )
    check_bumped(updated)
    event.refresh_from_db()
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=event,
        owner_org=event.organization,
        detail={"speaker_steps_done": len(chosen)},
    )
    return event


@transaction.atomic
def record_attendance(*, actor: User, event_id: int, person: str, completed: bool) -> Attendance:
    """Add a person to the event's attendance; a completed attendance also records the course
    (source "event", on the event's date, with its hours and level)."""
    event = _managed_event(actor, event_id)
    who = find_person(actor, person)
    attendance = Attendance.objects.filter(event=event, person=who).first()
    if attendance is None:
        attendance = Attendance.objects.create(event=event, person=who, completed=False)
    if completed and attendance.record_id is None:
        if event.starts_on > timezone.localdate():
            raise InvalidInput.field("completed", "The event has not happened yet.")
        attendance.record = record_training(
            actor=actor,
            person=who,
            course=event.course_code,
            pack=event.pack,
            level=event.level,
            completed_on=event.starts_on,
            hours=event.hours,
            source=Source.EVENT,
            event=event,
        )
    attendance.completed = completed or attendance.record_id is not None
    attendance.save()
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=event,
        owner_org=event.organization,
        detail={"attendance": who.pk, "completed": attendance.completed},
    )
    return attendance


# --- evaluations (form 2-B) ----------------------------------------------------------------------
def evaluation_pack(event: TrainingEvent) -> str | None:
    """The pack whose training evaluation form the event uses: its own, or none."""
    try:
        pack = get_pack(event.pack)
    except NotFound:
        return None
    return event.pack if EVALUATION_INSTRUMENT in pack.instruments else None


@transaction.atomic
def submit_evaluation(*, actor: User, event_id: int, answers: Any) -> InstrumentResponse:
    event = TrainingEvent.objects.filter(pk=event_id).first()
    if event is None or not Attendance.objects.filter(event=event, person=actor).exists():
        raise NotFound()
    pack = evaluation_pack(event)
    if pack is None:
        raise InvalidInput.field("answers", "This event's protocol has no evaluation form.")
    already = InstrumentResponse.objects.filter(
        subject_type=EVALUATION_SUBJECT, subject_id=str(event.pk), submitted_by=actor
    ).exists()
    if already:
        raise Conflict("You have already evaluated this training. Thank you.")
    return instruments.submit(
        actor=actor,
        pack=get_pack(pack),
        instrument=EVALUATION_INSTRUMENT,
        answers=answers,
        subject_type=EVALUATION_SUBJECT,
        subject_id=str(event.pk),
    )


# --- imports ---------------------------------------------------------------------------------
IMPORT_COLUMNS = [
    tabular.Column("email", help="The person's sign-in email."),
    tabular.Column("course", help="The course code, e.g. 101B or CSEC-101."),
    tabular.Column("level", required=False, help="basic, intermediate, advanced or in_depth."),
    tabular.Column("completed_on", help="The day the course was completed, YYYY-MM-DD."),
    tabular.Column("hours", help="Hours of training, e.g. 1.5."),
]


@dataclass
class ImportRow:
    row: int
    email: str
    course: str
    level: str
    completed_on: str
    hours: str


@dataclass
class ImportPreview:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[tabular.RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _check_row(actor: User, pack: str, row: ImportRow) -> list[tabular.RowError]:
    problems: list[tabular.RowError] = []
    person = None
    try:
        person = find_person(actor, row.email)
    except InvalidInput as problem:
        problems.append(tabular.RowError(row.row, "email", problem.errors[0].message))
    checks = (
        ("course", lambda: resolve_pack(row.course, person, pack)),
        ("level", lambda: _level(row.level or Level.BASIC)),
        ("completed_on", lambda: _completed_on(row.completed_on)),
        ("hours", lambda: parse_hours(row.hours)),
    )
    for column, check in checks:
        try:
            check()
        except InvalidInput as problem:
            problems.append(tabular.RowError(row.row, column, problem.errors[0].message))
    return problems


def preview_import(*, actor: User, upload: bytes, filename: str, pack: str = "") -> ImportPreview:
    """Read a roster and check every row as the import would; writes nothing."""
    if pack:
        training_of(pack)
    table = tabular.read_table(upload, filename, IMPORT_COLUMNS)
    preview = ImportPreview(errors=list(table.errors), ignored_columns=table.ignored_columns)
    for number, values in zip(table.row_numbers, table.rows, strict=True):
        row = ImportRow(
            row=number,
            email=str(values["email"]),
            course=str(values["course"]),
            level=str(values.get("level") or Level.BASIC).strip().lower().replace("-", "_"),
            completed_on=str(values["completed_on"]),
            hours=str(values["hours"]),
        )
        preview.rows.append(row)
        preview.errors.extend(_check_row(actor, pack, row))
    preview.errors.sort(key=lambda e: (e.row, e.column))
    return preview


@transaction.atomic
def import_records(*, actor: User, rows: list[ImportRow], pack: str = "") -> list[TrainingRecord]:
    """Write every row or none: the first bad row raises InvalidInput and rolls back all."""
    if not rows:
        raise InvalidInput.field("file", "There are no rows to import.")
    created = []
    for row in rows:
        try:
            created.append(
                record_training(
                    actor=actor,
                    person=row.email,
                    course=row.course,
                    pack=pack,
                    level=row.level or Level.BASIC,
                    completed_on=row.completed_on,
                    hours=row.hours,
                    source=Source.IMPORT,
                )
            )
        except InvalidInput as problem:
            first = problem.errors[0] if problem.errors else FieldError("file", problem.detail)
            raise InvalidInput.field(
                "file", f"Row {row.row}: {first.field}: {first.message}"
            ) from None
        except IntegrityError:  # pragma: no cover - no unique constraint applies to imports
            raise InvalidInput.field("file", f"Row {row.row} could not be stored.") from None
    return created
