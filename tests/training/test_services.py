"""Training events, attendance and completion, the survivor-speaker checklist and the speaker's
privacy, anonymous evaluation results (form 2-B), and all-or-nothing roster imports."""

from __future__ import annotations

import datetime as dt

import pytest

from harborline.audit.models import AuditEvent
from harborline.errors import Conflict, Forbidden, InvalidInput, NotFound
from harborline.instruments.models import InstrumentResponse
from harborline.training import selectors, services
from harborline.training.catalogue import SPEAKER_STEPS
from harborline.training.models import TrainingRecord
from tests.crypto.sealed import is_sealed, outside_tokens

from .factories import org, person

LAST_MONTH = (dt.date.today() - dt.timedelta(days=30)).isoformat()


def _event(organizer, **kw):
    values = dict(
        actor=organizer,
        pack="nevada",
        course="101B",
        starts_on=LAST_MONTH,
        format="in_person",
        hours="6",
        trainers="Synthetic Trainer",
        location="Community Room",
    )
    values.update(kw)
    return services.create_event(**values)


def test_creating_an_event_takes_the_courses_title_and_is_audited(db):
    agency = org("child_welfare")
    supervisor = person(agency, role="supervisor")
    event = _event(supervisor)
    assert event.title == "CSEC Introductory Course – In Person"
    assert event.organization == agency
    assert AuditEvent.objects.filter(
        object_type="training.trainingevent", object_id=str(event.pk)
    ).exists()


def test_bad_event_fields_are_named(db):
    supervisor = person(org("child_welfare"), role="supervisor")
    with pytest.raises(InvalidInput) as caught:
        _event(supervisor, course="999", hours="0", format="carrier pigeon", survivor_speaker=True)
    fields = {e.field for e in caught.value.errors}
    assert fields == {"course", "hours", "format", "speaker_role"}


def test_caseworkers_do_not_create_events(db):
    with pytest.raises(Forbidden):
        _event(person(org("child_welfare")))


def test_completed_attendance_records_the_course_once(db):
    agency = org("child_welfare")
    supervisor = person(agency, role="supervisor")
    worker = person(agency)
    event = _event(supervisor, level="in_depth")
    services.record_attendance(
        actor=supervisor, event_id=event.pk, person=worker.email, completed=True
    )
    services.record_attendance(
        actor=supervisor, event_id=event.pk, person=worker.email, completed=True
    )
    record = TrainingRecord.objects.get(person=worker)
    assert (record.course_code, record.level, record.source, record.event) == (
        "101B",
        "in_depth",
        "event",
        event,
    )
    assert str(record.completed_on) == LAST_MONTH
    assert record.hours == 6


def test_attendance_without_completion_records_no_course(db):
    agency = org("child_welfare")
    supervisor = person(agency, role="supervisor")
    worker = person(agency)
    event = _event(supervisor)
    attendance = services.record_attendance(
        actor=supervisor, event_id=event.pk, person=worker.email, completed=False
    )
    assert attendance.completed is False
    assert not TrainingRecord.objects.exists()


def test_attendance_of_someone_the_organizer_may_not_record_is_refused(db):
    supervisor = person(org("child_welfare"), role="supervisor")
    outsider = person(org("law_enforcement"))
    event = _event(supervisor)
    with pytest.raises(InvalidInput) as caught:
        services.record_attendance(
            actor=supervisor, event_id=event.pk, person=outsider.email, completed=True
        )
    assert caught.value.errors[0].field == "person"


def test_someone_else_cannot_manage_the_event(db):
    event = _event(person(org("child_welfare"), role="supervisor"))
    stranger = person(org("child_welfare"), role="supervisor")
    with pytest.raises(NotFound):
        services.record_attendance(
            actor=stranger, event_id=event.pk, person=stranger.email, completed=True
        )


def test_survivor_speaker_checklist_and_stale_edits(db):
    supervisor = person(org("community_advocacy"), role="supervisor")
    event = _event(
        supervisor, survivor_speaker=True, speaker_role="guest_speaker", speaker_name="A. Speaker"
    )
    done = [SPEAKER_STEPS[0].id, SPEAKER_STEPS[5].id]
    event = services.update_speaker_checklist(
        actor=supervisor, event_id=event.pk, done=done, version=1
    )
    assert event.version == 2
    assert sorted(k for k, v in event.speaker_checklist.items() if v) == sorted(done)
    with pytest.raises(Conflict):
        services.update_speaker_checklist(actor=supervisor, event_id=event.pk, done=[], version=1)
    with pytest.raises(InvalidInput):
        services.update_speaker_checklist(
            actor=supervisor, event_id=event.pk, done=["nope"], version=2
        )


