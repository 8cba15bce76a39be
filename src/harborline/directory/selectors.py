"""Reading the directory inside Harborline: search, one service as its page shows it, and the one
rule about confidential sites.

**The rule.** A confidential site's address and coordinates (shelters, safe houses) are shown to
the active members of the Harborline organization linked to the site's provider — the people who
run it — and to no one else: not to other agencies, not to coordinators or system
administrators, not in any export, HSDS answer, search result or list. Everyone else sees that
the site is confidential, its county, and how to reach the service (its phones), so a youth can
still be referred. `may_see_address` states it once; `address_of` and every page call it.

**Editing.** A service's capacity, 24/7 flag and eligibility facts are kept by its provider's
linked organization (administrators, supervisors, caseworkers) and by task-force coordinators and
system administrators, who steward the directory (`may_edit`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from harborline.directory.models import Location, Record, Service
from harborline.errors import NotFound
from harborline.people.models import User
from harborline.people.roles import Role

EDITOR_ROLES = (Role.ORG_ADMIN, Role.SUPERVISOR, Role.CASEWORKER)
STEWARD_ROLES = (Role.COORDINATOR, Role.SYSTEM_ADMIN)
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DEFAULT_TZ = "America/Los_Angeles"


def _membership(user: User) -> Any:
    membership = user.membership_or_none if user.is_authenticated else None
    return membership if membership is not None and membership.is_active else None


def may_see_address(user: User, location: Location) -> bool:
    if not location.confidential:
        return True
    membership = _membership(user)
    provider = location.provider
    return (
        membership is not None
        and provider is not None
        and provider.organization_id is not None
        and membership.organization_id == provider.organization_id
    )


def may_edit(user: User, service: Service) -> bool:
    membership = _membership(user)
    if membership is None:
        return False
    if membership.role in STEWARD_ROLES:
        return True
    provider = service.provider
    return (
        membership.role in EDITOR_ROLES
        and provider is not None
        and provider.organization_id == membership.organization_id
    )


def address_of(user: User, location: Location) -> list[dict[str, Any]] | None:
    """The location's address rows as the user may see them; None for a confidential site the
    user may not see."""
    if not may_see_address(user, location):
        return None
    rows = Record.objects.filter(table="address", location_key=location.hsds_id)
    if location.confidential:
        return [r.hidden for r in rows.order_by("hsds_id") if r.hidden]
    return [r.data for r in rows.order_by("hsds_id")]


# --- search -----------------------------------------------------------------------------------


@dataclass
class Filters:
    text: str = ""
    category: str = ""
    county: int | None = None
    open_now: bool = False


def search(filters: Filters, *, at: datetime | None = None) -> QuerySet[Service]:
    found = Service.objects.exclude(status__in=("inactive", "defunct")).select_related("provider")
    for word in filters.text.lower().split():
        found = found.filter(search__contains=word)
    if filters.category:
        found = found.filter(search__contains=f" cat:{filters.category} ")
    if filters.county is not None:
        found = found.filter(counties__pk=filters.county)
    if filters.open_now:
        found = found.filter(pk__in=open_now_ids(found, at or timezone.now()))
    return found.distinct().order_by("name", "pk")


def open_now_ids(services: QuerySet[Service], at: datetime) -> list[int]:
    """Services open at `at`: 24/7 ones, and those whose weekly hours (their own, or of a
    location they are offered at; `Service.hours`, indexed from the HSDS schedules) cover that
    moment in their county's time zone."""
    found = []
    zones: dict[str, ZoneInfo] = {}
    for pk, always, hours, zone in services.values_list("pk", "always_open", "hours", "time_zone"):
        if always:
            found.append(pk)
            continue
        if not hours:
            continue
        name = zone or DEFAULT_TZ
        local = at.astimezone(zones.setdefault(name, ZoneInfo(name)))
        if any(_covers(h, local) for h in hours):
            found.append(pk)
    return found


def _covers(hours: dict[str, Any], local: datetime) -> bool:
    if DAYS[local.weekday()] not in hours.get("days", ()):
        return False
    try:
        start = time.fromisoformat(str(hours["opens"]))
        end = time.fromisoformat(str(hours["closes"]))
    except (KeyError, ValueError):
        return False
    now = local.time().replace(tzinfo=None)
    return start <= now < end if start <= end else (now >= start or now < end)


# --- one service ------------------------------------------------------------------------------


@dataclass
class Place:
    location: Location
    address: list[dict[str, Any]] | None  # None: confidential, not for this viewer
    schedules: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ServicePage:
    service: Service
    record: dict[str, Any]
    places: list[Place]
    phones: list[dict[str, Any]]
    schedules: list[dict[str, Any]]
    may_edit: bool
    stale: bool  # not assured (verified) in the last year


def service_page(user: User, pk: int, *, now: datetime | None = None) -> ServicePage:
    service = (
        Service.objects.select_related("provider")
        .prefetch_related("locations__county")
        .filter(pk=pk)
        .first()
    )
    if service is None:
        raise NotFound("No such service.")
    record = Record.objects.filter(table="service", hsds_id=service.hsds_id).first()
    children = Record.objects.filter(service_key=service.hsds_id)
    phones = [r.data for r in children.filter(table="phone").order_by("hsds_id")]
    schedules = [r.data for r in children.filter(table="schedule").order_by("hsds_id")]
    places = []
    for loc in service.locations.all():
        loc_schedules = Record.objects.filter(table="schedule", location_key=loc.hsds_id)
        places.append(
            Place(loc, address_of(user, loc), [r.data for r in loc_schedules.order_by("hsds_id")])
        )
    today = (now or timezone.now()).date()
    stale = service.assured_date is None or (today - service.assured_date).days > 365
    return ServicePage(
        service,
        record.data if record else {},
        places,
        phones,
        schedules,
        may_edit(user, service),
        stale,
    )
