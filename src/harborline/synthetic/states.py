"""The demo's states: which counties of a pack the demo's organizations sit in, and the words
that differ from state to state (`harborline demo --pack washington|wisconsin|nevada`).

The demo's organizations and stories are written once (people.DEMO_ORGS, cases.DEMO_STORIES),
with Nevada's counties as their places: `clark` is the demo's big county, `washoe` its second
county, `elko` a rural county with a tribal agency, and the rural task force sits in a region
without a county. Another state's demo puts each of these places in one of its own counties
(`DemoState.county`); the organization keys ("clark-cw", ...) stay the demo's internal names.

Only geography and public place names live here; every organization and person is made up."""

from __future__ import annotations

from dataclasses import dataclass, field

from .nevada import TOWNS as NEVADA_TOWNS

# The demo's places, named after the Nevada county each stands for.
PLACES = ("clark", "washoe", "elko", "carson-city")


@dataclass(frozen=True)
class DemoState:
    pack: str
    name: str  # the state's name in organization names
    abbreviation: str  # in synthetic addresses
    places: dict[str, str]  # demo place -> the pack's county slug
    labels: dict[str, str]  # the pack's county slug -> the name used in organization names
    towns: dict[str, tuple[str, ...]]  # the pack's county slug -> towns in it
    rural_region: str  # the region slug of the rural task force (no county)
    task_force_labels: dict[str, str]  # demo place -> the regional task force's label
    coalition: str
    statistical_center: str
    time_zone: str
    child_welfare: dict[str, str] = field(default_factory=dict)  # county slug -> agency name
    state_child_welfare: str = "State Child and Family Services"

    def county(self, place: str | None) -> str | None:
        """The pack's county standing for a demo place (None stays None)."""
        return self.places.get(place, place) if place else None

    def label(self, county: str) -> str:
        return self.labels.get(county) or county.replace("-", " ").title() + " County"


NEVADA = DemoState(
    pack="nevada",
    name="Nevada",
    abbreviation="NV",
    places={p: p for p in PLACES},
    labels={"carson-city": "Carson City"},
    towns=NEVADA_TOWNS,
    rural_region="rural",
    task_force_labels={
        "clark": "Southern Nevada",
        "washoe": "Northern Nevada",
        "carson-city": "Rural Nevada",
    },
    coalition="Silver State Coalition Against Youth Exploitation",
    statistical_center="Silver State University Center for Justice Statistics",
    time_zone="America/Los_Angeles",
    child_welfare={
        "clark": "Clark County Department of Family Services",
        "washoe": "Washoe County Human Services Agency",
    },
)

# Washington: King County (Seattle) as the big county, Spokane as the second, Yakima County
# (home of the Yakama Nation) as the rural county with a tribal agency; the rural task force in
# DSHS Region 3 (southwest Washington). Child welfare is the state's (DCYF) in every county.
WASHINGTON = DemoState(
    pack="washington",
    name="Washington",
    abbreviation="WA",
    places={"clark": "king", "washoe": "spokane", "elko": "yakima", "carson-city": "thurston"},
    labels={},
    towns={
        "king": ("Seattle", "Bellevue", "Kent", "Renton", "Federal Way", "Auburn", "Burien"),
        "spokane": ("Spokane", "Spokane Valley", "Cheney", "Airway Heights"),
        "yakima": ("Yakima", "Sunnyside", "Toppenish", "Wapato", "Grandview"),
        "thurston": ("Olympia", "Lacey", "Tumwater"),
    },
    rural_region="dshs-region-3",
    task_force_labels={
        "clark": "King County",
        "washoe": "Spokane",
        "carson-city": "Southwest Washington",
    },
    coalition="Evergreen State Coalition Against Youth Exploitation",
    statistical_center="Evergreen State University Center for Justice Statistics",
    time_zone="America/Los_Angeles",
    state_child_welfare="State Children, Youth and Families Services",
)

# Wisconsin: Milwaukee County as the big county, Dane (Madison) as the second, Menominee County
# (the Menominee Nation) as the rural county with a tribal agency; the rural task force in DCF's
# Northern region. Child welfare is county-run, state-run in Milwaukee.
WISCONSIN = DemoState(
    pack="wisconsin",
    name="Wisconsin",
    abbreviation="WI",
    places={"clark": "milwaukee", "washoe": "dane", "elko": "menominee", "carson-city": "vilas"},
    labels={},
    towns={
        "milwaukee": ("Milwaukee", "West Allis", "Wauwatosa", "Cudahy", "Greenfield"),
        "dane": ("Madison", "Sun Prairie", "Fitchburg", "Middleton", "Verona"),
        "menominee": ("Keshena", "Neopit"),
        "vilas": ("Eagle River", "Lac du Flambeau"),
    },
    rural_region="dcf-northern",
    task_force_labels={
        "clark": "Milwaukee County",
        "washoe": "Dane County",
        "carson-city": "Northern Wisconsin",
    },
    coalition="Badger State Coalition Against Youth Exploitation",
    statistical_center="Badger State University Center for Justice Statistics",
    time_zone="America/Chicago",
    child_welfare={"dane": "Dane County Department of Human Services"},
    state_child_welfare="State Child Protective Services",
)

STATES: dict[str, DemoState] = {s.pack: s for s in (NEVADA, WASHINGTON, WISCONSIN)}


def demo_state(pack: str) -> DemoState:
    """The demo's places and words for a pack (KeyError names the packs that have a demo)."""
    try:
        return STATES[pack]
    except KeyError:
        raise KeyError(
            f"no demo for pack {pack!r}; there is one for: {', '.join(sorted(STATES))}"
        ) from None
