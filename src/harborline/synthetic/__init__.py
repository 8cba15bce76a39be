"""Synthetic data: deterministic for a seed, never real people. `seed()` is the entry point
used by `harborline seed` and `harborline demo` (interface fixed; generator being built)."""

from __future__ import annotations

from dataclasses import dataclass, field

DEMO_PASSWORD = "harborline-demo-passphrase"  # demo mode only; printed by `make demo`


@dataclass
class DemoLogin:
    email: str
    role: str
    organization: str


@dataclass
class SeedReport:
    scale: str
    seed: int
    counts: dict[str, int] = field(default_factory=dict)
    demo_logins: list[DemoLogin] = field(default_factory=list)


def seed(*, scale: str = "demo", seed: int = 1, progress=None) -> SeedReport:  # type: ignore[no-untyped-def]
    raise NotImplementedError("being built")
