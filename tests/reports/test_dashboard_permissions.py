"""Every cell of tests/reports/dashboard_table.py through HTTP: who may open the outcome
dashboards, export their tables as CSV and XLSX, and read the report tables from the API."""

from __future__ import annotations

import pytest
from django.test import Client

from harborline.people.roles import ROLE_RULES, Role
from tests.access import factories as f
from tests.factories import give_totp_device, sign_in

from .dashboard_table import ROLES, Cell, cells

pytestmark = pytest.mark.django_db
TABLE = "screenings_by_region_result"
PAGE = {
    "page": "/reports/dashboards/?year=2026",
    "export_csv": f"/reports/dashboards/{TABLE}/export?year=2026&format=csv",
    "export_xlsx": f"/reports/dashboards/{TABLE}/export?year=2026&format=xlsx",
}


def test_the_table_names_every_role():
    assert set(ROLES) == {str(r) for r in Role}


def _answer(cell: Cell) -> int:
    org = f.org("statistical_center" if cell.role == "analyst" else "child_welfare")
    user = f.user(org, cell.role)
    if ROLE_RULES[Role(cell.role)].sees_youth_data:
        give_totp_device(user)
    if cell.surface == "api_table":
        api = f.Api(user)
        if not cell.active:
            user.membership.is_active = False
            user.membership.save(update_fields=["is_active"])
        return api.get(f"/reports/tables/{TABLE}?year=2026").status_code
    client = sign_in(Client(), user)
    if not cell.active:
        user.membership.is_active = False
        user.membership.save(update_fields=["is_active"])
    return client.get(PAGE[cell.surface]).status_code


def test_every_cell():
    mismatches = []
    for cell in cells():
        status = _answer(cell)
        ok = (
            status == 200
            if cell.allowed
            else status in ((404,) if cell.active else (401, 403, 404))
        )
        if not ok:
            mismatches.append(f"{cell}: answered {status}")
    assert not mismatches, "\n".join(mismatches)
