"""A synthetic service directory in HSDS 3.0 rows: providers, services across the pack's
categories, locations in the pack's counties (some of them confidential shelters), weekly
schedules, phones, languages and Harborline's facts. Invented names only (no real agency), and
deterministic for a seed.

`rows(n_services, pack, seed)` makes a package's rows (the benchmark writes 10,000 services with
it); `build(ctx)` loads a directory for the demo (about 60 services) or the state scale (2,000),
and links the service-provider organizations of the synthetic data to providers, so their staff
keep capacity and see their own confidential sites."""

from __future__ import annotations

import random
from typing import Any

from harborline.directory import extensions as ext
from harborline.directory import services
from harborline.directory.models import Provider, Service
from harborline.people.models import Organization
from harborline.people.roles import OrgType
from harborline.protocols.models import County

from .base import Context

DEMO_SERVICES = 60
STATE_SERVICES = 2_000
CONFIDENTIAL_SHARE = 0.08  # shelters and safe houses among locations
LANGUAGES = (
    ("en", "English", 1.0),
    ("es", "Spanish", 0.45),
    ("tl", "Tagalog", 0.05),
    ("vi", "Vietnamese", 0.04),
    ("zh", "Chinese", 0.03),
)
FIRST = (
    "Harbor",
    "Cedar",
    "Beacon",
    "Summit",
    "Willow",
    "Sagebrush",
    "River",
    "Lantern",
    "Mesa",
    "Juniper",
    "Canyon",
    "Aspen",
    "Meadow",
    "Pinyon",
    "Granite",
    "Lakeside",
)
SECOND = ("Youth", "Family", "Community", "Hope", "Bridge", "Pathways", "Horizon", "Compass")
KIND = ("Services", "Center", "Collective", "Alliance", "House", "Network", "Project")
OFFER = {
    "crisis_response": "crisis line and drop-in",
    "physical_health": "youth health clinic",
    "reproductive_sexual_health": "sexual health care",
    "mental_health": "trauma-focused therapy",
    "substance_use": "adolescent substance use treatment",
    "legal_advocacy": "legal advocacy for youth",
    "emergency_housing": "emergency shelter",
    "mental_health_substance_use": "counseling",
}
DAYS = ("MO,TU,WE,TH,FR", "MO,WE,FR", "TU,TH", "MO,TU,WE,TH,FR,SA")


def _categories(pack: str) -> list[tuple[str, str]]:
    found = []
    for t in ext.shipped_rows()["taxonomy_term"]:
        tax = str(t.get("taxonomy", ""))
        if tax.split(".")[0] == pack:
            found.append((tax, str(t["code"])))
    return found


def _pick_languages(rng: random.Random) -> list[tuple[str, str]]:
    return [(code, name) for code, name, share in LANGUAGES if rng.random() < share]


