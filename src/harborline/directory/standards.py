"""Provider standards (issue 14, item 3): a provider's self-assessment with the pack's
instrument — Nevada's Standards for CSEC Service Providers (Resource 3-D, `provider_standards`)
or Wisconsin's community resource inventory (`resource_inventory`, the best-practice attributes
of each service category) — with evidence, and the directory steward's review.

- Who submits: the staff of the Harborline organization linked to the provider (administrators,
  supervisors, caseworkers) — the agency assesses itself (L9715-9717).
- Who reviews: the directory's stewards (coordinators, system administrators). "Standards met"
  marks every service of the provider *vetted*; "not met" marks them so; a submitted assessment
  waits *in review*. The vetting is what every search, service page and match shows.
- The source recommends the self-assessment every year (L9784-9785): the latest review older
  than `STALE_DAYS` is reported as due again (`due_again`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.directory.models import (
    Provider,
    ProviderAssessment,
    Service,
    StandardsReview,
    Vetting,
)
from harborline.directory.selectors import EDITOR_ROLES, STEWARD_ROLES
from harborline.errors import FieldError, InvalidInput, NotFound
from harborline.instruments import services as instruments
from harborline.people.models import User
from harborline.protocols.packs import get_pack

INSTRUMENTS = ("provider_standards", "resource_inventory")
STALE_DAYS = 365
NOT_FOUND = "No such provider, or you may not assess it."


def instrument_for(pack_name: str) -> str:
    """The standards instrument the pack ships (NotFound when it has none)."""
    pack = get_pack(pack_name)
    for name in INSTRUMENTS:
        if name in pack.instruments:
            return name
    raise NotFound(f"The {pack_name} protocol has no provider standards.")


def may_submit(user: User, provider: Provider) -> bool:
    membership = user.membership_or_none
    return (
        membership is not None
        and membership.is_active
        and membership.role in EDITOR_ROLES
        and provider.organization_id is not None
        and membership.organization_id == provider.organization_id
    )


def may_review(user: User) -> bool:
    membership = user.membership_or_none
    return membership is not None and membership.is_active and membership.role in STEWARD_ROLES


@transaction.atomic
def submit(
    *, actor: User, provider_id: int, pack: str, answers: Any, evidence: str = ""
) -> ProviderAssessment:
    provider = Provider.objects.filter(pk=provider_id).first()
    if provider is None or not may_submit(actor, provider):
        raise NotFound(NOT_FOUND)
    instrument = instrument_for(pack)
    response = instruments.submit(
        actor=actor,
        pack=get_pack(pack),
        instrument=instrument,
        answers=answers,
        subject_type="directory.provider",
        subject_id=str(provider.pk),
    )
    assessment = ProviderAssessment.objects.create(
        provider=provider,
        pack=pack,
        instrument=instrument,
        response=response,
        evidence=evidence.strip()[:4000],
        submitted_by=actor,
        submitted_at=timezone.now(),
    )
    Service.objects.filter(provider=provider, vetting=Vetting.NOT_REVIEWED).update(
        vetting=Vetting.IN_REVIEW
    )
    record(actor=actor, action=Action.CREATE, obj=assessment, detail={"instrument": instrument})
    return assessment


@transaction.atomic
def review(*, actor: User, assessment_id: int, outcome: str, note: str = "") -> ProviderAssessment:
    if not may_review(actor):
        raise NotFound("No such assessment, or you may not review it.")
    assessment = ProviderAssessment.objects.select_for_update().filter(pk=assessment_id).first()
    if assessment is None:
        raise NotFound("No such assessment, or you may not review it.")
    errors = []
    if outcome not in (StandardsReview.MET, StandardsReview.NOT_MET):
        errors.append(FieldError("outcome", "Choose standards met or not met"))
    if outcome == StandardsReview.NOT_MET and not note.strip():
        errors.append(FieldError("note", "Say which standards are not met, so they can be fixed"))
    if errors:
        raise InvalidInput.fields(errors)
    assessment.status = outcome
    assessment.reviewed_by = actor
    assessment.reviewed_at = timezone.now()
    assessment.review_note = note.strip()[:4000]
    assessment.save()
    vetting = Vetting.VETTED if outcome == StandardsReview.MET else Vetting.NOT_MET
    Service.objects.filter(provider=assessment.provider).update(vetting=vetting)
    record(actor=actor, action=Action.UPDATE, obj=assessment, detail={"outcome": outcome})
    return assessment


def due_again(provider: Provider, *, now: datetime | None = None) -> bool:
    """No reviewed self-assessment in the last year."""
    now = now or timezone.now()
    latest = provider.assessments.exclude(reviewed_at=None).order_by("-reviewed_at").first()
    return (
        latest is None
        or latest.reviewed_at is None
        or (now - latest.reviewed_at > timedelta(days=STALE_DAYS))
    )
