"""Synthetic safety assessments (9-A), safety plans (9-B), service plans (CISP) and holistic
needs assessments, after `cases.build` (issue 12).

Proportions (illustrative, so the pages look lived-in and the load is realistic; not statistics
about real youth): of the youth a screening found confirmed or high risk, about four in five have
a safety assessment at first contact and some a later one; about two in three have a safety
plan, a third of them revised; about half have a service plan of two to four outcomes with one to
three steps each, signed by two or three team members and usually the youth, with a few
revisions and reviews. Every youth with a service plan, and about one in five of the others
whose case opened a week or more ago, has a holistic needs assessment (the plan is written from
it), a third of them with a second version (the CANS re-rated). Everything is drawn from the
`plans` and `needs` random streams, so the rows of other modules never change. No real names:
steps, resources and people come from the short lists below."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from harborline.cases.models import Case
from harborline.instruments.models import InstrumentResponse
from harborline.protocols.packs import get_pack
from harborline.response.models import (
    AssessmentPoint,
    NeedsAssessment,
    OutcomeStatus,
    PlanOutcome,
    PlanReview,
    PlanSignature,
    PlanTask,
    SafetyAssessment,
    SafetyPlan,
    ServicePlan,
    ServicePlanVersion,
)
from harborline.response.plans import D5_QUESTIONS

from . import cases as synthetic_cases
from .base import Context
from .cases import INSERT_BATCH, PACK, STATE_NOW

ASSESSED = 0.8
SAFETY_PLANNED = 0.65
SERVICE_PLANNED = 0.5
OUTCOMES = (
    ("Stable, safe housing", "Tour the transitional living program", "Synthetic Youth Housing"),
    ("Back in school", "Enroll in the credit-recovery class", "Synthetic Adult Education Center"),
    ("Health care", "Attend the clinic intake", "Synthetic Community Clinic"),
    ("Counseling the youth chooses", "Meet the trauma therapist", "Synthetic Counseling Group"),
    ("A job or training", "Apply to the youth job program", "Synthetic Workforce Center"),
    ("Safe relationships", "Join the peer support group", "Synthetic Survivor Network"),
    ("Identity documents", "Request a birth certificate", "State vital records"),
)
PEOPLE = ("Jordan Vale", "Robin Ash", "Casey Lorne", "Morgan Pike", "Avery Quinn")
ROLES = ("CPS worker", "Mentor-advocate", "Probation officer", "Therapist", "Case manager")
SAFETY_ANSWERS: tuple[dict[str, Any], ...] = (
    {"trafficker_known_to_law_enforcement": "unknown", "trafficker_weapons": "unknown"},
    {"threats_violence_against_youth": "yes", "trafficker_contact_channels": ["social_media"]},
    {"organized_crime_or_gang_affiliation": "no", "trafficker_in_custody": "yes"},
)
PLAN_ANSWERS: dict[str, Any] = {
    "pre_call_911": True,
    "pre_go_bag": True,
    "pre_trusted_contacts": True,
    "pre_trusted_contacts_list": [{"name": "Aunt (synthetic)", "phone": "775-555-0100"}],
    "post_vary_routines": True,
    "post_avoid_social_media": True,
    "post_change_credentials_privacy": True,
    "youth_signature": "(signed)",
    "staff_signature": "(signed)",
}


def _identified(case: Case) -> bool:
    return case.latest_outcome in ("confirmed_victim", "high_risk")


def build(ctx: Context) -> None:
    """Assessments and plans on the identified youth's cases `cases.build` made."""
    rng = ctx.rng("plans")
    needs_rng = ctx.rng("needs")
    now = synthetic_cases.demo_now() if ctx.scale == "demo" else STATE_NOW
    version = get_pack(PACK).version
    query = Case.objects.only("pk", "owner_id", "opened_at", "opened_by_id", "latest_outcome")
    batch: list[Case] = []
    for case in query.order_by("pk").iterator(chunk_size=INSERT_BATCH):
        if _identified(case):
            batch.append(case)
        if len(batch) == INSERT_BATCH:
            _write(ctx, rng, batch, now, version)
            _needs(ctx, needs_rng, batch, now, version)
            batch = []
    if batch:
        _write(ctx, rng, batch, now, version)
        _needs(ctx, needs_rng, batch, now, version)
    ctx.say(
        f"plans: {ctx.counts.get('safety_assessments', 0)} safety assessments, "
        f"{ctx.counts.get('safety_plans', 0)} safety plans, "
        f"{ctx.counts.get('service_plans', 0)} service plans, "
        f"{ctx.counts.get('needs_assessments', 0)} needs assessments"
    )


