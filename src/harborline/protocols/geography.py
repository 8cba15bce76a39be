"""Loading a pack's geography (regions and counties) into the database, finding a county, and
adopting a pack written for any county. The geography section is read and validated by the pack
loader (`packs.get_pack(pack).section("geography.yaml")`); this module copies it into the tables
organizations point at.

Counties are qualified by pack wherever they are looked up: two states may both have a
Washington County, so `washington` alone is refused when more than one loaded pack has it and
`wisconsin/washington` is the unambiguous name (docs/decisions/0039-pack-geography.md)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from harborline.errors import FieldError, InvalidInput, NotFound

from .models import Adoption, County, Region
from .packs import get_pack, registry
from .sections import Geography

GEOGRAPHY = "geography.yaml"


class GeographyError(ValueError):
    pass


class AmbiguousCounty(InvalidInput):
    """A county name that more than one loaded pack has; `choices` are the qualified names."""

    def __init__(self, value: str, choices: list[str], field: str = "county") -> None:
        message = (
            f"{value!r} is a county in more than one pack: {', '.join(choices)}; give one of these"
        )
        super().__init__(f"{field}: {message}", errors=[FieldError(field, message)])
        self.value = value
        self.choices = choices


def available_packs() -> list[str]:
    """The loaded packs that define a geography of their own (regions and counties)."""
    return sorted(
        name
        for name, pack in registry().items()
        if pack.section(GEOGRAPHY) and pack.section(GEOGRAPHY).adoption is None
    )


def adoptable_packs() -> list[str]:
    """The loaded packs written for any county (`adoption: county` in their geography)."""
    return sorted(
        name
        for name, pack in registry().items()
        if pack.section(GEOGRAPHY) and pack.section(GEOGRAPHY).adoption == "county"
    )


def _geography(pack: str) -> Geography:
    try:
        loaded = get_pack(pack)
    except NotFound:
        raise GeographyError(f"{GEOGRAPHY}: no protocol pack named {pack!r} is loaded") from None
    geography: Geography | None = loaded.section(GEOGRAPHY)
    if geography is None:
        raise GeographyError(f"{GEOGRAPHY}: no geography for pack {pack!r}")
    return geography


@transaction.atomic
def load_geography(pack: str) -> tuple[int, int]:
    """Create or update the pack's regions and counties; returns (regions, counties)."""
    geography = _geography(pack)
    if geography.adoption is not None:
        raise GeographyError(
            f"{GEOGRAPHY}: pack {pack!r} has no counties of its own; a county adopts it "
            f"(harborline protocols adopt {pack} --county PACK/COUNTY)"
        )
    default_zone = get_pack(pack).manifest.time_zone
    regions: dict[str, Region] = {}
    for region_entry in geography.regions:
        region, _ = Region.objects.update_or_create(
            pack=pack,
            slug=region_entry.slug,
            defaults={"name": region_entry.name, "kind": region_entry.kind},
        )
        regions[region.slug] = region
    for entry in geography.counties:
        # The pack's schema guarantees every county's regions are regions above it.
        county, _ = County.objects.update_or_create(
            pack=pack,
            slug=entry.slug,
            defaults={
                "name": entry.name,
                "region": regions[entry.region],
                "fips": entry.fips,
                "time_zone": entry.time_zone or default_zone,
            },
        )
        county.also.set([regions[slug] for slug in entry.also])
    return len(regions), len(geography.counties)


def _named(value: str) -> Q:
    return Q(slug=value.lower()) | Q(name__iexact=value) | Q(name__iexact=f"{value} county")


def find_county(value: str, *, field: str = "county") -> County | None:
    """A county by `pack/slug` (or `pack/name`), or by slug or name alone (case-insensitive)
    when only one loaded pack has a county of that name. None when no pack has it; a name
    that several packs have raises AmbiguousCounty (an InvalidInput naming `field`) listing
    the qualified choices."""
    value = (value or "").strip()
    if not value:
        return None
    counties = County.objects.select_related("region")
    if "/" in value:
        pack, _, name = value.partition("/")
        return counties.filter(_named(name.strip()), pack=pack.strip().lower()).first()
    found = list(counties.filter(_named(value)).order_by("pack", "slug"))
    by_pack: dict[str, County] = {}
    for county in found:
        # Within one pack a slug match wins over a name match (a pack's slugs are unique).
        if county.pack not in by_pack or county.slug == value.lower():
            by_pack[county.pack] = county
    if len(by_pack) > 1:
        raise AmbiguousCounty(value, [c.qualified for c in by_pack.values()], field=field)
    return next(iter(by_pack.values()), None)


@transaction.atomic
def adopt(pack: str, county: str) -> tuple[Adoption, bool]:
    """Bind a pack written for any county to a county of a loaded state pack; returns the
    adoption and whether it is new (adopting again changes nothing)."""
    geography = _geography(pack)
    if geography.adoption != "county":
        raise GeographyError(
            f"pack {pack!r} is not adopted by a county: it has its own geography "
            f"(packs a county adopts: {', '.join(adoptable_packs()) or 'none loaded'})"
        )
    try:
        found = find_county(county)
    except AmbiguousCounty as ambiguous:
        raise GeographyError(
            f"--county: {ambiguous.errors[0].message} (e.g. --county {ambiguous.choices[0]})"
        ) from None
    if found is None:
        raise GeographyError(
            f"--county: no county named {county!r} is loaded "
            f"(packs with counties: {', '.join(available_packs()) or 'none'}; "
            "run `harborline migrate` to load them)"
        )
    return Adoption.objects.get_or_create(pack=pack, county=found)


def adoptions(pack: str | None = None) -> list[Adoption]:
    rows = Adoption.objects.select_related("county", "county__region")
    return list(rows.filter(pack=pack) if pack else rows)
