"""Importing and exporting the directory as HSDS 3.0 (decision 0047).

`import_package` reads a tabular package or HSDS JSON, checks every row against the standard's
schema, and writes every valid row in one transaction; a row it cannot take is listed with why
(file, row, field), never dropped silently, and so is a row whose parent was refused.
`dry_run=True` reports the same without writing. `export_rows` gives what leaves Harborline:
every record, Harborline's facts as attributes of its own taxonomy, and nothing of a
confidential site's address or coordinates."""

from __future__ import annotations

import json
import secrets
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.directory import extensions as ext
from harborline.directory import geo, hsds
from harborline.directory.models import (
    TOKEN_PREFIX,
    Capacity,
    DirectoryToken,
    Location,
    Provider,
    Record,
    Service,
    Vetting,
)
from harborline.directory.selectors import STEWARD_ROLES, may_edit
from harborline.errors import FieldError, InvalidInput, NotFound
from harborline.people.models import hash_token
from harborline.protocols.models import County

# A confidential site's rows and fields that never leave Harborline.
HIDDEN_TABLES = ("address",)
HIDDEN_FIELDS = ("latitude", "longitude")
# Parents a child row must point at (the first one present), for "its parent was refused".
PARENT_FIELDS = (
    "organization_id",
    "service_id",
    "location_id",
    "service_at_location_id",
    "contact_id",
    "phone_id",
    "program_id",
)


