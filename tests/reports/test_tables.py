"""GET /api/v1/reports/tables/{table}?year=&region= (issue 16's contract): counties × NRIT
results, each case's latest screening of the year once, every figure through disclosure control
(null = suppressed): a published non-zero value is at least the threshold, no row or column holds
exactly one suppressed entry beside a published total. Only those who read aggregates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from harborline.audit.models import AuditEvent
from harborline.cases import services as cases
from harborline.protocols.geography import load_geography
from harborline.protocols.models import County
from harborline.response import services as response
from tests.access import factories as f
from tests.cases.conftest import Api

# Nevada's regions and the NRIT's outcomes are counted here: Nevada pinned as the home pack,
# whatever HARBORLINE_PACK says (make test-packs; a test may still set another).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("nevada_home")]
URL = "/reports/tables/screenings_by_county_result"
CONFIRMED = {"cv_law_enforcement": True}
HIGH_RISK = {"hr_runaway": True}


def _screen(actor, answers, at):
    case = cases.open_case(
        actor=actor, youth={"first_name": "A", "last_name": "B", "dob": "2010-05-01"}
    )
    response.record_screening(
        actor=actor,
        case_id=case.pk,
        instrument="nrit",
        answers=answers,
        identified_by="law_enforcement",
        identified_at=at,
    )
    return case


@pytest.fixture
def world():
    load_geography("nevada")
    washoe = County.objects.get(pack="nevada", slug="washoe")
    clark = County.objects.get(pack="nevada", slug="clark")
    workers = {}
    for county in (washoe, clark):
        org = f.org("child_welfare")
        org.county, org.region = county, county.region
        org.save(update_fields=["county", "region"])
        workers[county.slug] = f.user(org, "caseworker")
    at = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
    for _ in range(14):
        _screen(workers["clark"], CONFIRMED, at)
    for _ in range(3):
        _screen(workers["clark"], HIGH_RISK, at)
    for _ in range(12):
        _screen(workers["washoe"], CONFIRMED, at)
    # A case screened twice in the year counts once, by its latest screening.
    twice = _screen(workers["washoe"], {"no_indicators": True}, at)
    response.record_screening(
        actor=workers["washoe"],
        case_id=twice.pk,
        instrument="nrit",
        answers=CONFIRMED,
        identified_by="law_enforcement",
        identified_at=datetime(2026, 6, 1, tzinfo=UTC),
    )
    _screen(workers["washoe"], CONFIRMED, datetime(2025, 6, 1, tzinfo=UTC))  # another year
    analyst = f.user(f.org("task_force"), "analyst")
    return {"analyst": Api(analyst), "caseworker": Api(workers["clark"])}


def test_the_table_counts_and_suppresses(world):
    r = world["analyst"].get(f"{URL}?year=2026")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["table"] == "screenings_by_county_result"
    assert body["columns"] == ["Confirmed", "High risk", "No indicators at this time"]
    rows = dict(zip(body["rows"], body["cells"], strict=True))
    truth = {"Clark County": [14, 3, 0], "Washoe County": [13, 0, 0]}  # the twice-screened once
    for county, cells in rows.items():
        for got, want in zip(cells, truth.get(county, [0, 0, 0]), strict=True):
            assert got is None or got == want, (county, cells)
    assert rows["Clark County"][1] is None  # 3 high-risk: below 11
    assert rows["Washoe County"][0] == 13
    assert body["rules"]["threshold"] == 11 and body["rules"]["unduplicated"] is False
    grid = [[*c, t] for c, t in zip(body["cells"], body["row_totals"], strict=True)]
    grid.append([*body["column_totals"], body["grand_total"]])
    for row in grid:
        for v in row:
            assert v is None or v == 0 or v >= 11
    for line in [*grid, *zip(*grid, strict=True)]:
        assert sum(v is None for v in line) != 1
    release = AuditEvent.objects.get(object_type="reports.table")
    assert release.object_id == "screenings_by_county_result"
    assert release.detail["year"] == 2026 and release.detail["suppressed"] >= 2


def test_a_region_and_bad_input(world):
    north = world["analyst"].get(f"{URL}?year=2026&region=northern").json()
    assert "Washoe County" in north["rows"] and "Clark County" not in north["rows"]
    bad = world["analyst"].get(f"{URL}?year=2026&region=atlantis")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "region"
    assert world["analyst"].get("/reports/tables/horoscopes?year=2026").status_code == 404
    assert world["analyst"].get(f"{URL}?year=1800").status_code == 422


def test_only_those_who_read_aggregates(world):
    assert world["caseworker"].get(f"{URL}?year=2026").status_code == 404
