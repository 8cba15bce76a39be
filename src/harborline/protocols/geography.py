"""Loading a pack's geography (regions and counties) into the database. The geography section
is read and validated by the pack loader (`packs.get_pack(pack).section("geography.yaml")`);
this module only copies it into the tables organizations point at."""

from __future__ import annotations

from django.db import transaction

from harborline.errors import NotFound

from .models import County, Region
from .packs import get_pack, registry
from .sections import Geography

GEOGRAPHY = "geography.yaml"


class GeographyError(ValueError):
    pass


def available_packs() -> list[str]:
    """The packs that define a geography."""
    return sorted(name for name, pack in registry().items() if pack.section(GEOGRAPHY))


@transaction.atomic
def load_geography(pack: str) -> tuple[int, int]:
    """Create or update the pack's regions and counties; returns (regions, counties)."""
    try:
        geography: Geography | None = get_pack(pack).section(GEOGRAPHY)
    except NotFound:
        raise GeographyError(f"{GEOGRAPHY}: no protocol pack named {pack!r}") from None
    if geography is None:
        raise GeographyError(f"{GEOGRAPHY}: no geography for pack {pack!r}")
    regions: dict[str, Region] = {}
    for entry in geography.regions:
        region, _ = Region.objects.update_or_create(
            pack=pack, slug=entry.slug, defaults={"name": entry.name}
        )
        regions[region.slug] = region
    for county in geography.counties:
        # The pack's schema guarantees every county's region is one of its regions.
        County.objects.update_or_create(
            pack=pack,
            slug=county.slug,
            defaults={"name": county.name, "region": regions[county.region], "fips": county.fips},
        )
    return len(regions), len(geography.counties)


def find_county(value: str) -> County | None:
    """A county by slug or by name (case-insensitive), in any pack."""
    return (
        County.objects.select_related("region").filter(slug=value).first()
        or County.objects.select_related("region").filter(name__iexact=value).first()
        or County.objects.select_related("region").filter(name__iexact=f"{value} county").first()
    )