def rows(n_services: int, pack: str = "nevada", seed: int = 1) -> list[tuple[str, dict[str, Any]]]:
    """HSDS rows for `n_services` services of `pack`'s categories in its counties."""
    rng = random.Random(f"harborline:{seed}:directory")  # noqa: S311 - synthetic data
    counties = list(County.objects.filter(pack=pack).order_by("slug"))
    categories = _categories(pack) or [("harborline", "intervention")]
    out: list[tuple[str, dict[str, Any]]] = []
    n_providers = max(1, n_services // 4)
    for p in range(n_providers):
        name = f"{rng.choice(FIRST)} {rng.choice(SECOND)} {rng.choice(KIND)} {p + 1}"
        out.append(
            (
                "organization",
                {"id": f"syn-o{p}", "name": name, "description": f"{name}: a synthetic provider."},
            )
        )
    for i in range(n_services):
        provider = f"syn-o{i % n_providers}"
        tax, code = categories[i % len(categories)]
        what = OFFER.get(code, code.replace("_", " "))
        sid, lid = f"syn-s{i}", f"syn-l{i}"
        county = counties[rng.randrange(len(counties))] if counties else None
        low = rng.choice((None, 10, 12, 13, 14))
        high = rng.choice((None, 17, 18, 21, 24))
        service: dict[str, Any] = {
            "id": sid,
            "organization_id": provider,
            "name": f"{what.capitalize()} {i + 1}",
            "status": "active",
            "description": f"Synthetic {what} for youth and families.",
            "eligibility_description": "Youth and young adults.",
            "assured_date": f"{rng.choice((2024, 2025, 2026))}-0{rng.randint(1, 9)}-15",
        }
        if low is not None:
            service["minimum_age"] = low
        if high is not None:
            service["maximum_age"] = high
        out.append(("service", service))
        confidential = code == "emergency_housing" or rng.random() < CONFIDENTIAL_SHARE
        location: dict[str, Any] = {
            "id": lid,
            "organization_id": provider,
            "location_type": "physical",
            "name": f"{'Shelter' if confidential else 'Office'} {i + 1}",
            "latitude": round(36 + rng.random() * 5, 5),
            "longitude": round(-119.9 + rng.random() * 5, 5),
        }
        out.append(("location", location))
        out.append(
            (
                "address",
                {
                    "id": f"syn-a{i}",
                    "location_id": lid,
                    "address_1": f"{100 + i} Example Way",
                    "city": county.name.removesuffix(" County") if county else "Carson City",
                    "state_province": "NV",
                    "postal_code": f"89{rng.randint(100, 999)}",
                    "country": "US",
                    "address_type": "physical",
                },
            )
        )
        out.append(
            ("service_at_location", {"id": f"syn-sal{i}", "service_id": sid, "location_id": lid})
        )
        out.append(
            (
                "phone",
                {
                    "id": f"syn-p{i}",
                    "service_id": sid,
                    "number": f"775-555-{i % 10000:04d}",
                    "type": "voice",
                },
            )
        )
        out.append(
            (
                "schedule",
                {
                    "id": f"syn-h{i}",
                    "service_id": sid,
                    "freq": "WEEKLY",
                    "byday": rng.choice(DAYS),
                    "opens_at": "09:00",
                    "closes_at": rng.choice(("17:00", "19:00", "20:00")),
                },
            )
        )
        for code_, name in _pick_languages(rng):
            out.append(
                (
                    "language",
                    {"id": f"syn-lang{i}-{code_}", "service_id": sid, "name": name, "code": code_},
                )
            )
        out.append(
            (
                "attribute",
                {
                    "id": f"syn-cat{i}",
                    "link_id": sid,
                    "link_entity": "service",
                    "taxonomy_term_id": ext.term_id(tax, code),
                },
            )
        )
        kind = "intervention" if rng.random() < 0.8 else "prevention"
        out.append(
            (
                "attribute",
                {
                    "id": f"syn-kind{i}",
                    "link_id": sid,
                    "link_entity": "service",
                    "taxonomy_term_id": ext.term_id(ext.HARBORLINE, kind),
                },
            )
        )
        facts = {
            "capacity": rng.choice(("open", "open", "waitlist", "full")),
            "vetting": rng.choice(("vetted", "vetted", "in_review", "not_reviewed")),
        }
        if code in ("crisis_response", "emergency_housing") or rng.random() < 0.1:
            facts["always_open"] = "true"
        for fact, value in facts.items():
            out.append(
                (
                    "attribute",
                    {
                        "id": f"syn-{fact}{i}",
                        "link_id": sid,
                        "link_entity": "service",
                        "value": value,
                        "taxonomy_term_id": ext.term_id(ext.HARBORLINE, fact),
                    },
                )
            )
        if confidential:
            out.append(
                (
                    "attribute",
                    {
                        "id": f"syn-conf{i}",
                        "link_id": lid,
                        "link_entity": "location",
                        "value": "true",
                        "taxonomy_term_id": ext.term_id(ext.HARBORLINE, "confidential_site"),
                    },
                )
            )
        if county is not None:
            out.append(
                (
                    "attribute",
                    {
                        "id": f"syn-county{i}",
                        "link_id": lid,
                        "link_entity": "location",
                        "value": county.qualified,
                        "taxonomy_term_id": ext.term_id(ext.HARBORLINE, "county"),
                    },
                )
            )
    return out


def build(ctx: Context) -> None:
    n = DEMO_SERVICES if ctx.scale == "demo" else ctx.scaled(STATE_SERVICES, minimum=20)
    services.ensure_taxonomies()
    services.save_rows(rows(n, ctx.pack, ctx.seed))
    # The synthetic service providers run the first providers: their staff keep capacity and
    # see their own confidential sites.
    providers = list(Provider.objects.filter(hsds_id__startswith="syn-o").order_by("pk"))
    orgs = Organization.objects.filter(
        type__in=(OrgType.SERVICE_PROVIDER, OrgType.COMMUNITY_ADVOCACY)
    ).order_by("pk")
    for provider, org in zip(providers, orgs, strict=False):
        provider.organization = org
        provider.save(update_fields=["organization"])
    ctx.counts["directory_services"] = Service.objects.count()
    ctx.say(f"directory: {n} services")
