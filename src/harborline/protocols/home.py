"""The installation's home pack: the one protocol pack whose rules, clocks, categories and
wording apply (docs/decisions/0046-home-pack.md). Several packs may be loaded for reference; one
is home. The operator chooses it with HARBORLINE_PACK (default `nevada`), which the settings
read into `settings.HARBORLINE_PACK`; everything below the configuration asks `home_pack_name()`
here rather than writing a pack's name.

A name that is not a loaded pack stops Harborline from starting (`check_home_pack`, a Django
system check, also run by `harborline serve`, `worker`, `demo` and the WSGI entry point)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from harborline.errors import InvalidInput

from .packs import Pack, get_pack, registry

DEFAULT_PACK = "nevada"


def home_pack_name() -> str:
    """The name of the installation's home pack (HARBORLINE_PACK; `nevada` when unset)."""
    return str(getattr(settings, "HARBORLINE_PACK", "") or DEFAULT_PACK)


def home_pack() -> Pack:
    """The installation's home pack, loaded (NotFound when HARBORLINE_PACK names no loaded
    pack; `check_home_pack` refuses to start in that case)."""
    return get_pack(home_pack_name())


def home_pack_problem(name: str | None = None) -> str:
    """Why `name` (default: the configured home pack) cannot be the home pack, or "" when it
    can: it must be a loaded pack with geography of its own (a pack written for any county,
    such as `county-protocol`, is adopted by a county of a state pack, never home)."""
    name = home_pack_name() if name is None else name
    loaded = registry()
    homes = sorted(n for n, p in loaded.items() if _has_counties(p))
    if name not in loaded:
        return (
            f"HARBORLINE_PACK={name!r} is not a loaded protocol pack; set it to one of: "
            f"{', '.join(homes)}"
        )
    if not _has_counties(loaded[name]):
        return (
            f"HARBORLINE_PACK={name!r} has no counties of its own (a county adopts it: "
            f"`harborline protocols adopt {name} --county ...`); set it to one of: "
            f"{', '.join(homes)}"
        )
    return ""


def _has_counties(pack: Pack) -> bool:
    geography = pack.section("geography.yaml")
    return bool(getattr(geography, "counties", None))


def require_home_pack() -> None:
    """Refuse to go on (ImproperlyConfigured, one clear line) when HARBORLINE_PACK is wrong."""
    problem = home_pack_problem()
    if problem:
        raise ImproperlyConfigured(problem)


@checks.register(checks.Tags.compatibility)
def check_home_pack(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Django system check: HARBORLINE_PACK names a loaded state pack."""
    problem = home_pack_problem()
    if not problem:
        return []
    return [
        checks.Error(
            problem,
            hint="HARBORLINE_PACK chooses the pack whose rules apply (docs/operations.md).",
            id="harborline.E001",
        )
    ]


def screening_instrument(pack: Pack | None = None) -> str:
    """The instrument a youth is screened with unless the person picks another (default: the
    home pack's): the first the pack's obligation rules name as a screening (`obligations.yaml`,
    `screening:`) that is about a youth, else the pack's first youth instrument by title, of
    its own instruments (not one adopted by reference). "" when the pack has none (Washington's
    toolkit names none): a case is then opened without a screening."""
    pack = home_pack() if pack is None else pack
    # An instrument adopted by reference (`adopts`) is offered, never the default: a pack that
    # names none of its own (Washington's) still opens cases on the concern it records.
    own = {k: v for k, v in pack.instruments.items() if k not in pack.adopted}
    rules = getattr(pack.section("obligations.yaml"), "screening", None) or []
    for rule in rules:
        found = own.get(rule.instrument)
        if found is not None and found.about_youth:
            return found.instrument
    youth = sorted((i for i in own.values() if i.about_youth), key=lambda i: i.title)
    return youth[0].instrument if youth else ""


def default_screening_instrument() -> str:
    """The home pack's screening instrument, for a screening that names none; refused on the
    `instrument` field when the home pack has none (Washington's), so the person names one."""
    found = screening_instrument()
    if not found:
        raise InvalidInput.field(
            "instrument",
            f"The {home_pack_name()} pack names no screening instrument; give the instrument "
            "to screen with",
        )
    return found
