"""Pack versions over time (issue 15, item 5): every instrument is recorded as each pack version
defined it, so a record made under an earlier version can still be shown with that version's
labels; and an upgrade migrates nothing silently: the stored answers that no longer fit the
current version are listed, never rewritten (docs/protocol-packs.md, "Versions")."""

from __future__ import annotations

from dataclasses import dataclass

from harborline.errors import InvalidInput
from harborline.instruments.engine import validate
from harborline.instruments.models import InstrumentResponse
from harborline.instruments.schema import Instrument

from .models import InstrumentDefinition
from .packs import registry


def record_definitions() -> tuple[int, list[str]]:
    """Record each loaded instrument under its pack's version (once). Returns how many were new,
    and a warning for each instrument whose definition changed while the version stayed the
    same (the first definition is kept: records made under that version refer to it)."""
    new = 0
    warnings: list[str] = []
    for name, pack in sorted(registry().items()):
        for instrument_id, instrument in sorted(pack.instruments.items()):
            definition = instrument.model_dump(mode="json")
            stored, created = InstrumentDefinition.objects.get_or_create(
                pack=name,
                version=pack.version,
                instrument=instrument_id,
                defaults={"definition": definition},
            )
            new += created
            if not created and stored.definition != definition:
                warnings.append(
                    f"{name}/instruments/{instrument_id}.yaml changed but pack {name!r} is still "
                    f"version {pack.version}: give the pack a new version (records made under "
                    f"{pack.version} keep the definition first recorded)"
                )
    return new, warnings


def definition_for(pack: str, version: str, instrument: str) -> Instrument | None:
    """The instrument as `version` of the pack defined it: the loaded one when that is the
    version loaded, else the recorded one; None when neither is known."""
    loaded = registry().get(pack)
    if loaded is not None and loaded.version == version and instrument in loaded.instruments:
        return loaded.instruments[instrument]
    stored = InstrumentDefinition.objects.filter(
        pack=pack, version=version, instrument=instrument
    ).first()
    return Instrument.model_validate(stored.definition) if stored else None


@dataclass(frozen=True)
class Misfit:
    """A stored response whose answers the loaded pack version would not accept."""

    response_id: int
    pack: str
    scored_with: str
    current: str
    instrument: str
    fields: tuple[str, ...]  # the items named by the current version's checks; never the answers

    def __str__(self) -> str:
        where = ", ".join(self.fields)
        return (
            f"response #{self.response_id}: {self.pack}/{self.instrument} scored with "
            f"{self.scored_with}; under {self.current}: {where}"
        )


def answers_that_no_longer_fit() -> list[Misfit]:
    """Stored responses scored under another version of a loaded pack whose answers the loaded
    version refuses (an item removed, an option renamed, a new required item, ...). Nothing is
    changed: the records keep their answers, results and version. Only ids and item names are
    returned, never an answer (this runs for the operator, not for a person reading a case)."""
    found: list[Misfit] = []
    packs = registry()
    stale = InstrumentResponse.objects.filter(pack__in=list(packs)).order_by("pk")
    for response in stale.iterator():
        pack = packs[response.pack]
        if response.pack_version == pack.version:
            continue
        current = pack.instruments.get(response.instrument)
        fields: tuple[str, ...]
        if current is None:
            fields = ("(the instrument is no longer in the pack)",)
        else:
            try:
                validate(current, response.answers)
                continue
            except InvalidInput as refused:
                fields = tuple(sorted({e.field for e in refused.errors})) or ("answers",)
        found.append(
            Misfit(
                response_id=response.pk,
                pack=response.pack,
                scored_with=response.pack_version,
                current=pack.version,
                instrument=response.instrument,
                fields=fields,
            )
        )
    return found
