"""The directory as the HSDS 3.0 API publishes it (`/api/v1/hsds/`): pages of services,
organizations, services at locations, taxonomies and terms, each object built from the records
through `services.export_rows`, so the API can show nothing an export would not (no confidential
address, no youth data: the directory holds none)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet

from harborline.directory import hsds
from harborline.directory.models import Location, Record, Service
from harborline.directory.services import export_rows
from harborline.errors import NotFound

MAX_PER_PAGE = 200
HSDS_VERSION = "3.0"
PROFILE = "https://openreferral.org/specification/3.0"


def about() -> dict[str, str]:
    return {"version": HSDS_VERSION, "profile": PROFILE, "openapi_url": "/api/v1/openapi.json"}


def _page(
    ids: list[str], page: int, per_page: int, render: Callable[[list[str]], list[dict[str, Any]]]
) -> dict[str, Any]:
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    total = len(ids)
    pages = max(1, math.ceil(total / per_page))
    page = max(1, page)
    chosen = ids[(page - 1) * per_page : page * per_page]
    contents = render(chosen) if chosen else []
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": total == 0,
        "contents": contents,
    }


def _rows_around(service_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The public rows that describe these services: their own, their locations', their
    organizations', the attributes on any of them and the terms those name."""
    services = Record.objects.filter(table="service", hsds_id__in=service_ids)
    sal = Record.objects.filter(table="service_at_location", service_key__in=service_ids)
    location_ids = [d.get("location_id") for d in sal.values_list("data", flat=True)]
    service_data = list(services.values_list("data", flat=True))
    organization_ids = [d.get("organization_id") for d in service_data]
    linked = service_ids + [str(x) for x in location_ids + organization_ids if x]
    linked += list(sal.values_list("hsds_id", flat=True))
    records = Record.objects.filter(
        Q(pk__in=services.values("pk"))
        | Q(pk__in=sal.values("pk"))
        | Q(table="location", hsds_id__in=location_ids)
        | Q(table="organization", hsds_id__in=organization_ids)
        | Q(table="program", hsds_id__in=[d.get("program_id") for d in service_data])
        | Q(service_key__in=service_ids)
        | Q(location_key__in=location_ids)
        | Q(organization_key__in=organization_ids, table__in=_ORGANIZATION_CHILDREN)
        | Q(table="attribute", link_key__in=linked)
    )
    rows = export_rows(
        records,
        Service.objects.filter(hsds_id__in=service_ids),
        Location.objects.filter(hsds_id__in=location_ids),
    )
    term_ids = {a.get("taxonomy_term_id") for a in rows.get("attribute", [])}
    rows["taxonomy_term"] = list(
        Record.objects.filter(table="taxonomy_term", hsds_id__in=term_ids).values_list(
            "data", flat=True
        )
    )
    return rows


_ORGANIZATION_CHILDREN = ("phone", "contact", "funding", "organization_identifier")


def _scalars(table: str, data: dict[str, Any]) -> dict[str, Any]:
    return hsds.ordered(table, dict(data))


def services(
    *,
    page: int = 1,
    per_page: int = 50,
    search: str = "",
    taxonomy_term_id: str = "",
    organization_id: str = "",
    full: bool = False,
) -> dict[str, Any]:
    found: QuerySet[Service] = Service.objects.all()
    for word in search.lower().split():
        found = found.filter(search__contains=word)
    if organization_id:
        found = found.filter(provider__hsds_id=organization_id)
    if taxonomy_term_id:
        linked = Record.objects.filter(
            table="attribute", data__taxonomy_term_id=taxonomy_term_id, data__link_entity="service"
        ).values_list("data", flat=True)
        found = found.filter(hsds_id__in=[d.get("link_id") for d in linked])
    ids = list(found.order_by("name", "hsds_id").values_list("hsds_id", flat=True))

    def render(chosen: list[str]) -> list[dict[str, Any]]:
        if full:
            nested = {s["id"]: s for s in hsds.nest_services(_rows_around(chosen))}
            return [nested[i] for i in chosen if i in nested]
        data = dict(
            Record.objects.filter(table="service", hsds_id__in=chosen).values_list(
                "hsds_id", "data"
            )
        )
        return [_scalars("service", data[i]) for i in chosen if i in data]

    return _page(ids, page, per_page, render)


def service(hsds_id: str) -> dict[str, Any]:
    nested = list(hsds.nest_services(_rows_around([hsds_id])))
    if not nested:
        raise NotFound("No such service.")
    return nested[0]


def _table_page(table: str, page: int, per_page: int) -> dict[str, Any]:
    ids = list(
        Record.objects.filter(table=table, link="")
        .order_by("hsds_id")
        .values_list("hsds_id", flat=True)
    )

    def render(chosen: list[str]) -> list[dict[str, Any]]:
        by_id = {str(r["id"]): r for r in _table_page_ids(table, chosen)}
        return [by_id[i] for i in chosen if i in by_id]

    return _page(ids, page, per_page, render)


def _one(table: str, hsds_id: str) -> dict[str, Any]:
    data = _table_page_single(table, hsds_id)
    if data is None:
        raise NotFound(f"No such {table.replace('_', ' ')}.")
    return data


def _table_page_single(table: str, hsds_id: str) -> dict[str, Any] | None:
    found = _table_page_ids(table, [hsds_id])
    return found[0] if found else None


def _table_page_ids(table: str, chosen: list[str]) -> list[dict[str, Any]]:
    records = Record.objects.filter(table=table, hsds_id__in=chosen)
    rows = export_rows(records, Service.objects.none(), Location.objects.none()).get(table, [])
    return [_scalars(table, r) for r in rows]


def organizations(*, page: int = 1, per_page: int = 50) -> dict[str, Any]:
    return _table_page("organization", page, per_page)


def organization(hsds_id: str) -> dict[str, Any]:
    return _one("organization", hsds_id)


def taxonomies(*, page: int = 1, per_page: int = 50) -> dict[str, Any]:
    return _table_page("taxonomy", page, per_page)


def taxonomy(hsds_id: str) -> dict[str, Any]:
    return _one("taxonomy", hsds_id)


def taxonomy_terms(*, page: int = 1, per_page: int = 50) -> dict[str, Any]:
    return _table_page("taxonomy_term", page, per_page)


def taxonomy_term(hsds_id: str) -> dict[str, Any]:
    return _one("taxonomy_term", hsds_id)


def service_at_locations(*, page: int = 1, per_page: int = 50) -> dict[str, Any]:
    ids = list(
        Record.objects.filter(table="service_at_location")
        .order_by("hsds_id")
        .values_list("hsds_id", flat=True)
    )
    return _page(ids, page, per_page, _sal_objects)


def service_at_location(hsds_id: str) -> dict[str, Any]:
    found = _sal_objects([hsds_id])
    if not found:
        raise NotFound("No such service at location.")
    return found[0]


def _sal_objects(chosen: list[str]) -> list[dict[str, Any]]:
    sal = {
        r.hsds_id: r.data
        for r in Record.objects.filter(table="service_at_location", hsds_id__in=chosen)
    }
    service_ids = sorted({str(d.get("service_id")) for d in sal.values() if d.get("service_id")})
    out: dict[str, dict[str, Any]] = {}
    for full in hsds.nest_services(_rows_around(service_ids)):
        for item in full.get("service_at_locations", []):
            if item["id"] in sal:
                out[item["id"]] = item
    for hsds_id, data in sal.items():
        out.setdefault(hsds_id, _scalars("service_at_location", data))
    return [out[i] for i in chosen if i in out]
