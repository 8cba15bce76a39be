"""The permission table of the outcome dashboards (issue 16, item 5): every role × whether its
membership is active × every surface, expected allow or deny.

Declared from the decisions' words (0048: the report tables are for "those who read
aggregates"; 0060: the dashboards and their exports are publications after disclosure control,
the same readers), NOT from `people.roles` or `reports.dashboards`: the lists below are written
out on purpose, so that a change to the implementation cannot silently change what the tests
expect. `test_dashboard_permissions.py` checks every cell through HTTP. This module imports
nothing from Harborline.

Surfaces:
- `page`         GET /reports/dashboards/ (every section, charts and tables);
- `export_csv`   GET /reports/dashboards/{table}/export?format=csv;
- `export_xlsx`  GET /reports/dashboards/{table}/export?format=xlsx;
- `api_table`    GET /api/v1/reports/tables/{table}.

Allowed answers 200; denied answers "not found" (404), the same as a page that does not exist,
or, for a person whose membership is no longer active, any refusal (401, 403 or 404) — never
200."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

ROLES: tuple[str, ...] = (
    "caseworker",
    "supervisor",
    "mentor_advocate",
    "org_admin",
    "coordinator",
    "analyst",
    "system_admin",
)
SURFACES: tuple[str, ...] = ("page", "export_csv", "export_xlsx", "api_table")

# "Those who plan services and run the task force or the organization": coordinators, analysts,
# supervisors, organization and system administrators. Caseworkers and mentor-advocates work
# cases; they do not read the state's aggregates.
READERS = frozenset({"coordinator", "analyst", "supervisor", "org_admin", "system_admin"})


@dataclass(frozen=True)
class Cell:
    role: str
    active: bool
    surface: str

    @property
    def allowed(self) -> bool:
        return self.active and self.role in READERS


def cells() -> Iterator[Cell]:
    for role in ROLES:
        for active in (True, False):
            for surface in SURFACES:
                yield Cell(role, active, surface)
