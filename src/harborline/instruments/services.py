"""Every write of completed instruments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from django.db import transaction

from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.errors import Forbidden

from .engine import evaluate
from .models import InstrumentResponse

if TYPE_CHECKING:
    from harborline.people.models import User

    from .schema import Instrument

SCREENING = "screening"  # the access compartment youth instruments' answers and results sit in


class InstrumentSource(Protocol):
    """What storing a completed instrument needs from a protocol pack: its name and version
    (recorded with the answers) and its instrument definitions. `protocols.packs.Pack` is one.
    Instruments sit below protocols, so the caller looks the pack up, not this module."""

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    def instrument(self, instrument_id: str) -> Instrument: ...


def compartments_for(*, about_youth: bool) -> list[str]:
    return [SCREENING] if about_youth else []


@transaction.atomic
def submit(
    *,
    actor: User,
    pack: InstrumentSource,
    instrument: str,
    answers: Any,
    subject_type: str = "",
    subject_id: str = "",
) -> InstrumentResponse:
    """Score `answers` with the pack's instrument and store them with the pack version that
    scored them (the caller resolves the pack: `protocols.packs.get_pack`). NotFound for an
    unknown instrument, InvalidInput (one error per field)
    for bad answers, Forbidden for an actor who may not record this instrument."""
    rules = actor.rules
    membership = actor.membership_or_none
    if membership is None or rules is None:
        raise Forbidden("Only a member of an organization can submit an instrument.")
    the_pack = pack
    definition = the_pack.instrument(instrument)
    if definition.about_youth and not rules.sees_youth_data:
        raise Forbidden(f"Your role may not record {definition.title}: it holds youth data.")
    evaluation = evaluate(
        pack=the_pack.name, version=the_pack.version, instrument=definition, answers=answers
    )
    derived = {"results": evaluation.results, "actions": evaluation.actions}
    response = InstrumentResponse.objects.create(
        pack=the_pack.name,
        pack_version=the_pack.version,
        instrument=definition.instrument,
        about_youth=definition.about_youth,
        answers=evaluation.answers,
        results={} if definition.about_youth else evaluation.results,
        actions=[] if definition.about_youth else evaluation.actions,
        sealed=derived if definition.about_youth else None,
        organization=membership.organization,
        submitted_by=actor,
        subject_type=subject_type,
        subject_id=subject_id,
    )
    record(
        actor=actor,
        action=Action.CREATE,
        obj=response,
        owner_org=membership.organization,
        compartments=compartments_for(about_youth=definition.about_youth),
        detail={
            "pack": the_pack.name,
            "pack_version": the_pack.version,
            "instrument": definition.instrument,
        },
    )
    return response
