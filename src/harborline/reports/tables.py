"""Report tables that leave an organization (issue 16): counts across the state's cases, each put
through disclosure control (`reports.disclosure`) before anyone sees it. They carry no youth data
and are read by those who read aggregates (`people.roles.reads_aggregates`). The dashboards
(`reports.dashboards`), their CSV and XLSX exports, the API and the Coalition's annual report all
read them from here, so the same period gives the same figures everywhere.

Every controlled table goes through `reports.releases.publish`: disclosure control, checked
against the earlier releases of the same table for the same period and region (the differencing
check), the release logged. Every table counts over a `Period` (a calendar year, or Nevada's
state fiscal year July-June, in UTC) and, where it is by place, places a case by the
organization that owns it: its county (and that county's region), else the organization's
region; "not recorded" when it has neither. Until
the same-youth linkage exists, a youth served by two agencies is counted by each (the rules say
so).

- `screenings_by_county_result`, `screenings_by_region_result`, `screenings_by_month_result`:
  each case's latest screening (with the home pack's screening instrument) identified in the
  period, once, by its outcome.
- `obligations_on_time_by_kind`: obligations due in the period (and already due), by kind: done
  by the due time, done late, not done; waived ones are left out. The rate is the share done on
  time.
- `runaway_recurrence_by_region`: cases with a missing or runaway episode reported in the period,
  with one episode or more than one; the rate is the share with more than one.
- `referral_completion_by_region`: referrals requested in the period by where the referring
  organization is: completed, ended without completion (declined, did not work out, cancelled),
  still open; the rate is the share completed.
- `outcomes_33_53`: the recommended outcomes of the code book (Nevada's items 33-53) over the
  cases open at some time in the period, each case's code-book record (`reports.codebook`, its
  latest screening) as Harborline holds it: Yes, No or not recorded; for a date item, Yes is "a
  date is recorded". The rate is the share Yes.
- `training_compliance`: the home pack's training requirements for the active organizations (of
  the region), met or not, as they stood at the end of the period. These count organizations and
  staff, not youth, but go through the same rules: every table of the API keeps the same
  promise (a published non-zero count is at least the threshold)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from harborline.agreements.models import ScreeningRule
from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.cases.models import Case
from harborline.directory.models import Referral, ReferralStatus
from harborline.errors import InvalidInput, NotFound
from harborline.missing.models import MissingEpisode
from harborline.people.models import Organization, User
from harborline.people.roles import reads_aggregates
from harborline.protocols.home import home_pack, home_pack_name, screening_instrument
from harborline.protocols.models import County, Region
from harborline.response.models import Obligation, Screening, Status
from harborline.training.selectors import compliance_for

from .codebook import NOT_RECORDED, YES, codebook_of, derive_item, load_facts
from .disclosure import DEFAULT_THRESHOLD, Controlled, rate
from .releases import publish

OUTCOME_RESULT = "outcome"
NO_COUNTY = "County not recorded"
NO_REGION = "Region not recorded"
NOT_DEDUPLICATED = (
    "A youth served by two agencies is counted by each until the same-youth linkage exists."
)
HIDDEN = "No such page or record, or you do not have access to it."


@dataclass(frozen=True)
class Period:
    """The days a table counts, first and last included (UTC)."""

    kind: str  # "calendar" | "fiscal"
    year: int
    start: date
    end: date

    KINDS = ("calendar", "fiscal")

    @classmethod
    def of(cls, kind: str, year: int) -> Period:
        if kind not in cls.KINDS:
            raise InvalidInput.field("period", f"{kind!r} is not one of: calendar, fiscal")
        if not 2000 <= year <= 2100:
            raise InvalidInput.field("year", "give a year between 2000 and 2100")
        if kind == "fiscal":
            return cls(kind, year, date(year - 1, 7, 1), date(year, 6, 30))
        return cls(kind, year, date(year, 1, 1), date(year, 12, 31))

    @property
    def label(self) -> str:
        if self.kind == "fiscal":
            return f"state fiscal year {self.start.year}-{self.end.year} (1 July to 30 June)"
        return f"calendar year {self.year}"

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=UTC)

    @property
    def until(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC)

    def months(self) -> list[tuple[int, int]]:
        first = self.start.year * 12 + self.start.month - 1
        last = self.end.year * 12 + self.end.month - 1
        return [(m // 12, m % 12 + 1) for m in range(first, last + 1)]


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
    title: str = ""
    row_header: str = ""  # what the rows are: County, Region, Month, ...
    # A rate per row and for the totals, in percent (None: suppressed), when the table has one.
    rate_label: str = ""
    rates: list[float | None] = field(default_factory=list)
    total_rate: float | None = None


@dataclass(frozen=True)
class Scope:
    """What a table is asked for: the period, the region (slug, "" for the state), the
    threshold and the rounding base."""

    period: Period
    region: str = ""
    threshold: int = DEFAULT_THRESHOLD
    rounding: int = 1

    @property
    def key(self) -> str:
        """The parameters a release of a table is compared under (the differencing check,
        `reports.releases`): the period and the region. Rounding is left out on purpose, so a
        rounded release is checked against the exact ones of the same period and region too."""
        return f"{self.period.kind}:{self.period.year}:{self.region or 'all'}"


def _outcomes(instrument: str) -> list[tuple[str, str]]:
    definition = home_pack().instruments.get(instrument)
    for result in getattr(definition, "results", []):
        if result.id == OUTCOME_RESULT:
            return [(o.value, o.label) for o in result.options]
    return []


def _region(region: str) -> Region | None:
    if not region:
        return None
    # The regions the pack counts by (kind ""), which an organization's county belongs to; not
    # another grouping such as Washington's task-force regions, which would count nothing.
    found = Region.objects.filter(pack=home_pack_name(), slug=region, kind="").first()
    if found is None:
        raise InvalidInput.field(
            "region", f"no region {region!r} that the {home_pack_name()} pack counts by"
        )
    return found


def _org_places() -> dict[int, tuple[int | None, int | None]]:
    """Every organization's (county id, region id): the county's region wins over the
    organization's own."""
    county_region = dict(County.objects.values_list("pk", "region_id"))
    return {
        pk: (county, county_region.get(county, region) if county else region)
        for pk, county, region in Organization.objects.values_list("pk", "county_id", "region_id")
    }


