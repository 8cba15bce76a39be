"""The service plan (CISP) over the API (issue 12): the contract's 201 {id, version}, the cap of
four active outcomes (422 naming `outcomes`, saying why), tasks with target dates, resources and
a responsible person, D4 (a done task does not achieve its outcome), versions with what changed,
signatures, D5 reviews kept, access and audit."""

from __future__ import annotations

from harborline.audit.models import AuditEvent
from harborline.response.models import PlanReview, ServicePlanVersion
from harborline.response.plans import D5_QUESTIONS
from tests.cases.conftest import Api

from .conftest import outcomes, problem_fields, share, task

ALL_FINE = {q: {"needs_change": False, "note": ""} for q in D5_QUESTIONS}


def _create(world, n: int = 3):
    return world.client.post(f"/cases/{world.case_id}/service-plans", {"outcomes": outcomes(n)})


def test_create_answers_201_with_id_and_version(world):
    r = _create(world)
    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) == {"id", "version"} and body["version"] == 1
    plan = world.client.get(f"/service-plans/{body['id']}").json()
    assert [o["priority"] for o in plan["outcomes"]] == [1, 2, 3]
    first = plan["outcomes"][0]["tasks"][0]
    assert first["target_on"] == "2027-01-15"
    assert first["resource"] == "Synthetic Adult Education Center"
    assert first["responsible"] == "Jordan Vale (mentor-advocate)"
    assert plan["versions"] == [
        {"number": 1, "changes": "First version", "recorded_at": plan["versions"][0]["recorded_at"]}
    ]


def test_a_fifth_active_outcome_is_refused_naming_outcomes_and_why(world):
    r = _create(world, 5)
    assert r.status_code == 422
    fields = problem_fields(r)
    assert set(fields) == {"outcomes"}
    assert "at most four" in fields["outcomes"] and "small enough to succeed" in fields["outcomes"]
    assert world.client.get(f"/cases/{world.case_id}").status_code == 200
    assert not ServicePlanVersion.objects.exists()  # nothing stored
    assert _create(world, 4).status_code == 201


def test_adding_beyond_four_active_is_refused_until_one_is_achieved(world):
    plan_id = _create(world, 4).json()["id"]
    more = {"outcomes": outcomes(1), "changes": "The youth named a new priority"}
    r = world.client.post(f"/service-plans/{plan_id}/outcomes", more)
    assert r.status_code == 422 and "outcomes" in problem_fields(r)
    first = world.client.get(f"/service-plans/{plan_id}").json()["outcomes"][0]["id"]
    r = world.client.post(
        f"/service-plans/{plan_id}/outcomes/{first}/status", {"status": "achieved"}
    )
    assert r.status_code == 200 and r.json()["version"] == 2
    r = world.client.post(f"/service-plans/{plan_id}/outcomes", more)
    assert r.status_code == 200, r.content
    plan = world.client.get(f"/service-plans/{plan_id}").json()
    assert plan["version"] == 3
    assert [v["changes"] for v in plan["versions"]] == [
        "First version",
        "Outcome achieved: Outcome 1",
        "The youth named a new priority",
    ]


def test_completing_every_task_does_not_achieve_the_outcome(world):
    plan_id = _create(world, 1).json()["id"]
    plan = world.client.get(f"/service-plans/{plan_id}").json()
    task_id = plan["outcomes"][0]["tasks"][0]["id"]
    r = world.client.post(f"/service-plans/{plan_id}/tasks/{task_id}/done", {})
    assert r.status_code == 200
    outcome = world.client.get(f"/service-plans/{plan_id}").json()["outcomes"][0]
    assert outcome["tasks"][0]["done"] is True
    assert outcome["status"] == "active"  # D4: only the team marks it achieved


def test_a_stale_version_is_a_conflict(world):
    plan_id = _create(world, 1).json()["id"]
    task_id = world.client.get(f"/service-plans/{plan_id}").json()["outcomes"][0]["tasks"][0]["id"]
    assert world.client.post(f"/service-plans/{plan_id}/tasks/{task_id}/done", {"version": 1})
    r = world.client.post(f"/service-plans/{plan_id}/tasks/{task_id}/done", {"version": 1})
    assert r.status_code == 409


def test_tasks_need_a_target_date_and_a_responsible_person(world):
    bad = [{"title": "Stable housing", "priority": 1, "tasks": [task(target_on="soon")]}]
    r = world.client.post(f"/cases/{world.case_id}/service-plans", {"outcomes": bad})
    assert r.status_code == 422
    bad = [{"title": "Stable housing", "priority": 1, "tasks": [task(responsible=" ")]}]
    r = world.client.post(f"/cases/{world.case_id}/service-plans", {"outcomes": bad})
    assert r.status_code == 422
    assert "responsible" in str(r.json()["errors"])


