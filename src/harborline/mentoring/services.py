"""Every write of the mentor-advocate program: the roster, qualifications, readiness reviews,
supervision and on-call shifts."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    check_version,
)
from harborline.people.models import Organization, User
from harborline.protocols.geography import find_county
from harborline.protocols.models import Region

from .models import (
    MentorAdvocate,
    OnCallShift,
    QualificationRoute,
    ReadinessReview,
    SupervisionSession,
)
from .permissions import Do, may, may_on

MAX_SHIFT_HOURS = 7 * 24


def _require(actor: User, action: Do, advocate: MentorAdvocate) -> None:
    if not may_on(actor, Do.READ, advocate) and not may_on(actor, action, advocate):
        raise NotFound()
    if not may_on(actor, action, advocate):
        raise Forbidden("Only the program's supervisors and administrators can do this.")


def _audit(
    actor: User | None, action: str, obj: object, advocate: MentorAdvocate, **detail: object
) -> None:
    record(
        actor=actor,
        action=action,
        obj=obj,  # type: ignore[arg-type]  # record() accepts any model instance
        owner_org=advocate.organization,
        detail={"advocate": advocate.user.email, **detail},
    )


def _today(actor: User) -> date:
    m = actor.membership_or_none
    tz = m.organization.time_zone if m else "America/Los_Angeles"
    from zoneinfo import ZoneInfo

    return timezone.now().astimezone(ZoneInfo(tz)).date()


@transaction.atomic
def add_to_program(*, actor: User, user: User, phone: str = "") -> MentorAdvocate:
    """Put a user of the actor's organization (any user, usually one with the mentor-advocate
    role) on the roster; re-activates a former member."""
    membership = user.membership_or_none
    if membership is None or not may(actor, Do.MANAGE, organization_id=membership.organization_id):
        raise NotFound()
    existing = MentorAdvocate.objects.select_for_update().filter(user=user).first()
    if existing is not None:
        if existing.active:
            raise Conflict(
                f"{user.email} is already on the roster.",
                errors=[FieldError("user", "already on the roster")],
            )
        existing.active = True
        existing.organization = membership.organization
        existing.version += 1
        existing.save(update_fields=["active", "organization", "version"])
        _audit(actor, Action.UPDATE, existing, existing, changed=["active"])
        return existing
    advocate = MentorAdvocate.objects.create(
        user=user, organization=membership.organization, phone=(phone or "").strip()[:40]
    )
    _audit(actor, Action.CREATE, advocate, advocate)
    return advocate


@transaction.atomic
def update_advocate(
    *,
    actor: User,
    advocate: MentorAdvocate,
    version: int | None,
    phone: str | None = None,
    qualification_route: str | None = None,
    background_check_on: date | None = None,
    is_survivor: bool | None = None,
    training_url: str | None = None,
    caseload_min: int | None = None,
    caseload_max: int | None = None,
    active: bool | None = None,
) -> MentorAdvocate:
    advocate = MentorAdvocate.objects.select_for_update().select_related("user").get(pk=advocate.pk)
    _require(actor, Do.MANAGE, advocate)
    check_version(advocate.version, version)
    errors: list[FieldError] = []
    changed: list[str] = []

    def put(name: str, value: object) -> None:
        if value is not None and getattr(advocate, name) != value:
            setattr(advocate, name, value)
            changed.append(name)

    if phone is not None:
        phone = phone.strip()
        if len(phone) > 40 or (phone and not any(ch.isdigit() for ch in phone)):
            errors.append(FieldError("phone", "give a phone number (up to 40 characters)"))
        put("phone", phone)
    if qualification_route is not None:
        if qualification_route and qualification_route not in QualificationRoute.values:
            errors.append(FieldError("qualification_route", "choose one of the listed routes"))
        put("qualification_route", qualification_route)
    if background_check_on is not None:
        if background_check_on > _today(actor):
            errors.append(FieldError("background_check_on", "must not be in the future"))
        put("background_check_on", background_check_on)
    if training_url is not None:
        url = training_url.strip()
        if url and not url.startswith(("https://", "http://")):
            errors.append(FieldError("training_url", "give a web address starting with https://"))
        put("training_url", url[:200])
    low = caseload_min if caseload_min is not None else advocate.caseload_min
    high = caseload_max if caseload_max is not None else advocate.caseload_max
    if not 0 <= low <= high <= 50:
        errors.append(FieldError("caseload_max", "give a range with 0 <= minimum <= maximum <= 50"))
    put("caseload_min", caseload_min)
    put("caseload_max", caseload_max)
    put("is_survivor", is_survivor)
    put("active", active)
    if errors:
        raise InvalidInput.fields(errors)
    if changed:
        advocate.version += 1
        advocate.save(update_fields=[*changed, "version"])
        # the survivor flag itself is not written to the audit detail
        _audit(actor, Action.UPDATE, advocate, advocate, changed=sorted(changed))
    return advocate


@transaction.atomic
def record_readiness_review(
    *, actor: User, advocate: MentorAdvocate, reviewed_on: date, reviewer: str, outcome: str
) -> ReadinessReview:
    _require(actor, Do.MANAGE, advocate)
    errors = []
    if reviewed_on is None or reviewed_on > _today(actor):
        errors.append(FieldError("reviewed_on", "give the date of the review (not in the future)"))
    if not 1 <= len((reviewer or "").strip()) <= 200:
        errors.append(FieldError("reviewer", "name the clinician who did the review"))
    if outcome not in ReadinessReview.Outcome.values:
        errors.append(FieldError("outcome", "choose an outcome"))
    if errors:
        raise InvalidInput.fields(errors)
    review = ReadinessReview.objects.create(
        advocate=advocate,
        reviewed_on=reviewed_on,
        reviewer=reviewer.strip(),
        outcome=outcome,
        recorded_by=actor,
    )
    _audit(actor, Action.CREATE, review, advocate)
    return review


@transaction.atomic
def log_supervision(
    *,
    actor: User,
    advocate: MentorAdvocate,
    held_on: date,
    kind: str = "individual",
    notes: str = "",
) -> SupervisionSession:
    """Log a supervision session; the actor is the supervisor. Notes are about the
    mentor-advocate's work and well-being, never about a youth."""
    _require(actor, Do.SUPERVISE, advocate)
    errors = []
    if held_on is None or held_on > _today(actor):
        errors.append(FieldError("held_on", "give the date it was held (not in the future)"))
    if kind not in SupervisionSession.Kind.values:
        errors.append(FieldError("kind", "choose individual or group"))
    if len(notes or "") > 5000:
        errors.append(FieldError("notes", "keep notes under 5,000 characters"))
    if errors:
        raise InvalidInput.fields(errors)
    session = SupervisionSession.objects.create(
        advocate=advocate, held_on=held_on, kind=kind, supervisor=actor, notes=(notes or "").strip()
    )
    _audit(actor, Action.CREATE, session, advocate, held_on=str(held_on))
    return session