def _regions() -> list[Region]:
    return list(Region.objects.filter(pack=home_pack_name(), kind="").order_by("name"))


def _by_region(scope: Scope) -> tuple[list[int | None], list[str]]:
    """The rows of a by-region table: the regions of the home pack and the row of those not
    recorded (or the one region asked for)."""
    where = _region(scope.region)
    if where is not None:
        return [where.pk], [where.name]
    regions = _regions()
    return [*(r.pk for r in regions), None], [*(r.name for r in regions), NO_REGION]


def _in_region(where: Region | None, org_region: int | None) -> bool:
    """Whether an organization's region is inside the one asked for (`_region`, resolved once
    per table)."""
    return where is None or org_region == where.pk


def _publish(
    name: str,
    title: str,
    scope: Scope,
    rows: list[str],
    columns: list[str],
    counts: list[list[int]],
    counted: str,
    *,
    rate_of: int | None = None,
    rate_label: str = "",
    row_header: str = "Region",
) -> Table:
    published = publish(
        name,
        scope.key,
        rows,
        columns,
        counts,
        threshold=scope.threshold,
        rounding=scope.rounding,
    )
    if not counts:  # nothing to count: no rows, and every column's total is zero
        published.column_totals = [0] * len(columns)
    rates = (
        [
            rate(row[rate_of], total)
            for row, total in zip(published.cells, published.row_totals, strict=True)
        ]
        if rate_of is not None
        else []
    )
    total_rate = (
        rate(published.column_totals[rate_of], published.grand_total)
        if rate_of is not None
        else None
    )
    return released_table(
        name,
        (title, row_header),
        rows,
        columns,
        published,
        {
            "counted": counted,
            "year": scope.period.year,
            "period": scope.period.label,
            "region": scope.region or "all",
            "unduplicated": False,
            "note": NOT_DEDUPLICATED,
        },
        rate_label=rate_label,
        rates=rates,
        total_rate=total_rate,
    )


def released_table(
    name: str,
    titles: tuple[str, str],
    rows: list[str],
    columns: list[str],
    published: Controlled,
    rules: dict[str, Any],
    *,
    rate_label: str = "",
    rates: list[float | None] | None = None,
    total_rate: float | None = None,
) -> Table:
    """A table as `publish` released it: the title and row header, the release's cells, totals
    and rules with the table's own `rules`, and its rates when it has them."""
    title, row_header = titles
    return Table(
        table=name,
        title=title,
        row_header=row_header,
        rows=rows,
        columns=columns,
        cells=published.cells,
        row_totals=published.row_totals,
        column_totals=published.column_totals,
        grand_total=published.grand_total,
        rules={**published.rules, **rules},
        rate_label=rate_label,
        rates=rates or [],
        total_rate=total_rate,
    )