def _count(ctx: Context, name: str, n: int) -> None:
    ctx.counts[name] = ctx.counts.get(name, 0) + n


def _after(rng: random.Random, start: datetime, now: datetime, days: int) -> datetime:
    at = start + timedelta(hours=rng.randint(1, max(2, days * 24)))
    return min(at, now - timedelta(hours=1))


def _write(
    ctx: Context, rng: random.Random, cases: list[Case], now: datetime, version: str
) -> None:
    assessments: list[tuple[Case, datetime, str, dict[str, Any]]] = []
    safety_plans: list[SafetyPlan] = []
    for case in cases:
        if case.opened_at >= now - timedelta(hours=2):
            continue
        if rng.random() < ASSESSED:
            first = _after(rng, case.opened_at, now, 1)
            assessments.append(
                (case, first, AssessmentPoint.INITIAL_CONTACT, rng.choice(SAFETY_ANSWERS))
            )
            if rng.random() < 0.3:
                later = _after(rng, first, now, 60)
                assessments.append(
                    (case, later, AssessmentPoint.SCHEDULED_MDT, rng.choice(SAFETY_ANSWERS))
                )
        if rng.random() < SAFETY_PLANNED:
            at = _after(rng, case.opened_at, now, 3)
            versions = 2 if rng.random() < 0.33 else 1
            for number in range(1, versions + 1):
                safety_plans.append(
                    SafetyPlan(
                        case=case,
                        number=number,
                        content={**PLAN_ANSWERS, "post_emergency_phone": number > 1},
                        changes="First version" if number == 1 else "Added an emergency phone",
                        youth_signed=True,
                        staff_signed=True,
                        recorded_by_id=case.opened_by_id,
                        recorded_at=at + timedelta(days=30 * (number - 1)),
                    )
                )
    responses = [
        InstrumentResponse(
            pack=PACK,
            pack_version=version,
            instrument="safety_assessment",
            about_youth=True,
            answers=answers,
            sealed={"results": {"safety_issues_identified": "yes" in str(answers)}, "actions": []},
            organization_id=case.owner_id,
            submitted_by_id=case.opened_by_id,
            submitted_at=at,
            subject_type="cases.case",
            subject_id=str(case.pk),
        )
        for case, at, _, answers in assessments
    ]
    InstrumentResponse.objects.bulk_create(responses, batch_size=INSERT_BATCH)
    SafetyAssessment.objects.bulk_create(
        [
            SafetyAssessment(
                case=case,
                response=response,
                pack=PACK,
                pack_version=version,
                point=point,
                assessed_at=at,
                issues_identified="yes" in str(answers),
                recorded_by_id=case.opened_by_id,
                recorded_at=at,
            )
            for (case, at, point, answers), response in zip(assessments, responses, strict=True)
        ],
        batch_size=INSERT_BATCH,
    )
    SafetyPlan.objects.bulk_create(safety_plans, batch_size=INSERT_BATCH)
    _count(ctx, "safety_assessments", len(assessments))
    _count(ctx, "safety_plans", len(safety_plans))
    _service_plans(ctx, rng, cases, now)


