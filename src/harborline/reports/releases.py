"""Releases of controlled tables and the differencing check (issue 16, item 4): every table
that leaves through here is checked against the earlier releases of the same table and
parameters (`disclosure.control(earlier=...)`, rule 5), so that no two releases together give
away what either hides; a release is logged only when its exact counts changed since the last.
Tables whose rows or columns changed since an earlier release are compared only with releases
of the same labels (a different table to a reader)."""

from __future__ import annotations

from django.db import transaction

from .disclosure import Controlled, Earlier, augmented, control
from .models import Release


def publish(
    table: str,
    key: str,
    rows: list[str],
    columns: list[str],
    counts: list[list[int]],
    *,
    threshold: int,
    rounding: int = 1,
    note: str = "",
) -> Controlled:
    """The table controlled against its earlier releases, this release logged with `note` (the
    words published with it, e.g. how an unduplicated count was reached)."""
    labels = {"rows": list(rows), "columns": list(columns)}
    if not counts or not counts[0]:
        return control(counts, threshold=threshold, rounding=rounding)
    with transaction.atomic():
        earlier_rows = list(
            Release.objects.select_for_update().filter(table=table, key=key).order_by("pk")
        )
        same = [r for r in earlier_rows if r.labels == labels]
        earlier = [
            Earlier(grid=r.grid, hidden=frozenset((i, j) for i, j in r.hidden)) for r in same
        ]
        published = control(counts, threshold=threshold, rounding=rounding, earlier=earlier)
        grid = augmented(counts)
        if not same or same[-1].grid != grid or same[-1].note != note:
            shown = [
                [*cells, total]
                for cells, total in zip(published.cells, published.row_totals, strict=True)
            ]
            shown.append([*published.column_totals, published.grand_total])
            hidden = [[i, j] for i, row in enumerate(shown) for j, v in enumerate(row) if v is None]
            Release.objects.create(
                table=table, key=key, labels=labels, grid=grid, hidden=hidden, note=note
            )
    return published
