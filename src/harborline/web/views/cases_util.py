"""Helpers the case pages share: times in an organization's zone, clocks in words, plain-language
share summaries, and the people a meeting form offers."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from harborline.access import compartments as c
from harborline.access.models import BasisType, Consent, Share
from harborline.errors import InvalidInput, NotFound
from harborline.people.roles import Role
from harborline.response.models import Status
from harborline.response.services import OUTCOME_RESULT

if TYPE_CHECKING:
    from harborline.people.models import User
    from harborline.protocols.packs import Pack

STATUS_LABELS = {
    Status.OPEN: "Open",
    Status.OVERDUE: "Overdue",
    Status.DONE: "Done",
    Status.WAIVED: "Waived",
}


def case_url(case_id: int, anchor: str = "") -> str:
    return reverse("web:case_detail", args=[case_id]) + (f"#{anchor}" if anchor else "")


def org_tz(actor: User) -> str:
    membership = actor.membership_or_none
    return membership.organization.time_zone if membership else "America/Los_Angeles"


def naive(raw: str, field_name: str) -> datetime | None:
    """A datetime-local value (no offset): the services read it in the owner's time zone."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput.field(field_name, "use a date and time like 2026-12-02 14:30") from None


def outcome_label(pack: Pack | None, instrument: str, outcome: str) -> str:
    """A screening outcome in the instrument's own words ('Confirmed')."""
    if not outcome:
        return ""
    definition = pack.instruments.get(instrument) if pack else None
    if definition is not None:
        for res in definition.results:
            if res.id == OUTCOME_RESULT:
                for option in res.options:
                    if option.value == outcome:
                        return option.label
    return outcome.replace("_", " ").capitalize()


def instrument_title(pack: Pack | None, instrument: str) -> str:
    try:
        return pack.instrument(instrument).title if pack else instrument
    except NotFound:
        return instrument


def local(value: datetime | None, tz_name: str, fmt: str = "%-d %b %Y, %H:%M %Z") -> str:
    """A stored (UTC) time in words in the zone `tz_name`: '3 Dec 2026, 14:05 PST'."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(tz_name)).strftime(fmt)


def long_date(value: datetime | Any, tz_name: str | None = None) -> str:
    """'3 March 2027' (a datetime is first put in `tz_name`)."""
    if isinstance(value, datetime) and tz_name:
        value = value.astimezone(ZoneInfo(tz_name))
    return f"{value.day} {value:%B %Y}"


def span(seconds: float) -> str:
    """A duration in words, at most two units: '2 days 3 h', '1 h 20 min', '5 min'."""
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} day{'s' if days != 1 else ''}" + (f" {hours} h" if hours else "")
    if hours:
        return f"{hours} h" + (f" {mins} min" if mins else "")
    return f"{mins} min"


def time_left(due: datetime, now: datetime | None = None) -> tuple[str, bool]:
    """('3 h 10 min left', False) or ('overdue by 20 min', True)."""
    now = now or timezone.now()
    delta = (due - now).total_seconds()
    if delta <= 0:
        return f"overdue by {span(delta)}", True
    return f"{span(delta)} left", False


def short_label(name: str) -> str:
    """A compartment's short name in running text: 'safety', 'mental health'."""
    label = c.LABELS[name].split(" (")[0]
    return label if label.startswith("Advocate") is False else "advocate-privileged notes"


KIND_WORDS = {
    "youth_assent": "the youth",
    "parent_guardian": "a parent or guardian",
    "court": "the court",
}
BASIS_WORDS: dict[str, str] = {
    BasisType.MANDATED_REPORT: "mandated report",
    BasisType.COURT_ORDER: "court order",
    BasisType.MOU: "MOU",
}


def consent_words(consent: Consent, tz_name: str) -> str:
    return f"consent of {KIND_WORDS.get(consent.kind, consent.kind)} recorded " + long_date(
        consent.recorded_at, tz_name
    )


def share_who(share: Share) -> str:
    """'Reno Police Department', or 'Reno Police Department (Caseworker only)' for a share to
    one role there."""
    if not share.role:
        return share.organization.name
    return f"{share.organization.name} ({Role(share.role).label} only)"


def share_what(share: Share) -> str:
    return ", ".join(short_label(n).lower() for n in share.compartments if n in c.NAMES)


def share_summary(share: Share, tz_name: str, *, consents: list[Consent] | None = None) -> str:
    """'Washoe County Juvenile Services can see: screening, safety — until 3 March 2027,
    because: court order 24-JV-118' ('can see and change' when the share lets them edit).
    `consents`: the records a share on consent rests on, for one not saved yet (the wizard)."""
    who, what = share_who(share), share_what(share)
    if share.basis_type == BasisType.CONSENT:
        # In the order they were recorded (a many-to-many has no order of its own: PostgreSQL
        # returned them either way).
        if consents is None:
            consents = list(share.consents.all())
        consents = sorted(consents, key=lambda k: k.pk)
        why = (
            " and ".join(consent_words(k, tz_name) for k in consents)
            if consents
            else f"consent {share.basis_reference}"
        )
    else:
        why = f"{BASIS_WORDS.get(share.basis_type, share.basis_type)} {share.basis_reference}"
    can = "can see and change" if share.may_edit else "can see"
    return f"{who} {can}: {what} — until {long_date(share.expires_at, tz_name)}, because: {why}"


def team_people(org_ids: set[int]) -> list[User]:
    """Active users of the organizations on the case team (meeting attendees, action owners)."""
    from harborline.people.models import User

    return list(
        User.objects.filter(
            membership__organization_id__in=org_ids, is_active=True, membership__is_active=True
        )
        .select_related("membership__organization")
        .order_by("membership__organization__name", "email")[:300]
    )
