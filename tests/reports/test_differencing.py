"""The differencing check (issue 16, item 4): a new release of a table, checked against an
earlier release of the same table, gives away by subtraction nothing either release hides.
Proved with an oracle independent of the code: linear programming over both releases at once
(every pair of non-negative grids that add up, agree with what each release published, and
agree with each other on the entries whose counts did not change), for random pairs of tables
(hypothesis); and a difference between two published counts is never 1 to threshold - 1."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from harborline.reports.disclosure import Earlier, augmented, control, determined
from harborline.reports.models import Release
from harborline.reports.releases import publish

from .test_disclosure import _published_grid


def _hidden(shown):
    return frozenset((i, j) for i, row in enumerate(shown) for j, v in enumerate(row) if v is None)


def _joint_bounds(shown1, shown2, truth1, truth2):
    """Least and greatest value of every hidden entry of either release, over everything both
    publish together."""
    unknown = [(1, e) for e in sorted(_hidden(shown1))] + [(2, e) for e in sorted(_hidden(shown2))]
    if not unknown:
        return {}
    index = {u: k for k, u in enumerate(unknown)}
    height, width = len(truth1), len(truth1[0])
    shown = {1: shown1, 2: shown2}
    equations, constants = [], []

    def line(terms):
        coefficients = np.zeros(len(unknown))
        constant = 0.0
        for (r, (i, j)), sign in terms:
            if (r, (i, j)) in index:
                coefficients[index[(r, (i, j))]] += sign
            else:
                constant -= sign * shown[r][i][j]
        equations.append(coefficients)
        constants.append(constant)

    for r in (1, 2):
        for i in range(height):
            line([((r, (i, j)), 1) for j in range(width - 1)] + [((r, (i, width - 1)), -1)])
        for j in range(width):
            line([((r, (i, j)), 1) for i in range(height - 1)] + [((r, (height - 1, j)), -1)])
    for i in range(height):
        for j in range(width):
            if truth1[i][j] == truth2[i][j]:  # the worst case: the reader knows it is unchanged
                line([((1, (i, j)), 1), ((2, (i, j)), -1)])
    found = {}
    for u, k in index.items():
        goal = np.zeros(len(unknown))
        goal[k] = 1
        low = linprog(goal, A_eq=equations, b_eq=constants, bounds=(0, None), method="highs")
        high = linprog(-goal, A_eq=equations, b_eq=constants, bounds=(0, None), method="highs")
        assert low.status == 0, (u, low.message)
        top = float("inf") if high.status == 3 else -high.fun
        found[u] = (low.fun, top)
    return found


def _check(before, after, threshold):
    first = control(before, threshold=threshold)
    shown1 = _published_grid(first)
    truth1, truth2 = augmented(before), augmented(after)
    second = control(
        after, threshold=threshold, earlier=[Earlier(grid=truth1, hidden=_hidden(shown1))]
    )
    shown2 = _published_grid(second)
    for i, row in enumerate(shown2):
        for j, v in enumerate(row):
            if v is None:
                continue
            assert v == truth2[i][j]
            assert v == 0 or v >= threshold, (before, after, shown2)
            then = shown1[i][j]
            if then is not None:
                assert v == then or abs(v - then) >= threshold, (before, after, shown1, shown2)
    for entry, (low, high) in _joint_bounds(shown1, shown2, truth1, truth2).items():
        assert high - low >= 1, (before, after, shown1, shown2, entry, low, high)
    return shown1, shown2


def test_a_cell_hidden_before_is_not_revealed_by_a_later_release():
    # Before: 9 and 2 hidden (with their complements). After: one new youth in the 20 cell.
    shown1, shown2 = _check([[9, 2, 14], [20, 30, 40]], [[9, 2, 14], [21, 30, 40]], 11)
    assert shown1[0][0] is None and shown2[0][0] is None


def test_a_small_difference_is_not_published():
    # 30 -> 33: publishing both would say three youth were added to that cell.
    _, shown2 = _check([[30, 40], [50, 60]], [[33, 40], [50, 60]], 11)
    assert shown2[0][0] is None


def test_without_earlier_releases_nothing_changes():
    counts = [[9, 2, 14], [20, 30, 40]]
    assert control(counts, threshold=11).cells == control(counts, threshold=11, earlier=[]).cells


def _pairs():
    def grow(counts):
        return st.lists(
            st.lists(
                st.integers(min_value=0, max_value=15),
                min_size=len(counts[0]),
                max_size=len(counts[0]),
            ),
            min_size=len(counts),
            max_size=len(counts),
        ).flatmap(
            lambda extra: st.lists(st.booleans(), min_size=len(counts), max_size=len(counts)).map(
                lambda keep: (
                    counts,
                    [
                        row if k else [a + b for a, b in zip(row, more, strict=True)]
                        for row, more, k in zip(counts, extra, keep, strict=True)
                    ],
                )
            )
        )

    return (
        st.integers(min_value=1, max_value=3)
        .flatmap(
            lambda rows: st.integers(min_value=1, max_value=3).flatmap(
                lambda cols: st.lists(
                    st.lists(st.integers(min_value=0, max_value=25), min_size=cols, max_size=cols),
                    min_size=rows,
                    max_size=rows,
                )
            )
        )
        .flatmap(grow)
    )


@settings(max_examples=120, deadline=None)
@given(_pairs(), st.integers(min_value=2, max_value=12))
def test_two_releases_together_determine_nothing_either_hides(pair, threshold):
    before, after = pair
    _check(before, after, threshold)


def test_the_oracle_and_the_check_catch_a_cross_release_leak():
    """Not vacuous: two releases each safe alone, where the second publishes a changed column
    total and grand total, let a reader work out the first's hidden 4 — seen by the oracle and
    by `determined`, which the code uses to withhold more."""
    truth1 = augmented([[33, 15, 0, 7], [0, 0, 4, 2]])
    truth2 = augmented([[33, 15, 0, 7], [0, 0, 19, 2]])
    shown1 = [[33, None, 0, None, None], [0, 0, None, None, None], [33, None, None, None, 61]]
    shown2 = [[33, None, 0, None, None], [0, 0, 19, None, None], [33, None, 19, None, 76]]
    bounds = _joint_bounds(shown1, shown2, truth1, truth2)
    assert bounds[(1, (1, 2))] == (4.0, 4.0)
    leaks = determined(
        [Earlier(grid=truth1, hidden=_hidden(shown1)), Earlier(grid=truth2, hidden=_hidden(shown2))]
    )
    assert (1, 2) in leaks
    _check([[33, 15, 0, 7], [0, 0, 4, 2]], [[33, 15, 0, 7], [0, 0, 19, 2]], 8)


@pytest.mark.django_db
def test_releases_are_logged_when_they_change_and_checked_against_each_other():
    rows, columns = ["Washoe", "Clark"], ["Confirmed", "High risk"]
    first = publish("t", "year=2026", rows, columns, [[30, 40], [50, 60]], threshold=11)
    assert first.cells[0][0] == 30
    again = publish("t", "year=2026", rows, columns, [[30, 40], [50, 60]], threshold=11)
    assert again.cells == first.cells
    assert Release.objects.filter(table="t").count() == 1  # nothing changed: one release
    later = publish("t", "year=2026", rows, columns, [[33, 40], [50, 60]], threshold=11)
    assert later.cells[0][0] is None  # 30 -> 33 would count three youth
    assert "1 earlier release" in later.rules["differencing"]
    assert Release.objects.filter(table="t").count() == 2
    other = publish("t", "year=2025", rows, columns, [[33, 40], [50, 60]], threshold=11)
    assert other.cells[0][0] == 33  # another key: another table to a reader
