"""Loading protocol packs: YAML files validated against their schemas, every problem named by
file, path inside it and what is wrong. Packs ship under `protocols/packs/`; an installation
can add its own directories with HARBORLINE_PACKS_DIRS (comma-separated). A pack that does not
validate is left out and reported (`rejected()`, `harborline protocols validate`, `harborline
check`); every valid pack still loads."""

from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from harborline.errors import NotFound
from harborline.instruments.schema import Instrument

from .sections import SECTIONS, Manifest

BUILTIN = Path(__file__).resolve().parent / "packs"


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path or '(top)'}: {self.message}"


class PackInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


@dataclass
class Pack:
    path: Path
    manifest: Manifest
    sections: dict[str, BaseModel] = field(default_factory=dict)
    instruments: dict[str, Instrument] = field(default_factory=dict)
    # Instruments adopted by reference (`adopts` in pack.yaml): instrument id -> the pack that
    # defines it. They are in `instruments` too, so the pack offers and scores them as its own.
    adopted: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.manifest.pack

    @property
    def version(self) -> str:
        return self.manifest.version

    def section(self, filename: str) -> Any:
        return self.sections.get(filename)

    def instrument(self, instrument_id: str) -> Instrument:
        try:
            return self.instruments[instrument_id]
        except KeyError:
            raise NotFound(f"Pack {self.name!r} has no instrument {instrument_id!r}.") from None

    @cached_property
    def source_document(self) -> str:
        return self.manifest.source.document


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


UNREADABLE = object()  # _read's answer when it has already reported the problem
WHERE = re.compile(r"^([a-z_]+(?:\[\d+\])*(?:\.[a-z_]+(?:\[\d+\])*)*): (.+)$", re.DOTALL)


def _read(path: Path, root: Path, problems: list[Problem]) -> Any:
    rel = str(path.relative_to(root.parent))
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problems.append(Problem(rel, where, f"not valid YAML: {getattr(e, 'problem', e)}"))
    except (OSError, UnicodeDecodeError) as e:
        problems.append(Problem(rel, "", f"cannot be read: {e}"))
    return UNREADABLE


