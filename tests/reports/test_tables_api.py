"""The report tables' API beyond the first table (issue 16): every dashboard table by name, the
period and rounding parameters, rates with their counts, bad input answered 422 naming the
field."""

from __future__ import annotations

import pytest

from harborline.reports import tables
from tests.cases.conftest import Api

from .test_dashboards import world  # noqa: F401 - the fixture

# Nevada's regions and the NRIT's outcomes are counted here: Nevada pinned as the home pack,
# whatever HARBORLINE_PACK says (make test-packs; a test may still set another).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("nevada_home")]


def test_every_table_period_rounding_and_rates(world):  # noqa: F811
    api = Api(world["analyst"])
    for name in tables.TABLES:
        body = api.get(f"/reports/tables/{name}?year=2026").json()
        assert body["table"] == name and body["rules"]["threshold"] == 11, name
        assert len(body["rates"]) == (len(body["rows"]) if body["rate_label"] else 0), name
        # The contract, for every table: a published non-zero value is at least the threshold,
        # and no row or column holds exactly one suppressed entry beside a published total.
        grid = [[*c, t] for c, t in zip(body["cells"], body["row_totals"], strict=True)]
        grid.append([*body["column_totals"], body["grand_total"]])
        assert all(v is None or v == 0 or v >= 11 for row in grid for v in row), name
        for line in [*grid, *zip(*grid, strict=True)]:
            assert sum(v is None for v in line) != 1, name
    fiscal = api.get("/reports/tables/screenings_by_month_result?year=2026&period=fiscal").json()
    assert fiscal["rows"][0] == "July 2025" and fiscal["rows"][-1] == "June 2026"
    assert "fiscal" in fiscal["rules"]["period"]
    rounded = api.get("/reports/tables/runaway_recurrence_by_region?year=2026&rounding=5").json()
    assert "multiple of 5" in rounded["rules"]["rounding"]
    for row in rounded["cells"]:
        assert all(v is None or v % 5 == 0 for v in row)
    # 11 cases ran once and 1 more than once: the 1 is hidden, and so is every rate it is in.
    plain = api.get("/reports/tables/runaway_recurrence_by_region?year=2026").json()
    assert plain["column_totals"][1] is None and plain["total_rate"] is None
    for field, query in [
        ("period", "period=lunar"),
        ("rounding", "rounding=12"),
        ("region", "region=atlantis"),
    ]:
        answer = api.get(f"/reports/tables/outcomes_33_53?year=2026&{query}")
        assert answer.status_code == 422, query
        assert field in answer.content.decode(), query
