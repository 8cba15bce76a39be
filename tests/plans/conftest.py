"""Fixtures for safety assessments, safety plans and service plans (issue 12): a child-welfare
organization owning a case, its caseworker's API client, and a share helper."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.cases import conftest as cases_conftest
from tests.cases.conftest import NRIT_CONFIRMED, Api, later, open_case

make_org = cases_conftest.make_org
make_user = cases_conftest.make_user


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


def share(world: World, org: Any, compartments: list[str], *, may_edit: bool = False) -> None:
    r = world.client.post(
        f"/cases/{world.case_id}/shares",
        {
            "organization": org.slug,
            "compartments": compartments,
            "purpose": "MDT service planning",
            "basis": {"type": "court_order", "reference": "JV-2026-12"},
            "expires_at": later(),
            "may_edit": may_edit,
        },
    )
    assert r.status_code == 201, r.content


def screen_confirmed(world: World, identified_at: str) -> Any:
    r = world.client.post(
        f"/cases/{world.case_id}/screenings",
        {
            "instrument": "nrit",
            "answers": NRIT_CONFIRMED,
            "identified_by": "child_welfare",
            "identified_at": identified_at,
        },
    )
    assert r.status_code == 201, r.content
    return r.json()


def task(text: str = "Enroll in the GED class", **extra: Any) -> dict[str, Any]:
    return {
        "text": text,
        "target_on": "2027-01-15",
        "resource": "Synthetic Adult Education Center",
        "responsible": "Jordan Vale (mentor-advocate)",
        **extra,
    }


def outcomes(n: int) -> list[dict[str, Any]]:
    return [
        {"title": f"Outcome {i}", "priority": i, "tasks": [task(f"Step for outcome {i}")]}
        for i in range(1, n + 1)
    ]


def problem_fields(r: Any) -> dict[str, str]:
    assert r["content-type"].startswith("application/problem+json"), r.content
    return {e["field"]: e["message"] for e in r.json().get("errors", [])}
