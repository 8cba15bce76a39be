"""From a case's need to ranked directory services (issue 14, item 4).

A service is a candidate when it offers the need's category and is active. It is left out when
the youth is outside its ages or genders, or when it is a prevention-only program: the protocol
does not place youth with a history of exploitation in prevention programs with youth at risk
(a case in Harborline is such a history). The rest are ranked by plain facts, each of which is
also the reason shown: in the case's county, how far from the ZIP code the worker gives (its
nearest location that is not a confidential site: a shelter's distance from a known place would
help find it), capacity, vetting, language, 24/7 or open now when the response is urgent,
LGBTQ+-affirming. The youth's age and gender are used only when the
viewer's grant sees the `identity` compartment; otherwise the result says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from harborline.cases.selectors import case_for
from harborline.directory import geo, selectors
from harborline.directory.models import Capacity, Service, Vetting
from harborline.errors import InvalidInput
from harborline.people.models import User

# The youth's gender in their own words, to the genders a service may say it serves.
GENDER_WORDS = {
    "female": ("female", "girl", "woman", "f", "young woman"),
    "male": ("male", "boy", "man", "m", "young man"),
    "nonbinary": ("nonbinary", "non-binary", "enby", "genderqueer", "gender fluid"),
    "transgender": ("trans", "transgender", "trans girl", "trans boy", "trans woman", "trans man"),
}
LANGUAGES = {"es": "Spanish", "en": "English", "vi": "Vietnamese", "tl": "Tagalog", "zh": "Chinese"}


@dataclass
class Match:
    service: Service
    score: float
    reasons: list[str] = field(default_factory=list)


def _genders(words: str) -> set[str]:
    text = words.strip().lower()
    return {g for g, names in GENDER_WORDS.items() if text and text in names}


def _ages(service: Service) -> str:
    low = "any" if service.minimum_age is None else f"{service.minimum_age:g}"
    high = "any" if service.maximum_age is None else f"{service.maximum_age:g}"
    return f"serves ages {low}–{high}"


def matches(
    actor: User,
    case_id: int,
    need: str,
    *,
    language: str = "",
    urgent: bool = False,
    near: str = "",
    at: datetime | None = None,
    limit: int = 25,
) -> list[Match]:
    case, grant = case_for(actor, case_id)
    need = need.strip()
    if not need:
        raise InvalidInput.field("need", "Choose the need to find services for")
    near = near.strip()
    if near and not geo.ZIP.match(near):
        raise InvalidInput.field("near", "Give a five-digit US ZIP code, e.g. 89501")
    origin = geo.zip_centre(near) if near else None  # a ZIP code not in the data: no distance
    at = at or timezone.now()
    sees_identity = grant.sees("identity")
    age = case.youth.age_on(timezone.localdate(at)) if sees_identity else None
    genders = _genders(case.youth.gender) if sees_identity else set()
    county = case.owner.county_id
    candidates = list(
        selectors.search(selectors.Filters(category=need)).prefetch_related(
            "counties",
            *(("locations",) if origin is not None else ()),  # read only for distance
        )
    )
    open_ids = (
        set(selectors.open_now_ids(Service.objects.filter(pk__in=[s.pk for s in candidates]), at))
        if urgent
        else set()
    )
    found: list[Match] = []
    for s in candidates:
        if "prevention" in s.categories and "intervention" not in s.categories:
            continue
        reasons: list[str] = []
        score = 0.0
        if age is not None:
            if (s.minimum_age is not None and age < s.minimum_age) or (
                s.maximum_age is not None and age > s.maximum_age
            ):
                continue
            score += 1
            reasons.append(_ages(s))
        elif s.minimum_age is not None or s.maximum_age is not None:
            reasons.append(f"{_ages(s)} (check the youth's age)")
        if s.genders:
            if genders and not genders & set(s.genders):
                continue
            reasons.append(f"serves {', '.join(s.genders)}")
        if county is not None and any(c.pk == county for c in s.counties.all()):
            score += 2
            reasons.append("in the case's county")
        if origin is not None:
            score += _distance(s, origin, reasons)
        elif near:
            reasons.append(f"distance not known (ZIP code {near} not found)")
        score += {Capacity.OPEN: 2, Capacity.WAITLIST: 0.5, Capacity.FULL: -3}.get(
            Capacity(s.capacity), 0
        )
        reasons.append(
            {
                Capacity.OPEN: "has space",
                Capacity.WAITLIST: "waitlist",
                Capacity.FULL: "full",
                Capacity.UNKNOWN: "capacity not confirmed",
            }[Capacity(s.capacity)]
        )
        if s.vetting == Vetting.VETTED:
            score += 1
            reasons.append("vetted")
        elif s.vetting == Vetting.NOT_MET:
            score -= 2
            reasons.append("did not meet the provider standards")
        if language:
            code = language.strip().lower()
            name = LANGUAGES.get(code, code)
            if code in s.languages or name.lower() in s.languages:
                score += 2
                reasons.append(name)
            else:
                reasons.append(f"no {name} recorded")
        if urgent:
            if s.always_open:
                score += 2
                reasons.append("open 24/7")
            elif s.pk in open_ids:
                score += 1
                reasons.append("open now")
        if s.lgbtq_affirming:
            score += 0.5
            reasons.append("LGBTQ+-affirming")
        found.append(Match(s, score, reasons))
    found.sort(key=lambda m: (-m.score, m.service.name, m.service.pk))
    return found[:limit]


def _distance(service: Service, origin: tuple[float, float], reasons: list[str]) -> float:
    """Points for nearness, and the reason: the nearest location that is not a confidential
    site. Within 10 miles 2, within 25 miles 1, farther 0."""
    places = list(service.locations.all())
    public = [loc for loc in places if not loc.confidential and loc.latitude is not None]
    if not public:
        hidden = any(loc.confidential for loc in places)
        reasons.append("distance not shown (confidential site)" if hidden else "distance not known")
        return 0.0
    nearest = min(
        geo.miles(origin, (loc.latitude, loc.longitude))  # type: ignore[arg-type]  # filtered: not None
        for loc in public
    )
    reasons.append(f"{nearest:.0f} mile{'' if round(nearest) == 1 else 's'} away")
    return 2.0 if nearest <= 10 else 1.0 if nearest <= 25 else 0.0