@transaction.atomic
def add_shift(
    *,
    actor: User,
    advocate: MentorAdvocate,
    starts_at: datetime,
    ends_at: datetime,
    county: str = "",
    region: str = "",
    organization: Organization | None = None,
    phone: str = "",
) -> OnCallShift:
    """Put a mentor-advocate on call from `starts_at` to `ends_at` (aware datetimes, stored in
    UTC) for a county, a region, an organization or (none given) statewide."""
    _require(actor, Do.SCHEDULE, advocate)
    errors = []
    if not advocate.active:
        errors.append(FieldError("advocate", "this person is no longer on the roster"))
    if starts_at is None or timezone.is_naive(starts_at):
        errors.append(FieldError("starts_at", "give a start date and time"))
    if ends_at is None or timezone.is_naive(ends_at):
        errors.append(FieldError("ends_at", "give an end date and time"))
    elif starts_at is not None and not timezone.is_naive(starts_at):
        hours = (ends_at - starts_at).total_seconds() / 3600
        if hours <= 0:
            errors.append(FieldError("ends_at", "must be after the start"))
        elif hours > MAX_SHIFT_HOURS:
            errors.append(FieldError("ends_at", "a shift lasts at most 7 days"))
    given = [x for x in (county, region, organization) if x]
    if len(given) > 1:
        errors.append(FieldError("county", "choose one of county, region or organization"))
    county_obj = region_obj = None
    if county:
        county_obj = find_county(county)
        if county_obj is None:
            errors.append(FieldError("county", f"no county named {county!r}"))
    if region:
        region_obj = (
            Region.objects.filter(slug=region).first()
            or Region.objects.filter(name__iexact=region).first()
        )
        if region_obj is None:
            errors.append(FieldError("region", f"no region named {region!r}"))
    number = (phone or advocate.phone or "").strip()
    if not number or len(number) > 40 or not any(ch.isdigit() for ch in number):
        errors.append(FieldError("phone", "give the phone number MDT members should call"))
    if errors:
        raise InvalidInput.fields(errors)
    shift = OnCallShift.objects.create(
        advocate=advocate,
        starts_at=starts_at,
        ends_at=ends_at,
        county=county_obj,
        region=region_obj,
        organization=organization,
        phone=number,
        created_by=actor,
    )
    _audit(actor, Action.CREATE, shift, advocate, starts_at=starts_at.isoformat())
    return shift


@transaction.atomic
def remove_shift(*, actor: User, shift: OnCallShift) -> None:
    advocate = shift.advocate
    _require(actor, Do.SCHEDULE, advocate)
    _audit(actor, Action.DELETE, shift, advocate, starts_at=shift.starts_at.isoformat())
    shift.delete()
