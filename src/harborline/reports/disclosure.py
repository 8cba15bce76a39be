"""Disclosure control for a two-way table of counts that leaves an organization (issue 16, item 4):
no published figure may let anyone work out a count below the threshold — "numbers or rates which
could threaten confidentiality" (DSA-16).

The table is taken with its margins: an (R+1) × (C+1) grid whose last row and column are the
totals. Every entry — a cell or a total — is published or suppressed (None).

1. **Primary suppression**: every entry from 1 to `threshold - 1` (zero is published: it names
   nobody). The threshold is the agreement's; the DSA gives none, so 11 unless one is set.
2. **Complementary suppression**: a suppressed entry can be worked out exactly from the published
   ones when, in the graph whose nodes are the grid's rows and columns and whose edges are the
   suppressed entries, it lies on no cycle (it is a bridge): the sums along its row or column then
   pin it down. An entry on a cycle of non-zero suppressed entries is not determined: adding 1 and
   taking 1 alternately around the cycle keeps every published sum and every count positive.
   So while a suppressed entry is a bridge, its rectangle of least published value — the entry,
   one more in its row, one in its column and the corner between them, all non-zero — is
   suppressed too. Such a rectangle always exists: the entry's row and column totals and the
   grand total are at least the entry. A row or column therefore never holds exactly one
   suppressed entry.

3. **Rounding** (optional, `rounding=b`): every published entry is then rounded to the nearest
   multiple of b (halves up), totals separately, so a published row may not add up to its total;
   b is at most the threshold, so a published non-zero count stays non-zero and zero stays zero.
   Suppression is decided on the exact counts, so rounding never changes which entries are hidden.
4. **Rates** (`rate`): a rate is computed from the published (rounded) counts, so it says nothing
   the counts do not; a rate whose count or base is suppressed is suppressed, and so is one whose
   base is zero.

`tests/reports/test_disclosure.py` proves it with hypothesis against an independent oracle that
enumerates every table consistent with what is published; `test_rates_rounding.py` proves
rounding and rates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEFAULT_THRESHOLD = 11

Entry = tuple[int, int]


@dataclass
class Controlled:
    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    grand_total: int | None
    rules: dict[str, Any] = field(default_factory=dict)


def augmented(counts: list[list[int]]) -> list[list[int]]:
    """The table with its row totals as a last column and column totals as a last row."""
    rows = [list(r) + [sum(r)] for r in counts]
    width = len(counts[0]) if counts else 0
    totals = [sum(r[j] for r in counts) for j in range(width)]
    return [*rows, [*totals, sum(totals)]]


def suppress(grid: list[list[int]], threshold: int) -> set[Entry]:
    """The entries of an augmented grid to withhold: primary, then complementary until no
    suppressed entry is a bridge."""
    hidden = {(i, j) for i, row in enumerate(grid) for j, v in enumerate(row) if 0 < v < threshold}
    while True:
        exposed = sorted(_bridges(hidden))
        if not exposed:
            return hidden
        i, j = exposed[0]
        hidden |= _cheapest_rectangle(grid, hidden, i, j)


def _cheapest_rectangle(grid: list[list[int]], hidden: set[Entry], i: int, j: int) -> set[Entry]:
    best: tuple[int, int, int, set[Entry]] | None = None
    for i2 in range(len(grid)):
        for j2 in range(len(grid[0])):
            if i2 == i or j2 == j:
                continue
            corners = {(i, j2), (i2, j), (i2, j2)}
            if any(grid[a][b] == 0 for a, b in corners):
                continue
            cost = sum(grid[a][b] for a, b in corners - hidden)
            if best is None or (cost, i2, j2) < best[:3]:
                best = (cost, i2, j2, corners)
    assert best is not None  # noqa: S101 - the totals' rectangle always qualifies (see above)
    return best[3]


def _bridges(hidden: set[Entry]) -> set[Entry]:
    """The suppressed entries that lie on no cycle of the rows-and-columns graph (Tarjan)."""
    adjacent: dict[tuple[str, int], list[tuple[tuple[str, int], Entry]]] = {}
    for i, j in hidden:
        a, b = ("r", i), ("c", j)
        adjacent.setdefault(a, []).append((b, (i, j)))
        adjacent.setdefault(b, []).append((a, (i, j)))
    order: dict[tuple[str, int], int] = {}
    low: dict[tuple[str, int], int] = {}
    found: set[Entry] = set()
    for root in adjacent:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack: list[tuple[tuple[str, int], Entry | None, Any]] = [
            (root, None, iter(adjacent[root]))
        ]
        while stack:
            node, via, edges = stack[-1]
            step = next(edges, None)
            if step is None:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent] and via is not None:
                        found.add(via)
                continue
            nxt, edge = step
            if edge == via:
                continue
            if nxt in order:
                low[node] = min(low[node], order[nxt])
            else:
                order[nxt] = low[nxt] = len(order)
                stack.append((nxt, edge, iter(adjacent[nxt])))
    return found


def round_to(value: int, base: int) -> int:
    """`value` to the nearest multiple of `base`, halves up (base 1: unchanged)."""
    return (2 * value + base) // (2 * base) * base


def rounding_rule(base: int) -> str:
    if base <= 1:
        return "none"
    return (
        f"published counts are rounded to the nearest multiple of {base} (halves up), totals "
        "separately, so a row may not add up to its published total"
    )


RATE_RULE = (
    "a rate is computed from the published counts; it is suppressed when its count or its base "
    "is suppressed or its base is zero"
)


def rate(count: int | None, base: int | None, *, digits: int = 1) -> float | None:
    """`count` as a percentage of `base`, or None (suppressed) when either is suppressed or the
    base is zero. Give it published values only (`Controlled`'s), never the exact counts."""
    if count is None or base is None or base == 0:
        return None
    return round(100 * count / base, digits)


def control(
    counts: list[list[int]], *, threshold: int = DEFAULT_THRESHOLD, rounding: int = 1
) -> Controlled:
    """The table as it may be published, with the rules it applied."""
    if threshold < 2:
        raise ValueError("threshold: at least 2")
    if not 1 <= rounding <= threshold:
        raise ValueError("rounding: a base from 1 (none) to the threshold")
    grid = augmented(counts)
    hidden = suppress(grid, threshold) if counts and counts[0] else set()

    def shown(i: int, j: int) -> int | None:
        return None if (i, j) in hidden else round_to(grid[i][j], rounding)

    rows, cols = len(grid) - 1, len(grid[0]) - 1
    return Controlled(
        cells=[[shown(i, j) for j in range(cols)] for i in range(rows)],
        row_totals=[shown(i, cols) for i in range(rows)],
        column_totals=[shown(rows, j) for j in range(cols)],
        grand_total=shown(rows, cols),
        rules={
            "threshold": threshold,
            "primary": f"counts from 1 to {threshold - 1} are suppressed; zero is published",
            "complementary": (
                "further entries are suppressed until no suppressed entry can be worked out "
                "from the published cells and totals"
            ),
            "rounding": rounding_rule(rounding),
            "rates": RATE_RULE,
            "suppressed": len(hidden),
        },
    )
