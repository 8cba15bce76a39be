"""Fixtures for missing-episode tests: a child-welfare organization that owns a case (its
caseworker carries the missing reports in the Nevada pack), and helpers to share the case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.cases import conftest as cases_conftest
from tests.cases.conftest import Api, later, open_case

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


def share(world: World, org: Any, compartments: list[str]) -> None:
    r = world.client.post(
        f"/cases/{world.case_id}/shares",
        {
            "organization": org.slug,
            "compartments": compartments,
            "purpose": "locating the youth",
            "basis": {"type": "court_order", "reference": "JV-2026-11"},
            "expires_at": later(),
        },
    )
    assert r.status_code == 201, r.content


def ago(hours: float) -> datetime:
    return (datetime.now(UTC) - timedelta(hours=hours)).replace(microsecond=0)


def report_missing(world: World, **extra: Any) -> Any:
    body = {
        "last_seen_at": ago(30).isoformat(),
        "reported_missing_at": ago(26).isoformat(),
        "last_seen_where": "Synthetic Youth Shelter, Reno",
        **extra,
    }
    return world.client.post(f"/cases/{world.case_id}/missing-episodes", body)
