"""The plans page of a case and its forms (issue 12): start the service plan, a fifth active
outcome refused beside the field with the protocol's reason, a step done does not achieve the
outcome, achieve it, sign, review with the D5 questions; the case page links the plans page;
without `safety` the page is refused."""

from __future__ import annotations

from django.test import Client

from harborline.response.models import OutcomeStatus, PlanOutcome, PlanReview, ServicePlan
from harborline.response.plans import D5_QUESTIONS
from tests.factories import give_totp_device, sign_in

from .conftest import share


def _client(user) -> Client:
    give_totp_device(user)
    return sign_in(Client(), user)


def _outcome(n: int, **extra):
    return {
        "title": f"Outcome {n}",
        "priority": n,
        "task": f"Step {n}",
        "target_on": "2027-02-01",
        "resource": "Synthetic clinic",
        "responsible": "Jordan Vale",
        **extra,
    }


def test_start_and_grow_the_plan_through_the_pages(world):
    client = _client(world.caseworker)
    base = f"/cases/{world.case_id}/plans/"
    case_page = client.get(f"/cases/{world.case_id}/").content.decode()
    assert base in case_page
    page = client.get(base)
    assert page.status_code == 200 and "No service plan yet" in page.content.decode()
    assert client.post(base + "outcome", _outcome(1)).status_code == 302
    for n in (2, 3, 4):
        r = client.post(base + "outcome", _outcome(n, changes=f"Added outcome {n}"))
        assert r.status_code == 302, r.content.decode()[:2000]
    r = client.post(base + "outcome", _outcome(5, changes="One more"))
    assert r.status_code == 422
    assert "small enough to succeed" in r.content.decode()
    plan = ServicePlan.objects.get(case_id=world.case_id)
    first = plan.outcomes.order_by("priority").first()
    task = first.tasks.get()
    r = client.post(f"{base}{plan.pk}/tasks/{task.pk}/done")
    assert r.status_code == 302
    first.refresh_from_db()
    assert first.status == OutcomeStatus.ACTIVE  # D4
    r = client.post(f"{base}{plan.pk}/outcomes/{first.pk}/status", {"status": "achieved"})
    assert r.status_code == 302
    assert PlanOutcome.objects.get(pk=first.pk).status == OutcomeStatus.ACHIEVED
    r = client.post(f"{base}{plan.pk}/sign", {"name": "Robin Ash", "role": "CPS worker"})
    assert r.status_code == 302
    answers = {key: "no" for key in D5_QUESTIONS} | {f"{k}_note": "" for k in D5_QUESTIONS}
    r = client.post(
        f"{base}{plan.pk}/review",
        {
            **answers,
            "safety": "yes",
            "safety_note": "New contact",
            "result": "not_progressing",
            "trigger": "runaway",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    assert PlanReview.objects.get().answers["safety"] == {
        "needs_change": True,
        "note": "New contact",
    }
    html = client.get(base).content.decode()
    for text in ("Outcome achieved", "Robin Ash", "New contact", "Version 6"):
        assert text in html, text


def test_without_safety_the_page_is_refused(world, make_org, make_user):
    other = make_org("probation")
    share(world, other, ["identity"])
    client = _client(make_user(other, "caseworker"))
    assert client.get(f"/cases/{world.case_id}/plans/").status_code == 403
    stranger = _client(make_user(make_org("probation"), "caseworker"))
    assert stranger.get(f"/cases/{world.case_id}/plans/").status_code == 404


def test_record_a_9a_and_the_9b_through_the_pages(world):
    from datetime import UTC, datetime, timedelta

    from harborline.response.models import Obligation, SafetyAssessment, SafetyPlan, Status

    from .conftest import screen_confirmed

    screen_confirmed(world, (datetime.now(UTC) - timedelta(minutes=30)).isoformat())
    client = _client(world.caseworker)
    base = f"/cases/{world.case_id}/plans/"
    form = client.get(base + "safety-assessment/new")
    assert form.status_code == 200 and "Supplemental: lethality assessment" in form.content.decode()
    r = client.post(
        base + "safety-assessment/new", {"point": "initial_contact", "trafficker_weapons": "maybe"}
    )
    assert r.status_code == 422 and "form-errors" in r.content.decode()
    r = client.post(
        base + "safety-assessment/new",
        {"point": "initial_contact", "trafficker_weapons": "unknown"},
    )
    assert r.status_code == 302
    assert SafetyAssessment.objects.filter(case_id=world.case_id).count() == 1
    ob = Obligation.objects.get(case_id=world.case_id, kind="safety_assessment")
    assert ob.status == Status.DONE
    assert client.post(base + "safety-plan/new", {}).status_code == 302
    r = client.post(base + "safety-plan/new", {})
    assert r.status_code == 422 and "say what changed" in r.content.decode()
    r = client.post(base + "safety-plan/new", {"changes": "New trusted contact"})
    assert r.status_code == 302
    assert list(SafetyPlan.objects.values_list("number", flat=True).order_by("number")) == [1, 2]
    assert client.get(base + "nothing/new").status_code == 404
