"""Loading a pack's geography (regions and counties). The full pack format and loader arrive
with the protocol-pack work; geography is loaded first because organizations need it."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import transaction

from .models import County, Region

PACKS_DIR = Path(__file__).resolve().parent / "packs"


class GeographyError(ValueError):
    pass


def available_packs() -> list[str]:
    return sorted(p.parent.name for p in PACKS_DIR.glob("*/geography.yaml"))


@transaction.atomic
def load_geography(pack: str) -> tuple[int, int]:
    path = PACKS_DIR / pack / "geography.yaml"
    if not path.exists():
        raise GeographyError(f"{path.name}: no geography for pack {pack!r}")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    regions: dict[str, Region] = {}
    for i, item in enumerate(data.get("regions", [])):
        try:
            region, _ = Region.objects.update_or_create(
                pack=pack, slug=item["slug"], defaults={"name": item["name"]}
            )
        except KeyError as missing:
            raise GeographyError(f"{path}: regions[{i}] lacks {missing}") from None
        regions[region.slug] = region
    count = 0
    for i, item in enumerate(data.get("counties", [])):
        if item.get("region") not in regions:
            raise GeographyError(
                f"{path}: counties[{i}].region {item.get('region')!r} is not a region"
            )
        County.objects.update_or_create(
            pack=pack,
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "region": regions[item["region"]],
                "fips": item.get("fips", ""),
            },
        )
        count += 1
    return len(regions), count


def find_county(value: str) -> County | None:
    """A county by slug or by name (case-insensitive), in any pack."""
    return (
        County.objects.select_related("region").filter(slug=value).first()
        or County.objects.select_related("region").filter(name__iexact=value).first()
        or County.objects.select_related("region").filter(name__iexact=f"{value} county").first()
    )
