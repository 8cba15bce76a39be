"""Every read of completed instruments: only the actor's organization's, and every read of a
youth instrument's response is recorded in the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet

from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.errors import NotFound

from .models import InstrumentResponse
from .services import compartments_for

if TYPE_CHECKING:
    from harborline.people.models import User

DEFAULT_LIMIT = 100


def _visible(actor: User) -> QuerySet[InstrumentResponse]:
    membership = actor.membership_or_none
    rules = actor.rules
    if membership is None or rules is None:
        return InstrumentResponse.objects.none()
    responses = InstrumentResponse.objects.filter(organization_id=membership.organization_id)
    if not rules.sees_youth_data:
        responses = responses.filter(about_youth=False)
    return responses.select_related("organization", "submitted_by")


def _audit_reads(actor: User, rows: list[InstrumentResponse]) -> None:
    for row in rows:
        if row.about_youth:
            record(
                actor=actor,
                action=Action.VIEW,
                obj=row,
                owner_org=row.organization,
                compartments=compartments_for(about_youth=True),
            )


@transaction.atomic
def responses_for(
    actor: User,
    *,
    pack: str = "",
    instrument: str = "",
    limit: int = DEFAULT_LIMIT,
) -> list[InstrumentResponse]:
    """The newest responses of the actor's organization (optionally of one pack or
    instrument). Roles that may not see youth data get only instruments not about a youth."""
    responses = _visible(actor)
    if pack:
        responses = responses.filter(pack=pack)
    if instrument:
        responses = responses.filter(instrument=instrument)
    rows = list(responses[: max(0, limit)])
    _audit_reads(actor, rows)
    return rows


@transaction.atomic
def response_for(actor: User, response_id: int) -> InstrumentResponse:
    """One response, or NotFound, the same whether it does not exist or is not the actor's
    to see (existence does not leak)."""
    row = _visible(actor).filter(pk=response_id).first()
    if row is None:
        raise NotFound()
    _audit_reads(actor, [row])
    return row