def _validate(model: type[BaseModel], data: Any, rel: str, problems: list[Problem]) -> Any:
    if data is UNREADABLE:
        return None
    if data is None:
        problems.append(Problem(rel, "", "is empty"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as e:
        for err in e.errors():
            message = err["msg"].removeprefix("Value error, ")
            path = _path(tuple(err["loc"]))
            # Checks across a whole model name their own place: "rules[0].when: ...".
            found = WHERE.match(message)
            if found:
                path = f"{path}.{found.group(1)}" if path else found.group(1)
                message = found.group(2)
            problems.append(Problem(rel, path, message))
    return None


def load_pack(path: Path) -> Pack:
    """Read and validate one pack directory; PackInvalid lists every problem found."""
    path = Path(path)
    problems: list[Problem] = []
    if not (path / "pack.yaml").is_file():
        raise PackInvalid(
            [Problem(f"{path.name}/pack.yaml", "", "missing: every pack needs a manifest")]
        )
    manifest = _validate(
        Manifest, _read(path / "pack.yaml", path, problems), f"{path.name}/pack.yaml", problems
    )
    pack = Pack(path=path, manifest=manifest)
    for file in sorted(path.glob("*.yaml")):
        if file.name == "pack.yaml":
            continue
        rel = f"{path.name}/{file.name}"
        schema = SECTIONS.get(file.name)
        if schema is None:
            problems.append(
                Problem(
                    rel,
                    "",
                    "unknown file; a pack holds: pack.yaml, "
                    f"{', '.join(SECTIONS)}, instruments/*.yaml",
                )
            )
            continue
        section = _validate(schema, _read(file, path, problems), rel, problems)
        if section is not None:
            pack.sections[file.name] = section
    for file in sorted((path / "instruments").glob("*.yaml")):
        rel = f"{path.name}/instruments/{file.name}"
        instrument = _validate(Instrument, _read(file, path, problems), rel, problems)
        if instrument is None:
            continue
        if instrument.instrument != file.stem:
            problems.append(Problem(rel, "instrument", f"must match the file name ({file.stem!r})"))
        pack.instruments[instrument.instrument] = instrument
    if manifest is not None and manifest.pack != path.name:
        problems.append(
            Problem(
                f"{path.name}/pack.yaml", "pack", f"must match the directory name ({path.name!r})"
            )
        )
    # Rules naming an adopted instrument are checked once it is resolved (check_all).
    problems.extend(_check_screening_rules(pack, path.name, skip=_adopted_ids(pack)))
    geography = pack.sections.get("geography.yaml")
    if geography is not None and manifest is not None and geography.pack != manifest.pack:  # type: ignore[attr-defined]  # the geography section is a Geography model
        problems.append(
            Problem(f"{path.name}/geography.yaml", "pack", f"must be {manifest.pack!r}")
        )
    if problems:
        raise PackInvalid(problems)
    return pack


def _adopted_ids(pack: Pack) -> set[str]:
    manifest = pack.manifest
    return {ref.instrument for ref in manifest.adopts} if manifest is not None else set()


def _check_screening_rules(
    pack: Pack, name: str, *, skip: set[str] | None = None, only: set[str] | None = None
) -> list[Problem]:
    """A screening rule names an instrument of the pack, and its conditions name only the
    instrument's results (a screening's triggers are decided from results, not answers).
    `skip`/`only` leave out or keep only the rules naming those instruments."""
    from harborline.instruments.conditions import ConditionError, check

    section = pack.sections.get("obligations.yaml")
    found: list[Problem] = []
    rel = f"{name}/obligations.yaml"
    for i, rule in enumerate(getattr(section, "screening", [])):
        if (skip and rule.instrument in skip) or (only is not None and rule.instrument not in only):
            continue
        instrument = pack.instruments.get(rule.instrument)
        if instrument is None:
            found.append(Problem(rel, f"screening[{i}].instrument", "no such instrument"))
            continue
        results = {r.id for r in instrument.results}

        def result(rid: str, where: str, results: set[str] = results) -> None:
            if rid not in results:
                raise ConditionError(f"{where}: {rid!r} is not a result of the instrument")

        def no_item(item_id: str, where: str) -> None:
            raise ConditionError(f"{where}: screening rules look at results, not answers")

        for j, entry in enumerate(rule.triggers):
            where = f"screening[{i}].triggers[{j}].when"
            try:
                check(entry.when, where=where, item=no_item, pattern=no_item, result=result)
            except ConditionError as exc:
                found.append(Problem(rel, where, str(exc).split(": ", 1)[-1]))
    return found


def _extra_roots() -> list[Path]:
    listed = os.environ.get("HARBORLINE_PACKS_DIRS", "").split(",")
    return [Path(p.strip()) for p in listed if p.strip()]


def _looks_like_pack(path: Path) -> bool:
    return path.is_dir() and (
        (path / "pack.yaml").is_file() or any(path.glob("*.yaml")) or any(path.glob("*.yml"))
    )


def pack_dirs() -> list[Path]:
    """The shipped packs, then those in HARBORLINE_PACKS_DIRS, read on each call (tests set it).
    Read here rather than through `harborline.config.env`: protocols sits below config. In an
    operator's directory, a folder holding YAML files but no pack.yaml counts too, so that its
    missing manifest is reported rather than the folder silently skipped."""
    found: list[Path] = sorted(p for p in BUILTIN.iterdir() if (p / "pack.yaml").is_file())
    for root in _extra_roots():
        if root.is_dir():
            found.extend(sorted(p for p in root.iterdir() if _looks_like_pack(p)))
    return found


def root_problems() -> dict[Path, list[Problem]]:
    """HARBORLINE_PACKS_DIRS entries that cannot hold packs: a path that is not a directory,
    or a pack's own directory given instead of the directory that holds it."""
    found: dict[Path, list[Problem]] = {}
    for root in _extra_roots():
        if not root.is_dir():
            found[root] = [Problem(str(root), "", "HARBORLINE_PACKS_DIRS: no such directory")]
        elif (root / "pack.yaml").is_file():
            found[root] = [
                Problem(
                    str(root),
                    "",
                    "HARBORLINE_PACKS_DIRS names a pack; give the directory that holds packs "
                    f"({root.parent})",
                )
            ]
    return found


_lock = threading.Lock()
_registry: dict[str, Pack] | None = None
_rejected: dict[Path, list[Problem]] = {}
log = logging.getLogger("harborline.protocols")


def check_all(paths: list[Path] | None = None) -> tuple[dict[str, Pack], dict[Path, list[Problem]]]:
    """Read every pack directory (default: `pack_dirs()`): the valid packs by name, and the
    problems of each directory left out. One invalid pack never keeps the others out; a pack
    whose name an earlier directory already has is left out too (the shipped packs come first,
    so an operator's pack cannot silently replace one)."""
    loaded: dict[str, Pack] = {}
    rejected: dict[Path, list[Problem]] = root_problems() if paths is None else {}
    for path in pack_dirs() if paths is None else paths:
        try:
            pack = load_pack(path)
        except PackInvalid as invalid:
            rejected[path] = invalid.problems
            continue
        if pack.name in loaded:
            rejected[path] = [
                Problem(
                    f"{path.name}/pack.yaml",
                    "pack",
                    f"a pack named {pack.name!r} is already loaded from {loaded[pack.name].path}",
                )
            ]
            continue
        loaded[pack.name] = pack
    _resolve_adoptions(loaded, rejected, outside=paths is not None)
    return loaded, rejected


def _resolve_adoptions(
    loaded: dict[str, Pack], rejected: dict[Path, list[Problem]], *, outside: bool
) -> None:
    """Give each pack the instruments it adopts by reference (`adopts` in pack.yaml), from the
    pack that defines them; a reference that does not resolve leaves the adopting pack out,
    with the problem named. `outside`: when only some directories are checked (`validate
    PATH`), a referenced pack may be one of the installed ones."""
    for pack in list(loaded.values()):
        refs = pack.manifest.adopts
        if not refs:
            continue
        rel = f"{pack.path.name}/pack.yaml"
        problems: list[Problem] = []
        for i, ref in enumerate(refs):
            where = f"adopts[{i}]"
            source = loaded.get(ref.pack)
            if source is None and outside and ref.pack != pack.name:
                source = registry().get(ref.pack)
            if source is None or ref.pack == pack.name:
                problems.append(Problem(rel, f"{where}.pack", f"no other loaded pack {ref.pack!r}"))
                continue
            if ref.instrument in source.adopted:
                problems.append(
                    Problem(
                        rel,
                        f"{where}.instrument",
                        f"{ref.pack!r} adopted {ref.instrument!r} itself; adopt it from "
                        f"{source.adopted[ref.instrument]!r}, the pack that defines it",
                    )
                )
                continue
            instrument = source.instruments.get(ref.instrument)
            if instrument is None:
                problems.append(
                    Problem(rel, f"{where}.instrument", f"pack {ref.pack!r} has no such instrument")
                )
                continue
            if ref.instrument in pack.instruments:
                problems.append(
                    Problem(
                        rel, f"{where}.instrument", "the pack has an instrument of that id already"
                    )
                )
                continue
            pack.instruments[ref.instrument] = instrument
            pack.adopted[ref.instrument] = ref.pack
        problems.extend(_check_screening_rules(pack, pack.path.name, only=set(pack.adopted)))
        if problems:
            del loaded[pack.name]
            rejected[pack.path] = problems


def registry() -> dict[str, Pack]:
    """Every valid pack, loaded once per process (packs are files shipped with a release). An
    invalid pack is left out and logged; `rejected()` says which and why."""
    global _registry, _rejected
    with _lock:
        if _registry is None:
            loaded, rejected = check_all()
            for path, problems in rejected.items():
                log.warning(
                    "protocol pack %s left out (%d problem(s)): %s",
                    path,
                    len(problems),
                    "; ".join(map(str, problems)),
                )
            _registry, _rejected = loaded, rejected
        return _registry


def rejected() -> dict[Path, list[Problem]]:
    """The pack directories left out of the registry, with their problems."""
    registry()
    return dict(_rejected)


def reset_registry() -> None:
    global _registry, _rejected
    with _lock:
        _registry = None
        _rejected = {}


def get_pack(name: str) -> Pack:
    try:
        return registry()[name]
    except KeyError:
        raise NotFound(f"No protocol pack named {name!r}.") from None
