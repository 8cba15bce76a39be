"""Plain names for what the system stores as keys: the one humanizing layer of the pages
(decision 0045). Audit entries, obligation evidence and training compliance are shown through it,
so nobody reads an organization slug, a section key, `cases.case #5`, `break_glass:2` or a UTC
timestamp in ISO form.

- Times: one format everywhere, in the viewer's organization's time zone: "3 Dec 2026, 14:05 PST";
  a date alone: "3 Dec 2026".
- Records: "Case 5", "Emergency access 2", "Sharing of case 5" — never `app.model #id`.
- Organizations by name (the audit log stores id and slug; the page looks the names up once).
- Sections by their labels; legal bases as words ("Court order 24-JV-118", "Owning organization").
- Evidence as labelled lines: (label, value) pairs, a stored time shown in the zone.

Pure functions; `web/templatetags/hl_plain.py` makes them template filters, and the views that
render many audit rows call `audit_rows` so the organizations are looked up in one query."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.apps import apps
from django.utils import timezone

from harborline.access.compartments import LABELS as SECTION_LABELS
from harborline.access.models import BasisType
from harborline.audit.models import Action, AuditEvent

DATETIME_FORMAT = "%-d %b %Y, %H:%M %Z"
DATE_FORMAT = "%-d %b %Y"

# Records whose model name does not say what a person calls them.
RECORD_NAMES = {
    "access.breakglass": "Emergency access",
    "access.sharing": "Sharing of",
    "access.share": "Share",
    "access.consent": "Consent record",
    "cases.case": "Case",
    "cases.youth": "Youth record",
    "cases.note": "Note",
    "cases.externalreference": "Reference",
    "response.obligation": "Obligation",
    "response.screening": "Screening",
    "missing.timeline": "Timeline of",
    "training.compliance": "Training compliance of",
    "audit.chain": "Audit log",
    "database": "Database",
}
# Actions that are not in audit.models.Action (each app's own), in words.
ACTION_WORDS = {
    "break_glass_refused": "was refused emergency access",
}
BASIS_WORDS = {
    "owner": "Owning organization",
    "break_glass": "Emergency access",
    **{v: str(label) for v, label in BasisType.choices},
}
EVIDENCE_LABELS = {
    "report_number": "Report number",
    "told": "Who was told",
    "told_at": "When they were told",
    "held_at": "Meeting held",
    "meeting": "Meeting",
    "screening": "Screening",
    "note": "Note",
}
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b(?![T\d:])")
_KEY_ID = re.compile(r"^([a-z_]+):(\d+)$")


def when(value: datetime | date | str | None, tz_name: str = "UTC") -> str:
    """A stored time in the zone `tz_name` ("3 Dec 2026, 14:05 PST"); a date as "3 Dec 2026";
    an ISO string is read first; empty for nothing."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        text = value
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            return text
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            value = value.replace(tzinfo=ZoneInfo(tz_name))
        return value.astimezone(ZoneInfo(tz_name)).strftime(DATETIME_FORMAT)
    return value.strftime(DATE_FORMAT) if isinstance(value, date) else str(value)


def day(value: date | datetime | None, tz_name: str = "UTC") -> str:
    """A date ("3 Dec 2026"); a datetime is first put in `tz_name`."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(tz_name)).date()
    return value.strftime(DATE_FORMAT)


def dates_in_text(text: str) -> str:
    """ISO dates inside a sentence ("due by 2026-12-01") in the one date format."""
    return _ISO_DATE.sub(lambda m: day(date(*(int(g) for g in m.groups()))), text)


def words(key: str) -> str:
    """A key as words, for anything without a label: 'told_at' -> 'Told at'."""
    text = key.replace("_", " ").replace(".", " ").strip()
    return text[:1].upper() + text[1:]


def section(key: str) -> str:
    return SECTION_LABELS.get(key, words(key))


def sections(keys: Iterable[str]) -> str:
    return ", ".join(section(k) for k in keys)


def action(key: str) -> str:
    try:
        return str(Action(key).label)
    except ValueError:
        return ACTION_WORDS.get(key, words(key).lower())


def record(object_type: str, object_id: str) -> str:
    """'cases.case', '5' -> 'Case 5'; 'access.sharing', 'case:5' -> 'Sharing of case 5'."""
    if not object_type:
        return ""
    name = RECORD_NAMES.get(object_type)
    if name is None:
        name = object_type
        if "." in object_type:
            try:
                model = apps.get_model(object_type)
                name = str(model._meta.verbose_name)
            except (LookupError, ValueError):
                name = object_type.split(".", 1)[1]
        name = words(name)
    ref = object_id
    match = _KEY_ID.match(object_id or "")
    if match:
        ref = f"{words(match.group(1)).lower()} {match.group(2)}"
    return f"{name} {ref}".strip()


def basis(text: str) -> str:
    """'court_order:24-JV-118; break_glass:2' -> 'Court order 24-JV-118; Emergency access 2'."""
    parts = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        kind, _, ref = part.partition(":")
        label = BASIS_WORDS.get(kind)
        parts.append(f"{label} {ref}".strip() if label else part)
    return "; ".join(parts)


def evidence(values: dict[str, object] | None, tz_name: str = "UTC") -> list[tuple[str, str]]:
    """Obligation evidence as labelled lines; times in the zone, ids as 'Meeting 3'."""
    lines = []
    for key, value in (values or {}).items():
        if value in (None, ""):
            continue
        label = EVIDENCE_LABELS.get(key, words(key))
        text = str(value)
        if key.endswith("_at"):
            text = when(text, tz_name)
        elif key in ("meeting", "screening"):
            text, label = f"{label} {text}", "Fulfilled by"
        lines.append((label, text))
    return lines


SCOPE_WORDS = {
    "organization": "each organization",
    "county": "each county",
    "region": "each region",
    "task_force": "the task force",
    "state": "the state",
    "person": "each person",
}


def scope(key: str) -> str:
    return SCOPE_WORDS.get(key, words(key).lower())


@dataclass(frozen=True)
class AuditRow:
    when: str
    who: str
    organization: str
    what: str
    sections: str
    record: str
    purpose: str
    basis: str


def audit_rows(events: list[AuditEvent], tz_name: str) -> list[AuditRow]:
    """Audit events as plain rows: organizations by name (one query for the page)."""
    from harborline.people.models import Organization

    ids = {e.org_id for e in events if e.org_id}
    names = dict(Organization.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [
        AuditRow(
            when=when(e.at, tz_name),
            who=e.actor_email or "The system",
            organization=names.get(e.org_id, "") if e.org_id else "",
            what=action(e.action),
            sections=sections(e.compartments or []),
            record=record(e.object_type, e.object_id),
            purpose=e.purpose[:1].upper() + e.purpose[1:] if e.purpose else "",
            basis=basis(e.legal_basis),
        )
        for e in events
    ]
