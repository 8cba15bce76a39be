"""Synthetic data: deterministic for a seed, never real people. `seed()` is the entry point
used by `harborline seed`, `harborline demo` and the benchmark (bench/run.py).

How the package is organised: one module per domain, each with a `build(ctx)` that makes its
rows with `bulk_create` from its own random stream (`base.Context.rng`), and `seed()` calls them
in dependency order inside one transaction. Today that is `people` (organizations, users,
memberships, authenticator devices), then `cases` (youth, cases, screenings, obligations,
shares and consent, notes, MDT meetings, break-glass), `taskforce`, `training`, `agreements`,
`linkage` (the statistical center's same-youth linkage, demo only) and `mentoring`, then
`directory` (the HSDS service directory); a new domain adds its module and a call in `seed()`
after the modules it depends on. The proportions each module uses are named
constants at its top, with where they come from; Nevada's own figures live in `nevada.py`.

Same seed, same scale, empty database: the same rows (dates come from a fixed calendar in
`base.py`, never from the clock) — with two exceptions, so the demo is lively whenever it is
seeded: demo-scale cases are told relative to the moment of seeding (`cases.demo_now`, so some
obligations are due in the next hours and some overdue), and the mentor-advocates' on-call
schedule covers the week of seeding. The number of rows never depends on the date."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# Demo mode and synthetic data only; printed by `make demo`. Never a real account's password.
DEMO_PASSWORD = "harborline-demo-passphrase"  # noqa: S105


@dataclass
class DemoLogin:
    email: str
    role: str
    organization: str
    what: str = ""  # "" for the one login per role; else what it shows ("law enforcement")


@dataclass
class SeedReport:
    scale: str
    seed: int
    pack: str = "nevada"
    counts: dict[str, int] = field(default_factory=dict)
    demo_logins: list[DemoLogin] = field(default_factory=list)
    screening_instrument: str = ""  # what the demo's cases were screened with ("" = none)


def seed(
    *,
    scale: str = "demo",
    seed: int = 1,
    pack: str = "nevada",
    progress: Callable[[str], None] | None = None,
    _factor: float = 1.0,
) -> SeedReport:
    """Load synthetic data into an empty database. `scale` is "demo" (a couple of dozen
    organizations, one login per role) or "state" (Nevada at full size, for benchmarks).
    `pack` is the demo's state (nevada, washington, wisconsin: states.py): its counties,
    categories, training courses and screening instrument; state scale is Nevada's only.
    `_factor` shrinks state scale for tests; leave it at 1."""
    from django.db import transaction

    from harborline.audit.models import Action
    from harborline.audit.services import record
    from harborline.errors import InvalidInput
    from harborline.protocols.geography import load_geography
    from harborline.protocols.models import County

    from . import (
        agreements,
        cases,
        directory,
        linkage,
        mentoring,
        missing,
        people,
        taskforce,
        training,
    )
    from .base import SCALES, Context
    from .plans import build as build_plans
    from .states import STATES

    if scale not in SCALES:
        raise InvalidInput.field("scale", f"{scale!r} is not one of: {', '.join(SCALES)}")
    if not 0 < _factor <= 1:
        raise InvalidInput.field("_factor", "must be more than 0 and at most 1")
    if pack not in STATES:
        raise InvalidInput.field("pack", f"{pack!r} is not one of: {', '.join(sorted(STATES))}")
    if scale != "demo" and pack != people.PACK:
        raise InvalidInput.field("pack", f"state scale is Nevada's; {pack!r} has a demo only")
    ctx = Context(scale=scale, seed=seed, pack=pack, factor=_factor, progress=progress)
    report = SeedReport(scale=scale, seed=seed, pack=pack)
    with transaction.atomic():
        if not County.objects.filter(pack=pack).exists():
            load_geography(pack)
            ctx.say(f"geography: loaded the {pack} pack")
        logins = people.build(ctx)
        report.screening_instrument = cases.build(ctx)
        # Safety plans and missing episodes use Nevada's instruments and rules (9-A, 9-B, 9-F).
        if cases.has_instrument(pack, "safety_assessment"):
            build_plans(ctx)
        if cases.has_instrument(pack, "runaway_report"):
            missing.build(ctx)
        taskforce.build(ctx)
        training.build(ctx)
        agreements.build(ctx)
        linkage.build(ctx)
        mentoring.build(ctx)
        directory.build(ctx)
        record(
            actor=None,
            action=Action.CREATE,
            object_type="synthetic.seed",
            object_id=f"{scale}:{seed}",
            detail=dict(ctx.counts),
            actor_email="seed",
        )
    report.counts = dict(ctx.counts)
    report.demo_logins = [
        DemoLogin(email=e, role=r, organization=o, what=w) for e, r, o, w in logins
    ]
    return report
