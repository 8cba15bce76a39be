"""Open Referral HSDS 3.0 on the wire: reading a package, writing one, and checking records
against the standard's own schemas (vendored in `hsds_schema/`, unchanged).

Everything here works on **rows**: one HSDS object as the tabular form has it — its scalar fields
and the identifiers of its parents (`service_id`, `location_id`, ...), without nested arrays.
That is the form both encodings share:

- the **tabular package** (a folder with `datapackage.json` and one CSV per table) is rows already;
- **HSDS JSON** (`service_full` / `organization_full` objects, a list of them, or an HSDS page with
  `contents`) is flattened: each nested object becomes a row of its table with its parent's
  identifier filled in, as the tabular form would carry it.

Writing goes the other way: rows to CSV files in the standard's column order, or rows nested back
into `service_full` objects. No value is dropped or rewritten on the way: a field the standard
does not define is a problem reported by file, row and field, never silently lost.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

SCHEMA_DIR = Path(__file__).with_name("hsds_schema")

# How nested arrays of the JSON form map to tables, and which identifier a child carries to its
# parent. (parent table, JSON field) -> child table.
CHILDREN: dict[tuple[str, str], str] = {
    ("organization", "funding"): "funding",
    ("organization", "contacts"): "contact",
    ("organization", "phones"): "phone",
    ("organization", "locations"): "location",
    ("organization", "programs"): "program",
    ("organization", "organization_identifiers"): "organization_identifier",
    ("service", "phones"): "phone",
    ("service", "schedules"): "schedule",
    ("service", "service_areas"): "service_area",
    ("service", "service_at_locations"): "service_at_location",
    ("service", "languages"): "language",
    ("service", "funding"): "funding",
    ("service", "cost_options"): "cost_option",
    ("service", "required_documents"): "required_document",
    ("service", "contacts"): "contact",
    ("location", "languages"): "language",
    ("location", "addresses"): "address",
    ("location", "contacts"): "contact",
    ("location", "accessibility"): "accessibility",
    ("location", "phones"): "phone",
    ("location", "schedules"): "schedule",
    ("service_at_location", "contacts"): "contact",
    ("service_at_location", "phones"): "phone",
    ("service_at_location", "schedules"): "schedule",
    ("contact", "phones"): "phone",
    ("phone", "languages"): "language",
}
# A single nested object of the JSON form: (parent table, JSON field) -> its table.
SINGLE: dict[tuple[str, str], str] = {
    ("service", "organization"): "organization",
    ("service", "program"): "program",
    ("service_at_location", "location"): "location",
    ("attribute", "taxonomy_term"): "taxonomy_term",
    ("taxonomy_term", "taxonomy_detail"): "taxonomy",
}
# The identifier field a child of `parent` carries, where it is not simply `<parent>_id`.
PARENT_KEY = {"organization": "organization_id", "taxonomy": "taxonomy_id"}
# Attributes and metadata hang off any object through a generic link.
GENERIC = {"attributes": "attribute", "metadata": "metadata"}


class PackageError(Exception):
    """The package as a whole cannot be read (no such file, not JSON, no datapackage.json)."""


@dataclass
class Problem:
    file: str
    row: int | None  # 1 = the first data row of a CSV (line 2); for JSON the object's position
    field: str
    message: str
    kept: bool = False  # a note: the row was imported all the same

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file} row {self.row}"
        return f"{where}, {self.field or '(row)'}: {self.message}"


@dataclass
class Row:
    table: str
    data: dict[str, Any]
    file: str
    row: int | None

    @property
    def id(self) -> str:
        return str(self.data.get("id") or "")

    @property
    def link(self) -> str:
        return link_of(self.table, self.data)


LINK_FIELDS = (
    "organization_id",
    "service_id",
    "location_id",
    "service_at_location_id",
    "contact_id",
    "phone_id",
    "program_id",
    "parent_id",
    "taxonomy_id",
    "link_id",
    "link_entity",
    "resource_id",
    "resource_type",
)


# Objects that exist once whatever nests them: their rows merge (see directory.services).
ENTITIES = frozenset(
    {
        "organization",
        "service",
        "location",
        "service_at_location",
        "program",
        "taxonomy",
        "taxonomy_term",
        "meta_table_description",
    }
)


def link_of(table: str, data: dict[str, Any]) -> str:
    """The parents a row names, as one string (see directory.models.Record.link); "" for the
    objects that exist once (ENTITIES)."""
    if table in ENTITIES:
        return ""
    return ";".join(f"{k}={data[k]}" for k in LINK_FIELDS if data.get(k) and k != f"{table}_id")


@dataclass
class Package:
    rows: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def add(self, row: Row) -> None:
        self.rows.setdefault(row.table, []).append(row)

    def count(self) -> dict[str, int]:
        return {table: len(rows) for table, rows in sorted(self.rows.items())}


# --- the standard -----------------------------------------------------------------------------


@cache
def datapackage() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMA_DIR / "datapackage.json").read_text())
    return data


@cache
def tables() -> dict[str, dict[str, Any]]:
    """Each table of the tabular form: its file name and fields (in the standard's order)."""
    return {r["name"]: r for r in datapackage()["resources"]}


def columns(table: str) -> list[dict[str, Any]]:
    fields: list[dict[str, Any]] = tables()[table]["schema"]["fields"]
    return fields


@cache
def _schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMA_DIR / name).read_text())
    return data


