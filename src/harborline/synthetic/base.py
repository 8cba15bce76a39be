"""What every synthetic-data module shares: the run's context, its random streams, the fixed
calendar, and a fair way to split a total.

Each domain module draws from its own named random stream (`Context.rng("people")`), so a module
added later (cases, screenings, ...) never changes the rows an earlier module makes for the same
seed."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

# The synthetic record covers ten Nevada state fiscal years, FY2016 to FY2025. Every date-like
# value is computed from these fixed dates, never from the clock, so a seed always gives the same
# rows.
PERIOD_START = date(2015, 7, 1)
PERIOD_END = date(2025, 6, 30)
PERIOD_DAYS = (PERIOD_END - PERIOD_START).days

SCALES = ("demo", "state")


@dataclass
class Context:
    """One seed run: which scale, which seed, how to report progress, and what was made."""

    scale: str
    seed: int
    pack: str = "nevada"  # the demo's state (synthetic/states.py); state scale is Nevada's
    factor: float = 1.0  # shrinks state scale for tests; 1.0 is the real size
    progress: Callable[[str], None] | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def rng(self, stream: str) -> random.Random:
        """An independent, deterministic random stream for one part of the data set."""
        # Not for secrets: synthetic data must repeat exactly for a seed.
        return random.Random(f"harborline:{self.seed}:{stream}")  # noqa: S311

    def say(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message)

    def scaled(self, number: int, minimum: int = 0) -> int:
        """A state-scale quantity multiplied by the test factor."""
        return max(minimum, round(number * self.factor))


def day_in_period(rng: random.Random, *, not_before: date = PERIOD_START) -> date:
    start = max(not_before, PERIOD_START)
    return start + timedelta(days=rng.randint(0, (PERIOD_END - start).days))


def moment(day: date, rng: random.Random) -> datetime:
    """A time during office hours in Nevada on that day, in UTC. Nevada is taken as UTC-8 all
    year (daylight saving time is ignored: an hour's shift does not matter to synthetic data)."""
    minutes = rng.randint(8 * 60, 17 * 60)
    local = datetime.combine(day, time(minutes // 60, minutes % 60))
    return (local + timedelta(hours=8)).replace(tzinfo=UTC)


def apportion(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Split `total` into whole shares proportional to `weights` (largest remainder), giving
    every share at least `minimum`. If the minimums alone exceed the total, each gets the
    minimum and the result sums to more than `total`."""
    count = len(weights)
    if count == 0:
        return []
    base = [minimum] * count
    rest = total - minimum * count
    weight_sum = float(sum(weights))
    if rest <= 0 or weight_sum <= 0:
        return base
    exact = [rest * w / weight_sum for w in weights]
    shares = [math.floor(x) for x in exact]
    left = rest - sum(shares)
    by_remainder = sorted(range(count), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in by_remainder[:left]:
        shares[i] += 1
    return [b + s for b, s in zip(base, shares, strict=True)]
