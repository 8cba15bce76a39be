"""`harborline directory import-hsds PATH [--dry-run]` and `export-hsds PATH` (issue 14's
contract): exit 0 with a summary; problems by file, row and field with exit 1 when a row was
refused; --dry-run writes nothing; an unreadable package is a usage error (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harborline.directory import hsds
from harborline.directory.models import Record, Service

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).parents[1] / "directory" / "data" / "hsds-examples"


def test_import_the_standards_example_then_export_it(cli, tmp_path):
    result = cli("directory", "import-hsds", str(EXAMPLES / "csv"))
    assert result.code == 0, result.err
    assert "Read 21 rows; imported 21." in result.out
    assert "service: 1 of 1" in result.out
    assert Service.objects.get().name == "Community Counselling"
    result = cli("directory", "export-hsds", str(tmp_path / "out"))
    assert result.code == 0, result.err
    assert (tmp_path / "out" / "datapackage.json").is_file()
    assert (tmp_path / "out" / "services.csv").read_text().count("Community Counselling") == 1
    result = cli("directory", "export-hsds", str(tmp_path / "out.json"), "--format", "json")
    assert result.code == 0, result.err
    assert json.loads((tmp_path / "out.json").read_text())[0]["name"] == "Community Counselling"


def test_a_refused_row_is_listed_and_exits_1_the_rest_imported(cli, tmp_path):
    org = {"id": "o1", "name": "Harbor Youth Services", "description": "Drop-in"}
    good = {"id": "s1", "organization_id": "o1", "name": "Drop-in", "status": "active"}
    bad = {"id": "s2", "organization_id": "o1", "name": "Broken", "status": "someday"}
    hsds.write_tabular({"organization": [org], "service": [good, bad]}, tmp_path / "p")
    dry = cli("directory", "import-hsds", str(tmp_path / "p"), "--dry-run")
    assert dry.code == 1
    assert "refused: services.csv row 2, status:" in dry.err
    assert Record.objects.filter(table="service").count() == 0
    result = cli("directory", "import-hsds", str(tmp_path / "p"))
    assert result.code == 1
    assert "refused: services.csv row 2, status:" in result.err
    assert list(Service.objects.values_list("hsds_id", flat=True)) == ["s1"]


def test_an_unreadable_package_is_a_usage_error(cli, tmp_path):
    result = cli("directory", "import-hsds", str(tmp_path / "nothing-here"))
    assert result.code == 2
    assert "no such file or folder" in result.err


def test_a_directory_token_reads_the_hsds_api(cli, client):
    result = cli("directory", "token", "create", "--name", "Washoe 211")
    assert result.code == 0, result.err
    raw = result.out.strip()
    assert raw.startswith("hld_")
    r = client.get("/api/v1/hsds/services", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 200
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