# --- Screenings ------------------------------------------------------------------------------

COUNTED_SCREENINGS = "each case's latest screening identified in the period, once"


def _latest_screenings(
    scope: Scope,
) -> tuple[list[tuple[str, str]], list[tuple[datetime, str, int]]]:
    """The instrument's outcomes, and (identified at, outcome, owner organization) of each
    case's latest screening in the period."""
    instrument = screening_instrument()
    latest: dict[int, tuple[datetime, str, int]] = {}
    found = Screening.objects.filter(
        case__pack=home_pack_name(),
        instrument=instrument,
        identified_at__gte=scope.period.since,
        identified_at__lt=scope.period.until,
    ).values_list("case_id", "identified_at", "outcome", "case__owner_id")
    for case_id, at, outcome, owner in found:
        if case_id not in latest or at > latest[case_id][0]:
            latest[case_id] = (at, outcome, owner)
    return _outcomes(instrument), list(latest.values())


def _screenings_by_place(scope: Scope, by: str) -> tuple[list[str], list[str], list[list[int]]]:
    outcomes, latest = _latest_screenings(scope)
    places, where = _org_places(), _region(scope.region)
    column = {value: j for j, (value, _) in enumerate(outcomes)}
    if by == "county":
        counties = County.objects.filter(pack=home_pack_name())
        if where is not None:
            counties = counties.filter(region=where)
        keys: list[int | None] = [c.pk for c in counties.order_by("name")]
        labels = [c.name for c in counties.order_by("name")]
        if where is None:
            keys.append(None)
            labels.append(NO_COUNTY)
    else:
        keys, labels = _by_region(scope)
    position = {k: i for i, k in enumerate(keys)}
    counts = [[0] * len(outcomes) for _ in keys]
    for _, outcome, owner in latest:
        county, region = places.get(owner, (None, None))
        key = county if by == "county" else region
        if key in position and outcome in column and _in_region(where, region):
            counts[position[key]][column[outcome]] += 1
    return labels, [label for _, label in outcomes], counts


def _screenings_by_county(scope: Scope) -> Table:
    rows, columns, counts = _screenings_by_place(scope, "county")
    return _publish(
        "screenings_by_county_result",
        "Screenings by county and result",
        scope,
        rows,
        columns,
        counts,
        COUNTED_SCREENINGS,
        row_header="County",
    )


def _screenings_by_region(scope: Scope) -> Table:
    rows, columns, counts = _screenings_by_place(scope, "region")
    return _publish(
        "screenings_by_region_result",
        "Screenings by region and result",
        scope,
        rows,
        columns,
        counts,
        COUNTED_SCREENINGS,
    )


def _screenings_by_month(scope: Scope) -> Table:
    outcomes, latest = _latest_screenings(scope)
    places, where = _org_places(), _region(scope.region)
    months = scope.period.months()
    position = {m: i for i, m in enumerate(months)}
    column = {value: j for j, (value, _) in enumerate(outcomes)}
    counts = [[0] * len(outcomes) for _ in months]
    for at, outcome, owner in latest:
        at = at.astimezone(UTC)
        if outcome in column and _in_region(where, places.get(owner, (None, None))[1]):
            counts[position[(at.year, at.month)]][column[outcome]] += 1
    return _publish(
        "screenings_by_month_result",
        "Screenings by month and result",
        scope,
        [date(y, m, 1).strftime("%B %Y") for y, m in months],
        [label for _, label in outcomes],
        counts,
        COUNTED_SCREENINGS + ", in the month (UTC) it was identified",
        row_header="Month",
    )


# --- Obligations -----------------------------------------------------------------------------

ON_TIME, LATE, NOT_DONE = "Done on time", "Done late", "Not done by the due time"


def _obligations_on_time(scope: Scope) -> Table:
    now = timezone.now()
    places, where = _org_places(), _region(scope.region)
    found = Obligation.objects.filter(
        case__pack=home_pack_name(),
        due_at__gte=scope.period.since,
        due_at__lt=min(scope.period.until, now),
    ).exclude(status=Status.WAIVED)
    titles: dict[str, str] = {}
    tally: Counter[tuple[str, int]] = Counter()
    for kind, title, status, due, done_at, owner in found.values_list(
        "kind", "title", "status", "due_at", "completed_at", "case__owner_id"
    ):
        if not _in_region(where, places.get(owner, (None, None))[1]):
            continue
        titles.setdefault(kind, title)
        if status == Status.DONE and done_at is not None:
            tally[(kind, 0 if done_at <= due else 1)] += 1
        else:
            tally[(kind, 2)] += 1
    kinds = sorted(titles, key=lambda k: titles[k])
    return _publish(
        "obligations_on_time_by_kind",
        "Obligations met on time, by kind",
        scope,
        [titles[k] for k in kinds],
        [ON_TIME, LATE, NOT_DONE],
        [[tally[(k, j)] for j in range(3)] for k in kinds],
        "obligations due in the period and already due, by kind; waived ones are left out",
        rate_of=0,
        rate_label="Percent on time",
        row_header="Obligation",
    )


