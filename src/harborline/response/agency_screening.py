"""The screenings an agency's own policy asks for (Resource 8-B; decision 0065).

Nevada's Resource 8-B asks each agency "which children will be screened" on becoming its clients
(L10512-10514), "what events" (L10516-10520) and "which warning signs" (L10522) trigger a
screening. An organization's administrator names them in its policy (`response.policy`, within
the pack's `agency_screening`); here they act:

- `open_case`: a new case whose youth is in the owner's screening population starts the pack's
  agency-screening obligation, due from the case's opening;
- `record_warning_sign`: a warning sign the pack lists is written into the case's screening
  section (a note), and when the case owner's policy names it, the obligation starts, due from
  when the sign was seen;
- the events the policy names start it through `services.start_obligations` (any event source).

Each such obligation's title says why it started and that it is the agency's policy under the
pack's authority; a screening recorded after it fulfils it (`services.record_screening`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from harborline.access import compartments as c
from harborline.access.policy import require
from harborline.cases import services as cases
from harborline.cases.selectors import case_for
from harborline.errors import FieldError, InvalidInput
from harborline.people.models import User
from harborline.protocols.packs import get_pack

from . import policy as agency_policy
from .clocks import event_time
from .models import Obligation
from .services import start_obligations

if TYPE_CHECKING:
    from harborline.cases.models import Case, Note


@transaction.atomic
def open_case(*, actor: User, youth: dict[str, Any], pack: str = "") -> Case:
    """Open a case (`cases.services.open_case`) and start the screening the owner's policy asks
    for when the youth is in its screening population."""
    case = cases.open_case(actor=actor, youth=youth, pack=pack)
    screen_new_client(actor=actor, case=case)
    return case


def screen_new_client(*, actor: User, case: Case) -> list[Obligation]:
    """The agency-screening obligation for a new client in the owner's screening population,
    due from the case's opening (none when the pack or the policy names no population)."""
    pack = get_pack(case.pack)
    section = agency_policy.screening_section(pack)
    if section is None or not section.population:
        return []
    criteria = agency_policy.criteria_for(case.owner_id, pack.name)
    if criteria is None or not criteria.population:
        return []
    opened_on = case.opened_at.astimezone(ZoneInfo(case.owner.time_zone)).date()
    age = agency_policy.age_on(case.youth.dob, opened_on)
    inside, why = agency_policy.in_population(criteria.population, age)
    if not inside:
        return []
    _, grant = case_for(actor, case.pk)
    return start_obligations(
        actor=actor,
        case=case,
        grant=grant,
        triggers=["agency_screening"],
        at=case.opened_at,
        reason=why,
    )


@dataclass(frozen=True)
class SignRecorded:
    note: Note
    label: str
    obligations: list[Obligation]  # [] when the owner's policy does not screen on the sign
    in_policy: bool


def sign_choices(case: Case) -> list[agency_policy.Option]:
    """The warning signs the case's pack lists (none: the pack leaves no signs to agencies)."""
    section = agency_policy.screening_section(get_pack(case.pack))
    return [agency_policy.Option(s.id, s.label, s.source) for s in section.signs] if section else []


@transaction.atomic
def record_warning_sign(
    *,
    actor: User,
    case_id: int | str,
    sign: str,
    observed_at: datetime | None,
    note: str = "",
) -> SignRecorded:
    """Write a warning sign into the case's screening section (a note, which says what was seen
    and when) and, when the case owner's policy screens on it, start the agency-screening
    obligation due from `observed_at`. The screening compartment is needed, as for a screening;
    a sign the pack does not list, a time in the future or a note over 2,000 characters is a
    422 naming the field."""
    case, grant = case_for(actor, case_id)
    require(grant, c.Compartment.SCREENING)
    pack = get_pack(case.pack)
    offered = {o.id: o for o in sign_choices(case)}
    errors: list[FieldError] = []
    if not offered:
        errors.append(FieldError("sign", f"the {pack.name} pack lists no warning signs"))
    elif sign not in offered:
        errors.append(FieldError("sign", "Select one of the listed warning signs"))
    at = None
    if observed_at is None:
        errors.append(FieldError("observed_at", "say when the sign was seen"))
    else:
        try:
            at = event_time(observed_at, case.owner.time_zone, "observed_at")
        except InvalidInput as exc:
            errors.extend(exc.errors)
        else:
            if at > timezone.now() + timedelta(minutes=5):
                errors.append(FieldError("observed_at", "cannot be in the future"))
    note = note.strip()
    if len(note) > 2000:
        errors.append(FieldError("note", "at most 2,000 characters"))
    if errors:
        raise InvalidInput.fields(errors)
    assert at is not None  # noqa: S101 - checked above
    label = offered[sign].label
    seen = at.astimezone(ZoneInfo(case.owner.time_zone))
    text = f"Warning sign seen {seen:%Y-%m-%d %H:%M}: {label}."
    written = cases.add_note(
        actor=actor,
        case_id=case.pk,
        compartment=c.Compartment.SCREENING,
        text=f"{text}\n{note}" if note else text,
    )
    criteria = agency_policy.criteria_for(case.owner_id, pack.name)
    in_policy = criteria is not None and sign in criteria.signs
    started: list[Obligation] = []
    if in_policy:
        started = start_obligations(
            actor=actor,
            case=case,
            grant=grant,
            triggers=["agency_screening"],
            at=at,
            reason="a warning sign the agency screens on was recorded",
        )
    return SignRecorded(note=written, label=label, obligations=started, in_policy=in_policy)
