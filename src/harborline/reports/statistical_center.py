"""The statistical center's reports (issue 16, item 3; DSA-08): agency, regional and statewide
tables from the submissions it received for a year, every figure through disclosure control
(DSA-14 to DSA-16) at the strictest threshold any contributing agreement names.

Only the center's analysts read them (`submissions.SAC_READERS`; DSA-09, DSA-11), and each
report is recorded in the audit chain with the submissions it read (DSA-06). Each agency counts
its own youth; the statewide report adds the **unduplicated count** of youth - the clusters the
same-youth linkage made of the year's records with encodings (`linking`, issue 17, decision
0062) - and how it was reached: the probability thresholds, and the pairs linked automatically,
linked or kept apart by a reviewer, and waiting for review. Both are tables under the same
disclosure control as every other figure. Until a linking has been run at the center the report
says it is not unduplicated; it never guesses."""

from __future__ import annotations

from dataclasses import dataclass, field

from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.errors import InvalidInput, NotFound
from harborline.people.models import User
from harborline.protocols.home import home_pack_name

from . import linking
from .codebook import codebook_of
from .disclosure import DEFAULT_THRESHOLD
from .models import Release, Submission, SubmissionStatus
from .releases import publish
from .submissions import RESULT_LABELS, active_membership, at_statistical_center
from .tables import Table, released_table

LEVELS = ("statewide", "regional", "agency")
NO_REGION = "Region not recorded"
OUTCOME_ITEMS = (
    "immediate_crisis_plan",
    "ref_medical_assessment",
    "ref_medical_services",
    "ref_mh_assessment",
    "ref_mh_services",
    "substance_abuse_screening",
    "placement_plan",
    "legal_advocacy",
    "skills_development",
)
YES = "1"
UNDUPLICATED_NOTE = (
    "Not unduplicated: each agency counts the youth it serves, so a youth served by several "
    "agencies is counted by each until the same-youth linkage supplies linkage."
)


LINKED_NOTE = (
    "Unduplicated by same-youth linkage: the youth count below links the agencies' encoded "
    "records (never names) into one record per youth, pairs at or above a match probability of "
    "{upper:g} linked automatically and pairs from {lower:g} up to it decided by a reviewer."
)
# A release of the unduplicated count recorded before releases kept their note.
LINKED_RELEASED = "Unduplicated by same-youth linkage at the statistical center."
PENDING_NOTE = (
    "Pairs still waiting for review are counted as different youth until a reviewer decides."
)
WITHOUT_NOTE = (
    "Not in the unduplicated count: the youth of {names}, whose submissions carry no encodings."
)
PER_AGENCY_NOTE = (
    "Counted by each agency: a youth served by several agencies is counted by each in this "
    "table; the unduplicated count of youth is its own table."
)
UNDUPLICATED_COLUMNS = ["Served by one agency", "Served by more than one agency"]
PAIR_COLUMNS = [
    "Linked automatically",
    "Linked by a reviewer",
    "Kept apart by a reviewer",
    "Waiting for review",
]

TITLES = {
    "youth_by_screening_result": ("Youth by screening result (statistical center)", "Where"),
    "outcomes_yes": ("Outcomes recorded Yes (statistical center)", "Outcome"),
}
LINKAGE_TITLES = {
    "youth_unduplicated": ("Youth, unduplicated across agencies (statistical center)", "Where"),
    "linkage_pairs": ("Pairs of records the linkage scored (statistical center)", "Pairs"),
}


@dataclass
class Report:
    year: int
    level: str
    threshold: int
    agencies: int
    submissions: list[int]
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # How the unduplicated count was reached (None: no linking run at the center yet).
    linkage: dict | None = None


def _outcome_labels() -> list[str]:
    """The outcome items' labels in the home pack's code book (their names where it has none)."""
    try:
        labels = {v.name: f"{v.number}. {v.label}" for v in codebook_of(home_pack_name()).variables}
    except NotFound:
        labels = {}
    return [labels.get(name, name) for name in OUTCOME_ITEMS]