@dataclass
class ImportReport:
    read: dict[str, int] = field(default_factory=dict)
    imported: dict[str, int] = field(default_factory=dict)
    problems: list[hsds.Problem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def refusals(self) -> list[hsds.Problem]:
        return [p for p in self.problems if not p.kept]

    @property
    def notes(self) -> list[hsds.Problem]:
        return [p for p in self.problems if p.kept]

    @property
    def ok(self) -> bool:
        return not self.refusals


def _parent_table(key: str) -> str:
    return key.removesuffix("_id")


def check_package(package: hsds.Package, known: set[tuple[str, str]]) -> list[hsds.Row]:
    """The rows that may be imported; a problem for each that may not (added to the package).

    The same object nested twice in HSDS JSON is one row (an entity's copies merge when no field
    disagrees); a child placed under several parents is a row per placement. A row naming a
    parent that is in neither the package nor the directory is kept with a note (the standard's
    own examples do this); a row whose parent was refused is refused."""
    seen: dict[tuple[str, str, str], hsds.Row] = {}
    bad: set[tuple[str, str]] = set()
    for table, rows in package.rows.items():
        for row in rows:
            if not row.id:
                package.problems.append(hsds.Problem(row.file, row.row, "id", "required"))
                continue
            key = (table, row.id, row.link)
            first = seen.get(key)
            if first is not None:
                clash = [k for k in row.data if k in first.data and first.data[k] != row.data[k]]
                if clash:
                    package.problems.append(
                        hsds.Problem(
                            row.file,
                            row.row,
                            clash[0],
                            f"{table} {row.id} appears twice with different values of "
                            f"{clash[0]} (first in {first.file} row {first.row})",
                        )
                    )
                    bad.add((table, row.id))
                else:
                    first.data.update(row.data)  # copies of one object: the union of fields
                continue
            seen[key] = row
    for (table, _id, _link), row in seen.items():
        errors = hsds.check(table, row.data)
        for where, message in errors:
            package.problems.append(hsds.Problem(row.file, row.row, where, message))
        if errors:
            bad.add((table, row.id))
    present = {(t, i) for t, i, _ in seen} | known
    changed = True
    noted: set[tuple[str, str, str, str]] = set()
    while changed:
        changed = False
        for (table, hsds_id, link), row in seen.items():
            if (table, hsds_id) in bad:
                continue
            for name in PARENT_FIELDS:
                value = row.data.get(name)
                if not value or name == f"{table}_id":
                    continue
                parent = (_parent_table(name), str(value))
                if parent in bad:
                    package.problems.append(
                        hsds.Problem(
                            row.file, row.row, name, f"its {parent[0]} {value} was refused"
                        )
                    )
                    bad.add((table, hsds_id))
                    changed = True
                    break
                if parent not in present and (table, hsds_id, link, name) not in noted:
                    noted.add((table, hsds_id, link, name))
                    package.problems.append(
                        hsds.Problem(
                            row.file,
                            row.row,
                            name,
                            f"names {parent[0]} {value}, which is in neither the package nor "
                            "the directory: kept",
                            kept=True,
                        )
                    )
    return [row for (t, i, _), row in seen.items() if (t, i) not in bad]


def import_package(
    path: Path,
    *,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    package = hsds.read(path)
    report = ImportReport(read=package.count(), dry_run=dry_run)
    known = set(Record.objects.values_list("table", "hsds_id").distinct())
    good = check_package(package, known)
    report.problems = package.problems
    for row in good:
        report.imported[row.table] = report.imported.get(row.table, 0) + 1
    report.imported = dict(sorted(report.imported.items()))
    if dry_run:
        return report
    with transaction.atomic():
        save_rows([(row.table, row.data) for row in good], progress=progress)
    return report


def ensure_taxonomies() -> None:
    """The taxonomies every installation ships (extensions.shipped_rows)."""
    shipped = ext.shipped_rows()
    save_rows([(t, d) for t, rows in shipped.items() for d in rows], reindex=False)


def save_rows(
    rows: list[tuple[str, dict[str, Any]]],
    *,
    progress: Callable[[int, int], None] | None = None,
    reindex: bool = True,
) -> None:
    """Writes rows as records (replacing a record with the same table and id), then brings the
    search index and Harborline's facts up to date for what they touch."""
    confidential = _confidential_locations(rows)
    existing = {
        (r.table, r.hsds_id, r.link): r
        for r in Record.objects.filter(
            table__in={t for t, _ in rows}, hsds_id__in={str(d["id"]) for _, d in rows}
        )
    }
    new, changed = [], []
    total = len(rows)
    for done, (table, data) in enumerate(rows, start=1):
        public, hidden = _split(table, data, confidential)
        link = hsds.link_of(table, data)
        record = existing.get((table, str(data["id"]), link))
        if record is None:
            record = Record(table=table, hsds_id=str(data["id"]), link=link)
            new.append(record)
        else:
            changed.append(record)
        record.data, record.hidden = public, hidden or None
        record.service_key = str(data.get("service_id") or "")[:200]
        record.location_key = str(data.get("location_id") or "")[:200]
        record.organization_key = str(data.get("organization_id") or "")[:200]
        record.link_key = str(data.get("link_id") or data.get("taxonomy_term_id") or "")[:200]
        if progress is not None and (done % 500 == 0 or done == total):
            progress(done, total)
    Record.objects.bulk_create(new, batch_size=1000)
    if changed:
        Record.objects.bulk_update(
            changed,
            ["data", "hidden", "service_key", "location_key", "organization_key", "link_key"],
            batch_size=1000,
        )
    if reindex:
        rebuild_index()


def _confidential_locations(rows: list[tuple[str, dict[str, Any]]]) -> set[str]:
    flagged = set(Location.objects.filter(confidential=True).values_list("hsds_id", flat=True))
    code_of = {str(d["id"]): ext.harborline_term(d) for t, d in rows if t == "taxonomy_term"}
    for table, data in rows:
        if table != "attribute" or data.get("link_entity") != "location":
            continue
        term = str(data.get("taxonomy_term_id", ""))
        code = code_of.get(term) or (
            "confidential_site" if term == ext.term_id(ext.HARBORLINE, "confidential_site") else ""
        )
        if code == "confidential_site":
            if str(data.get("value", "true")).lower() in ("true", "1", "yes"):
                flagged.add(str(data.get("link_id")))
            else:
                flagged.discard(str(data.get("link_id")))
    return flagged


def _split(
    table: str, data: dict[str, Any], confidential: set[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(what may be published, what stays encrypted) of one row."""
    if table in HIDDEN_TABLES and str(data.get("location_id")) in confidential:
        keep: dict[str, Any] = {k: data[k] for k in ("id", "location_id") if k in data}
        return keep, dict(data)
    if table == "location" and str(data.get("id")) in confidential:
        public = {k: v for k, v in data.items() if k not in HIDDEN_FIELDS}
        hidden = {k: v for k, v in data.items() if k in HIDDEN_FIELDS}
        return public, hidden
    return dict(data), {}


# --- the index --------------------------------------------------------------------------------


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _datetime(value: Any) -> datetime | None:
    try:
        found = datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        return None
    if found is not None and timezone.is_naive(found):
        found = timezone.make_aware(found, UTC)
    return found


@transaction.atomic
def rebuild_index() -> None:
    """Providers, services and locations from the records, with Harborline's facts read from
    its attributes, in bulk. Harborline-only links (a provider's Harborline organization) are
    kept."""
    records: dict[str, dict[str, dict[str, Any]]] = {}
    for table, hsds_id, data in Record.objects.filter(table__in=INDEXED_TABLES).values_list(
        "table", "hsds_id", "data"
    ):
        records.setdefault(table, {})[hsds_id] = data
    terms = records.get("taxonomy_term", {})
    facts: dict[tuple[str, str], dict[str, list[str]]] = {}
    for a in records.get("attribute", {}).values():
        term = terms.get(str(a.get("taxonomy_term_id", "")))
        key = (str(a.get("link_entity", "")), str(a.get("link_id", "")))
        code = ext.harborline_term(term)
        if code:
            facts.setdefault(key, {}).setdefault(code, []).append(str(a.get("value", "")))
        elif term is not None and term.get("code"):
            facts.setdefault(key, {}).setdefault("_category", []).append(str(term["code"]))
    counties = {c.qualified: c for c in County.objects.all()}

    def sync(model: Any, table: str, fill: Any, fields: list[str]) -> dict[str, Any]:
        rows = records.get(table, {})
        existing = {o.hsds_id: o for o in model.objects.all()}
        new: list[Any] = []
        changed: list[Any] = []
        for hsds_id, data in rows.items():
            obj = existing.get(hsds_id) or model(hsds_id=hsds_id)
            fill(obj, data, facts.get((table, hsds_id), {}))
            (changed if obj.pk else new).append(obj)
        model.objects.bulk_create(new, batch_size=1000)
        if changed:
            model.objects.bulk_update(changed, fields, batch_size=1000)
        model.objects.exclude(hsds_id__in=list(rows)).delete()
        return {o.hsds_id: o for o in model.objects.all()}

    def fill_provider(p: Provider, data: dict[str, Any], mine: dict[str, list[str]]) -> None:
        p.name = str(data.get("name", ""))[:300]
        p.description = str(data.get("description", ""))

    providers = sync(Provider, "organization", fill_provider, ["name", "description"])

    postal = {
        str(a.get("location_id", "")): str(a.get("postal_code", ""))
        for a in records.get("address", {}).values()
        if a.get("postal_code")
    }

    def fill_location(loc: Location, data: dict[str, Any], mine: dict[str, list[str]]) -> None:
        loc.name = str(data.get("name", ""))[:300]
        loc.provider = providers.get(str(data.get("organization_id", "")))
        loc.confidential = "true" in [v.lower() for v in mine.get("confidential_site", [])]
        if mine.get("county"):
            loc.county = counties.get(mine["county"][0])
        point = geo.point(data.get("latitude"), data.get("longitude"))
        loc.latitude, loc.longitude = (
            point
            or geo.zip_centre(postal.get(loc.hsds_id, ""))
            or (
                None,
                None,
            )
        )

    locations = sync(
        Location,
        "location",
        fill_location,
        ["name", "provider", "confidential", "county", "latitude", "longitude"],
    )

    languages: dict[str, set[str]] = {}
    for lang in records.get("language", {}).values():
        if lang.get("service_id"):
            code = str(lang.get("code") or lang.get("name") or "").lower()
            languages.setdefault(str(lang["service_id"]), set()).add(code)

    def fill_service(s: Service, data: dict[str, Any], mine: dict[str, list[str]]) -> None:
        s.provider = providers.get(str(data.get("organization_id", "")))
        s.name = str(data.get("name", ""))[:300]
        s.description = str(data.get("description", ""))
        s.status = str(data.get("status", "active"))[:40]
        s.minimum_age = data.get("minimum_age")
        s.maximum_age = data.get("maximum_age")
        s.assured_date = _date(data.get("assured_date"))
        s.assurer_email = str(data.get("assurer_email", ""))[:254]
        s.languages = sorted(languages.get(s.hsds_id, set()))
        s.categories = sorted(set(mine.get("_category", [])) | _split_kind(mine))
        if mine.get("capacity") and mine["capacity"][0] in Capacity.values:
            s.capacity = mine["capacity"][0]
        if mine.get("capacity_confirmed_at"):
            s.capacity_confirmed_at = _datetime(mine["capacity_confirmed_at"][0])
        if mine.get("capacity_confirmed_by"):
            s.capacity_confirmed_by = mine["capacity_confirmed_by"][0][:254]
        if mine.get("always_open"):
            s.always_open = mine["always_open"][0].lower() == "true"
        if mine.get("gender"):
            s.genders = sorted(set(mine["gender"]))
        if mine.get("lgbtq_affirming"):
            s.lgbtq_affirming = mine["lgbtq_affirming"][0].lower() == "true"
        if mine.get("vetting") and mine["vetting"][0] in Vetting.values:
            s.vetting = mine["vetting"][0]
        s.search = search_text(data, s.categories)

    indexed = sync(Service, "service", fill_service, SERVICE_FIELDS)
    at_location = Service.locations.through
    in_county = Service.counties.through
    at_location.objects.all().delete()
    in_county.objects.all().delete()
    links, county_links = set(), set()
    for sal in records.get("service_at_location", {}).values():
        service = indexed.get(str(sal.get("service_id", "")))
        location = locations.get(str(sal.get("location_id", "")))
        if service is None or location is None:
            continue
        links.add((service.pk, location.pk))
        if location.county_id is not None:
            county_links.add((service.pk, location.county_id))
    at_location.objects.bulk_create(
        [at_location(service_id=s, location_id=loc) for s, loc in sorted(links)],
        batch_size=1000,
    )
    in_county.objects.bulk_create(
        [in_county(service_id=s, county_id=c) for s, c in sorted(county_links)],
        batch_size=1000,
    )
    _index_hours(records, indexed, locations)


def _index_hours(
    records: dict[str, dict[str, dict[str, Any]]],
    indexed: dict[str, Service],
    locations: dict[str, Location],
) -> None:
    own: dict[str, list[dict[str, Any]]] = {}
    at_place: dict[str, list[dict[str, Any]]] = {}
    for schedule in records.get("schedule", {}).values():
        hours = weekly_hours(schedule)
        if hours is None:
            continue
        if schedule.get("service_id"):
            own.setdefault(str(schedule["service_id"]), []).append(hours)
        elif schedule.get("location_id"):
            at_place.setdefault(str(schedule["location_id"]), []).append(hours)
    places: dict[str, list[str]] = {}
    for sal in records.get("service_at_location", {}).values():
        if sal.get("service_id") and sal.get("location_id"):
            places.setdefault(str(sal["service_id"]), []).append(str(sal["location_id"]))
    zones = {c.pk: c.time_zone for c in County.objects.all()}
    changed = []
    for hsds_id, service in indexed.items():
        weekly = list(own.get(hsds_id, []))
        zone = ""
        for location_id in places.get(hsds_id, []):
            weekly += at_place.get(location_id, [])
            location = locations.get(location_id)
            if not zone and location is not None and location.county_id is not None:
                zone = zones.get(location.county_id, "") or ""
        if service.hours != weekly or service.time_zone != zone:
            service.hours, service.time_zone = weekly, zone
            changed.append(service)
    Service.objects.bulk_update(changed, ["hours", "time_zone"], batch_size=1000)


INDEXED_TABLES = (
    "address",
    "schedule",
    "organization",
    "location",
    "service",
    "service_at_location",
    "language",
    "attribute",
    "taxonomy_term",
)
SERVICE_FIELDS = [
    "provider",
    "name",
    "description",
    "status",
    "minimum_age",
    "maximum_age",
    "assured_date",
    "assurer_email",
    "languages",
    "categories",
    "capacity",
    "capacity_confirmed_at",
    "capacity_confirmed_by",
    "always_open",
    "genders",
    "lgbtq_affirming",
    "vetting",
    "search",
]
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def weekly_hours(schedule: dict[str, Any]) -> dict[str, Any] | None:
    """One HSDS schedule as {"days", "opens", "closes"}, or None when it is not a weekly or
    daily opening time (a one-off date, no times)."""
    if str(schedule.get("freq", "WEEKLY")).upper() not in ("WEEKLY", "DAILY"):
        return None
    opens, closes = schedule.get("opens_at"), schedule.get("closes_at")
    if not opens or not closes:
        return None
    named = [d.strip().upper()[-2:] for d in str(schedule.get("byday") or "").split(",")]
    days = [d for d in named if d in DAYS] or list(DAYS)
    return {"days": days, "opens": str(opens)[:8], "closes": str(closes)[:8]}


def search_text(data: dict[str, Any], categories: list[str]) -> str:
    """What full-text search looks in: the names, description and eligibility, lower case, and
    one ` cat:<code> ` token per category (directory.selectors.search)."""
    words = " ".join(
        str(data.get(k, ""))
        for k in ("name", "alternate_name", "description", "eligibility_description")
    ).lower()
    return words + " " + " ".join(f"cat:{c}" for c in categories) + " "


def _split_kind(mine: dict[str, list[str]]) -> set[str]:
    return {k for k in ("prevention", "intervention") if mine.get(k)}


# --- export -----------------------------------------------------------------------------------


def export_rows(
    records: QuerySet[Record] | None = None,
    services: QuerySet[Service] | None = None,
    locations: QuerySet[Location] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Records as HSDS rows — every one, or those given — with Harborline's facts as attributes
    and no confidential address: what may leave Harborline (exports and the HSDS API)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    chosen = Record.objects.all() if records is None else records
    for table, data in chosen.order_by("table", "hsds_id", "link").values_list("table", "data"):
        if table in HIDDEN_TABLES and set(data) <= {"id", "location_id"}:
            continue  # a confidential site's address: only its identifiers are public
        rows.setdefault(table, []).append(dict(data))
    harborline_terms = {ext.term_id(ext.HARBORLINE, code) for code in ext.TERMS}
    # Harborline's facts are written from the index (the current truth), not from old attributes.
    rows["attribute"] = [
        a for a in rows.get("attribute", []) if a.get("taxonomy_term_id") not in harborline_terms
    ]
    rows["attribute"].extend(
        _fact_attributes(
            Service.objects.all() if services is None else services,
            Location.objects.all() if locations is None else locations,
        )
    )
    return {t: r for t, r in rows.items() if r}


def _fact(entity: str, link_id: str, code: str, value: str) -> dict[str, Any]:
    return {
        "id": ext.attribute_id(entity, link_id, code, value if code == "gender" else ""),
        "link_id": link_id,
        "taxonomy_term_id": ext.term_id(ext.HARBORLINE, code),
        "link_type": code,
        "link_entity": entity,
        "value": value,
    }


def _fact_attributes(
    services: QuerySet[Service], locations: QuerySet[Location]
) -> list[dict[str, Any]]:
    found = []
    for s in services.order_by("hsds_id"):
        if s.capacity != Capacity.UNKNOWN:
            found.append(_fact("service", s.hsds_id, "capacity", s.capacity))
        if s.capacity_confirmed_at:
            stamp = s.capacity_confirmed_at.astimezone(UTC).isoformat()
            found.append(_fact("service", s.hsds_id, "capacity_confirmed_at", stamp))
        if s.capacity_confirmed_by:
            found.append(
                _fact("service", s.hsds_id, "capacity_confirmed_by", s.capacity_confirmed_by)
            )
        if s.always_open:
            found.append(_fact("service", s.hsds_id, "always_open", "true"))
        for gender in s.genders:
            found.append(_fact("service", s.hsds_id, "gender", gender))
        if s.lgbtq_affirming:
            found.append(_fact("service", s.hsds_id, "lgbtq_affirming", "true"))
        if s.vetting != Vetting.NOT_REVIEWED:
            found.append(_fact("service", s.hsds_id, "vetting", s.vetting))
    for loc in locations.select_related("county").order_by("hsds_id"):
        if loc.confidential:
            found.append(_fact("location", loc.hsds_id, "confidential_site", "true"))
        if loc.county is not None:
            found.append(
                _fact("location", loc.hsds_id, "county", f"{loc.county.pack}/{loc.county.slug}")
            )
    return found


def export_package(path: Path, *, fmt: str = "tabular") -> list[str]:
    """Writes the directory to `path`: a tabular package (folder) or HSDS JSON (a file holding
    the list of `service_full` objects)."""
    rows = export_rows()
    if fmt == "json":
        services = list(hsds.nest_services(rows))
        path.write_text(json.dumps(services, indent=2, ensure_ascii=False) + "\n", "utf-8")
        return [path.name]
    return hsds.write_tabular(rows, path)


# --- directory tokens -------------------------------------------------------------------------


def create_token(*, name: str, actor: Any = None) -> tuple[DirectoryToken, str]:
    """A new read-only key to the HSDS API; the raw key is returned once and only its hash kept."""
    name = name.strip()
    if not name:
        raise InvalidInput.field("name", "Give the token a name that says who uses it")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = DirectoryToken.objects.create(
        name=name[:200], token_hash=hash_token(raw), created_by=actor
    )
    return token, raw


def token_is_valid(raw: str) -> bool:
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return False
    return DirectoryToken.objects.filter(token_hash=hash_token(raw), revoked_at=None).exists()


# --- keeping an entry -------------------------------------------------------------------------

GENDERS = ("female", "male", "nonbinary", "transgender")


@transaction.atomic
def update_service(
    *,
    actor: Any,
    service_id: int,
    capacity: str,
    always_open: bool,
    genders: list[str],
    lgbtq_affirming: bool,
    vetting: str | None = None,
) -> Service:
    """Confirm a service's capacity (now, by the actor) and its eligibility facts. Only those
    `selectors.may_edit` allows; vetting only by the directory's stewards."""
    service = Service.objects.select_for_update().filter(pk=service_id).first()
    if service is None or not may_edit(actor, service):
        raise NotFound("No such service, or you may not change it.")
    errors = []
    if capacity not in Capacity.values:
        errors.append(FieldError("capacity", "Choose open, waitlist, full or not confirmed"))
    unknown = [g for g in genders if g not in GENDERS]
    if unknown:
        errors.append(FieldError("genders", f"Choose from: {', '.join(GENDERS)}"))
    steward = actor.membership.role in STEWARD_ROLES
    if vetting is not None and vetting not in Vetting.values:
        errors.append(FieldError("vetting", "Choose a vetting status from the list"))
    if vetting is not None and vetting != service.vetting and not steward:
        errors.append(FieldError("vetting", "Only the directory's stewards record vetting"))
    if errors:
        raise InvalidInput.fields(errors)
    service.capacity = capacity
    service.capacity_confirmed_at = timezone.now()
    service.capacity_confirmed_by = actor.email
    service.always_open = always_open
    service.genders = sorted(set(genders))
    service.lgbtq_affirming = lgbtq_affirming
    if vetting is not None:
        service.vetting = vetting
    service.save()
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=service,
        detail={"capacity": capacity, "vetting": service.vetting},
    )
    return service


# --- import from a page -----------------------------------------------------------------------

UPLOAD_SUFFIXES = (".json", ".zip")
MAX_UNPACKED = 100 * 1024 * 1024  # a zipped package may hold this much once unpacked


def stage_upload(name: str, content: bytes, folder: Path) -> Path:
    """Keep an uploaded package (HSDS JSON, or a tabular package zipped) in `folder` for the
    preview and the import that follows; return the path `import_package` reads. A zip is
    unpacked only when every member is a plain file at its top level (or in one folder) and it
    unpacks to at most MAX_UNPACKED bytes."""
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise InvalidInput.field(
            "file", "Choose an HSDS JSON file or a zipped package (datapackage.json and CSVs)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    if suffix == ".json":
        target = folder / "package.json"
        target.write_bytes(content)
        return target
    try:
        archive = zipfile.ZipFile(BytesIO(content))
    except zipfile.BadZipFile:
        raise InvalidInput.field("file", "This is not a zip file") from None
    members = [m for m in archive.infolist() if not m.is_dir()]
    if sum(m.file_size for m in members) > MAX_UNPACKED:
        raise InvalidInput.field("file", "The package is too large for the page: use the command")
    unpacked = folder / "package"
    unpacked.mkdir(exist_ok=True)
    for member in members:
        base = Path(member.filename).name
        if not base or base.startswith(".") or not base.endswith((".csv", ".json")):
            continue
        (unpacked / base).write_bytes(archive.read(member))
    return unpacked