# --- Runaway recurrence ----------------------------------------------------------------------


def _runaway_recurrence(scope: Scope) -> Table:
    places = _org_places()
    episodes = Counter(
        MissingEpisode.objects.filter(
            case__pack=home_pack_name(),
            reported_missing_at__gte=scope.period.since,
            reported_missing_at__lt=scope.period.until,
        ).values_list("case_id", "case__owner_id")
    )
    keys, labels = _by_region(scope)
    position = {k: i for i, k in enumerate(keys)}
    counts = [[0, 0] for _ in keys]
    for (_, owner), n in episodes.items():
        region = places.get(owner, (None, None))[1]
        if region in position:
            counts[position[region]][0 if n == 1 else 1] += 1
    return _publish(
        "runaway_recurrence_by_region",
        "Runaway recurrence, by region",
        scope,
        labels,
        ["One episode", "More than one episode"],
        counts,
        "cases with a missing or runaway episode reported in the period, by how many",
        rate_of=1,
        rate_label="Percent with more than one episode",
    )


# --- Referral completion ---------------------------------------------------------------------

COMPLETED = {ReferralStatus.COMPLETED}
ENDED = {ReferralStatus.REJECTED, ReferralStatus.FAILED, ReferralStatus.CANCELLED}


def _referral_completion(scope: Scope) -> Table:
    places = _org_places()
    keys, labels = _by_region(scope)
    position = {k: i for i, k in enumerate(keys)}
    counts = [[0, 0, 0] for _ in keys]
    found = (
        Referral.objects.filter(
            case__pack=home_pack_name(),
            requested_at__gte=scope.period.since,
            requested_at__lt=scope.period.until,
        )
        .exclude(status=ReferralStatus.DRAFT)
        .values_list("status", "referrer_id")
    )
    for status, referrer in found:
        region = places.get(referrer, (None, None))[1]
        if region in position:
            j = 0 if status in COMPLETED else 1 if status in ENDED else 2
            counts[position[region]][j] += 1
    return _publish(
        "referral_completion_by_region",
        "Referral completion, by region",
        scope,
        labels,
        ["Completed", "Ended without completion", "Still open"],
        counts,
        "referrals requested in the period, by the referring organization's region",
        rate_of=0,
        rate_label="Percent completed",
    )


# --- Outcomes (code-book items 33-53) --------------------------------------------------------

OUTCOME_ITEMS = range(33, 54)


def _outcomes_33_53(scope: Scope) -> Table:
    pack = home_pack_name()
    places, where = _org_places(), _region(scope.region)
    try:
        book = codebook_of(pack)
    except NotFound:  # Washington's and Wisconsin's protocols define no data code book
        return _publish(
            "outcomes_33_53",
            "Outcomes (code-book items 33-53)",
            scope,
            [],
            ["Yes", "No", "Not recorded"],
            [],
            f"nothing: the {pack} protocol defines no data code book",
            rate_of=0,
            rate_label="Percent yes",
            row_header="Item",
        )
    variables = [v for v in book.variables if v.number in OUTCOME_ITEMS]
    cases = [
        case
        for case in Case.objects.filter(pack=pack, opened_at__lt=scope.period.until)
        .exclude(closed_at__lt=scope.period.since)
        .select_related("youth", "owner")
        .order_by("pk")
        if _in_region(where, places.get(case.owner_id, (None, None))[1])
    ]
    facts = load_facts(cases, rule=ScreeningRule.LATEST, year=None)
    counts = [[0, 0, 0] for _ in variables]
    for fact in facts.values():
        for i, variable in enumerate(variables):
            item = derive_item(variable, fact)
            if item.value == NOT_RECORDED or (item.code is None and variable.type != "date"):
                counts[i][2] += 1
            elif variable.type == "date" or item.code == YES:
                counts[i][0] += 1
            else:
                counts[i][1] += 1
    return _publish(
        "outcomes_33_53",
        "Outcomes (code-book items 33-53)",
        scope,
        [
            f"{v.number}. {v.label}" + (" (a date is recorded)" if v.type == "date" else "")
            for v in variables
        ],
        ["Yes", "No", "Not recorded"],
        counts,
        "cases open at some time in the period, each case's code-book record (its latest "
        "screening) as Harborline holds it",
        rate_of=0,
        rate_label="Percent yes",
        row_header="Item",
    )


