"""Disclosure control proved against an independent oracle (issue 16, item 4): for random small
tables, every published non-zero figure is at least the threshold, no row or column of the table
with its totals holds exactly one suppressed entry, and — by linear programming over every table
of non-negative counts that agrees with what is published (scipy) — no suppressed entry has one
possible value. A table built so that primary suppression alone leaks (a row of 9, 2, 14 with its
total, under a threshold of 11) is published without the leak."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from harborline.reports.disclosure import augmented, control


def _published_grid(result) -> list[list[int | None]]:
    rows = [[*cells, total] for cells, total in zip(result.cells, result.row_totals, strict=True)]
    return [*rows, [*result.column_totals, result.grand_total]]


def _bounds(shown: list[list[int | None]]) -> dict[tuple[int, int], tuple[float, float]]:
    """For every suppressed entry, its least and greatest value over all non-negative grids whose
    rows and columns add up (the last row and column are the totals) and that agree with every
    published entry."""
    unknown = [(i, j) for i, row in enumerate(shown) for j, v in enumerate(row) if v is None]
    if not unknown:
        return {}
    index = {e: k for k, e in enumerate(unknown)}
    height, width = len(shown), len(shown[0])
    equations, constants = [], []

    def line(entries: list[tuple[tuple[int, int], int]]) -> None:
        coefficients = np.zeros(len(unknown))
        constant = 0.0
        for (i, j), sign in entries:
            if (i, j) in index:
                coefficients[index[(i, j)]] += sign
            else:
                constant -= sign * shown[i][j]  # type: ignore[operator]  # published: an int
        equations.append(coefficients)
        constants.append(constant)

    for i in range(height):
        line([((i, j), 1) for j in range(width - 1)] + [((i, width - 1), -1)])
    for j in range(width):
        line([((i, j), 1) for i in range(height - 1)] + [((height - 1, j), -1)])
    found = {}
    for e, k in index.items():
        goal = np.zeros(len(unknown))
        goal[k] = 1
        low = linprog(goal, A_eq=equations, b_eq=constants, bounds=(0, None), method="highs")
        high = linprog(-goal, A_eq=equations, b_eq=constants, bounds=(0, None), method="highs")
        assert low.status == 0, (e, low.message)
        top = float("inf") if high.status == 3 else -high.fun  # 3: unbounded
        found[e] = (low.fun, top)
    return found


def _check(counts: list[list[int]], threshold: int) -> None:
    result = control(counts, threshold=threshold)
    shown = _published_grid(result)
    truth = augmented(counts)
    for i, row in enumerate(shown):
        for j, v in enumerate(row):
            if v is not None:
                assert v == truth[i][j]
                assert v == 0 or v >= threshold, (counts, shown)
    lines = [*shown, *zip(*shown, strict=True)]
    for entries in lines:
        assert sum(v is None for v in entries) != 1, (counts, shown)
    for entry, (low, high) in _bounds(shown).items():
        assert high - low >= 1, (counts, shown, entry, low, high)  # more than one value


def test_primary_suppression_alone_would_leak_and_is_not_published_so():
    counts = [[9, 2, 14], [20, 30, 40]]
    # Primary alone hides 9 and 2; the column totals (29, 32) then give 9 = 29 - 20 at once.
    result = control(counts, threshold=11)
    assert result.cells[0][:2] == [None, None]
    _check(counts, 11)
    assert result.rules["threshold"] == 11 and result.rules["suppressed"] >= 4


def test_nothing_to_hide_publishes_everything():
    result = control([[12, 0], [15, 40]], threshold=11)
    assert result.cells == [[12, 0], [15, 40]]
    assert (result.row_totals, result.column_totals, result.grand_total) == ([12, 55], [27, 40], 67)


@pytest.mark.parametrize("counts", [[[3]], [[0, 0], [0, 0]], [[1, 0, 0]], [[5], [0], [30]]])
def test_edges(counts):
    _check(counts, 11)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1, max_value=4).flatmap(
        lambda rows: st.integers(min_value=1, max_value=4).flatmap(
            lambda cols: st.lists(
                st.lists(st.integers(min_value=0, max_value=30), min_size=cols, max_size=cols),
                min_size=rows,
                max_size=rows,
            )
        )
    ),
    st.integers(min_value=2, max_value=12),
)
def test_no_suppressed_value_is_determined_by_what_is_published(counts, threshold):
    _check(counts, threshold)


def test_the_oracle_catches_the_leak_of_primary_suppression_alone():
    """The oracle is not vacuous: with only the small cells hidden, it finds 9 determined."""
    truth = augmented([[9, 2, 14], [20, 30, 40]])
    shown = [[None if 0 < v < 11 else v for v in row] for row in truth]
    bounds = _bounds(shown)
    assert bounds[(0, 0)] == (9.0, 9.0) and bounds[(0, 1)] == (2.0, 2.0)
