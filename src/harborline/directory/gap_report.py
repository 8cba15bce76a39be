"""The community response plan (Wisconsin's community resource inventory and response plan; issue
14 item 6) from `directory.gaps`: what falls short per service category in plain words, a bar
chart of supply against demand (inline SVG for the page, drawn rectangles for the PDF, each with
its data table beside it), and the printable PDF. Counts a small county could name a child by
arrive here already suppressed (`gaps.SMALL_CELL`) and are printed as such, never recomputed."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from harborline.pdf import document, latin1
from harborline.protocols.models import County

from .gaps import SMALL_CELL, CategoryGap, Figure

SUPPLY, DEMAND, TEXT, GRID = "#005ea2", "#c05600", "#1b1b1b", "#a9aeb1"
SUPPRESSED = f"fewer than {SMALL_CELL}"


def shown(figure: Figure) -> str:
    return SUPPRESSED if figure.suppressed else str(figure.value or 0)


def shortfalls(row: CategoryGap) -> list[str]:
    """What falls short in one category, in words (empty: nothing the figures show)."""
    found = []
    if row.services == 0:
        found.append("no service offered in the county")
    else:
        if row.with_space == 0:
            found.append("no service with space now")
        if row.vetted == 0:
            found.append("no vetted provider")
    if row.declined.suppressed or (row.declined.value or 0) > 0:
        found.append(f"referrals declined: {shown(row.declined)}")
    if row.median_days_to_accept is not None and row.median_days_to_accept > 3:
        found.append(f"a median {row.median_days_to_accept:g} days to acceptance")
    return found


def plan(rows: list[CategoryGap]) -> list[tuple[str, list[str]]]:
    """The categories where something falls short, most services missing first."""
    short = [(r, shortfalls(r)) for r in rows]
    return [(r.label, s) for r, s in sorted(short, key=lambda x: (x[0].services, x[0].label)) if s]


def _most(rows: list[CategoryGap]) -> int:
    """The longest bar's value (services or referrals), at least 1."""
    return max([1, *(r.services for r in rows), *((r.referrals.value or 0) for r in rows)])


def svg(rows: list[CategoryGap]) -> str:
    """Services offered (supply) and referrals made (demand) per category, horizontal bars; a
    suppressed count is drawn as no bar and labelled. Presentation attributes only (the page's
    Content-Security-Policy allows no inline style); the table that follows carries the data."""
    if not rows:
        return ""
    label_w, bar_w, row_h, top = 260, 330, 30, 28
    height = top + row_h * len(rows) + 10
    width = label_w + bar_w + 60
    most = _most(rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        'aria-labelledby="gaps-chart-title" class="width-full" focusable="false">',
        '<title id="gaps-chart-title">Services offered and referrals made per service category '
        "(the table below gives every figure)</title>",
        f'<rect x="{label_w}" y="4" width="12" height="12" fill="{SUPPLY}"/>',
        f'<text x="{label_w + 16}" y="14" font-size="12" fill="{TEXT}">services offered</text>',
        f'<rect x="{label_w + 140}" y="4" width="12" height="12" fill="{DEMAND}"/>',
        f'<text x="{label_w + 156}" y="14" font-size="12" fill="{TEXT}">referrals made</text>',
    ]
    for i, r in enumerate(rows):
        y = top + i * row_h
        label = r.label if len(r.label) <= 40 else r.label[:39] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 17}" font-size="12" text-anchor="end" '
            f'fill="{TEXT}">{escape(label)}</text>'
        )
        for j, (value, colour, text) in enumerate(
            (
                (r.services, SUPPLY, str(r.services)),
                (r.referrals.value or 0, DEMAND, shown(r.referrals)),
            )
        ):
            w = bar_w * value / most
            by = y + 3 + j * 12
            parts.append(
                f'<rect x="{label_w}" y="{by}" width="{w:.1f}" height="10" fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{label_w + w + 4:.1f}" y="{by + 9}" font-size="10" '
                f'fill="{TEXT}">{escape(text)}</text>'
            )
    parts.append(
        f'<line x1="{label_w}" x2="{label_w}" y1="{top}" y2="{height - 10}" stroke="{GRID}"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def pdf(where: County, rows: list[CategoryGap], today: date | None = None) -> bytes:
    """The response plan as a tagged PDF: what falls short, the chart, the full table."""
    from fpdf import FontFace

    name = f"{where.name}, {where.pack.title()}"
    doc = document(
        title=f"Community resource inventory and response plan: {name}",
        subject="Supply of services against the needs Harborline recorded",
    )
    doc.add_page()
    doc.set_font("Helvetica", "", 10)
    width = doc.w - doc.l_margin - doc.r_margin

    def line(text: str) -> None:
        doc.multi_cell(width, 5.5, latin1(text), new_x="LMARGIN", new_y="NEXT")

    doc.start_section(latin1(f"Community resource inventory and response plan: {name}"), level=0)
    doc.set_font("Helvetica", "", 10)
    line(f"Prepared {(today or date.today()):%d %B %Y} from Harborline's service directory and")
    line(
        "the referrals made from cases of the county's organizations. Counts from 1 to "
        f"{SMALL_CELL - 1} are shown as '{SUPPRESSED}': in a small county they could name a child."
    )
    doc.start_section("Where services fall short", level=1)
    doc.set_font("Helvetica", "", 10)
    todo = plan(rows)
    if not todo:
        line("Nothing falls short in the figures below.")
    for label, items in todo:
        line(f"- {label}: {'; '.join(items)}.")
    doc.start_section("Supply and demand per category", level=1)
    doc.set_font("Helvetica", "", 10)
    _bars(doc, rows)
    with doc.table(
        col_widths=(4, 1, 1, 1, 1, 1.4, 1.4, 1.2),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=FontFace(emphasis="BOLD"),
        line_height=5,
    ) as table:
        table.row(
            [
                "Category",
                "Services",
                "Space",
                "24/7",
                "Vetted",
                "Referrals",
                "Declined",
                "Days to accept",
            ]
        )
        for r in rows:
            days = "-" if r.median_days_to_accept is None else f"{r.median_days_to_accept:g}"
            table.row(
                [
                    latin1(r.label),
                    str(r.services),
                    str(r.with_space),
                    str(r.always_open),
                    str(r.vetted),
                    latin1(shown(r.referrals)),
                    latin1(shown(r.declined)),
                    days,
                ]
            )
    return bytes(doc.output())


def _bars(doc: Any, rows: list[CategoryGap]) -> None:
    """The chart with rectangles: services (blue) and referrals (orange) per category."""
    if not rows:
        return
    label_w, row_h = 70.0, 6.0
    left = doc.l_margin + label_w
    bar_w = doc.w - doc.r_margin - left - 12
    most = _most(rows)
    doc.set_font("Helvetica", "", 7)
    for r in rows:
        if doc.get_y() + row_h > doc.h - doc.b_margin:
            doc.add_page()
        y = doc.get_y()
        doc.text(doc.l_margin, y + 4, latin1(r.label[:48]))
        for j, (value, colour, text) in enumerate(
            ((r.services, (0, 94, 162), str(r.services)), (r.referrals.value or 0, (192, 86, 0),
             shown(r.referrals)))
        ):  # fmt: skip
            w = bar_w * value / most
            doc.set_fill_color(*colour)
            if w > 0:
                doc.rect(left, y + 0.5 + j * 2.6, w, 2.2, style="F")
            doc.text(left + w + 1, y + 2.5 + j * 2.6, latin1(text))
        doc.set_y(y + row_h)
    doc.ln(3)
    doc.set_font("Helvetica", "", 9)
