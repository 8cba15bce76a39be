"""Scheduled reviews and the "no movement" review of a service plan (issue 12): a plan starts its
first scheduled review 30 days out (the pack's interval); a review fulfils it and starts the
next; a plan with no movement for the agency's weeks gets one review obligation, worded so the
plan, not the youth, is at fault, and not again until the plan moves."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from harborline.response import deadlines
from harborline.response.models import Obligation, ServicePlan, Status
from harborline.response.plans import D5_QUESTIONS, stall_weeks, sweep_stalled_plans

from .conftest import outcomes

FINE = {q: {"needs_change": False, "note": ""} for q in D5_QUESTIONS}


def _plan(world) -> int:
    r = world.client.post(f"/cases/{world.case_id}/service-plans", {"outcomes": outcomes(2)})
    assert r.status_code == 201
    return r.json()["id"]


def _reviews(world, kind: str = "plan_review"):
    return list(Obligation.objects.filter(case_id=world.case_id, kind=kind).order_by("pk"))


def test_a_plan_is_reviewed_every_30_days(world):
    plan_id = _plan(world)
    (first,) = _reviews(world)
    plan = ServicePlan.objects.get(pk=plan_id)
    assert first.due_at - plan.created_at == timedelta(days=30)
    assert first.owner_org == world.org and first.status == Status.OPEN
    r = world.client.post(
        f"/service-plans/{plan_id}/reviews", {"answers": FINE, "result": "progressing"}
    )
    assert r.status_code == 201
    done, following = _reviews(world)
    assert done.pk == first.pk
    done.refresh_from_db()
    assert done.status == Status.DONE
    assert following.status == Status.OPEN
    assert following.due_at - following.trigger_at == timedelta(days=30)


def test_no_movement_starts_one_review_of_the_plan(world, settings):
    settings.HARBORLINE_PLAN_STALL_WEEKS = 3
    assert stall_weeks() == 3
    plan_id = _plan(world)
    now = timezone.now()
    # Moved two weeks ago: not yet.
    ServicePlan.objects.filter(pk=plan_id).update(last_movement_at=now - timedelta(weeks=2))
    assert sweep_stalled_plans(now=now) == []
    ServicePlan.objects.filter(pk=plan_id).update(last_movement_at=now - timedelta(weeks=4))
    deadlines.check_deadlines(now=now)  # the deadline sweep runs it
    (stalled,) = _reviews(world, "plan_no_movement_review")
    assert "review the plan, not the youth" in stalled.title
    assert stalled.due_at - stalled.trigger_at == timedelta(hours=168)
    # Once per stall: not again until the plan moves.
    assert sweep_stalled_plans(now=now + timedelta(days=1)) == []
    # A review answers it.
    r = world.client.post(
        f"/service-plans/{plan_id}/reviews",
        {"answers": FINE, "result": "not_progressing", "trigger": "no_movement"},
    )
    assert r.status_code == 201
    stalled.refresh_from_db()
    assert stalled.status == Status.DONE
    # The plan moves (a step done), then stalls again: a new review.
    plan = world.client.get(f"/service-plans/{plan_id}").json()
    task = plan["outcomes"][0]["tasks"][0]["id"]
    assert world.client.post(f"/service-plans/{plan_id}/tasks/{task}/done", {}).status_code == 200
    later = timezone.now() + timedelta(weeks=4)
    assert len(sweep_stalled_plans(now=later)) == 1


def test_a_bad_setting_falls_back_to_six_weeks(settings):
    settings.HARBORLINE_PLAN_STALL_WEEKS = "soon"
    assert stall_weeks() == 6


def test_the_plan_asks_for_a_safety_reassessment_that_a_9a_answers(world):
    """Safety is assessed during service planning and at every scheduled MDT (L3302-3307)."""
    _plan(world)
    (pending,) = _reviews(world, "safety_assessment_at_review")
    assert pending.due_at - pending.trigger_at == timedelta(days=30)
    r = world.client.post(
        f"/cases/{world.case_id}/safety-assessments", {"answers": {}, "point": "cisp_planning"}
    )
    assert r.status_code == 201
    assert [o["kind"] for o in r.json()["fulfilled"]] == ["safety_assessment_at_review"]
    pending.refresh_from_db()
    assert pending.status == Status.DONE
