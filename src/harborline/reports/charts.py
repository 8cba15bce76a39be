"""Charts of report tables, drawn on the server as SVG (no chart library, no script): one
horizontal bar per row, its label above it so a phone (375 px) has the full width for both.

- A table with a rate (obligations on time, runaway recurrence, referral completion, training)
  is drawn as that rate per row, 0 to 100 %.
- A table of counts (screenings) is drawn as one stacked bar per row, a segment per column, with
  a legend. A suppressed count is not drawn: its row's figure is marked * and a note under the
  chart says the bar is then not the whole row, so it is never read as a whole when it is not.

Labels longer than a phone's line are shortened with "…" in the picture (the table has them in
full).

Presentation attributes only (the Content-Security-Policy allows no inline style); text is
escaped. The chart is `role="img"` with a title and a description saying that the table after it
holds every figure: screen readers read the table (`<table>` with its caption), not the picture."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape as _escape

from .tables import Table

TEXT = "#1b1b1b"
GRID = "#a9aeb1"
# USWDS colours, each at least 3:1 against white and told apart by the legend, the white gap
# between segments and the table.
COLOURS = ("#005ea2", "#c05600", "#008817", "#8b0a03", "#54278f", "#1b1b1b")
WIDTH = 360
ROW = 42
TOP = 28
BAR = 16
FONT = 14
SUPPRESSED = "suppressed"


def _open(table: Table, height: int, what: str) -> list[str]:
    ident = escape(table.table)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="chart-{ident}-title chart-{ident}-desc" '
        'class="width-full hl-chart" '
        'focusable="false">',
        f'<title id="chart-{ident}-title">{escape(table.title or table.table)}: {escape(what)}'
        "</title>",
        f'<desc id="chart-{ident}-desc">The table after the chart gives every figure, with the '
        "counts that are suppressed.</desc>",
    ]


LABEL_CHARS = 44
# What XML 1.0 cannot hold at all (C0 controls but tab and line ends, surrogates, U+FFFE/F).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text: str) -> str:
    """Text for the picture: escaped, and without the characters XML cannot hold."""
    return _escape(NOT_XML.sub("", text))


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _text(x: float, y: float, words: str, anchor: str = "start", weight: str = "") -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{FONT}" text-anchor="{anchor}" '
        f'fill="{TEXT}"{bold}>{escape(words)}</text>'
    )


def svg(table: Table) -> str:
    """The table's chart ("" when it has no rows)."""
    if not table.rows:
        return ""
    return _rates(table) if table.rate_label else _stacked(table)


def _rates(table: Table) -> str:
    left, right = 4, WIDTH - 56
    span = right - left
    height = TOP + ROW * len(table.rows) + 8
    parts = _open(table, height, f"{table.rate_label.lower()} per {table.row_header.lower()}")
    for pct in (0, 50, 100):
        x = left + span * pct / 100
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP - 6}" y2="{height - 8}" stroke="{GRID}" '
            'stroke-width="1"/>'
        )
        parts.append(_text(x, TOP - 10, f"{pct}%", "middle" if pct else "start"))
    for i, (label, value) in enumerate(zip(table.rows, table.rates, strict=True)):
        y = TOP + i * ROW
        parts.append(_text(left, y + 14, _short(label)))
        if value is None:
            parts.append(_text(left, y + 32, f"rate {SUPPRESSED}"))
            continue
        w = span * value / 100
        parts.append(
            f'<rect x="{left}" y="{y + 19}" width="{w:.1f}" height="{BAR}" fill="{COLOURS[0]}">'
            f"<title>{escape(label)}: {value:g}%</title></rect>"
        )
        parts.append(_text(left + w + 4, y + 32, f"{value:g}%"))
    parts.append("</svg>")
    return "".join(parts)


def _stacked(table: Table) -> str:
    legend_h = 20 * len(table.columns) + 6  # one column name a line: names can be long
    left, right = 4, WIDTH - 92
    span = right - left
    marked = any(None in row for row in table.cells)
    height = legend_h + TOP + ROW * len(table.rows) + (40 if marked else 0)
    parts = _open(table, height, f"counts per {table.row_header.lower()}, by column")
    for j, column in enumerate(table.columns):  # the legend, one column name a line
        parts.append(
            f'<rect x="{left}" y="{4 + 20 * j}" width="14" height="14" '
            f'fill="{COLOURS[j % len(COLOURS)]}"/>'
        )
        parts.append(_text(left + 20, 16 + 20 * j, column))
    # One scale for every row: the largest published row total (or drawn sum), so a row whose
    # counts are partly suppressed is not stretched to look like the largest.
    sums = [sum(v or 0 for v in row) for row in table.cells]
    scale = max([*sums, *(t for t in table.row_totals if t is not None), 1])
    for i, (label, row) in enumerate(zip(table.rows, table.cells, strict=True)):
        y = legend_h + TOP + i * ROW - 22
        parts.append(_text(left, y + 14, _short(label)))
        x = float(left)
        for j, value in enumerate(row):
            if not value:
                continue
            w = span * value / scale
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 19}" width="{w:.1f}" height="{BAR}" '
                f'fill="{COLOURS[j % len(COLOURS)]}" stroke="#ffffff" stroke-width="1">'
                f"<title>{escape(label)}, {escape(table.columns[j])}: {value}</title></rect>"
            )
            x += w
        total = table.row_totals[i]
        words = str(total) if total is not None else SUPPRESSED
        if None in row:
            words += "*"
        parts.append(_text(x + 4, y + 32, words))
    if marked:
        parts.append(_text(left, height - 24, "* includes suppressed counts:"))
        parts.append(_text(left, height - 6, "the bar is not the whole row"))
    parts.append("</svg>")
    return "".join(parts)
