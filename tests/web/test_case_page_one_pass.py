"""The case page in one pass (issue 11): one request works out the viewer's access once, loads
the case once, reads each table it shows once, and records one read in the audit chain —
for the owner and for a reader the case is shared with."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from harborline.audit.models import Action, AuditEvent
from harborline.cases import selectors as case_selectors
from tests.web.test_cases_pages import NRIT_CONFIRMED, _client, world  # noqa: F401 - fixture

# The case page with an NRIT screening: Nevada's pack whatever the home pack (make test-packs).
pytestmark = pytest.mark.usefixtures("nevada_home")

TABLE = re.compile(r'^\s*SELECT .*? FROM "(\w+)"', re.S)


def _tables(queries: list[dict[str, str]]) -> Counter[str]:
    found: Counter[str] = Counter()
    for q in queries:
        match = TABLE.match(q["sql"])
        if match:
            found[match.group(1)] += 1
    return found


@pytest.fixture
def grants(monkeypatch):
    """How many times a request asks the access rule for a grant on one case."""
    calls: list[int] = []
    original = case_selectors.grant_for

    def counting(actor, case):
        calls.append(case.pk)
        return original(actor, case)

    monkeypatch.setattr(case_selectors, "grant_for", counting)
    return calls


@pytest.mark.parametrize("viewer", ["worker", "officer"])
def test_access_is_worked_out_once_and_each_table_read_once(world, grants, viewer):  # noqa: F811
    world.screen(NRIT_CONFIRMED)
    world.note("safety", "seen", 12)
    world.share(world.police, ["screening", "safety"])
    client = _client(getattr(world, viewer))
    before = AuditEvent.objects.filter(action=Action.VIEW, object_type="cases.case").count()
    grants.clear()
    with CaptureQueriesContext(connection) as queries:
        r = client.get(f"/cases/{world.case.pk}/")
    assert r.status_code == 200
    assert grants == [world.case.pk]
    tables = _tables(queries.captured_queries)
    for table in (
        "cases_case",
        "cases_note",
        "response_screening",
        "response_obligation",
        "cases_caseteammember",
    ):
        assert tables[table] == 1, (table, tables)
    after = AuditEvent.objects.filter(action=Action.VIEW, object_type="cases.case").count()
    assert after == before + 1


def test_a_screening_result_asks_once_too(world, grants):  # noqa: F811
    screening, _ = world.screen(NRIT_CONFIRMED)
    client = _client(world.worker)
    grants.clear()
    r = client.get(f"/cases/{world.case.pk}/screenings/{screening.pk}")
    assert r.status_code == 200
    assert grants == [world.case.pk]


def test_the_owners_organization_is_read_once_with_the_case(world):  # noqa: F811
    """For a person of the owning organization, the case's owner row (read with the case) is
    their organization: the access rule and the audit record do not read it again."""
    client = _client(world.worker)
    client.get(f"/cases/{world.case.pk}/")  # warm-up
    with CaptureQueriesContext(connection) as queries:
        r = client.get(f"/cases/{world.case.pk}/")
    assert r.status_code == 200
    by_id = [
        q for q in queries.captured_queries if 'WHERE "people_organization"."id" =' in q["sql"]
    ]
    assert by_id == []  # (the team form's choices read organizations, by the case's shares)
    event = AuditEvent.objects.filter(action=Action.VIEW, object_type="cases.case").last()
    assert event is not None and event.org_slug == world.owner.slug
