"""Fixtures for the youth timeline (issue 12, item 7): a child-welfare organization owning a
case, and a helper writing `n` events of every kind straight into the tables (the timeline reads
them; how each is recorded is tested where it is recorded)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from harborline.cases.models import Case, Placement
from harborline.instruments.models import InstrumentResponse
from harborline.missing.models import CrisisEvent, MissingEpisode
from harborline.response.models import (
    MdtMeeting,
    NeedsAssessment,
    Obligation,
    PlanReview,
    SafetyAssessment,
    SafetyPlan,
    Screening,
    ServicePlan,
    ServicePlanVersion,
    Status,
)
from tests.cases import conftest as cases_conftest
from tests.cases.conftest import Api, later, open_case

make_org = cases_conftest.make_org
make_user = cases_conftest.make_user

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
ADDRESS = "1428 Synthetic Elm Street, Reno"


@dataclass
class World:
    org: Any
    caseworker: Any
    client: Api
    case_id: int


@pytest.fixture
def world(make_org, make_user) -> World:
    org = make_org("child_welfare")
    caseworker = make_user(org, "caseworker")
    client = Api(caseworker)
    return World(org, caseworker, client, open_case(client))


def share(world: World, org: Any, compartments: list[str]) -> None:
    r = world.client.post(
        f"/cases/{world.case_id}/shares",
        {
            "organization": org.slug,
            "compartments": compartments,
            "purpose": "MDT service planning",
            "basis": {"type": "court_order", "reference": "JV-2026-12"},
            "expires_at": later(),
        },
    )
    assert r.status_code == 201, r.content


def _response(world: World, instrument: str) -> InstrumentResponse:
    return InstrumentResponse.objects.create(
        pack="nevada",
        pack_version="1",
        instrument=instrument,
        about_youth=True,
        answers={},
        organization=world.org,
        submitted_by=world.caseworker,
    )


def seed(world: World, n: int = 1) -> None:
    """`n` events of every kind, at distinct days: day 10*i + offset, so the time order mixes
    kinds. Obligations are done, episodes returned and placements ended, so each makes two
    entries."""
    case = Case.objects.get(pk=world.case_id)
    user = world.caseworker
    plan = ServicePlan.objects.create(case=case, version=n, created_by=user)
    base = SafetyPlan.objects.filter(case=case).count()  # a second seed carries on
    for j in range(n):
        i = base + j
        day = START + timedelta(days=10 * i)
        Screening.objects.create(
            case=case,
            response=_response(world, "nrit"),
            pack="nevada",
            pack_version="1",
            instrument="nrit",
            outcome="confirmed",
            identified_by="child_welfare",
            identified_at=day,
            recorded_by=user,
        )
        Obligation.objects.create(
            case=case,
            pack="nevada",
            kind="safety_assessment",
            title="Complete the safety assessment",
            trigger="first_contact",
            trigger_at=day + timedelta(hours=1),
            due_at=day + timedelta(hours=25),
            owner_org=world.org,
            owner_role="caseworker",
            status=Status.DONE,
            completed_at=day + timedelta(hours=2),
        )
        meeting = MdtMeeting.objects.create(
            case=case, kind="mdt_72h", held_at=day + timedelta(days=1), recorded_by=user
        )
        meeting.attendees.add(user)
        SafetyAssessment.objects.create(
            case=case,
            response=_response(world, "safety_assessment"),
            pack="nevada",
            pack_version="1",
            point="initial_contact",
            assessed_at=day + timedelta(days=2),
            recorded_by=user,
        )
        SafetyPlan.objects.create(
            case=case,
            number=i + 1,
            content={"contacts": "Synthetic Aunt"},
            recorded_by=user,
            recorded_at=day + timedelta(days=3),
        )
        NeedsAssessment.objects.create(
            case=case,
            number=i + 1,
            response=_response(world, "needs_assessment"),
            pack="nevada",
            pack_version="1",
            assessed_at=day + timedelta(days=3, hours=12),
            recorded_by=user,
        )
        ServicePlanVersion.objects.create(
            plan=plan,
            number=j + 1,
            changes="first",
            recorded_by=user,
            recorded_at=day + timedelta(days=4),
        )
        PlanReview.objects.create(
            plan=plan,
            held_at=day + timedelta(days=5),
            trigger="scheduled",
            result="progressing",
            recorded_by=user,
        )
        MissingEpisode.objects.create(
            case=case,
            last_seen_at=day + timedelta(days=6),
            reported_missing_at=day + timedelta(days=6, hours=2),
            last_seen_where="Synthetic Youth Shelter",
            returned_at=day + timedelta(days=7),
            recorded_by=user,
            recorded_by_org=world.org,
        )
        Placement.objects.create(
            case=case,
            kind="foster_home",
            started_on=date(2026, 1, 5) + timedelta(days=10 * i + 8),
            ended_on=date(2026, 1, 5) + timedelta(days=10 * i + 9),
            address=ADDRESS,
            recorded_by=user,
        )
        CrisisEvent.objects.create(
            case=case,
            kind="arrest",
            occurred_at=day + timedelta(days=9, hours=6),
            recorded_by=user,
            recorded_by_org=world.org,
        )