def _rows_key(sub: Submission, level: str) -> str:
    org = sub.organization
    if level == "agency":
        return org.name
    return org.region.name if org.region is not None else NO_REGION


def sac_report(actor: User, *, year: int, level: str = "statewide") -> Report:
    membership = active_membership(actor)
    if membership is None or not at_statistical_center(actor):
        raise NotFound("No such page or record, or you do not have access to it.")
    if level not in LEVELS:
        raise InvalidInput.field("level", f"choose one of: {', '.join(LEVELS)}")
    subs = list(
        Submission.objects.filter(
            receiver=membership.organization, year=year, status=SubmissionStatus.SUBMITTED
        )
        .select_related("organization__region")
        .order_by("organization__name")
    )
    undup = linking.unduplicated(membership.organization, year, subs)
    subs = [s for s in subs if s.aggregate]
    threshold = max(
        [int(s.parameters.get("threshold", DEFAULT_THRESHOLD)) for s in subs] or [DEFAULT_THRESHOLD]
    )
    keys = sorted({_rows_key(s, level) for s in subs}) if level != "statewide" else ["Statewide"]
    position = {k: i for i, k in enumerate(keys)}
    results = list(RESULT_LABELS.values())
    by_result = [[0] * len(results) for _ in keys]
    outcomes = [[0] * len(keys) for _ in OUTCOME_ITEMS]
    for sub in subs:
        row = position[_rows_key(sub, level) if level != "statewide" else "Statewide"]
        for label, n in sub.aggregate.get("screening_result", {}).items():
            if label in results:
                by_result[row][results.index(label)] += int(n)
        variables = sub.aggregate.get("variables", {})
        for i, name in enumerate(OUTCOME_ITEMS):
            outcomes[i][row] += int(variables.get(name, {}).get(YES, 0))
    notes = [UNDUPLICATED_NOTE]
    if undup is not None:
        notes = [LINKED_NOTE.format(lower=undup.lower, upper=undup.upper)]
        if undup.pending:
            notes.append(PENDING_NOTE)
        if undup.agencies_without_encodings:
            notes.append(WITHOUT_NOTE.format(names=", ".join(undup.agencies_without_encodings)))
    common = {
        "year": year,
        "level": level,
        "unduplicated": False,
        "note": UNDUPLICATED_NOTE if undup is None else PER_AGENCY_NOTE,
        "submissions": len(subs),
    }
    tables = []
    for name, rows, columns, counts in (
        ("youth_by_screening_result", keys, results, by_result),
        ("outcomes_yes", _outcome_labels(), keys, outcomes),
    ):
        if not counts or not counts[0]:
            continue
        published = publish(
            f"statistical_center.{name}",
            f"receiver={membership.organization_id};year={year};level={level};k={threshold}",
            rows,
            columns,
            counts,
            threshold=threshold,
        )
        tables.append(released_table(name, TITLES[name], rows, columns, published, common))
    method = None
    if undup is not None:
        method = {
            "lower_threshold": undup.lower,
            "upper_threshold": undup.upper,
            "runs": undup.runs,
            "key_versions": undup.key_versions,
            "youth": None,
            "agencies_without_encodings": undup.agencies_without_encodings,
        }
        if level == "statewide" and undup.records:
            for name, columns, counts in (
                (
                    "youth_unduplicated",
                    UNDUPLICATED_COLUMNS,
                    [[undup.youth_once, undup.youth_several]],
                ),
                (
                    "linkage_pairs",
                    PAIR_COLUMNS,
                    [
                        [
                            undup.auto_linked,
                            undup.reviewed_linked,
                            undup.reviewed_split,
                            undup.pending,
                        ]
                    ],
                ),
            ):
                rows = ["Statewide"] if name == "youth_unduplicated" else ["Pairs of records"]
                published = publish(
                    f"statistical_center.{name}",
                    f"receiver={membership.organization_id};year={year};level={level};k={threshold}",
                    rows,
                    columns,
                    counts,
                    threshold=threshold,
                    note=" ".join(notes),
                )
                tables.append(
                    released_table(
                        name,
                        LINKAGE_TITLES[name],
                        rows,
                        columns,
                        published,
                        {
                            "year": year,
                            "level": level,
                            "unduplicated": True,
                            "note": " ".join(notes),
                            "lower_threshold": undup.lower,
                            "upper_threshold": undup.upper,
                        },
                    )
                )
                if name == "youth_unduplicated":
                    method["youth"] = published.grand_total
    record(
        actor=actor,
        action=Action.VIEW,
        object_type="reports.statistical_center",
        object_id=f"{year}-{level}",
        purpose="statistical reporting",
        detail={"submissions": [s.pk for s in subs], "threshold": threshold},
    )
    return Report(
        year=year,
        level=level,
        threshold=threshold,
        agencies=len({s.organization_id for s in subs}),
        submissions=[s.pk for s in subs],
        tables=tables,
        notes=notes,
        linkage=method,
    )


