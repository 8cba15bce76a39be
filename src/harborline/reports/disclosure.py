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

5. **Differencing** (`earlier`): a release must not give away, by subtraction from an earlier
   release of the same table, what either release hides. Given the exact counts and the hidden
   entries of each earlier release (`Earlier`), an entry whose count has not changed since is
   *known* if an earlier release published it (it is published again: nothing new) and *stays
   hidden* if one hid it; an entry published before whose count changed by 1 to
   `threshold - 1` is hidden (the difference would count fewer people than the threshold); and
   complementary suppression then runs with the known entries counted as published, choosing
   its rectangles among entries that are not known. So an earlier release loses nothing it hid,
   and the new one's hidden entries are not determined by the two together (proved with the
   linear-programming oracle over both releases at once, `test_differencing.py`).

`tests/reports/test_disclosure.py` proves it with hypothesis against an independent oracle that
enumerates every table consistent with what is published; `test_rates_rounding.py` proves
rounding and rates."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
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


@dataclass(frozen=True)
class Earlier:
    """An earlier release of the same table: the exact augmented grid it was made from (same
    rows and columns, in the same order) and the entries it withheld."""

    grid: list[list[int]]
    hidden: frozenset[Entry]


def _entries(grid: list[list[int]]) -> list[Entry]:
    return [(i, j) for i in range(len(grid)) for j in range(len(grid[0]))]


def _history(
    grid: list[list[int]], threshold: int, earlier: tuple[Earlier, ...] | list[Earlier]
) -> tuple[set[Entry], set[Entry]]:
    """(known, to hide) from earlier releases, by rule 5 of the module's docstring."""
    known: set[Entry] = set()
    hide: set[Entry] = set()
    for before in earlier:
        if len(before.grid) != len(grid) or len(before.grid[0]) != len(grid[0]):
            raise ValueError("earlier: a release of the same table has the same shape")
        for i, j in _entries(grid):
            then, now = before.grid[i][j], grid[i][j]
            if then == now:
                (hide if (i, j) in before.hidden else known).add((i, j))
            elif (i, j) not in before.hidden and 0 < abs(now - then) < threshold:
                hide.add((i, j))
    return known, hide - known


def suppress(
    grid: list[list[int]], threshold: int, earlier: tuple[Earlier, ...] | list[Earlier] = ()
) -> set[Entry]:
    """The entries of an augmented grid to withhold: primary (and what earlier releases ask),
    then complementary until no suppressed entry outside the known ones is a bridge; then, with
    earlier releases, more until the releases together determine nothing any of them hides."""
    known, hide = _history(grid, threshold, earlier)
    primary = {e for e in _entries(grid) if 0 < grid[e[0]][e[1]] < threshold}
    hidden = _complement(grid, (primary | hide) - known, known)
    if not earlier:
        return hidden
    everything = {e for e in _entries(grid) if grid[e[0]][e[1]] and e not in known}
    while True:
        leaks = determined([*earlier, Earlier(grid=grid, hidden=frozenset(hidden))])
        if not leaks:
            return hidden
        cross = {
            (a, b)
            for i, j in leaks
            for a, b in _entries(grid)
            if (a == i or b == j) and (a, b) in everything
        }
        grow = (cross - hidden) or (everything - hidden)
        if not grow:
            return hidden | everything  # nothing more this release can withhold
        hidden = _complement(grid, hidden | grow, known)


def _complement(grid: list[list[int]], hidden: set[Entry], known: set[Entry]) -> set[Entry]:
    while True:
        exposed = sorted(_bridges(hidden))
        if not exposed:
            return hidden
        i, j = exposed[0]
        more = _cheapest_rectangle(grid, hidden, i, j, known)
        if more is None:  # nothing left to hide that is not public already: publish no entry
            return set(_entries(grid)) - known
        hidden |= more


PRIME = (1 << 61) - 1  # exact rank over the rationals with overwhelming probability


