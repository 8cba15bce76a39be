"""Migration cases/0003: every case's placement address becomes its current placement (kind not
recorded, from the day the case was opened), still encrypted; and back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("cases", "0002_youth_last_name_key")]
AFTER = [("cases", "0003_placements")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_addresses_move_into_placements_and_back():
    from harborline.people import services as people

    org = people.create_organization(actor=None, slug="mig-cw", name="Mig CW", type="child_welfare")
    user = people.create_user(
        actor=None, email="mig@example.org", organization=org, role="caseworker"
    )
    try:
        apps = _migrate(BEFORE)
        Youth = apps.get_model("cases", "Youth")
        Case = apps.get_model("cases", "Case")
        youth = Youth.objects.create(
            first_name="Ana", last_name="Reyes", name_dob_key="k", created_by_org_id=org.pk
        )
        housed = Case.objects.create(
            youth=youth, owner_id=org.pk, opened_by_id=user.pk, placement_address="5 Synthetic Way"
        )
        Case.objects.create(youth=youth, owner_id=org.pk, opened_by_id=user.pk)

        apps = _migrate(AFTER)
        Placement = apps.get_model("cases", "Placement")
        [moved] = Placement.objects.all()
        assert (moved.case_id, moved.kind, moved.address) == (
            housed.pk,
            "unknown",
            "5 Synthetic Way",
        )
        assert moved.started_on == housed.opened_at.date()
        with connection.cursor() as cursor:
            cursor.execute("SELECT address FROM cases_placement")
            [(stored,)] = cursor.fetchall()
        assert "Synthetic" not in stored  # encrypted at rest

        apps = _migrate(BEFORE)
        Case = apps.get_model("cases", "Case")
        assert Case.objects.get(pk=housed.pk).placement_address == "5 Synthetic Way"
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