def test_signatures_of_the_team_and_the_youth(world):
    plan_id = _create(world).json()["id"]
    r = world.client.post(
        f"/service-plans/{plan_id}/signatures", {"name": "Robin Ash", "role": "CPS worker"}
    )
    assert r.status_code == 201 and r.json()["plan_version"] == 1
    r = world.client.post(f"/service-plans/{plan_id}/signatures", {"name": "A.", "youth": True})
    assert r.status_code == 201 and r.json()["role"] == "youth"
    signed = world.client.get(f"/service-plans/{plan_id}").json()["signatures"]
    assert [s["is_youth"] for s in signed] == [False, True]
    r = world.client.post(f"/service-plans/{plan_id}/signatures", {"name": "Kim"})
    assert r.status_code == 422 and "role" in problem_fields(r)


def test_a_review_answers_every_d5_question_and_keeps_them(world):
    plan_id = _create(world).json()["id"]
    partial = dict(list(ALL_FINE.items())[:5])
    r = world.client.post(
        f"/service-plans/{plan_id}/reviews", {"answers": partial, "result": "progressing"}
    )
    assert r.status_code == 422
    assert set(problem_fields(r)) == {"answers.strengths_goals"}, r.json()
    answers = {**ALL_FINE, "safety": {"needs_change": True, "note": "New contact from exploiter"}}
    r = world.client.post(
        f"/service-plans/{plan_id}/reviews",
        {"answers": answers, "result": "not_progressing", "trigger": "runaway"},
    )
    assert r.status_code == 201, r.content
    kept = PlanReview.objects.get()
    assert kept.answers["safety"] == {"needs_change": True, "note": "New contact from exploiter"}
    assert kept.result == "not_progressing" and kept.trigger == "runaway"
    reviews = world.client.get(f"/service-plans/{plan_id}").json()["reviews"]
    assert reviews[0]["answers"]["safety"]["needs_change"] is True


def test_one_plan_per_youth(world):
    assert _create(world).status_code == 201
    r = _create(world)
    assert r.status_code == 409 and "case" in problem_fields(r)


def test_access_and_audit(world, make_org, make_user):
    plan_id = _create(world).json()["id"]
    stranger = Api(make_user(make_org("probation"), "caseworker"))
    assert stranger.get(f"/service-plans/{plan_id}").status_code == 404
    assert (
        stranger.post(
            f"/cases/{world.case_id}/service-plans", {"outcomes": outcomes(1)}
        ).status_code
        == 404
    )
    # A share without `safety` sees the case, not the plan.
    no_safety_org = make_org("probation")
    share(world, no_safety_org, ["identity"])
    no_safety = Api(make_user(no_safety_org, "caseworker"))
    assert no_safety.get(f"/service-plans/{plan_id}").status_code == 403
    # A share of `safety` reads the plan and signs it, but may not rewrite it.
    reader_org = make_org("community_advocacy")
    share(world, reader_org, ["safety"])
    reader = Api(make_user(reader_org, "mentor_advocate"))
    assert reader.get(f"/service-plans/{plan_id}").status_code == 200
    r = reader.post(f"/service-plans/{plan_id}/signatures", {"name": "Sam", "role": "advocate"})
    assert r.status_code == 201
    r = reader.post(
        f"/service-plans/{plan_id}/outcomes", {"outcomes": outcomes(1), "changes": "more"}
    )
    assert r.status_code == 403
    # The share with the owner's grant to change it may.
    editor_org = make_org("service_provider")
    share(world, editor_org, ["safety"], may_edit=True)
    editor = Api(make_user(editor_org, "caseworker"))
    r = editor.post(
        f"/service-plans/{plan_id}/outcomes", {"outcomes": outcomes(1), "changes": "Housing"}
    )
    assert r.status_code == 200, r.content
    events = AuditEvent.objects.filter(object_type="response.serviceplan", object_id=str(plan_id))
    actions = set(events.values_list("action", flat=True))
    assert {"create", "view", "update"} <= actions
    assert all("safety" in e.compartments for e in events)


def test_a_new_step_for_an_outcome_is_a_new_version(world):
    plan_id = _create(world, 1).json()["id"]
    outcome = world.client.get(f"/service-plans/{plan_id}").json()["outcomes"][0]["id"]
    url = f"/service-plans/{plan_id}/outcomes/{outcome}/tasks"
    r = world.client.post(url, {"task": task("Visit the clinic"), "changes": "New resource"})
    assert r.status_code == 200 and r.json()["version"] == 2
    steps = world.client.get(f"/service-plans/{plan_id}").json()["outcomes"][0]["tasks"]
    assert [t["text"] for t in steps] == ["Step for outcome 1", "Visit the clinic"]
    r = world.client.post(url, {"task": task(responsible=" "), "changes": "x"})
    assert r.status_code == 422 and "task.responsible" in problem_fields(r)
    r = world.client.post(url, {"task": task(), "changes": "again", "version": 1})
    assert r.status_code == 409
