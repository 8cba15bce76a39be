"""The standard's own example data imports without loss; export -> import -> export is
byte-stable; what Harborline exports validates against the standard's schemas; a bad row is
reported by file, row and field and refused with its children, the rest imported."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from harborline.directory import hsds, services
from harborline.directory.models import Record, Service

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).parent / "data" / "hsds-examples"


def _facts(package: hsds.Package) -> set[tuple[str, str, str, str]]:
    """Every (table, id, field, value) a package states."""
    return {
        (t, row.id, k, json.dumps(v, sort_keys=True))
        for t, rows in package.rows.items()
        for row in rows
        for k, v in row.data.items()
    }


def _clear() -> None:
    Record.objects.all().delete()
    services.rebuild_index()


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_the_tabular_example_imports_without_loss(tmp_path):
    report = services.import_package(EXAMPLES / "csv")
    assert report.ok, [str(p) for p in report.problems]
    assert sum(report.imported.values()) == sum(report.read.values())
    services.export_package(tmp_path / "out")
    for source in sorted((EXAMPLES / "csv").glob("*.csv")):
        with source.open(newline="", encoding="utf-8-sig") as f:
            original = [{k: v for k, v in r.items() if v != ""} for r in csv.DictReader(f)]
        with (tmp_path / "out" / source.name).open(newline="") as f:
            exported = [{k: v for k, v in r.items() if v != ""} for r in csv.DictReader(f)]
        if source.name in ("attributes.csv", "taxonomies.csv", "taxonomy_terms.csv"):
            # the export adds Harborline's shipped taxonomies; the example's rows are all there
            ids = {r["id"] for r in original}
            exported = [r for r in exported if r["id"] in ids]
        assert exported == original, source.name


@pytest.mark.parametrize("name", ["service_full.json", "organization_full.json"])
def test_the_json_examples_import_without_loss(tmp_path, name):
    source = hsds.read(EXAMPLES / name)
    report = services.import_package(EXAMPLES / name)
    assert report.ok, [str(p) for p in report.refusals]
    services.export_package(tmp_path / "out")
    exported = hsds.read(tmp_path / "out")
    assert _facts(source) <= _facts(exported)


def test_export_import_export_is_byte_stable(tmp_path):
    services.ensure_taxonomies()
    services.import_package(EXAMPLES / "service_full.json")
    services.import_package(EXAMPLES / "csv")
    services.export_package(tmp_path / "one")
    services.export_package(tmp_path / "one.json", fmt="json")
    _clear()
    assert services.import_package(tmp_path / "one").ok
    services.export_package(tmp_path / "two")
    services.export_package(tmp_path / "two.json", fmt="json")
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()


def test_what_harborline_exports_validates_against_the_standard(tmp_path):
    services.ensure_taxonomies()
    services.import_package(EXAMPLES / "service_full.json")
    services.export_package(tmp_path / "out.json", fmt="json")
    services.export_package(tmp_path / "out")
    full = json.loads((tmp_path / "out.json").read_text())
    assert full, "no service exported"
    for service in full:
        assert hsds.check("service", service) == []
    for table, rows in hsds.read(tmp_path / "out").rows.items():
        for row in rows:
            assert hsds.check(table, row.data) == [], (table, row.data)


def _package(tmp_path: Path, **tables: list[dict[str, Any]]) -> Path:
    folder = tmp_path / "pkg"
    hsds.write_tabular(tables, folder)
    return folder


ORG = {"id": "org-1", "name": "Harbor Youth Services", "description": "Drop-in centre"}
SERVICE = {"id": "svc-1", "organization_id": "org-1", "name": "Drop-in", "status": "active"}


def test_a_bad_row_is_named_by_file_row_and_field_and_its_children_go_with_it(tmp_path):
    bad = {"id": "svc-2", "organization_id": "org-1", "name": "Broken", "status": "someday"}
    phone = {"id": "ph-1", "service_id": "svc-2", "number": "555-0100"}
    good_phone = {"id": "ph-2", "service_id": "svc-1", "number": "555-0101"}
    folder = _package(
        tmp_path, organization=[ORG], service=[SERVICE, bad], phone=[phone, good_phone]
    )
    dry = services.import_package(folder, dry_run=True)
    assert Record.objects.count() == 0
    report = services.import_package(folder)
    refusals = {(p.file, p.row, p.field) for p in report.refusals}
    assert ("services.csv", 2, "status") in refusals
    assert ("phones.csv", 1, "service_id") in refusals
    assert [str(p) for p in dry.refusals] == [str(p) for p in report.refusals]
    assert set(Service.objects.values_list("hsds_id", flat=True)) == {"svc-1"}
    assert Record.objects.filter(table="phone").get().hsds_id == "ph-2"


def test_a_cell_of_the_wrong_type_and_an_unknown_column_are_reported(tmp_path):
    folder = _package(tmp_path, organization=[ORG], service=[SERVICE])
    text = (folder / "services.csv").read_text().splitlines()
    text[0] += ",favourite_colour"
    text[1] += ",blue"
    (folder / "services.csv").write_text("\n".join(text) + "\n")
    with (folder / "services.csv").open() as f:
        header = f.readline().strip().split(",")
    row = dict(zip(header, next(csv.reader([text[1]])), strict=True))
    row["minimum_age"] = "twelve"
    with (folder / "services.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, header)
        writer.writeheader()
        writer.writerow(row)
    report = services.import_package(folder)
    problems = {(p.file, p.row, p.field) for p in report.refusals}
    assert ("services.csv", None, "favourite_colour") in problems
    assert ("services.csv", 1, "minimum_age") in problems
    assert not Service.objects.exists()


def test_a_package_that_cannot_be_read_is_one_clear_error(tmp_path):
    (tmp_path / "x.json").write_text("{not json")
    with pytest.raises(hsds.PackageError, match="not a JSON document"):
        services.import_package(tmp_path / "x.json")
    (tmp_path / "folder").mkdir()
    with pytest.raises(hsds.PackageError, match="datapackage.json"):
        services.import_package(tmp_path / "folder")
    shutil.rmtree(tmp_path / "folder")
    with pytest.raises(hsds.PackageError, match="no such file"):
        services.import_package(tmp_path / "folder")
