"""The dashboards' SVG charts (issue 16, item 5) for any controlled table: well-formed XML with a
title and a description, every label escaped, no bar for a suppressed count and every row that
holds one marked, every bar inside the picture."""

from __future__ import annotations

from xml.etree import ElementTree

from hypothesis import given, settings
from hypothesis import strategies as st

from harborline.reports import charts
from harborline.reports.disclosure import control, rate
from harborline.reports.tables import Table

SVG = "{http://www.w3.org/2000/svg}"
labels = st.text(min_size=1, max_size=70)
counts = st.integers(1, 4).flatmap(
    lambda width: st.lists(
        st.lists(st.integers(0, 60), min_size=width, max_size=width), min_size=1, max_size=6
    )
)


def _table(grid: list[list[int]], names: list[str], with_rate: bool) -> Table:
    published = control(grid)
    width = len(grid[0])
    return Table(
        table="t",
        title="A <title> & more",
        row_header="Region",
        rows=(names * len(grid))[: len(grid)],
        columns=[f"c{j}" for j in range(width)],
        cells=published.cells,
        row_totals=published.row_totals,
        column_totals=published.column_totals,
        grand_total=published.grand_total,
        rate_label="Percent" if with_rate else "",
        rates=[rate(r[0], t) for r, t in zip(published.cells, published.row_totals, strict=True)]
        if with_rate
        else [],
    )


@settings(max_examples=120, deadline=None)
@given(counts, st.lists(labels, min_size=1, max_size=3), st.booleans())
def test_any_table_draws_a_well_formed_honest_chart(grid, names, with_rate):
    table = _table(grid, names, with_rate)
    drawn = charts.svg(table)
    root = ElementTree.fromstring(drawn)  # noqa: S314 - our own output: well-formed, escaped
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
    width = float(root.get("viewBox").split()[2])
    bars = root.findall(f"{SVG}rect")
    for bar in bars:
        assert float(bar.get("x")) >= 0
        assert float(bar.get("x")) + float(bar.get("width")) <= width + 0.1
    words = "".join(root.itertext())
    if with_rate:
        shown = sum(1 for r in table.rates if r is not None)
        assert len(bars) == shown
        assert words.count("rate suppressed") == len(table.rates) - shown
    else:
        legend = len(table.columns)
        drawn_cells = sum(1 for row in table.cells for v in row if v)
        assert len(bars) == legend + drawn_cells
        if any(None in row for row in table.cells):
            assert "includes suppressed counts" in words
