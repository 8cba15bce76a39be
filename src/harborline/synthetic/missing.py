"""Synthetic missing and runaway episodes and placement histories, after `cases.build`.

Proportions (illustrative, for load and for the pages to look lived-in; not statistics about
real youth): about two in five youth run at least once, most of them more than once (the spec's
risk factor is "increased frequency and duration", seed 001 L3038); an episode lasts hours to
weeks, most of them a day or two; each has its 24-hour reports to law enforcement and NCMEC
(almost always made in time), locate efforts, and — once over — a return, the return's
obligations and usually a debrief. Youth with a placement address get a placement kind and, for
about half of them, one to three earlier placements, a third of which ended in a disruption.
Everything is drawn from the `missing` random stream, so the rows of other modules never change.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from harborline.cases.models import Case, Placement, PlacementEnd, PlacementKind
from harborline.missing.models import Debrief, LocateEffort, MissingEpisode
from harborline.protocols.packs import get_pack
from harborline.response.models import Obligation, Status

from . import cases as synthetic_cases
from .base import Context
from .cases import INSERT_BATCH, PACK, STATE_NOW

RUNS = 0.4  # share of youth with at least one episode
EPISODES = {1: 0.35, 2: 0.25, 3: 0.15, 4: 0.1, 5: 0.07, 6: 0.05, 8: 0.03}
HOURS_MISSING = {6: 0.15, 24: 0.3, 48: 0.2, 96: 0.15, 240: 0.12, 720: 0.08}
KINDS = {
    PlacementKind.FOSTER_HOME: 0.3,
    PlacementKind.RELATIVE: 0.15,
    PlacementKind.CSEC_TREATMENT_FOSTER_CARE: 0.08,
    PlacementKind.GROUP_HOME: 0.14,
    PlacementKind.CSEC_GROUP_HOME: 0.05,
    PlacementKind.SHELTER: 0.12,
    PlacementKind.RESIDENTIAL_TREATMENT: 0.06,
    PlacementKind.HOME: 0.07,
    PlacementKind.INDEPENDENT_LIVING: 0.03,
}
PLACES = ("the bus station", "a friend's apartment", "a motel on the strip", "the mall", "a park")
EFFORTS = (
    "Called the youth's phone; no answer",
    "Checked with the youth's friends at school",
    "Called the shelter hotline",
    "Drove by the last known address",
    "Asked the mentor-advocate to message the youth",
)
PLATFORMS = ("Instagram", "Snapchat", "TikTok", "Facebook")
REASONS_LEFT = ("friends", "see_partner", "unsafe_placement", "impulsive", "program_conflict")


def _pick(rng: random.Random, table: dict[Any, float]) -> Any:
    return rng.choices(list(table), weights=list(table.values()))[0]


def _rules() -> dict[str, Any]:
    section = get_pack(PACK).sections.get("obligations.yaml")
    return {rule.id: rule for rule in getattr(section, "obligations", [])}


def _obligation(case: Case, rule: Any, at: datetime, now: datetime, rng: random.Random) -> Any:
    hours = rule.due.hours or 0
    due = at + timedelta(hours=hours)
    done_after = timedelta(hours=rng.uniform(0.5, max(1.0, hours * 0.8)))
    finished = at + done_after <= now
    return Obligation(
        case=case,
        pack=PACK,
        kind=rule.id,
        title=rule.title,
        trigger=rule.trigger,
        trigger_at=at,
        due_at=due,
        owner_org_id=case.owner_id,
        owner_role=rule.owner.role,
        status=Status.DONE if finished else (Status.OVERDUE if due <= now else Status.OPEN),
        completed_at=at + done_after if finished else None,
        completed_by_id=case.opened_by_id if finished else None,
        evidence=(
            {"report_number": f"SYN-{rng.randint(100000, 999999)}"}
            if finished and rule.id.startswith("missing_report")
            else {}
        ),
    )


def _episodes(ctx: Context, rng: random.Random, cases: list[Case], now: datetime) -> None:
    rules = _rules()
    missing_rules = [r for r in rules.values() if r.trigger == "missing"]
    return_rules = [r for r in rules.values() if r.trigger == "return"]
    episodes: list[MissingEpisode] = []
    obligations: list[tuple[int, list[Obligation]]] = []
    efforts: list[tuple[int, LocateEffort]] = []
    debriefs: list[tuple[int, Debrief]] = []
    for case in cases:
        if rng.random() >= RUNS:
            continue
        end = case.closed_at or now
        span = (end - case.opened_at).total_seconds()
        if span < 86400 * 3:
            continue
        count = _pick(rng, EPISODES)
        starts = sorted(
            case.opened_at + timedelta(seconds=rng.uniform(0, span * 0.95)) for _ in range(count)
        )
        for i, seen in enumerate(starts):
            hours = _pick(rng, HOURS_MISSING) * rng.uniform(0.5, 1.5)
            returned: datetime | None = seen + timedelta(hours=hours)
            if i + 1 < len(starts):
                following = starts[i + 1]
                if returned is not None and returned >= following:
                    returned = seen + (following - seen) / 2  # back before the next run
            elif returned is not None and returned >= end:
                returned = None  # still missing
            reported = seen + timedelta(hours=rng.uniform(0.5, 6))
            if returned is not None and returned < reported:
                reported = seen
            episode = MissingEpisode(
                case=case,
                last_seen_at=seen,
                reported_missing_at=reported,
                last_seen_where=f"Near {rng.choice(PLACES)} (synthetic)",
                last_seen_with=rng.choice(["", "An older friend (synthetic)", "Alone"]),
                items_taken=rng.choice(["Phone and a backpack", "Nothing", "Some clothes"]),
                social_media=[
                    {"platform": rng.choice(PLATFORMS), "account": f"syn.youth{case.pk}"}
                ],
                suspected_trafficked=rng.choice(["yes", "no", "unknown"]),
                returned_at=returned,
                found_by=rng.choice(["Police", "Returned on their own", "Caseworker"])
                if returned
                else "",
                recorded_by_id=case.opened_by_id,
                recorded_by_org_id=case.owner_id,
                recorded_at=reported,
            )
            index = len(episodes)
            episodes.append(episode)
            made = [_obligation(case, r, reported, now, rng) for r in missing_rules]
            if returned is not None:
                made += [_obligation(case, r, returned, now, rng) for r in return_rules]
                if rng.random() < 0.8 and returned + timedelta(hours=6) <= now:
                    debriefs.append(
                        (
                            index,
                            Debrief(
                                held_at=returned + timedelta(hours=rng.uniform(2, 30)),
                                led_by_name="Trusted adult the youth chose (synthetic)",
                                in_danger_now=rng.choices(["no", "yes"], weights=[9, 1])[0],
                                answers={"reasons_left": [rng.choice(REASONS_LEFT)]},
                                recorded_by_id=case.opened_by_id,
                            ),
                        )
                    )
            obligations.append((index, made))
            last = returned or now
            for _ in range(rng.randint(1, 4)):
                at = seen + timedelta(seconds=rng.uniform(0, (last - seen).total_seconds()))
                efforts.append(
                    (
                        index,
                        LocateEffort(
                            made_at=at,
                            action=rng.choice(EFFORTS),
                            outcome=rng.choice(["Not found", "A lead", ""]),
                            recorded_by_id=case.opened_by_id,
                        ),
                    )
                )
    MissingEpisode.objects.bulk_create(episodes, batch_size=INSERT_BATCH)
    flat = [o for _, made in obligations for o in made]
    Obligation.objects.bulk_create(flat, batch_size=INSERT_BATCH)
    links = MissingEpisode.obligations.through
    rows = [
        links(missingepisode_id=episodes[i].pk, obligation_id=o.pk)
        for i, made in obligations
        for o in made
    ]
    links.objects.bulk_create(rows, batch_size=INSERT_BATCH)
    for i, effort in efforts:
        effort.episode = episodes[i]
    LocateEffort.objects.bulk_create([e for _, e in efforts], batch_size=INSERT_BATCH)
    for i, debrief in debriefs:
        debrief.episode = episodes[i]
    Debrief.objects.bulk_create([d for _, d in debriefs], batch_size=INSERT_BATCH)
    for name, n in (
        ("missing_episodes", len(episodes)),
        ("locate_efforts", len(efforts)),
        ("debriefs", len(debriefs)),
        ("obligations", len(flat)),
    ):
        ctx.counts[name] = ctx.counts.get(name, 0) + n


def _placements(ctx: Context, rng: random.Random, cases: list[Case]) -> None:
    by_case = {
        p.case_id: p
        for p in Placement.objects.filter(case__in=cases, ended_on=None).only(
            "pk", "case_id", "started_on", "kind"
        )
    }
    changed: list[Placement] = []
    earlier: list[Placement] = []
    for case in cases:
        current = by_case.get(case.pk)
        if current is None:
            continue
        current.kind = _pick(rng, KINDS)
        changed.append(current)
        if rng.random() >= 0.5:
            continue
        end = current.started_on
        for _ in range(rng.randint(1, 3)):
            start = end - timedelta(days=rng.randint(20, 240))
            earlier.append(
                Placement(
                    case_id=case.pk,
                    kind=_pick(rng, KINDS),
                    started_on=start,
                    ended_on=end,
                    end_reason=rng.choices(
                        [PlacementEnd.PLANNED, PlacementEnd.DISRUPTION], weights=[2, 1]
                    )[0],
                    recorded_by_id=case.opened_by_id,
                )
            )
            end = start
    Placement.objects.bulk_update(changed, ["kind"], batch_size=INSERT_BATCH)
    Placement.objects.bulk_create(earlier, batch_size=INSERT_BATCH)
    ctx.counts["placements"] = ctx.counts.get("placements", 0) + len(changed) + len(earlier)


def build(ctx: Context) -> None:
    """Episodes and placement histories on the cases `cases.build` made."""
    rng = ctx.rng("missing")
    now = synthetic_cases.demo_now() if ctx.scale == "demo" else STATE_NOW
    batch: list[Case] = []
    query = Case.objects.only("pk", "owner_id", "opened_at", "closed_at", "opened_by_id")
    for case in query.order_by("pk").iterator(chunk_size=INSERT_BATCH):
        batch.append(case)
        if len(batch) == INSERT_BATCH:
            _episodes(ctx, rng, batch, now)
            _placements(ctx, rng, batch)
            batch = []
    if batch:
        _episodes(ctx, rng, batch, now)
        _placements(ctx, rng, batch)
    ctx.say(
        f"missing: {ctx.counts.get('missing_episodes', 0)} episodes, "
        f"{ctx.counts.get('placements', 0)} placements"
    )
