"""Rates and rounding on top of disclosure control (issue 16, item 4): rounding decides nothing
about suppression and moves a published count by at most half its base, never to or from zero; a
rate is suppressed whenever its count or its base is, and otherwise says exactly what the
published counts say."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harborline.reports.disclosure import control, rate, round_to

tables = st.integers(1, 4).flatmap(
    lambda width: st.lists(
        st.lists(st.integers(0, 40), min_size=width, max_size=width), min_size=1, max_size=4
    )
)


def _entries(result):
    rows = [[*c, t] for c, t in zip(result.cells, result.row_totals, strict=True)]
    return [v for row in [*rows, [*result.column_totals, result.grand_total]] for v in row]


@settings(max_examples=200, deadline=None)
@given(tables, st.integers(2, 15), st.data())
def test_rounding_hides_the_same_entries_and_moves_each_by_at_most_half_a_base(
    counts, threshold, data
):
    base = data.draw(st.integers(1, threshold))
    exact = control(counts, threshold=threshold)
    rounded = control(counts, threshold=threshold, rounding=base)
    for e, r in zip(_entries(exact), _entries(rounded), strict=True):
        assert (e is None) == (r is None)
        if e is None:
            continue
        assert r % base == 0
        assert abs(r - e) * 2 <= base
        assert (r == 0) == (e == 0)
        if r:
            assert e >= threshold
    assert rounded.rules["suppressed"] == exact.rules["suppressed"]
    assert ("none" in rounded.rules["rounding"]) == (base == 1)
    assert "suppressed" in rounded.rules["rates"]


@settings(max_examples=200, deadline=None)
@given(tables, st.integers(2, 15))
def test_a_rate_is_suppressed_with_its_count_or_its_base(counts, threshold):
    published = control(counts, threshold=threshold)
    for cells, total in zip(published.cells, published.row_totals, strict=True):
        for count in cells:
            shown = rate(count, total)
            if count is None or total is None or total == 0:
                assert shown is None
            else:
                assert shown == round(100 * count / total, 1)
                assert 0 <= shown <= 100


@given(st.integers(0, 10_000), st.integers(1, 50))
def test_round_to(value, base):
    r = round_to(value, base)
    assert r % base == 0 and abs(r - value) * 2 <= base
    assert r - value != -base / 2  # halves go up


def test_rounding_is_stated_and_checked():
    result = control([[12, 13], [14, 30]], rounding=5)
    assert result.cells == [[10, 15], [15, 30]]
    assert "multiple of 5" in result.rules["rounding"]
    with pytest.raises(ValueError, match="rounding"):
        control([[12]], rounding=12)
    with pytest.raises(ValueError, match="rounding"):
        control([[12]], rounding=0)
    assert rate(None, 40) is None and rate(12, None) is None and rate(0, 0) is None
    assert rate(12, 40) == 30.0


def test_figures_as_text():
    from harborline.reports.dashboards import shown
    from harborline.reports.taskforce import figure_text

    for say in (shown, figure_text):
        assert say(None) == "suppressed"
        assert say(1_234_567) == "1234567"  # never 1.23457e+06
        assert say(100.0, "%") == "100%" and say(33.3, "%") == "33.3%"
