"""Report tables that leave an organization (issue 16): counts across the state's cases, each put
through disclosure control (`reports.disclosure`) before anyone sees it. They carry no youth data
and are read by those who read aggregates (`people.roles.reads_aggregates`).

`screenings_by_county_result`: counties of the home pack (or of one of its regions) × the home
pack's screening instrument's outcomes, counting each case's latest screening identified in the
year (UTC) once, by the county of the organization that owns the case; a case whose owner has no
county counts under "County not recorded". Until the same-youth linkage exists, a youth screened
by two agencies is counted by each (the rules say so)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.errors import InvalidInput, NotFound
from harborline.people.models import User
from harborline.people.roles import reads_aggregates
from harborline.protocols.home import home_pack, home_pack_name, screening_instrument
from harborline.protocols.models import County, Region
from harborline.response.models import Screening

from .disclosure import DEFAULT_THRESHOLD, control

OUTCOME_RESULT = "outcome"
NO_COUNTY = "County not recorded"


@dataclass
class Table:
    table: str
    rows: list[str]
    columns: list[str]
    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    grand_total: int | None
    rules: dict[str, Any] = field(default_factory=dict)


def _outcomes(instrument: str) -> list[tuple[str, str]]:
    definition = home_pack().instruments.get(instrument)
    for result in getattr(definition, "results", []):
        if result.id == OUTCOME_RESULT:
            return [(o.value, o.label) for o in result.options]
    return []


def screenings_by_county_result(
    actor: User, *, year: int, region: str = "", threshold: int = DEFAULT_THRESHOLD
) -> Table:
    if not reads_aggregates(actor):
        raise NotFound("No such page or record, or you do not have access to it.")
    pack = home_pack_name()
    counties = County.objects.filter(pack=pack)
    if region:
        where = Region.objects.filter(pack=pack, slug=region).first()
        if where is None:
            raise InvalidInput.field("region", f"no region {region!r} in the {pack} pack")
        counties = counties.filter(region=where)
    counties = counties.order_by("name")
    instrument = screening_instrument()
    outcomes = _outcomes(instrument)
    latest: dict[int, tuple[Any, str, int | None]] = {}
    rows = Screening.objects.filter(
        case__pack=pack, instrument=instrument, identified_at__year=year
    ).values_list("case_id", "identified_at", "outcome", "case__owner__county_id")
    for case_id, at, outcome, county_id in rows:
        if case_id not in latest or at > latest[case_id][0]:
            latest[case_id] = (at, outcome, county_id)
    county_ids: list[int | None] = [c.pk for c in counties]
    labels = [c.name for c in counties]
    if not region:
        county_ids.append(None)  # the row of cases whose owner has no county
        labels.append(NO_COUNTY)
    position = {pk: i for i, pk in enumerate(county_ids)}
    column = {value: j for j, (value, _) in enumerate(outcomes)}
    counts = [[0] * len(outcomes) for _ in county_ids]
    for _, outcome, owner_county in latest.values():
        if owner_county in position and outcome in column:
            counts[position[owner_county]][column[outcome]] += 1
    published = control(counts, threshold=threshold)
    return Table(
        table="screenings_by_county_result",
        rows=labels,
        columns=[label for _, label in outcomes],
        cells=published.cells,
        row_totals=published.row_totals,
        column_totals=published.column_totals,
        grand_total=published.grand_total,
        rules={
            **published.rules,
            "counted": "each case's latest screening identified in the year, once",
            "year": year,
            "region": region or "all",
            "unduplicated": False,
            "note": (
                "A youth screened by two agencies is counted by each until the same-youth "
                "linkage exists."
            ),
        },
    )


TABLES = {"screenings_by_county_result": screenings_by_county_result}


def table(actor: User, name: str, *, year: int, region: str = "") -> Table:
    """A table by name, its release recorded in the audit log (who, which table, which
    parameters, how many values were suppressed) — the log a differencing check will read."""
    build = TABLES.get(name)
    if build is None:
        raise NotFound(f"No report table {name!r}. Tables: {', '.join(TABLES)}.")
    made = build(actor, year=year, region=region)
    record(
        actor=actor,
        action=Action.VIEW,
        object_type="reports.table",
        object_id=name,
        purpose="aggregate report",
        detail={"year": year, "region": region, "suppressed": made.rules.get("suppressed")},
    )
    return made