def test_the_speakers_name_is_encrypted_at_rest(db):
    from django.db import connection

    supervisor = person(org("community_advocacy"), role="supervisor")
    event = _event(
        supervisor, survivor_speaker=True, speaker_role="co_trainer", speaker_name="A. Speaker"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT speaker_name FROM training_trainingevent WHERE id = %s", [event.pk])
        stored = cursor.fetchone()[0]
    assert is_sealed(stored) and "Speaker" not in outside_tokens(stored)


def _evaluations(event, supervisor, count):
    agency = supervisor.membership.organization
    people = [person(agency) for _ in range(count)]
    for i, p in enumerate(people):
        services.record_attendance(
            actor=supervisor, event_id=event.pk, person=p.email, completed=True
        )
        services.submit_evaluation(
            actor=p,
            event_id=event.pk,
            answers={
                "ins_objectives_met": "strongly_agree" if i % 2 else "agree",
                "ven_brochure": "does_not_apply",
                "material_level": "basic",
                "survivor_presentation_feedback": f"Comment {i}",
            },
        )
    return people


def test_evaluation_results_stay_hidden_below_five_responses(db):
    supervisor = person(org("child_welfare"), role="supervisor")
    event = _event(supervisor)
    _evaluations(event, supervisor, 4)
    summary = selectors.evaluation_summary(event, for_organizer=True)
    assert (summary.count, summary.shown, summary.items, summary.survivor_feedback) == (
        4,
        False,
        [],
        [],
    )
    stored = InstrumentResponse.objects.filter(
        subject_type="training_event", subject_id=str(event.pk)
    )
    assert stored.count() == 4


def test_evaluation_results_are_averages_without_does_not_apply(db):
    supervisor = person(org("child_welfare"), role="supervisor")
    event = _event(supervisor)
    _evaluations(event, supervisor, 5)
    summary = selectors.evaluation_summary(event)
    assert summary.shown
    items = {i.id: i for i in summary.items}
    assert items["ins_objectives_met"].average == pytest.approx((4 * 3 + 5 * 2) / 5)
    assert items["ven_brochure"].average is None and items["ven_brochure"].answered == 0
    assert ("Basic", 5) in summary.levels
    assert summary.survivor_feedback == []  # only the organizer's view carries it
    assert len(selectors.evaluation_summary(event, for_organizer=True).survivor_feedback) == 5


def test_only_attendees_evaluate_and_only_once(db):
    supervisor = person(org("child_welfare"), role="supervisor")
    event = _event(supervisor)
    (attendee,) = _evaluations(event, supervisor, 1)
    with pytest.raises(Conflict):
        services.submit_evaluation(actor=attendee, event_id=event.pk, answers={})
    with pytest.raises(NotFound):
        services.submit_evaluation(
            actor=person(org("child_welfare")), event_id=event.pk, answers={}
        )


# --- imports ---------------------------------------------------------------------------------
def _roster(*lines):
    return ("email,course,level,completed_on,hours,badge\n" + "\n".join(lines) + "\n").encode()


def test_a_clean_roster_previews_then_imports_every_row(db):
    agency = org("law_enforcement")
    admin = person(agency, role="org_admin")
    a, b = person(agency), person(agency)
    upload = _roster(
        f"{a.email},CSEC-101,in_depth,2026-01-10,6,1", f"{b.email},CSEC-102,,2026-01-11,2,2"
    )
    preview = services.preview_import(actor=admin, upload=upload, filename="roster.csv")
    assert preview.ok and preview.errors == [] and preview.ignored_columns == ["badge"]
    assert not TrainingRecord.objects.exists()
    created = services.import_records(actor=admin, rows=preview.rows)
    assert [(r.person, r.level, r.source) for r in created] == [
        (a, "in_depth", "import"),
        (b, "basic", "import"),
    ]


def test_a_roster_with_bad_rows_lists_them_by_spreadsheet_row(db):
    agency = org("law_enforcement")
    admin = person(agency, role="org_admin")
    a = person(agency)
    upload = _roster(
        f"{a.email},CSEC-101,in_depth,2026-01-10,6,1",
        "stranger@example.org,CSEC-101,basic,2026-01-10,6,1",
        f"{a.email},NOPE,basic,2999-01-10,x,1",
    )
    preview = services.preview_import(actor=admin, upload=upload, filename="roster.csv")
    assert not preview.ok
    assert [(e.row, e.column) for e in preview.errors] == [
        (3, "email"),
        (4, "completed_on"),
        (4, "course"),
        (4, "hours"),
    ]


def test_import_is_all_or_nothing(db):
    agency = org("law_enforcement")
    admin = person(agency, role="org_admin")
    a = person(agency)
    rows = [
        services.ImportRow(2, a.email, "CSEC-101", "basic", "2026-01-10", "1"),
        services.ImportRow(3, "stranger@example.org", "CSEC-101", "basic", "2026-01-10", "1"),
    ]
    with pytest.raises(InvalidInput) as caught:
        services.import_records(actor=admin, rows=rows)
    assert "Row 3" in caught.value.errors[0].message
    assert not TrainingRecord.objects.exists()
