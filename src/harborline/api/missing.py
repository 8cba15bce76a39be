"""Missing and runaway episodes over the API: the report (9-F) and its 24-hour clocks, the reports
with their numbers, locate efforts, the return and its obligations, the debrief (9-G), and a
youth's count, frequency and total time missing. All of it is in the `safety` compartment: a case
the caller may not see is 404, a case whose `safety` compartment they do not see is 403."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import BaseModel, ConfigDict, Field

from harborline.api.auth import caller
from harborline.api.schemas import Strict
from harborline.cases.models import PlacementKind
from harborline.missing import events, placements, services
from harborline.missing import selectors as reads
from harborline.missing.models import Debrief, LocateEffort, MissingEpisode, RunawayPrevention
from harborline.missing.placements import PlacementRow
from harborline.missing.selectors import Summary

from .cases import ObligationOut, _obligation
from .schemas import ORGANIZATION_SLUG, Instant, Problem, text

router = Router(tags=["missing"])

ERRORS: dict[int, type[Problem]] = {401: Problem, 403: Problem, 404: Problem, 422: Problem}


class SocialMediaIn(BaseModel):
    """A platform and an account name. Never a password or any other credential: an entry that
    carries one is refused (422 naming it) and nothing is stored."""

    # Extra fields reach the service, which names each one (a credential, or an unknown field);
    # the document still says no other field is allowed.
    model_config = ConfigDict(extra="allow", json_schema_extra={"additionalProperties": False})

    platform: str = Field(default="", max_length=60, description="Snapchat, Instagram, ...")
    account: str = text(200, description="The profile or account name.")


class EpisodeIn(Strict):
    last_seen_at: Instant = Field(
        description="When the youth was last seen (ISO 8601; without an offset, the owning "
        "organization's time zone)."
    )
    reported_missing_at: Instant = Field(
        description="When the agency learned the youth was missing: the reports' 24-hour clocks "
        "run from this time. Not before last_seen_at."
    )
    last_seen_where: str = Field(default="", max_length=500)
    last_seen_with: str = Field(default="", max_length=500)
    items_taken: str = Field(default="", max_length=1000, description="What the youth took.")
    description: str = Field(
        default="", max_length=2000, description="Physical description, clothing, car."
    )
    social_media: list[SocialMediaIn] = Field(
        default=[], description="Account names only; Harborline never stores credentials."
    )
    possible_locations: str = Field(default="", max_length=2000)
    suspected_trafficked: Literal["", "yes", "no", "unknown"] = ""
    notes: str = Field(default="", max_length=4000, description="What the MDT should know.")


class EpisodeCreated(Schema):
    id: int
    obligations: list[ObligationOut]


class SocialMediaOut(Schema):
    platform: str
    account: str


class EpisodeOut(Schema):
    id: int
    case_id: int
    last_seen_at: datetime
    reported_missing_at: datetime
    last_seen_where: str
    last_seen_with: str
    items_taken: str
    description: str
    social_media: list[SocialMediaOut]
    possible_locations: str
    suspected_trafficked: str
    notes: str
    law_enforcement_report_number: str
    ncmec_report_number: str
    returned_at: datetime | None
    returned_where: str
    found_by: str
    return_notes: str
    hours_missing: float
    version: int


class SummaryOut(Schema):
    count: int
    missing_now: bool
    last_12_months: int
    total_hours_missing: float
    mean_days_between: float | None


class CaseEpisodesOut(Schema):
    summary: SummaryOut
    episodes: list[EpisodeOut]


class EffortOut(Schema):
    id: int
    made_at: datetime
    action: str
    outcome: str


class DebriefOut(Schema):
    id: int
    held_at: datetime
    led_by_name: str
    led_by_organization: str | None
    youth_refused: bool
    in_danger_now: str
    answers: dict[str, Any]


class EpisodeDetailOut(EpisodeOut):
    locate_efforts: list[EffortOut]
    obligations: list[ObligationOut]
    debrief: DebriefOut | None


def _episode(e: MissingEpisode) -> dict[str, Any]:
    return {
        "id": e.pk,
        "case_id": e.case_id,
        "last_seen_at": e.last_seen_at,
        "reported_missing_at": e.reported_missing_at,
        "last_seen_where": e.last_seen_where,
        "last_seen_with": e.last_seen_with,
        "items_taken": e.items_taken,
        "description": e.description,
        "social_media": [SocialMediaOut(**s) for s in e.social_media],
        "possible_locations": e.possible_locations,
        "suspected_trafficked": e.suspected_trafficked,
        "notes": e.notes,
        "law_enforcement_report_number": e.law_enforcement_report_number,
        "ncmec_report_number": e.ncmec_report_number,
        "returned_at": e.returned_at,
        "returned_where": e.returned_where,
        "found_by": e.found_by,
        "return_notes": e.return_notes,
        "hours_missing": round(e.time_missing().total_seconds() / 3600, 1),
        "version": e.version,
    }


def _summary(s: Summary) -> SummaryOut:
    return SummaryOut(
        count=s.count,
        missing_now=s.missing_now,
        last_12_months=s.last_12_months,
        total_hours_missing=s.total_hours,
        mean_days_between=s.mean_days_between,
    )


def _effort(e: LocateEffort) -> EffortOut:
    return EffortOut(id=e.pk, made_at=e.made_at, action=e.action, outcome=e.outcome)


def _debrief(d: Debrief) -> DebriefOut:
    return DebriefOut(
        id=d.pk,
        held_at=d.held_at,
        led_by_name=d.led_by_name,
        led_by_organization=d.led_by_organization.slug if d.led_by_organization else None,
        youth_refused=d.youth_refused,
        in_danger_now=d.in_danger_now,
        answers=d.answers,
    )


@router.post(
    "/cases/{case_id}/missing-episodes",
    response={201: EpisodeCreated, 409: Problem, **ERRORS},
    summary="The youth is missing (9-F): starts the reports to law enforcement and NCMEC",
)
def add_episode(request: HttpRequest, case_id: int, payload: EpisodeIn) -> Status[EpisodeCreated]:
    data = payload.model_dump()
    data["social_media"] = [
        {**entry.model_dump(), **(entry.model_extra or {})} for entry in payload.social_media
    ]
    episode, obligations = services.record_episode(
        actor=caller(request),
        case_id=case_id,
        **data,
    )
    return Status(
        201, EpisodeCreated(id=episode.pk, obligations=[_obligation(o) for o in obligations])
    )


@router.get(
    "/cases/{case_id}/missing-episodes",
    response={200: CaseEpisodesOut, **ERRORS},
    summary="The youth's missing episodes: count, frequency and total time missing",
)
def list_episodes(request: HttpRequest, case_id: int) -> CaseEpisodesOut:
    found = reads.episodes_for_case(caller(request), case_id)
    return CaseEpisodesOut(
        summary=_summary(found.summary),
        episodes=[EpisodeOut(**_episode(e)) for e in found.episodes],
    )


@router.get(
    "/missing-episodes/{episode_id}",
    response={200: EpisodeDetailOut, **ERRORS},
    summary="One episode with its locate efforts, obligations and debrief",
)
def get_episode(request: HttpRequest, episode_id: int) -> EpisodeDetailOut:
    detail = reads.episode_detail(caller(request), episode_id)
    return EpisodeDetailOut(
        **_episode(detail.episode),
        locate_efforts=[_effort(e) for e in detail.efforts],
        obligations=[_obligation(o) for o in detail.obligations],
        debrief=_debrief(detail.debrief) if detail.debrief else None,
    )


class ReportIn(Strict):
    to: Literal["law_enforcement", "ncmec"] = Field(
        description="law_enforcement (for NCIC entry) or ncmec."
    )
    report_number: str = text(100)
    reported_at: Instant | None = Field(default=None, description="When the report was made.")


class ReportOut(Schema):
    id: int
    version: int
    obligation: ObligationOut | None


@router.post(
    "/missing-episodes/{episode_id}/reports",
    response={200: ReportOut, 409: Problem, **ERRORS},
    summary="The report to law enforcement or NCMEC was made: its number completes the clock",
)
def add_report(request: HttpRequest, episode_id: int, payload: ReportIn) -> ReportOut:
    episode, obligation = services.record_report(
        actor=caller(request),
        episode_id=episode_id,
        **payload.model_dump(),
    )
    return ReportOut(
        id=episode.pk,
        version=episode.version,
        obligation=_obligation(obligation) if obligation else None,
    )


class EffortIn(Strict):
    made_at: Instant
    action: str = text(1000, description="What was done: who was called, where someone looked.")
    outcome: str = Field(default="", max_length=2000)


class EffortCreated(Schema):
    id: int


@router.post(
    "/missing-episodes/{episode_id}/locate-efforts",
    response={201: EffortCreated, **ERRORS},
    summary="Log an effort to locate the youth",
)
def add_effort(request: HttpRequest, episode_id: int, payload: EffortIn) -> Status[EffortCreated]:
    effort = services.add_locate_effort(
        actor=caller(request),
        episode_id=episode_id,
        **payload.model_dump(),
    )
    return Status(201, EffortCreated(id=effort.pk))


class ReturnIn(Strict):
    returned_at: Instant = Field(description="When the youth returned or was found.")
    returned_where: str = Field(default="", max_length=500)
    found_by: str = Field(default="", max_length=300, description="Who found the youth.")
    return_notes: str = Field(default="", max_length=4000)


class ObligationsOut(Schema):
    id: int
    obligations: list[ObligationOut]


@router.post(
    "/missing-episodes/{episode_id}/return",
    response={200: ObligationsOut, 409: Problem, **ERRORS},
    summary="The youth returned: starts the debrief, the re-screen and the safety reassessment",
)
def add_return(request: HttpRequest, episode_id: int, payload: ReturnIn) -> ObligationsOut:
    episode, obligations = services.record_return(
        actor=caller(request),
        episode_id=episode_id,
        **payload.model_dump(),
    )
    return ObligationsOut(id=episode.pk, obligations=[_obligation(o) for o in obligations])


Choice = Annotated[str, Field(max_length=60)]


class DebriefAnswers(Strict):
    """Questions 2-16 of the Returning Child De-Briefing, all optional (a youth may refuse)."""

    who_to_notify: str = Field(default="", max_length=4000)
    last_ate: str = Field(default="", max_length=4000)
    offered_food: Literal["", "yes", "no"] = ""
    harmed: Literal["", "yes", "no"] = ""
    harmed_comments: str = Field(default="", max_length=4000)
    health: Literal["", "good", "fair", "need_assistance"] = ""
    health_comments: str = Field(default="", max_length=4000)
    risk_involvement: Literal["", "yes", "no"] = ""
    risk_involvement_comments: str = Field(default="", max_length=4000)
    self_care_plan: Literal["", "plan_worked", "plan_failed", "no", "other"] = ""
    comments: str = Field(default="", max_length=4000)
    crime_victim: list[Choice] = Field(default=[], max_length=20)
    urgent_health_care: list[Choice] = Field(default=[], max_length=20)
    stayed_where: list[Choice] = Field(default=[], max_length=20)
    run_activities: list[Choice] = Field(default=[], max_length=20)
    food_money_source: list[Choice] = Field(default=[], max_length=20)
    reasons_left: list[Choice] = Field(default=[], max_length=20)
    hoped_outcome: list[Choice] = Field(default=[], max_length=20)
    reasons_returned: list[Choice] = Field(default=[], max_length=20)
    would_have_prevented: list[Choice] = Field(default=[], max_length=20)


class DebriefIn(Strict):
    held_at: Instant
    led_by_name: str = text(200, description="The trusted adult the youth chose.")
    led_by_organization: str = Field(
        default="",
        description="Their organization's slug, if any (it may be another organization).",
        json_schema_extra=ORGANIZATION_SLUG,
    )
    youth_refused: bool = False
    in_danger_now: Literal["", "yes", "no"] = Field(
        default="",
        description='"Do you feel you are in danger now?" — yes starts an immediate response.',
    )
    answers: DebriefAnswers = Field(
        default_factory=lambda: DebriefAnswers(),
        description="The other 9-G questions (docs/user-guide/missing-episodes.md).",
    )


@router.post(
    "/missing-episodes/{episode_id}/debrief",
    response={201: ObligationsOut, 409: Problem, **ERRORS},
    summary="The Returning Child De-Briefing (9-G), led by an adult the youth chose",
)
def add_debrief(
    request: HttpRequest, episode_id: int, payload: DebriefIn
) -> Status[ObligationsOut]:
    debrief, obligations = services.record_debrief(
        actor=caller(request),
        episode_id=episode_id,
        **payload.model_dump(),
    )
    return Status(
        201, ObligationsOut(id=debrief.pk, obligations=[_obligation(o) for o in obligations])
    )


# --- Placements ------------------------------------------------------------------------------


class ConsiderationsIn(Strict):
    """Resource 11-A: every fit question answered before the placement is chosen (L11568)."""

    fit_trained_practices: Literal["", "yes", "no"] = ""
    fit_trained_practices_notes: str = Field(default="", max_length=2000)
    fit_understands_needs: Literal["", "yes", "no"] = ""
    fit_understands_needs_notes: str = Field(default="", max_length=2000)
    fit_can_implement_safety_plan: Literal["", "yes", "no"] = ""
    fit_can_implement_safety_plan_notes: str = Field(default="", max_length=2000)
    fit_support_supervision_level: Literal["", "yes", "no"] = ""
    fit_support_supervision_level_notes: str = Field(default="", max_length=2000)
    fit_support_available_to_provider: str = Field(default="", max_length=2000)
    fit_accepts_support: Literal["", "yes", "no"] = ""
    fit_accepts_support_notes: str = Field(default="", max_length=2000)
    fit_mdt_coordination: Literal["", "yes", "no"] = ""
    fit_mdt_coordination_notes: str = Field(default="", max_length=2000)


class NewPlacementIn(Strict):
    kind: Literal[tuple(PlacementKind.values)] = Field(  # type: ignore[valid-type]  # the kinds are data
        description="foster_home, group_home, shelter, ... (unknown: not recorded)."
    )
    started_on: date = Field(description="From 1990 to a year from now.")
    address: str = Field(
        default="",
        max_length=500,
        description="Compartment `placement_address`: shown only to those who see it.",
    )
    considerations: ConsiderationsIn = Field(default_factory=lambda: ConsiderationsIn())
    notes: str = Field(default="", max_length=4000)


class PlacementOut(Schema):
    id: int
    kind: str
    started_on: date
    ended_on: date | None
    end_reason: str
    address: str | None = Field(
        description="null when you do not see the `placement_address` compartment."
    )
    considerations: dict[str, str]
    considerations_complete: bool
    version: int


def _placement(row: PlacementRow) -> PlacementOut:
    p = row.placement
    return PlacementOut(
        id=p.pk,
        kind=p.kind,
        started_on=p.started_on,
        ended_on=p.ended_on,
        end_reason=p.end_reason,
        address=row.address,
        considerations=p.considerations,
        considerations_complete=row.complete,
        version=p.version,
    )


@router.post(
    "/cases/{case_id}/placements",
    response={201: PlacementOut, 409: Problem, **ERRORS},
    summary="Record a placement: it becomes the current one",
    tags=["placements"],
)
def add_placement(
    request: HttpRequest, case_id: int, payload: NewPlacementIn
) -> Status[PlacementOut]:
    data = payload.model_dump()
    placement = placements.record_placement(
        actor=caller(request),
        case_id=case_id,
        **data,
    )
    # The caller gave the address, so they may see it (record_placement required the edit).
    return Status(201, _placement(PlacementRow(placement, placement.address)))


@router.get(
    "/cases/{case_id}/placements",
    response={200: list[PlacementOut], **ERRORS},
    summary="The placement history; addresses only for those who see `placement_address`",
    tags=["placements"],
)
def list_placements(request: HttpRequest, case_id: int) -> list[PlacementOut]:
    history = placements.placement_history(caller(request), case_id)
    return [_placement(row) for row in history.rows]


class EndIn(Strict):
    ended_on: date = Field(description="Not before the placement started.")
    reason: Literal["planned", "disruption", "other"] = Field(
        description="disruption starts the MDT review the protocol asks for."
    )
    note: str = Field(default="", max_length=4000)
    disrupted_at: Instant | None = Field(
        default=None, description="When the disruption happened; the review's clock runs from it."
    )
    version: int | None = Field(default=None, description="The placement version you saw.")


class EndOut(Schema):
    id: int
    version: int
    obligations: list[ObligationOut]


@router.post(
    "/placements/{placement_id}/end",
    response={200: EndOut, 409: Problem, **ERRORS},
    summary="A placement ended (a disruption starts a review)",
    tags=["placements"],
)
def end_placement(request: HttpRequest, placement_id: int, payload: EndIn) -> EndOut:
    placement, started = placements.end_placement(
        actor=caller(request),
        placement_id=placement_id,
        **payload.model_dump(),
    )
    return EndOut(
        id=placement.pk, version=placement.version, obligations=[_obligation(o) for o in started]
    )


# --- Runaway prevention (9-C) ----------------------------------------------------------------


class PreventionIn(Strict):
    answers: dict[str, Any] = Field(
        description="The pack's `runaway_prevention` instrument (GET /api/v1/protocols/nevada/"
        "instruments/runaway_prevention/schema): engagement questions and the interventions "
        "tried, each rated helpful or not."
    )


class PreventionOut(Schema):
    id: int
    recorded_at: datetime
    pack: str
    pack_version: str
    answers: dict[str, Any]


def _prevention(p: RunawayPrevention) -> PreventionOut:
    return PreventionOut(
        id=p.pk,
        recorded_at=p.recorded_at,
        pack=p.response.pack,
        pack_version=p.response.pack_version,
        answers=p.response.answers,
    )


@router.post(
    "/cases/{case_id}/runaway-prevention",
    response={201: PreventionOut, **ERRORS},
    summary="The runaway-prevention guide (9-C) with the youth: triggers and what helped",
)
def add_prevention(
    request: HttpRequest, case_id: int, payload: PreventionIn
) -> Status[PreventionOut]:
    made = services.record_prevention(
        actor=caller(request),
        case_id=case_id,
        answers=payload.answers,
    )
    return Status(201, _prevention(made))


@router.get(
    "/cases/{case_id}/runaway-prevention",
    response={200: list[PreventionOut], **ERRORS},
    summary="The runaway-prevention guides completed with the youth, newest first",
)
def list_prevention(request: HttpRequest, case_id: int) -> list[PreventionOut]:
    _, rows = reads.prevention_for_case(caller(request), case_id)
    return [_prevention(p) for p in rows]


# --- Crisis events (decision 0042) -----------------------------------------------------------


class CrisisEventIn(Strict):
    # A str, so the service's own message reaches the caller for a runaway or a disruption (it
    # says where to record them); the schema still lists only the kinds recorded here.
    kind: str = Field(
        max_length=40,
        json_schema_extra={"enum": [value for value, _ in events.event_kinds()]},
        description="return_to_exploiter, suicide_attempt or arrest. A runaway is a missing "
        "episode (POST /cases/{id}/missing-episodes) and a placement disruption a placement "
        "ended with the reason disruption (POST /placements/{id}/end): both are refused here "
        "(422 naming kind) and recorded as crisis events by those endpoints.",
    )
    occurred_at: Instant = Field(
        description="When it happened (ISO 8601; without an offset, the owning organization's "
        "time zone). The obligations it starts are due from this time."
    )
    note: str = Field(default="", max_length=4000, description="What the MDT should know.")


class CrisisEventCreated(Schema):
    id: int
    obligations: list[ObligationOut]


class CrisisEventOut(Schema):
    id: int
    kind: str
    label: str
    occurred_at: datetime
    note: str
    episode_id: int | None
    placement_id: int | None
    recorded_by_org: str
    obligations: list[ObligationOut]


@router.post(
    "/cases/{case_id}/events",
    response={201: CrisisEventCreated, **ERRORS},
    summary="A crisis event (return to the exploiter, suicide attempt, arrest): starts the "
    "pack's review and safety reassessment",
)
def add_event(
    request: HttpRequest, case_id: int, payload: CrisisEventIn
) -> Status[CrisisEventCreated]:
    event, obligations = events.record_event(
        actor=caller(request),
        case_id=case_id,
        **payload.model_dump(),
    )
    return Status(
        201, CrisisEventCreated(id=event.pk, obligations=[_obligation(o) for o in obligations])
    )


@router.get(
    "/cases/{case_id}/events",
    response={200: list[CrisisEventOut], **ERRORS},
    summary="The case's crisis events, newest first, each with the obligations it started",
)
def list_events(request: HttpRequest, case_id: int) -> list[CrisisEventOut]:
    _, rows = events.events_for_case(caller(request), case_id)
    return [
        CrisisEventOut(
            id=e.pk,
            kind=e.kind,
            label=e.get_kind_display(),
            occurred_at=e.occurred_at,
            note=e.note,
            episode_id=e.episode_id,
            placement_id=e.placement_id,
            recorded_by_org=e.recorded_by_org.slug,
            obligations=[_obligation(o) for o in e.obligations.all()],
        )
        for e in rows
    ]
