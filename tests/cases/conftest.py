"""Fixtures for case tests: organizations of several types, a user per role, API clients."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from harborline.people import services

NRIT_NONE: dict[str, Any] = {"no_indicators": True}
NRIT_CONFIRMED: dict[str, Any] = {"cv_law_enforcement": True}
NRIT_HIGH_RISK: dict[str, Any] = {"hr_hotels": True}


class Api:
    """A JSON client for one user, through HTTP with a bearer token."""

    def __init__(self, user: Any) -> None:
        _, raw = services.create_token(actor=None, user=user, days=1, name="tests")
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        self.user = user

    def get(self, path: str) -> Any:
        return self.client.get(f"/api/v1{path}")

    def post(self, path: str, body: Any | None = None) -> Any:
        return self.client.post(f"/api/v1{path}", body or {}, content_type="application/json")

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(f"/api/v1{path}", body, content_type="application/json")

    def delete(self, path: str) -> Any:
        return self.client.delete(f"/api/v1{path}")


@pytest.fixture
def make_org(db) -> Callable[..., Any]:
    counter = iter(range(1, 10_000))

    def make(type: str = "law_enforcement", slug: str | None = None, name: str | None = None):
        n = next(counter)
        return services.create_organization(
            actor=None,
            slug=slug or f"{type.replace('_', '-')}-{n}",
            name=name or f"{type.replace('_', ' ').title()} {n}",
            type=type,
        )

    return make


@pytest.fixture
def make_user(db) -> Callable[..., Any]:
    counter = iter(range(1, 10_000))

    def make(org: Any, role: str = "caseworker") -> Any:
        return services.create_user(
            actor=None,
            email=f"{role}{next(counter)}@{org.slug}.example.org",
            organization=org,
            role=role,
        )

    return make


@pytest.fixture
def api() -> Callable[[Any], Api]:
    return Api


def later(days: int = 30) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def open_case(
    client: Api,
    first: str = "Ana",
    last: str = "Reyes",
    dob: str = "2010-05-01",
    pack: str = "nevada",
) -> int:
    """A case following `pack` — Nevada's, whose instruments and clocks these tests use, whatever
    the installation's home pack (`make test-packs`; issue 15)."""
    youth = {"first_name": first, "last_name": last, "dob": dob, "gender": "girl"}
    r = client.post("/cases", {"youth": youth, "pack": pack})
    assert r.status_code == 201, r.content
    return r.json()["id"]