def _retrieve(uri: str) -> dict[str, Any]:
    name = uri.rsplit("/", 1)[-1]
    if not (SCHEMA_DIR / name).is_file():
        raise PackageError(f"the HSDS schemas have no {name}")
    return _schema(name)


@cache
def validator(table: str) -> Any:
    """A validator of one HSDS object against the standard's schema for it."""
    return jsonschema_rs.validator_for(
        _schema(f"{table}.json"), retriever=_retrieve, validate_formats=False
    )


def check(table: str, data: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, message) for every way `data` breaks the standard's schema of `table`."""
    found = []
    for error in validator(table).iter_errors(data):
        path = ".".join(str(p) for p in error.instance_path)
        found.append((path, error.message))
    return found


# --- reading ----------------------------------------------------------------------------------


def read(path: Path) -> Package:
    """A package from a folder with `datapackage.json` (the tabular form) or a JSON file."""
    if path.is_dir():
        if not (path / "datapackage.json").is_file():
            raise PackageError(f"{path.name}: a tabular package needs a datapackage.json")
        return read_tabular(path)
    if path.is_file():
        try:
            document = json.loads(path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise PackageError(f"{path.name}: not a JSON document ({exc})") from None
        return read_json(document, path.name)
    raise PackageError(f"{path}: no such file or folder")


def _typed(value: str, spec: dict[str, Any]) -> Any:
    """A CSV cell as the type the standard gives its field (empty is absent)."""
    kind = spec.get("type")
    if kind == "integer":
        return int(value)
    if kind == "number":
        number = float(value)
        return int(number) if number.is_integer() and "." not in value else number
    if kind == "boolean":
        lowered = value.strip().lower()
        if lowered in ("true", "1", "yes"):
            return True
        if lowered in ("false", "0", "no"):
            return False
        raise ValueError(f"{value!r} is not true or false")
    return value


def read_tabular(folder: Path) -> Package:
    package = Package()
    try:
        described = json.loads((folder / "datapackage.json").read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise PackageError(f"datapackage.json: not JSON ({exc})") from None
    resources = described.get("resources") if isinstance(described, dict) else None
    if not isinstance(resources, list):
        raise PackageError("datapackage.json: no list of resources")
    for resource in resources:
        name = str(resource.get("name", ""))
        file = str(resource.get("path", ""))
        if name not in tables():
            package.problems.append(
                Problem("datapackage.json", None, "resources", f"{name!r} is not an HSDS table")
            )
            continue
        source = folder / file
        if not source.is_file():
            # A package lists every table of the standard; only the files present carry rows.
            continue
        specs = {c["name"]: c for c in columns(name)}
        with source.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            unknown = [h for h in reader.fieldnames or [] if h not in specs]
            for header in unknown:
                package.problems.append(
                    Problem(file, None, header, "not a field of this HSDS table")
                )
            for number, raw in enumerate(reader, start=1):
                data: dict[str, Any] = {}
                broken = False
                for key, value in raw.items():
                    if key is None or key in unknown:
                        if key is None:
                            package.problems.append(
                                Problem(file, number, "", "more cells than columns")
                            )
                            broken = True
                        continue
                    if value is None or value == "":
                        continue
                    try:
                        data[key] = _typed(value, specs[key])
                    except ValueError:
                        package.problems.append(
                            Problem(file, number, key, f"{value!r} is not a {specs[key]['type']}")
                        )
                        broken = True
                if not broken:
                    package.add(Row(name, data, file, number))
    return package


def read_json(document: Any, file: str) -> Package:
    package = Package()
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        objects = document["contents"]  # an HSDS API page
    elif isinstance(document, list):
        objects = document
    else:
        objects = [document]
    for position, item in enumerate(objects, start=1):
        if not isinstance(item, dict):
            package.problems.append(Problem(file, position, "", "not an HSDS object"))
            continue
        table = "organization" if "services" in item or "organization_identifiers" in item else ""
        table = table or ("service" if "status" in item else "organization")
        _flatten(package, table, item, file, position, parent=None)
    return package


def _flatten(
    package: Package,
    table: str,
    item: dict[str, Any],
    file: str,
    position: int,
    parent: tuple[str, str] | None,
) -> None:
    data: dict[str, Any] = {}
    nested: list[tuple[str, dict[str, Any], tuple[str, str]]] = []
    me = (table, str(item.get("id", "")))
    for key, value in item.items():
        if table == "organization" and key == "services" and isinstance(value, list):
            for child in value:
                if isinstance(child, dict):
                    nested.append(("service", child, me))
        elif (table, key) in CHILDREN and isinstance(value, list):
            for child in value:
                if isinstance(child, dict):
                    nested.append((CHILDREN[(table, key)], child, me))
        elif key in GENERIC and isinstance(value, list):
            for child in value:
                if isinstance(child, dict):
                    nested.append((GENERIC[key], child, me))
        elif (table, key) in SINGLE and isinstance(value, dict):
            # the nested object is named by its identifier, as the tabular form names it
            if value.get("id"):
                data.setdefault(f"{SINGLE[(table, key)]}_id", value["id"])
            nested.append((SINGLE[(table, key)], value, ("", "")))
        else:
            data[key] = value
    if parent is not None and parent[0]:
        kind, pid = parent
        if table == "attribute":
            data.setdefault("link_id", pid)
            data.setdefault("link_entity", kind)
        elif table == "metadata":
            data.setdefault("resource_id", pid)
            data.setdefault("resource_type", kind)
        else:
            data.setdefault(PARENT_KEY.get(kind, f"{kind}_id"), pid)
    package.add(Row(table, data, file, position))
    for child_table, child, link in nested:
        _flatten(package, child_table, child, file, position, link)


# --- writing ----------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(value)
    return str(value)


def write_tabular(rows: dict[str, list[dict[str, Any]]], folder: Path) -> list[str]:
    """Writes one CSV per table that has rows (sorted by id, the standard's column order) and a
    datapackage.json describing them with the standard's own resource definitions."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    resources = []
    for name, resource in tables().items():
        if not rows.get(name):
            continue
        names = [c["name"] for c in columns(name)]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(names)
        for data in sorted(rows[name], key=lambda d: str(d.get("id", ""))):
            writer.writerow([_cell(data.get(n)) for n in names])
        (folder / resource["path"]).write_text(buffer.getvalue(), encoding="utf-8")
        written.append(resource["path"])
        resources.append(resource)
    described = {k: v for k, v in datapackage().items() if k != "resources"}
    described["resources"] = resources
    (folder / "datapackage.json").write_text(
        json.dumps(described, indent=2, ensure_ascii=False, sort_keys=False) + "\n",
        encoding="utf-8",
    )
    return written


def ordered(table: str, data: dict[str, Any]) -> dict[str, Any]:
    """`data` with its fields in the order the standard's schema lists them (unknown last)."""
    order = {name: i for i, name in enumerate(_schema(f"{table}.json")["properties"])}
    return dict(sorted(data.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))


def _index(rows: Iterable[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for data in sorted(rows, key=lambda d: str(d.get("id", ""))):
        if data.get(key):
            found.setdefault(str(data[key]), []).append(data)
    return found


def nest_services(rows: dict[str, list[dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    """Every service as an HSDS `service_full` object, its children nested as the JSON form has
    them. Each child appears under the nearest parent its row names."""
    by: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = {}

    def children(table: str, key: str) -> dict[str, list[dict[str, Any]]]:
        if (table, key) not in by:
            by[(table, key)] = _index(rows.get(table, []), key)
        return by[(table, key)]

    ids = {t: {str(d["id"]): d for d in rows.get(t, []) if d.get("id")} for t in tables()}
    attributes: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for a in sorted(rows.get("attribute", []), key=lambda d: str(d.get("id", ""))):
        attributes.setdefault(
            (str(a.get("link_entity", "")), str(a.get("link_id", ""))), []
        ).append(a)

    def nest(table: str, data: dict[str, Any], depth: int = 0) -> dict[str, Any]:
        out = dict(data)
        me = str(data.get("id", ""))
        for (parent, json_field), child_table in CHILDREN.items():
            if parent != table or (table, json_field) == ("organization", "locations"):
                continue
            if table == "service" and json_field == "service_at_locations" and depth > 0:
                continue
            key = PARENT_KEY.get(table, f"{table}_id")
            found = children(child_table, key).get(me, [])
            if child_table in ("phone", "contact", "schedule", "language") and table != "phone":
                # a phone of a contact is not also the service's own phone
                found = [f for f in found if _nearest(f, child_table) == table]
            if found:
                out[json_field] = [nest(child_table, f, depth + 1) for f in found]
        attached = attributes.get((table, me), [])
        if attached:
            out["attributes"] = []
            for a in attached:
                item = dict(a)
                term = ids["taxonomy_term"].get(str(a.get("taxonomy_term_id", "")))
                if term is not None:
                    item["taxonomy_term"] = ordered("taxonomy_term", term)
                out["attributes"].append(ordered("attribute", item))
        if table == "service_at_location":
            location = ids["location"].get(str(data.get("location_id", "")))
            if location is not None:
                out["location"] = nest("location", location, depth + 1)
        return ordered(table, out)

    for service in sorted(rows.get("service", []), key=lambda d: str(d.get("id", ""))):
        full = nest("service", service)
        organization = ids["organization"].get(str(service.get("organization_id", "")))
        if organization is not None:
            full["organization"] = nest("organization", organization, 1)
        program = ids["program"].get(str(service.get("program_id", "")))
        if program is not None:
            full["program"] = ordered("program", program)
        yield ordered("service", full)


# Which parent a child row belongs under when it names several (a phone of a contact of a
# service names both): the most specific one.
_SPECIFIC = (
    "phone_id",
    "contact_id",
    "service_at_location_id",
    "location_id",
    "service_id",
    "organization_id",
)


def _nearest(data: dict[str, Any], table: str) -> str:
    for key in _SPECIFIC:
        if data.get(key) and key != f"{table}_id":
            return key.removesuffix("_id")
    return ""