def determined(releases: list[Earlier]) -> set[Entry]:
    """The positions of the hidden entries that the releases together determine: each release's
    rows and columns add up, and an entry whose count is the same in two releases is one unknown
    (the worst case: the reader knows it did not change). An unknown is determined exactly when
    the unit vector is in the row space of the equations (every hidden count is positive, so
    non-negativity adds nothing); the row space is found by elimination modulo a large prime."""
    parent: dict[tuple[int, Entry], tuple[int, Entry]] = {}

    def find(node: tuple[int, Entry]) -> tuple[int, Entry]:
        while parent.get(node, node) != node:
            node = parent[node]
        return node

    grid0 = releases[-1].grid
    for r, a in enumerate(releases):
        for s in range(r):
            b = releases[s]
            for e in _entries(grid0):
                if a.grid[e[0]][e[1]] == b.grid[e[0]][e[1]]:
                    parent[find((r, e))] = find((s, e))
    public = {
        find((r, e))
        for r, rel in enumerate(releases)
        for e in _entries(grid0)
        if e not in rel.hidden
    }
    unknowns: dict[tuple[int, Entry], int] = {}
    for r, rel in enumerate(releases):
        for e in sorted(rel.hidden):
            root = find((r, e))
            if root not in public:
                unknowns.setdefault(root, len(unknowns))
    if not unknowns:
        return set()
    height, width = len(grid0), len(grid0[0])
    rows: list[dict[int, int]] = []
    for r in range(len(releases)):
        lines = [[(i, j) for j in range(width)] for i in range(height)]
        lines += [[(i, j) for i in range(height)] for j in range(width)]
        for line in lines:
            row: dict[int, int] = {}
            for n, e in enumerate(line):
                k = unknowns.get(find((r, e)))
                if k is not None:
                    row[k] = (row.get(k, 0) + (-1 if n == len(line) - 1 else 1)) % PRIME
            row = {k: v for k, v in row.items() if v}
            if row:
                rows.append(row)
    pivots: dict[int, dict[int, int]] = {}  # pivot column -> its row (reduced)
    for row in rows:
        for col, row_ in list(pivots.items()):
            if col in row:
                factor = row[col]
                for k, v in row_.items():
                    row[k] = (row.get(k, 0) - factor * v) % PRIME
                row = {k: v for k, v in row.items() if v}
        if not row:
            continue
        col = min(row)
        inverse = pow(row[col], PRIME - 2, PRIME)
        row = {k: v * inverse % PRIME for k, v in row.items()}
        for other in pivots.values():
            if col in other:
                factor = other[col]
                for k, v in row.items():
                    other[k] = (other.get(k, 0) - factor * v) % PRIME
                for k in [k for k, v in other.items() if not v]:
                    del other[k]
        pivots[col] = row
    solved = {col for col, row in pivots.items() if len(row) == 1}
    found: set[Entry] = set()
    for r, rel in enumerate(releases):
        for e in rel.hidden:
            if unknowns.get(find((r, e))) in solved:
                found.add(e)
    return found


def _cheapest_rectangle(
    grid: list[list[int]],
    hidden: set[Entry],
    i: int,
    j: int,
    known: AbstractSet[Entry] = frozenset(),
) -> set[Entry] | None:
    best: tuple[int, int, int, set[Entry]] | None = None
    for i2 in range(len(grid)):
        for j2 in range(len(grid[0])):
            if i2 == i or j2 == j:
                continue
            corners = {(i, j2), (i2, j), (i2, j2)}
            if any(grid[a][b] == 0 or (a, b) in known for a, b in corners):
                continue
            cost = sum(grid[a][b] for a, b in corners - hidden)
            if best is None or (cost, i2, j2) < best[:3]:
                best = (cost, i2, j2, corners)
    # Without earlier releases the totals' rectangle always qualifies (see above).
    return best[3] if best is not None else None


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
    counts: list[list[int]],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    rounding: int = 1,
    earlier: tuple[Earlier, ...] | list[Earlier] = (),
) -> Controlled:
    """The table as it may be published, with the rules it applied; `earlier`: the earlier
    releases of the same table (rule 5)."""
    if threshold < 2:
        raise ValueError("threshold: at least 2")
    if not 1 <= rounding <= threshold:
        raise ValueError("rounding: a base from 1 (none) to the threshold")
    grid = augmented(counts)
    hidden = suppress(grid, threshold, earlier) if counts and counts[0] else set()

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
            "differencing": (
                f"checked against {len(earlier)} earlier release(s) of this table: no entry "
                "either hides can be worked out from the two together"
                if earlier
                else "no earlier release of this table"
            ),
            "suppressed": len(hidden),
        },
    )