def _service_plans(ctx: Context, rng: random.Random, cases: list[Case], now: datetime) -> None:
    chosen = [
        c for c in cases if c.opened_at < now - timedelta(days=3) and rng.random() < SERVICE_PLANNED
    ]
    plans = []
    for case in chosen:
        created = _after(rng, case.opened_at + timedelta(days=3), now, 14)
        plans.append(
            ServicePlan(
                case=case,
                created_by_id=case.opened_by_id,
                created_at=created,
                last_movement_at=_after(rng, created, now, 60),
            )
        )
    ServicePlan.objects.bulk_create(plans, batch_size=INSERT_BATCH)
    outcomes, shapes = [], []
    for plan in plans:
        picked = rng.sample(OUTCOMES, rng.randint(2, 4))
        for priority, (title, step, resource) in enumerate(picked, start=1):
            achieved = rng.random() < 0.2
            outcomes.append(
                PlanOutcome(
                    plan=plan,
                    title=title,
                    priority=priority,
                    youth_priority=priority == 1,
                    status=OutcomeStatus.ACHIEVED if achieved else OutcomeStatus.ACTIVE,
                    status_at=plan.last_movement_at if achieved else None,
                )
            )
            shapes.append((plan, step, resource))
    PlanOutcome.objects.bulk_create(outcomes, batch_size=INSERT_BATCH)
    tasks, signatures, versions, reviews = [], [], [], []
    for outcome, (plan, step, resource) in zip(outcomes, shapes, strict=True):
        for n in range(rng.randint(1, 3)):
            target = (plan.created_at + timedelta(days=14 * (n + 1))).date()
            done = plan.created_at + timedelta(days=14 * (n + 1)) < plan.last_movement_at
            tasks.append(
                PlanTask(
                    outcome=outcome,
                    text=step if n == 0 else f"{step} (follow-up {n})",
                    target_on=target,
                    resource=resource,
                    responsible=rng.choice(PEOPLE),
                    done_at=plan.last_movement_at if done else None,
                )
            )
    for plan in plans:
        revisions = rng.randint(0, 3)
        plan.version = 1 + revisions
        for number in range(1, plan.version + 1):
            versions.append(
                ServicePlanVersion(
                    plan=plan,
                    number=number,
                    snapshot={},
                    changes="First version" if number == 1 else "A step done; timeline adjusted",
                    recorded_by_id=plan.created_by_id,
                    recorded_at=plan.created_at + timedelta(days=20 * (number - 1)),
                )
            )
        for who in rng.sample(range(len(PEOPLE)), rng.randint(2, 3)):
            signatures.append(
                PlanSignature(
                    plan=plan,
                    plan_version=1,
                    name=PEOPLE[who],
                    role=ROLES[who],
                    signed_at=plan.created_at,
                )
            )
        if rng.random() < 0.85:
            signatures.append(
                PlanSignature(
                    plan=plan,
                    plan_version=1,
                    name="(youth)",
                    role="youth",
                    is_youth=True,
                    signed_at=plan.created_at,
                )
            )
        for n in range(min(3, max(0, (now - plan.created_at).days // 30))):
            stalled = rng.random() < 0.25
            reviews.append(
                PlanReview(
                    plan=plan,
                    held_at=plan.created_at + timedelta(days=30 * (n + 1)),
                    trigger="scheduled_cisp",
                    answers={
                        key: {"needs_change": stalled and key == "resources_fit", "note": ""}
                        for key in D5_QUESTIONS
                    },
                    result="not_progressing" if stalled else "progressing",
                    recorded_by_id=plan.created_by_id,
                )
            )
    ServicePlan.objects.bulk_update(plans, ["version"], batch_size=INSERT_BATCH)
    PlanTask.objects.bulk_create(tasks, batch_size=INSERT_BATCH)
    PlanSignature.objects.bulk_create(signatures, batch_size=INSERT_BATCH)
    ServicePlanVersion.objects.bulk_create(versions, batch_size=INSERT_BATCH)
    PlanReview.objects.bulk_create(reviews, batch_size=INSERT_BATCH)
    _count(ctx, "service_plans", len(plans))
    _count(ctx, "plan_outcomes", len(outcomes))
    _count(ctx, "plan_tasks", len(tasks))
    _count(ctx, "plan_reviews", len(reviews))


# --- holistic needs assessments (issue 12, item 2) ---------------------------------------------

NEEDS_UNPLANNED = 0.2  # of the youth without a service plan, assessed a week or more ago
NEEDS_REVISED = 0.33
IMMEDIATE = (
    ("basic_needs", "basic", "A safe place to sleep", "Somewhere quiet to sleep"),
    ("basic_needs", "basic", "Clothes and a phone charger", "My own stuff"),
    ("acute_health", "acute", "A clinic visit for an injury", "My wrist still hurts"),
    ("support_advocacy", "basic", "An advocate who stays", "Someone on my side"),
    ("acute_mental_health", "acute", "Someone to talk to tonight", "I can't stop thinking"),
)
UNDERLYING = (
    ("supportive_relationships", "Runs to an older partner", "Belonging", "Somebody who shows up"),
    ("education_vocational_skills", "Skips school", "Feeling able to keep up", "I'm behind"),
    ("placement_residential", "Leaves placements", "A home that feels safe", "A real home"),
    ("mental_health_substance_use", "Trouble sleeping", "Relief from trauma", "Bad dreams"),
    ("legal_advocacy", "Old charges", "A clean record", "Get my record cleared"),
)
STRENGTHS = (
    ("talents_interests", "I'm good at drawing"),
    ("resilience", "I keep going"),
    ("interpersonal", "I look out for my friends"),
    ("vocational", "I like fixing things"),
    ("family", "My grandmother is there for me"),
)
PRIORITIES = ("Get back to school", "A place of my own", "See my little sister", "Get a job")
CANS_DOMAINS = (
    "cans_trauma_ace",
    "cans_behavioral_emotional",
    "cans_life_functioning",
    "cans_strengths",
    "cans_cultural_factors",
    "cans_risk_behaviors",
    "cans_caregiver_resources_needs",
)


def _needs_answers(rng: random.Random, adult_track: bool) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "immediate_needs": [
            {"area": a, "urgency": u, "need": n, "youth_words": w, "goal": ""}
            for a, u, n, w in rng.sample(IMMEDIATE, rng.randint(1, 3))
        ],
        "underlying_needs": [
            {"domain": d, "concern": c, "need": n, "youth_words": w}
            for d, c, n, w in rng.sample(UNDERLYING, rng.randint(1, 3))
        ],
        "strengths": [{"area": a, "strength": s} for a, s in rng.sample(STRENGTHS, 2)],
        "youth_priorities": [{"words": w} for w in rng.sample(PRIORITIES, rng.randint(1, 2))],
    }
    if rng.random() < 0.7:  # a certified clinician completed the CANS
        answers["cans_assessor"] = "Synthetic certified clinician"
        answers["cans_assessor_certified"] = True
        for domain in CANS_DOMAINS:
            answers[domain] = f"r{rng.choices((0, 1, 2, 3), weights=(2, 3, 3, 2))[0]}"
        if adult_track:
            answers["cans_transition_to_adulthood"] = f"r{rng.randint(1, 3)}"
        answers["cans_modules"] = ["cse"] + (["runaway"] if rng.random() < 0.5 else [])
    return answers


def _needs(
    ctx: Context, rng: random.Random, cases: list[Case], now: datetime, version: str
) -> None:
    """Needs assessments on the batch's cases: every case with a service plan (assessed before
    the plan), and some of the others (from the `needs` stream, so plans never change)."""
    planned = dict(ServicePlan.objects.filter(case__in=cases).values_list("case_id", "created_at"))
    rows: list[tuple[Case, int, datetime, str, dict[str, Any]]] = []
    for case in cases:
        opened = case.opened_at
        if case.pk in planned:
            first = opened + (planned[case.pk] - opened) * rng.uniform(0.5, 0.9)
        elif opened < now - timedelta(days=7) and rng.random() < NEEDS_UNPLANNED:
            first = _after(rng, opened + timedelta(days=2), now, 10)
        else:
            continue
        answers = _needs_answers(rng, adult_track=rng.random() < 0.8)
        rows.append((case, 1, first, "First version", answers))
        if rng.random() < NEEDS_REVISED and first < now - timedelta(days=31):
            again = {**answers, "cans_trauma_ace": f"r{rng.randint(1, 2)}"}
            rows.append((case, 2, first + timedelta(days=30), "CANS re-rated at 30 days", again))
    responses = [
        InstrumentResponse(
            pack=PACK,
            pack_version=version,
            instrument="needs_assessment",
            about_youth=True,
            answers=answers,
            sealed={"results": {}, "actions": []},
            organization_id=case.owner_id,
            submitted_by_id=case.opened_by_id,
            submitted_at=at,
            subject_type="cases.case",
            subject_id=str(case.pk),
        )
        for case, _, at, _, answers in rows
    ]
    InstrumentResponse.objects.bulk_create(responses, batch_size=INSERT_BATCH)
    NeedsAssessment.objects.bulk_create(
        [
            NeedsAssessment(
                case=case,
                number=number,
                response=response,
                pack=PACK,
                pack_version=version,
                assessed_at=at,
                changes=changes,
                recorded_by_id=case.opened_by_id,
                recorded_at=at,
            )
            for (case, number, at, changes, _), response in zip(rows, responses, strict=True)
        ],
        batch_size=INSERT_BATCH,
    )
    _count(ctx, "needs_assessments", len(rows))
