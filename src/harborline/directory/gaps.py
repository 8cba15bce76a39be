"""The community gap analysis (Wisconsin's resource inventory and response plan; issue 14 item
6): per county (or region) and service category, the supply the directory holds against the
demand Harborline records.

- **Supply** (directory facts, public): services offered in the county, how many have space,
  answer 24/7, are vetted.
- **Demand** (from cases, so counted with small-cell suppression): referrals made for the
  category from cases owned by organizations of the county, referrals declined, and the median
  days from request to acceptance. A count of 1 to `SMALL_CELL - 1` is reported as null with
  `suppressed: true`, because in a small county a count of 1 or 2 can name a child.

Who may read it: coordinators, analysts, supervisors, organization and system administrators
(`may_read`): it carries no youth data, only counts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from statistics import median
from typing import Any

from harborline.directory.extensions import CATEGORY_LISTS
from harborline.directory.models import Capacity, Record, Referral, ReferralStatus, Service, Vetting
from harborline.errors import InvalidInput, NotFound
from harborline.people.models import User
from harborline.people.roles import reads_aggregates
from harborline.protocols.geography import find_county
from harborline.protocols.models import County

SMALL_CELL = 5


def may_read(user: User) -> bool:
    return reads_aggregates(user)


@dataclass
class Figure:
    value: int | None
    suppressed: bool = False


def _count(n: int) -> Figure:
    return Figure(None, True) if 0 < n < SMALL_CELL else Figure(n)


@dataclass
class CategoryGap:
    category: str
    label: str
    services: int
    with_space: int
    always_open: int
    vetted: int
    referrals: Figure
    declined: Figure
    median_days_to_accept: float | None


def categories(pack: str) -> list[tuple[str, str, set[str]]]:
    """The pack's service categories as (code, label, the codes that count towards it): a
    top-level category counts its sub-categories too (Nevada's "Mental health and substance
    use" counts services tagged "Mental health")."""
    terms = [
        t
        for t in Record.objects.filter(table="taxonomy_term").values_list("data", flat=True)
        if str(t.get("taxonomy", "")).split(".")[0] == pack
        and str(t.get("taxonomy", "")).split(".")[-1] in CATEGORY_LISTS
    ]
    by_id = {t["id"]: t for t in terms}
    found = []
    for t in terms:
        codes = {str(t["code"])} | {str(c["code"]) for c in terms if c.get("parent_id") == t["id"]}
        parent = by_id.get(t.get("parent_id", ""))
        label = f"{parent['name']}: {t['name']}" if parent else str(t["name"])
        found.append((str(t["code"]), label, codes))
    return sorted(found, key=lambda x: x[1])


def gaps(actor: User, county: str) -> tuple[County, list[CategoryGap]]:
    if not may_read(actor):
        raise NotFound("No such page or record, or you do not have access to it.")
    where = find_county(county)
    if where is None:
        raise InvalidInput.field("county", "Choose a county of a loaded protocol pack")
    here = Service.objects.filter(counties=where).exclude(status__in=("inactive", "defunct"))
    referrals = Referral.objects.filter(case__owner__county=where).exclude(
        status=ReferralStatus.DRAFT
    )
    rows = []
    every = list(referrals)
    for code, label, codes in categories(where.pack):
        offered = [s for s in here if codes & set(s.categories)]
        asked = [r for r in every if codes & set(r.needs)]
        waits = [
            (r.answered_at - r.requested_at).total_seconds() / 86400
            for r in asked
            if r.answered_at and r.requested_at and r.status != ReferralStatus.REJECTED
        ]
        rows.append(
            CategoryGap(
                category=code,
                label=label,
                services=len(offered),
                with_space=sum(s.capacity == Capacity.OPEN for s in offered),
                always_open=sum(s.always_open for s in offered),
                vetted=sum(s.vetting == Vetting.VETTED for s in offered),
                referrals=_count(len(asked)),
                declined=_count(sum(r.status == ReferralStatus.REJECTED for r in asked)),
                median_days_to_accept=(
                    round(median(waits), 1) if len(waits) >= SMALL_CELL else None
                ),
            )
        )
    return where, rows


def as_dict(row: CategoryGap) -> dict[str, Any]:
    return asdict(row)