# --- Training compliance ---------------------------------------------------------------------


def _training_compliance(scope: Scope) -> Table:
    places, where = _org_places(), _region(scope.region)
    orgs = [
        o
        for o in Organization.objects.filter(is_active=True)
        if _in_region(where, places.get(o.pk, (None, None))[1])
    ]
    at = min(scope.period.end, timezone.localdate())
    labels: dict[str, str] = {}
    tally: Counter[tuple[str, int]] = Counter()
    for result in compliance_for(pack=home_pack_name(), organizations=orgs, at=at):
        labels.setdefault(result.id, result.requirement or result.id)
        tally[(result.id, 0 if result.met else 1)] += 1
    ids = sorted(labels, key=lambda i: labels[i])
    return _publish(
        "training_compliance",
        "Training compliance",
        scope,
        [labels[i] for i in ids],
        ["Met", "Not met"],
        [[tally[(i, 0)], tally[(i, 1)]] for i in ids],
        "the home pack's training requirements for the active organizations, met or not on "
        f"{at:%d %B %Y}, one row per requirement, one count per organization, place or task "
        "force it applies to (organizations and staff, not youth, under the same rules)",
        rate_of=0,
        rate_label="Percent met",
        row_header="Requirement",
    )


# --- By name ---------------------------------------------------------------------------------

BUILDERS: dict[str, Callable[[Scope], Table]] = {
    "screenings_by_county_result": _screenings_by_county,
    "screenings_by_region_result": _screenings_by_region,
    "screenings_by_month_result": _screenings_by_month,
    "obligations_on_time_by_kind": _obligations_on_time,
    "runaway_recurrence_by_region": _runaway_recurrence,
    "referral_completion_by_region": _referral_completion,
    "outcomes_33_53": _outcomes_33_53,
    "training_compliance": _training_compliance,
}
TABLES = tuple(BUILDERS)


def build(name: str, scope: Scope) -> Table:
    """A table by name, controlled, without asking who wants it: for callers that check their
    own reader (the dashboards, the Coalition's annual report) — every figure is already fit to
    publish."""
    builder = BUILDERS.get(name)
    if builder is None:
        raise NotFound(f"No report table {name!r}. Tables: {', '.join(BUILDERS)}.")
    return builder(scope)


def screenings_by_county_result(
    actor: User, *, year: int, region: str = "", threshold: int = DEFAULT_THRESHOLD
) -> Table:
    if not reads_aggregates(actor):
        raise NotFound(HIDDEN)
    return build(
        "screenings_by_county_result",
        Scope(Period.of("calendar", year), region=region, threshold=threshold),
    )


def released(actor: User, made: Table, scope: Scope, fmt: str = "json") -> None:
    """Record a table's release in the audit log (who, which table, which parameters, how many
    values were suppressed) — the log a differencing check reads."""
    record(
        actor=actor,
        action=Action.VIEW,
        object_type="reports.table",
        object_id=made.table,
        purpose="aggregate report",
        detail={
            "year": scope.period.year,
            "period": scope.period.kind,
            "region": scope.region,
            "rounding": scope.rounding,
            "format": fmt,
            "suppressed": made.rules.get("suppressed"),
        },
    )


def table(
    actor: User,
    name: str,
    *,
    year: int,
    region: str = "",
    period: str = "calendar",
    rounding: int = 1,
) -> Table:
    """A table by name for someone who reads aggregates (anyone else: not found), its release
    recorded in the audit log."""
    if not reads_aggregates(actor):
        raise NotFound(HIDDEN)
    if name not in BUILDERS:
        raise NotFound(f"No report table {name!r}. Tables: {', '.join(BUILDERS)}.")
    scope = Scope(Period.of(period, year), region=region, rounding=_rounding(rounding))
    made = build(name, scope)
    released(actor, made, scope)
    return made


def _rounding(base: int) -> int:
    if not 1 <= base <= DEFAULT_THRESHOLD:
        raise InvalidInput.field(
            "rounding", f"a base from 1 (no rounding) to the threshold, {DEFAULT_THRESHOLD}"
        )
    return base
