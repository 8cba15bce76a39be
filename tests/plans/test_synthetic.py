"""Synthetic assessments and plans (issue 12): the demo data set gains safety assessments,
safety plans and service plans on identified youth's cases, within the protocol's rules (at most
four active outcomes, one plan per youth, every D5 question answered), the same rows for the
same seed, and pages that load for them."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import transaction
from django.db.models import Count, Q

from harborline.response.models import (
    PlanReview,
    SafetyAssessment,
    SafetyPlan,
    ServicePlan,
)
from harborline.response.plans import D5_QUESTIONS, plans_page, youth_copy
from harborline.synthetic import cases as synthetic_cases
from harborline.synthetic import seed

FIXED_NOW = datetime(2026, 6, 15, 17, 0, tzinfo=UTC)


def _rows() -> list[tuple]:
    return sorted(
        (p.version, tuple((o.title, o.priority, o.status) for o in p.outcomes.all()))
        for p in ServicePlan.objects.prefetch_related("outcomes")
    )


def test_demo_has_assessments_and_plans_within_the_rules(db):
    report = seed(scale="demo", seed=1)
    assert report.counts["safety_assessments"] > 0
    assert report.counts["safety_plans"] > 0
    assert report.counts["service_plans"] > 0
    assert SafetyAssessment.objects.count() == report.counts["safety_assessments"]
    assert SafetyPlan.objects.count() == report.counts["safety_plans"]
    busiest = ServicePlan.objects.annotate(
        active=Count("outcomes", filter=Q(outcomes__status="active"))
    ).order_by("-active")
    assert busiest.first().active <= 4
    assert ServicePlan.objects.values("case").annotate(n=Count("pk")).filter(n__gt=1).count() == 0
    for review in PlanReview.objects.all()[:20]:
        assert set(review.answers) == set(D5_QUESTIONS)
    plan = ServicePlan.objects.select_related("case", "created_by").first()
    page = plans_page(actor=plan.created_by, case_id=plan.case_id)
    assert page.service_plan is not None and page.service_plan.pk == plan.pk
    safety = SafetyPlan.objects.select_related("recorded_by").first()
    copy, _, _ = youth_copy(actor=safety.recorded_by, plan_id=safety.pk, lang="es")
    assert copy.title == "Mi plan de seguridad"


def test_same_seed_same_plans(db, monkeypatch):
    # The demo is told relative to the minute of seeding: both seeds get the same minute.
    monkeypatch.setattr(synthetic_cases, "demo_now", lambda: FIXED_NOW)

    def once() -> list[tuple]:
        with transaction.atomic():
            seed(scale="demo", seed=5)
            rows = _rows()
            transaction.set_rollback(True)
        return rows

    first, second = once(), once()
    assert first and first == second