def published(year: int, level: str = "statewide") -> list[Table]:
    """The statistical center's latest release of each of its report's tables for the year and
    level, exactly as it was published (hidden entries None): the figures it publishes for
    everyone (DSA-08), e.g. in the Coalition's annual report. Nothing is recomputed, so the
    figures are the same ones the center released, and no new release is made. When the center
    has released an unduplicated count (a linking run existed), its two tables come too, each
    with the note of how the count was reached as it was released; the agencies' tables then say
    that they count by agency. Otherwise every table says it is not unduplicated."""
    found: dict[str, Table] = {}
    rows = Release.objects.filter(
        table__startswith="statistical_center.", key__contains=f";year={year};level={level};"
    ).order_by("-pk")
    for release in rows:
        name = release.table.removeprefix("statistical_center.")
        if name in found or (name not in TITLES and name not in LINKAGE_TITLES):
            continue
        hidden = {(i, j) for i, j in release.hidden}
        grid = [
            [None if (i, j) in hidden else v for j, v in enumerate(row)]
            for i, row in enumerate(release.grid)
        ]
        threshold = int(release.key.rsplit("k=", 1)[-1])
        linked = name in LINKAGE_TITLES
        title, row_header = (LINKAGE_TITLES if linked else TITLES)[name]
        found[name] = Table(
            table=f"center_{name}",
            title=title,
            row_header=row_header,
            rows=release.labels["rows"],
            columns=release.labels["columns"],
            cells=[row[:-1] for row in grid[:-1]],
            row_totals=[row[-1] for row in grid[:-1]],
            column_totals=grid[-1][:-1],
            grand_total=grid[-1][-1],
            rules={
                "threshold": threshold,
                "primary": f"counts from 1 to {threshold - 1} are suppressed; zero is published",
                "complementary": (
                    "further entries are suppressed until no suppressed entry can be worked out "
                    "from the published cells and totals"
                ),
                "differencing": "checked against the center's earlier releases of this report",
                "suppressed": len(hidden),
                "counted": f"the agencies' submissions for {year}, as the center released them",
                "year": year,
                "level": level,
                "released_at": release.released_at.isoformat(),
                "unduplicated": linked,
                "note": (release.note or LINKED_RELEASED) if linked else UNDUPLICATED_NOTE,
            },
        )
    if "youth_unduplicated" in found:
        for name in TITLES:
            if name in found:
                found[name].rules["note"] = PER_AGENCY_NOTE
    order = ("youth_by_screening_result", *LINKAGE_TITLES, "outcomes_yes")
    return [found[n] for n in order if n in found]


def unduplicated_note(tables: list[Table]) -> str | None:
    """The note of how the released unduplicated count was reached, from `published()`'s
    tables; None when the center released none (the figures are then not unduplicated)."""
    for table in tables:
        if table.table == "center_youth_unduplicated":
            return str(table.rules.get("note") or LINKED_RELEASED)
    return None
