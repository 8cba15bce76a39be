"""How far a service is (issue 14, item 4): ZIP codes to their centres from `zipcodes`, a package
that ships the US ZIP data with it (no download, no network), and the great-circle distance in
miles. A ZIP it does not know, or coordinates out of range, are None: the match then says the
distance is not known instead of guessing."""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

EARTH_MILES = 3958.8
ZIP = re.compile(r"^([0-9]{5})(?:-[0-9]{4})?$")


def point(latitude: Any, longitude: Any) -> tuple[float, float] | None:
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or math.isnan(lat) or math.isnan(lon):
        return None
    return lat, lon


@lru_cache(maxsize=4096)
def zip_centre(code: str) -> tuple[float, float] | None:
    """The centre of a five-digit ZIP code (ZIP+4 accepted), or None."""
    found = ZIP.match((code or "").strip())
    if found is None:
        return None
    import zipcodes

    rows = zipcodes.matching(found.group(1))
    return point(rows[0].get("lat"), rows[0].get("long")) if rows else None


def miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) in miles."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_MILES * math.asin(min(1.0, math.sqrt(h)))
