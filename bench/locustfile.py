"""The mixed workload of `make bench-load` (bench/load.py starts Locust with this file).

Two kinds of virtual user, in the proportion the driver sets:

- Caseworkers (signed in through the real pages, with the second factor; and an API token):
  the case list, their cases' pages, the obligations dashboard, the screening form, the same
  cases through the API, and now and then a screening (which starts the protocol's obligations,
  so the deadline sweep and the worker have reminders to send) or an MDT meeting.
- Coordinators: their task force's pages and meetings, scheduling a meeting and recording
  attendance through the API.

The accounts, their session cookies (the driver signs each one in once) and API tokens come from
the JSON file named by HARBORLINE_LOAD_ACCOUNTS. Every answer other than the expected status is a
failure, a redirect included (a lost session would otherwise look fast). No Django here: this
file only speaks HTTP to the server on 127.0.0.1."""

from __future__ import annotations

import itertools
import json
import os
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

ACCOUNTS: dict[str, Any] = json.loads(
    Path(os.environ["HARBORLINE_LOAD_ACCOUNTS"]).read_text(encoding="utf-8")
)
THINK = (
    float(os.environ.get("HARBORLINE_LOAD_THINK_MIN", "1")),
    float(os.environ.get("HARBORLINE_LOAD_THINK_MAX", "3")),
)
_next_caseworker = itertools.count()
_next_coordinator = itertools.count()


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _why(response: Any) -> str:
    """A failure's description: the status and the start of the body, or, when no answer came
    (status 0), what went wrong with the connection."""
    if not response.status_code:
        return f"no answer: {type(response.error).__name__}: {response.error}"[:300]
    return f"HTTP {response.status_code}: {response.text[:200]}"


class _Signedin(HttpUser):
    abstract = True
    wait_time = between(*THINK)
    account: dict[str, Any]

    def use(self, account: dict[str, Any]) -> None:
        self.account = account
        for name, value in account["cookies"].items():
            self.client.cookies.set(name, value)
        self.api = {"Authorization": f"Bearer {account['token']}"}

    def page(self, path: str, name: str) -> None:
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(_why(response))

    def api_get(self, path: str, name: str) -> Any:
        with self.client.get(
            path, name=name, headers=self.api, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(_why(response))
                return None
            return response.json()

    def api_post(self, path: str, name: str, body: dict[str, Any], expect: int) -> Any:
        with self.client.post(
            path, name=name, json=body, headers=self.api, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != expect:
                response.failure(_why(response))
                return None
            return response.json()


class Caseworker(_Signedin):
    weight = int(os.environ.get("HARBORLINE_LOAD_CASEWORKER_WEIGHT", "4"))

    def on_start(self) -> None:
        accounts = ACCOUNTS["caseworkers"]
        self.use(accounts[next(_next_caseworker) % len(accounts)])

    def case(self) -> int:
        return int(random.choice(self.account["cases"]))  # noqa: S311 - not security

    @task(3)
    def case_list(self) -> None:
        self.page("/cases/", "page: case list")

    @task(6)
    def case_page(self) -> None:
        self.page(f"/cases/{self.case()}/", "page: case")

    @task(2)
    def obligations(self) -> None:
        self.page("/obligations/", "page: obligations (mine)")

    @task(1)
    def home(self) -> None:
        self.page("/", "page: home")

    @task(1)
    def screening_form(self) -> None:
        self.page(f"/cases/{self.case()}/screen", "page: screening form")

    @task(3)
    def api_case(self) -> None:
        self.api_get(f"/api/v1/cases/{self.case()}", "api: case")

    @task(2)
    def api_obligations(self) -> None:
        self.api_get(f"/api/v1/cases/{self.case()}/obligations", "api: case obligations")

    @task(1)
    def screen(self) -> None:
        # Identified 23 hours ago: the 24-hour report to child welfare is past nine-tenths of
        # its window, so the next sweep queues a reminder and the worker sends it.
        self.api_post(
            f"/api/v1/cases/{self.case()}/screenings",
            "api: screening",
            {
                "instrument": "nrit",
                "answers": {"cv_law_enforcement": True},
                "identified_by": "law_enforcement",
                "identified_at": (_now() - timedelta(hours=23)).isoformat(),
                "setting": "field",
                "urgent": None,
                "urgent_reason": "",
            },
            201,
        )

    @task(1)
    def mdt_meeting(self) -> None:
        self.api_post(
            f"/api/v1/cases/{self.case()}/meetings",
            "api: MDT meeting",
            {
                "kind": "rapid_response",
                "held_at": (_now() - timedelta(minutes=5)).isoformat(),
                "decisions": "Safety plan reviewed (synthetic load test).",
            },
            201,
        )


class Coordinator(_Signedin):
    weight = int(os.environ.get("HARBORLINE_LOAD_COORDINATOR_WEIGHT", "1"))

    def on_start(self) -> None:
        accounts = ACCOUNTS["coordinators"]
        self.use(accounts[next(_next_coordinator) % len(accounts)])
        self.taskforce = self.account["taskforce"]
        self.meeting: int | None = None

    @task(2)
    def taskforce_home(self) -> None:
        self.page(f"/taskforces/{self.taskforce}/", "page: task force")

    @task(2)
    def meetings_page(self) -> None:
        self.page(f"/taskforces/{self.taskforce}/meetings", "page: task-force meetings")

    @task(1)
    def taskforce_list(self) -> None:
        self.page("/taskforces/", "page: task forces")

    @task(2)
    def api_meetings(self) -> None:
        self.api_get(f"/api/v1/taskforces/{self.taskforce}/meetings", "api: task-force meetings")

    @task(1)
    def schedule(self) -> None:
        starts = _now() + timedelta(days=random.randint(7, 60))  # noqa: S311 - not security
        made = self.api_post(
            f"/api/v1/taskforces/{self.taskforce}/meetings",
            "api: schedule meeting",
            {
                "title": "Quarterly task-force meeting (synthetic load test)",
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=2)).isoformat(),
                "location": "Conference room B",
                "agenda": "Case reviews; training calendar.",
            },
            201,
        )
        if made:
            self.meeting = int(made["id"])

    @task(2)
    def attendance(self) -> None:
        if self.meeting is None or not self.account["members"]:
            return
        self.api_post(
            f"/api/v1/taskforces/{self.taskforce}/meetings/{self.meeting}/attendance",
            "api: record attendance",
            {
                "member": random.choice(self.account["members"]),  # noqa: S311
                "status": random.choice(["present", "absent", "excused"]),  # noqa: S311
            },
            200,
        )
