"""Every read of missing episodes: a case's episodes with the youth's count, frequency and total
time missing, and one episode with its locate efforts, obligations and debrief. Each takes the
actor, asks the access rule (the `safety` compartment) and records the read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from harborline.access.policy import Grant, require
from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.cases.models import Case
from harborline.cases.selectors import case_for
from harborline.cases.services import audit_case
from harborline.instruments.schema import Instrument
from harborline.people.models import User
from harborline.protocols.packs import get_pack
from harborline.response.models import Obligation

from .models import COMPARTMENT, Debrief, LocateEffort, MissingEpisode, RunawayPrevention
from .services import PREVENTION_INSTRUMENT, episode_for


@dataclass
class Summary:
    """Per youth: how many times, how often and how long they have been missing (a risk factor:
    "increased frequency and duration", seed 001 L3038)."""

    count: int = 0
    missing_now: bool = False
    last_12_months: int = 0
    total: timedelta = field(default_factory=timedelta)
    mean_days_between: float | None = None

    @property
    def total_hours(self) -> float:
        return round(self.total.total_seconds() / 3600, 1)


def summarize(episodes: list[MissingEpisode], now: datetime | None = None) -> Summary:
    now = now or timezone.now()
    if not episodes:
        return Summary()
    starts = sorted(e.last_seen_at for e in episodes)
    gaps = [(b - a).total_seconds() / 86400 for a, b in zip(starts, starts[1:], strict=False)]
    return Summary(
        count=len(episodes),
        missing_now=any(e.is_open for e in episodes),
        last_12_months=sum(1 for s in starts if s >= now - timedelta(days=365)),
        total=sum((e.time_missing(now) for e in episodes), timedelta()),
        mean_days_between=round(sum(gaps) / len(gaps), 1) if gaps else None,
    )


@dataclass
class CaseEpisodes:
    case: Case
    grant: Grant
    episodes: list[MissingEpisode]
    summary: Summary


def episodes_for_case(actor: User, case_id: int | str) -> CaseEpisodes:
    """The youth's episodes on this case, newest first, and their summary: NotFound for a case
    the actor may not see, Forbidden without the `safety` compartment."""
    case, grant = case_for(actor, case_id)
    require(grant, COMPARTMENT)
    episodes = list(case.missing_episodes.order_by("-last_seen_at", "-pk"))
    record(
        actor=actor,
        action=Action.VIEW,
        object_type="missing.missingepisode",
        object_id=f"case:{case.pk}",
        owner_org=case.owner,
        youth_id=case.youth_id,
        compartments=[COMPARTMENT],
        purpose=grant.purpose,
        legal_basis=grant.legal_basis,
    )
    return CaseEpisodes(case, grant, episodes, summarize(episodes))


@dataclass
class EpisodeDetail:
    episode: MissingEpisode
    case: Case
    grant: Grant
    efforts: list[LocateEffort]
    obligations: list[Obligation]
    debrief: Debrief | None


def episode_detail(actor: User, episode_id: int | str) -> EpisodeDetail:
    episode, case, grant = episode_for(actor, episode_id)
    efforts = list(episode.efforts.order_by("made_at", "pk"))
    obligations = list(episode.obligations.select_related("owner_org").order_by("due_at", "pk"))
    debrief = Debrief.objects.filter(episode=episode).select_related("led_by_organization").first()
    audit_case(actor, Action.VIEW, episode, case, grant, [COMPARTMENT])
    return EpisodeDetail(episode, case, grant, efforts, obligations, debrief)


def prevention_for_case(actor: User, case_id: int | str) -> tuple[Case, list[RunawayPrevention]]:
    """The runaway-prevention guides completed with the youth, newest first, with their answers
    (`safety`); one read recorded."""
    case, grant = case_for(actor, case_id)
    require(grant, COMPARTMENT)
    rows = list(
        RunawayPrevention.objects.filter(case=case)
        .select_related("response")
        .order_by("-recorded_at", "-pk")
    )
    record(
        actor=actor,
        action=Action.VIEW,
        object_type="missing.runawayprevention",
        object_id=f"case:{case.pk}",
        owner_org=case.owner,
        youth_id=case.youth_id,
        compartments=[COMPARTMENT],
        purpose=grant.purpose,
        legal_basis=grant.legal_basis,
    )
    return case, rows


def prevention_instrument(case: Case) -> Instrument:
    """The runaway-prevention guide (9-C) of the case's pack: the instrument
    services.record_prevention scores the answers with."""
    return get_pack(case.pack).instrument(PREVENTION_INSTRUMENT)
