"""Nevada facts the synthetic data is weighted by. Only geography and public statistics live
here; every organization and person built from them is made up.

County populations are the U.S. Census Bureau's 2020 Decennial Census counts (table P1),
rounded to the nearest hundred; they serve only as weights. Clark County holds about 73% of
Nevadans and Washoe about 16%; the fifteen rural counties (Carson City included) share the rest.
Town names are real places, used so that addresses and organization names look plausible."""

from __future__ import annotations

# county slug (as in protocols/packs/nevada/geography.yaml) -> 2020 census population
COUNTY_POPULATION_2020: dict[str, int] = {
    "clark": 2_265_500,
    "washoe": 486_500,
    "lyon": 59_200,
    "carson-city": 58_600,
    "elko": 53_700,
    "nye": 51_600,
    "douglas": 49_500,
    "churchill": 25_500,
    "humboldt": 17_300,
    "white-pine": 9_100,
    "pershing": 6_700,
    "lander": 5_700,
    "lincoln": 4_500,
    "mineral": 4_400,
    "storey": 4_100,
    "eureka": 1_900,
    "esmeralda": 700,
}
STATE_POPULATION_2020 = sum(COUNTY_POPULATION_2020.values())

# The names used in organization names: "Carson City" is a consolidated city, not a county.
COUNTY_LABEL: dict[str, str] = {
    slug: ("Carson City" if slug == "carson-city" else slug.replace("-", " ").title() + " County")
    for slug in COUNTY_POPULATION_2020
}

TOWNS: dict[str, tuple[str, ...]] = {
    "clark": (
        "Las Vegas",
        "Henderson",
        "North Las Vegas",
        "Boulder City",
        "Mesquite",
        "Laughlin",
        "Moapa Valley",
        "Summerlin",
        "Enterprise",
        "Spring Valley",
    ),
    "washoe": ("Reno", "Sparks", "Incline Village", "Sun Valley", "Spanish Springs", "Gerlach"),
    "lyon": ("Fernley", "Yerington", "Dayton", "Silver Springs"),
    "carson-city": ("Carson City",),
    "elko": ("Elko", "Carlin", "Wells", "West Wendover", "Jackpot"),
    "nye": ("Pahrump", "Tonopah", "Beatty"),
    "douglas": ("Minden", "Gardnerville", "Stateline"),
    "churchill": ("Fallon",),
    "humboldt": ("Winnemucca", "McDermitt"),
    "white-pine": ("Ely", "McGill"),
    "pershing": ("Lovelock",),
    "lander": ("Battle Mountain", "Austin"),
    "lincoln": ("Pioche", "Caliente", "Alamo"),
    "mineral": ("Hawthorne", "Mina"),
    "storey": ("Virginia City",),
    "eureka": ("Eureka", "Crescent Valley"),
    "esmeralda": ("Goldfield", "Silver Peak"),
}

# West Wendover keeps Mountain time; the rest of Nevada is on Pacific time.
TOWN_TIME_ZONES: dict[str, str] = {"West Wendover": "America/Denver"}

# Nevada has about 27 federally recognised tribes, bands and colonies, most of them outside
# Clark County. Weights for where synthetic tribal agencies sit (a count per county, roughly
# following where reservations and colonies are; the agencies themselves are fictional).
TRIBAL_COUNTY_WEIGHTS: dict[str, int] = {
    "elko": 4,
    "washoe": 3,
    "humboldt": 2,
    "lyon": 2,
    "lander": 2,
    "nye": 2,
    "white-pine": 2,
    "clark": 2,
    "churchill": 1,
    "mineral": 1,
    "douglas": 1,
    "carson-city": 1,
    "pershing": 1,
}
