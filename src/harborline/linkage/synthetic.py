"""Synthetic youth for the linkage tests and benchmark: never a real person.

Names come from Faker's name lists with their frequencies (en_US given names and surnames,
es_MX surnames, sometimes two of them hyphenated), dates of birth 2005-2015, Nevada ZIP codes
and their cities from `zipcodes`. `two_files(n)` gives two files of n youth each where half of
the second file are youth of the first written differently: typos, nicknames, given name and
surname swapped, day and month transposed, a mistyped date, a move, missing values - what two
agencies' records of the same youth look like. Faker is a test dependency: this module is only
imported by tests and bench/linkage.py.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from harborline.linkage.normalize import nicknames


@dataclass(frozen=True)
class Names:
    first_female: list[str]
    first_female_weights: list[float]
    first_male: list[str]
    first_male_weights: list[float]
    last: list[str]
    last_weights: list[float]
    zips: list[tuple[str, str]]
    nick: dict[str, list[str]]


@cache
def names() -> Names:
    import zipcodes
    from faker.providers.person.en_US import Provider as English
    from faker.providers.person.es_MX import Provider as Spanish

    last = dict(English.last_names)
    share = sum(last.values()) / len(last)
    for surname in Spanish.last_names:
        last.setdefault(surname, share * 0.5)
    nick: dict[str, list[str]] = {}
    for name, formal in nicknames().items():
        for f in formal:
            if f != name:
                nick.setdefault(f, []).append(name)
    return Names(
        first_female=list(English.first_names_female),
        first_female_weights=list(English.first_names_female.values()),
        first_male=list(English.first_names_male),
        first_male_weights=list(English.first_names_male.values()),
        last=list(last),
        last_weights=list(last.values()),
        zips=[(z["zip_code"], z["city"]) for z in zipcodes.filter_by(state="NV")],
        nick=nick,
    )


_START = date(2005, 1, 1)
_DAYS = (date(2015, 12, 31) - _START).days


def people(n: int, *, seed: int = 0, prefix: str = "p") -> list[dict[str, str]]:
    """n synthetic youth: id, first_name, last_name, dob (ISO), sex, zip, city."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible by seed
    nm = names()
    sexes = rng.choices(["F", "M", "X"], weights=[75, 23, 2], k=n)
    females = rng.choices(nm.first_female, weights=nm.first_female_weights, k=n)
    males = rng.choices(nm.first_male, weights=nm.first_male_weights, k=n)
    lasts = rng.choices(nm.last, weights=nm.last_weights, k=n)
    seconds = rng.choices(nm.last, weights=nm.last_weights, k=n)
    out = []
    for i in range(n):
        zip_code, city = nm.zips[rng.randrange(len(nm.zips))]
        last = lasts[i] if rng.random() > 0.05 else f"{lasts[i]}-{seconds[i]}"
        out.append(
            {
                "id": f"{prefix}{i}",
                "first_name": females[i] if sexes[i] != "M" else males[i],
                "last_name": last,
                "dob": (_START + timedelta(days=rng.randrange(_DAYS))).isoformat(),
                "sex": sexes[i],
                "zip": zip_code,
                "city": city,
            }
        )
    return out


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + rng.choice(_LETTERS) + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + rng.choice(_LETTERS) + word[i:]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def variant(p: dict[str, str], rng: random.Random, new_id: str) -> dict[str, str]:
    """The same youth as another agency might have written her down."""
    nm = names()
    q = dict(p, id=new_id)
    r = rng.random
    if r() < 0.05 and (nick := nm.nick.get(q["first_name"].lower())):
        q["first_name"] = rng.choice(nick).title()
    elif r() < 0.10:
        q["first_name"] = typo(q["first_name"], rng)
    if r() < 0.10:
        q["last_name"] = typo(q["last_name"], rng)
    elif r() < 0.05:
        parts = q["last_name"].split("-")
        q["last_name"] = parts[0] if len(parts) > 1 else f"{parts[0]} {rng.choice(nm.last)}"
    if r() < 0.02:
        q["first_name"], q["last_name"] = q["last_name"], q["first_name"]
    y, m, d = (int(x) for x in q["dob"].split("-"))
    if r() < 0.03 and d <= 12:
        q["dob"] = f"{y:04d}-{d:02d}-{m:02d}"
    elif r() < 0.05:
        q["dob"] = f"{y:04d}-{m:02d}-{max(1, min(28, d + rng.choice([-1, 1]))):02d}"
    elif r() < 0.03:
        q["dob"] = f"{m:02d}/{d:02d}/{y:04d}"  # another format, same date
    if r() < 0.10:
        q["zip"], q["city"] = nm.zips[rng.randrange(len(nm.zips))]
    for column, p_missing in (
        ("first_name", 0.02),
        ("last_name", 0.02),
        ("dob", 0.02),
        ("zip", 0.03),
        ("city", 0.05),
        ("sex", 0.10),
    ):
        if r() < p_missing:
            q[column] = ""
    if q["city"] and r() < 0.05:
        q["city"] = typo(q["city"], rng)
    if r() < 0.2:
        q["first_name"] = q["first_name"].upper()
        q["last_name"] = q["last_name"].upper()
    return q


def two_files(
    n: int, *, seed: int = 0, overlap: float = 0.5
) -> tuple[list[dict[str, str]], list[dict[str, str]], set[tuple[str, str]]]:
    """Two files of n youth each; `overlap` of the second are youth of the first. Returns both
    files and the true links (id in the first, id in the second)."""
    rng = random.Random(seed + 1)  # noqa: S311 - synthetic data, reproducible by seed
    left = people(n, seed=seed, prefix="a")
    shared = rng.sample(range(n), int(n * overlap))
    fresh = people(n - len(shared), seed=seed + 2, prefix="n")
    right = [variant(left[i], rng, f"b{k}") for k, i in enumerate(shared)]
    right += [dict(p, id=f"b{len(shared) + k}") for k, p in enumerate(fresh)]
    order = list(range(n))
    rng.shuffle(order)
    right = [right[i] for i in order]
    truth = {(left[i]["id"], f"b{k}") for k, i in enumerate(shared)}
    return left, right, truth
