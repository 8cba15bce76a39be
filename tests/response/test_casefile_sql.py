"""The case page's reads of screenings and MDT meetings are fixed SQL statements
(`response.casefile._screenings`, `_meetings`; issue 11: the ORM spent more Python building
them than the database spent running them). They must return exactly what the same reads
through the ORM returned — kept here as the oracle — value for value and type for type
(aware UTC datetimes, dates, booleans, decrypted text, "" for an empty encrypted field), in the
same order."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from harborline.response import casefile
from harborline.response.models import ActionItem, MdtMeeting, Obligation, Screening
from tests.web.test_cases_pages import NRIT_CONFIRMED, NRIT_HIGH_RISK, World

pytestmark = pytest.mark.django_db


def _screenings_orm(case: Any) -> list[dict[str, Any]]:
    return list(
        Screening.objects.filter(case=case)
        .order_by("-identified_at")
        .values(
            "id",
            "instrument",
            "pack",
            "pack_version",
            "outcome",
            "identified_by",
            "identified_at",
            "setting",
            "urgent",
        )
    )


def _meetings_orm(case: Any) -> list[dict[str, Any]]:
    meetings = list(
        MdtMeeting.objects.filter(case=case)
        .order_by("-held_at")
        .values("id", "kind", "held_at", "youth_participated", "other_attendees", "decisions")
    )
    if not meetings:
        return []
    ids = [m["id"] for m in meetings]
    attendees: dict[int, list[str]] = defaultdict(list)
    through = MdtMeeting.attendees.through.objects.filter(mdtmeeting_id__in=ids)
    for meeting_id, email in through.order_by("user__email").values_list(
        "mdtmeeting_id", "user__email"
    ):
        attendees[meeting_id].append(email)
    actions: dict[int, list[dict[str, Any]]] = defaultdict(list)
    items = ActionItem.objects.filter(meeting_id__in=ids).order_by("pk")
    for meeting_id, text, owner, due_on, done_at in items.values_list(
        "meeting_id", "text", "owner__email", "due_on", "done_at"
    ):
        actions[meeting_id].append(
            {"text": text, "owner": owner, "due_on": due_on, "done": done_at is not None}
        )
    return [{**m, "attendees": attendees[m["id"]], "actions": actions[m["id"]]} for m in meetings]


def _types(rows: Any) -> Any:
    if isinstance(rows, list):
        return [_types(r) for r in rows]
    if isinstance(rows, dict):
        return {k: _types(v) for k, v in rows.items()}
    return (type(rows).__name__, rows)


@pytest.mark.usefixtures("nevada_home")  # NRIT screenings: Nevada's pack whatever the home pack
def test_screenings_and_meetings_read_by_sql_are_the_orm_reads(db):
    world = World()
    case = world.case
    assert casefile._screenings(case) == [] and casefile._meetings(case) == []
    world.screen(NRIT_CONFIRMED)
    world.screen(NRIT_HIGH_RISK, by="school")
    now = timezone.now()
    for i, (others, decisions) in enumerate(
        [("", ""), ("Aunt (caregiver) <b>&</b>", "Place with the aunt.\nReview in 30 days.")]
    ):
        meeting = MdtMeeting.objects.create(
            case=case,
            kind="mdt_72h" if i else "rapid_response",
            held_at=now - timedelta(days=3 - i),
            other_attendees=others,
            youth_participated=bool(i),
            decisions=decisions,
            recorded_by=world.worker,
        )
        if i:
            meeting.attendees.set([world.worker, world.supervisor, world.officer])
            ActionItem.objects.create(
                meeting=meeting, text="Call the school", owner=world.worker, due_on=date(2027, 1, 5)
            )
            ActionItem.objects.create(
                meeting=meeting,
                text="Book the clinic <now>",
                owner=world.officer,
                due_on=date(2027, 1, 9),
                done_at=now,
            )
    screenings, meetings = casefile._screenings(case), casefile._meetings(case)
    assert len(screenings) == 2 and len(meetings) == 2
    assert _types(screenings) == _types(_screenings_orm(case))
    assert _types(meetings) == _types(_meetings_orm(case))
    assert meetings[0]["actions"][1] == {
        "text": "Book the clinic <now>",
        "owner": world.officer.email,
        "due_on": date(2027, 1, 9),
        "done": True,
    }
    assert meetings[0]["held_at"].tzinfo is not None


@pytest.mark.usefixtures("nevada_home")  # Nevada's clocks: a confirmed NRIT starts several
def test_obligations_read_by_sql_are_the_orm_read_with_their_carrier(db, django_assert_num_queries):
    world = World()
    world.screen(NRIT_CONFIRMED)
    world.screen(NRIT_HIGH_RISK, by="school")
    case = world.case
    expected = list(case.obligations.select_related("owner_org").order_by("due_at", "pk"))
    assert len(expected) >= 3
    with django_assert_num_queries(1):
        got = casefile._obligations(case)
        carriers = [
            (o.owner_org.pk, o.owner_org.slug, o.owner_org.name, o.owner_org.type) for o in got
        ]
        assert all(o.owner_org.is_active is True for o in got)
    assert [o.pk for o in got] == [o.pk for o in expected]
    assert carriers == [
        (o.owner_org.pk, o.owner_org.slug, o.owner_org.name, o.owner_org.type) for o in expected
    ]
    for a, b in zip(got, expected, strict=True):
        for f in Obligation._meta.concrete_fields:
            assert getattr(a, f.attname) == getattr(b, f.attname), f.name
