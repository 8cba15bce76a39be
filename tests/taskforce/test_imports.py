"""Importing member lists and sign-in sheets (CSV and XLSX): a preview writes nothing, a file
with any problem writes nothing and reports row by row; exports never name protected members."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from harborline.taskforce import imports, services
from harborline.taskforce.models import Attendance, Member
from tests.factories import OrganizationFactory


def csv_bytes(rows):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def xlsx_bytes(rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


GOOD = [
    ["organization", "name", "email", "category", "since", "protected"],
    ["clark-da", "", "", "prosecutors", "2024-01-15", ""],
    ["", "Jordan Vale", "jordan@example.org", "community_advocates", "", "no"],
    ["", "Riley Survivor", "", "survivors", "03/01/2025", "yes"],
]


@pytest.fixture
def da(db):
    return OrganizationFactory(slug="clark-da", name="Clark County DA", type="prosecutor")


@pytest.mark.parametrize(
    ("maker", "filename"), [(csv_bytes, "members.csv"), (xlsx_bytes, "members.xlsx")]
)
def test_good_file_previews_then_imports(tf, coordinator, da, maker, filename):
    before = Member.objects.count()
    plan = imports.import_members(
        actor=coordinator, taskforce=tf, upload=maker(GOOD), filename=filename, dry_run=True
    )
    assert plan.ok and len(plan.created) == 3
    assert "a protected member (survivor)" in plan.created[2]
    assert Member.objects.count() == before  # the preview wrote nothing
    plan = imports.import_members(
        actor=coordinator, taskforce=tf, upload=maker(GOOD), filename=filename
    )
    assert plan.ok
    assert Member.objects.count() == before + 3
    riley = Member.objects.get(person_name="Riley Survivor")
    assert riley.protected and str(riley.since) == "2025-03-01"


@pytest.mark.parametrize(
    ("maker", "filename"), [(csv_bytes, "members.csv"), (xlsx_bytes, "members.xlsx")]
)
def test_file_with_errors_writes_nothing_and_reports_rows(tf, coordinator, da, maker, filename):
    rows = [
        *GOOD,
        ["nowhere", "", "", "cps", "", ""],  # row 5: unknown organization
        ["", "Pat", "", "mayors", "", ""],  # row 6: unknown category
        ["", "Lee", "", "cps", "yesterday", "maybe"],  # row 7: bad date and flag
        ["", "", "", "cps", "", ""],  # row 8: nobody
    ]
    before = Member.objects.count()
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_members(
            actor=coordinator, taskforce=tf, upload=maker(rows), filename=filename
        )
    got = {(p.row, p.column) for p in rejected.value.problems}
    assert got == {
        (5, "organization"),
        (6, "category"),
        (7, "since"),
        (7, "protected"),
        (8, "name"),
    }
    assert Member.objects.count() == before


def test_missing_column_and_bad_file_type(tf, coordinator):
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_members(
            actor=coordinator, taskforce=tf, upload=csv_bytes([["name"], ["A"]]), filename="m.csv"
        )
    assert rejected.value.problems[0].column == "category"
    from harborline.errors import InvalidInput

    with pytest.raises(InvalidInput):
        imports.import_members(actor=coordinator, taskforce=tf, upload=b"x", filename="m.txt")


def test_sign_in_sheet_records_attendance_all_or_nothing(tf, coordinator, member_org):
    services.add_member(
        actor=coordinator,
        taskforce=tf,
        person_name="Jordan Vale",
        person_email="jordan@example.org",
        category="community_advocates",
    )
    meeting = services.create_meeting(
        actor=coordinator, taskforce=tf, title="M", starts_at=timezone.now()
    )
    bad = [
        ["name", "email", "organization", "status"],
        ["", "jordan@example.org", "", "present"],
        ["Nobody Known", "", "", ""],
    ]
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_sign_in(
            actor=coordinator, meeting=meeting, upload=csv_bytes(bad), filename="s.csv"
        )
    assert [(p.row, p.column) for p in rejected.value.problems] == [(3, "name")]
    assert not Attendance.objects.exists()
    good = [
        ["name", "email", "organization", "status"],
        ["", "jordan@example.org", "", ""],
        ["", "", "washoe-le", "excused"],
    ]
    plan = imports.import_sign_in(
        actor=coordinator, meeting=meeting, upload=xlsx_bytes(good), filename="s.xlsx"
    )
    assert plan.ok
    assert sorted(Attendance.objects.values_list("status", flat=True)) == ["excused", "present"]


def test_exports_never_name_protected_members(tf, coordinator):
    services.add_member(
        actor=coordinator,
        taskforce=tf,
        person_name="Riley Survivor",
        person_email="riley@example.org",
        category="survivors",
        protected=True,
    )
    content, ctype = imports.export_members(actor=coordinator, taskforce=tf, fmt="csv")
    text = content.decode("utf-8-sig")
    assert "Riley" not in text and "riley@" not in text
    assert "Protected member (survivor)" in text
    assert ctype.startswith("text/csv")
    content, _ = imports.export_members(actor=coordinator, taskforce=tf, fmt="xlsx")
    cells = [
        c
        for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
        for c in row
    ]
    assert "Riley Survivor" not in cells


def test_representation_and_attendance_exports(tf, coordinator):
    meeting = services.create_meeting(
        actor=coordinator, taskforce=tf, title="Jan", starts_at=timezone.now()
    )
    services.record_attendance(
        actor=coordinator, meeting=meeting, statuses={tf.members.first().pk: "present"}
    )
    rep, _ = imports.export_representation(actor=coordinator, taskforce=tf, fmt="csv")
    lines = rep.decode("utf-8-sig").splitlines()
    assert lines[0] == "category,label,members,represented"
    assert len(lines) == 14
    att, _ = imports.export_attendance(actor=coordinator, taskforce=tf, fmt="csv")
    assert "Jan" in att.decode("utf-8-sig") and "present" in att.decode("utf-8-sig")
