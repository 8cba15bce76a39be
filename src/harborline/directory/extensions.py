"""Taxonomies the directory ships, as HSDS rows: the service categories of every loaded protocol
pack (Nevada's holistic service network, Wisconsin's nine categories, ...), the prevention /
intervention split, and Harborline's own terms for what HSDS lacks (capacity, 24/7, gender,
LGBTQ+-affirming, vetting, confidential site, county). A Harborline fact travels in an export as
an HSDS `attribute` linking the service or location to one of these terms, its value in `value`,
so any HSDS reader keeps it and Harborline reads it back on import.

Identifiers are UUID 5 names under one namespace, so the same term or attribute has the same
identifier in every installation and every export (export -> import -> export is stable)."""

from __future__ import annotations

import uuid
from typing import Any

from harborline.protocols.packs import get_pack, registry

NAMESPACE = uuid.UUID("6f1d8a52-3b8e-4c35-9a3e-0d6c2f3b9e41")
HARBORLINE = "harborline"
# Pack lists whose entries are service categories.
CATEGORY_LISTS = ("holistic_service_network", "service_categories")

# Harborline's own facts: term code -> (name, description, applies to)
TERMS: dict[str, tuple[str, str, str]] = {
    "capacity": ("Capacity", "open, waitlist or full, as last confirmed", "service"),
    "capacity_confirmed_at": ("Capacity confirmed at", "ISO 8601 date-time", "service"),
    "capacity_confirmed_by": ("Capacity confirmed by", "who confirmed it", "service"),
    "always_open": ("Open 24/7", "true when the service answers at any hour", "service"),
    "gender": ("Serves gender", "one attribute per gender served; none = any", "service"),
    "lgbtq_affirming": ("LGBTQ+-affirming", "true when affirming", "service"),
    "vetting": ("Vetting status", "not_reviewed, in_review, vetted or not_met", "service"),
    "confidential_site": (
        "Confidential site",
        "true: the address is never published (shelters, safe houses)",
        "location",
    ),
    "county": ("County", "the county's qualified slug, e.g. nevada/washoe", "location"),
    "prevention": ("Prevention", "serves youth at risk", "service"),
    "intervention": ("Intervention", "serves youth experiencing exploitation", "service"),
}


def uid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def taxonomy_id(name: str) -> str:
    return uid("taxonomy", name)


def term_id(taxonomy: str, code: str) -> str:
    return uid("term", taxonomy, code)


def attribute_id(entity: str, link_id: str, code: str, value: str = "") -> str:
    return uid("attribute", entity, link_id, code, value)


def _category_rows() -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    found = []
    for name in sorted(registry()):
        lists = get_pack(name).section("lists.yaml")
        for listed in getattr(lists, "lists", []) or []:
            if listed.id not in CATEGORY_LISTS:
                continue
            tax = f"{name}.{listed.id}"
            taxonomy = {
                "id": taxonomy_id(tax),
                "name": f"{get_pack(name).manifest.title}: {listed.title}".strip()[:250],
                "description": f"Service categories of the {name} protocol pack ({listed.id}).",
                "version": str(get_pack(name).manifest.version),
            }
            terms = []
            for entry in listed.entries:
                terms.append(_term(tax, entry.id, entry.label, ""))
                if listed.id == "holistic_service_network":
                    for sub in getattr(entry, "entries", None) or []:
                        terms.append(_term(tax, sub.id, sub.label, entry.id))
            found.append((taxonomy, terms))
    return found


def _term(tax: str, code: str, name: str, parent: str) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": term_id(tax, code),
        "code": code,
        "name": name,
        "description": name,
        "taxonomy": tax,
        "taxonomy_id": taxonomy_id(tax),
    }
    if parent:
        row["parent_id"] = term_id(tax, parent)
    return row


def shipped_rows() -> dict[str, list[dict[str, Any]]]:
    """The taxonomy and taxonomy_term rows every installation has."""
    taxonomies = [
        {
            "id": taxonomy_id(HARBORLINE),
            "name": "Harborline directory facts",
            "description": "Facts HSDS has no field for: capacity, 24/7, gender served, "
            "LGBTQ+-affirming, vetting, confidential sites, county.",
            "version": "1",
        }
    ]
    terms = [
        {
            "id": term_id(HARBORLINE, code),
            "code": code,
            "name": name,
            "description": f"{description} (on a {applies})",
            "taxonomy": HARBORLINE,
            "taxonomy_id": taxonomy_id(HARBORLINE),
        }
        for code, (name, description, applies) in TERMS.items()
    ]
    for taxonomy, rows in _category_rows():
        taxonomies.append(taxonomy)
        terms.extend(rows)
    return {"taxonomy": taxonomies, "taxonomy_term": terms}


def harborline_term(term_row: dict[str, Any] | None) -> str:
    """The code of a Harborline fact's term, or ""."""
    if term_row is None or term_row.get("taxonomy_id") != taxonomy_id(HARBORLINE):
        return ""
    return str(term_row.get("code", ""))
