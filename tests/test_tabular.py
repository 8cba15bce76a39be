"""The shared spreadsheet reader/writer: CSV and XLSX imports and exports."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from harborline import tabular
from harborline.errors import InvalidInput
from harborline.tabular import Column, RowError, read_table, write_table


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a date (use YYYY-MM-DD).") from None


def parse_hours(value: str) -> float:
    try:
        hours = float(value)
    except ValueError:
        raise ValueError("Hours must be a number.") from None
    if hours < 0:
        raise ValueError("Hours cannot be negative.")
    return hours


COLUMNS = [
    Column("email"),
    Column("completed_on", parse=parse_date),
    Column("hours", parse=parse_hours),
    Column("notes", required=False),
]


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- reading CSV -------------------------------------------------------------------------------


def test_csv_rows_are_parsed_with_each_columns_parse_function():
    upload = b"email,completed_on,hours,notes\na@example.org,2026-03-01,2.5,first\n"
    table = read_table(upload, "roster.csv", COLUMNS)
    assert table.errors == []
    assert table.rows == [
        {
            "email": "a@example.org",
            "completed_on": dt.date(2026, 3, 1),
            "hours": 2.5,
            "notes": "first",
        }
    ]
    assert table.row_numbers == [2]
    assert table.ok


def test_csv_with_byte_order_mark_and_semicolons_is_read():
    upload = "\ufeffemail;completed_on;hours\nb@example.org;2026-04-02;3\n".encode()
    table = read_table(upload, "roster.CSV", COLUMNS)
    assert table.errors == []
    assert table.rows[0]["email"] == "b@example.org"
    assert table.rows[0]["hours"] == 3.0
    assert table.rows[0]["notes"] is None


def test_header_names_match_ignoring_case_and_surrounding_spaces():
    upload = b"  EMAIL , Completed_On,HOURS \nc@example.org,2026-01-05,1\n"
    table = read_table(upload, "r.csv", COLUMNS)
    assert table.errors == []
    assert table.rows[0]["completed_on"] == dt.date(2026, 1, 5)


def test_unknown_columns_are_ignored_but_listed():
    upload = b"email,completed_on,hours,badge number\nd@example.org,2026-01-05,1,77\n"
    table = read_table(upload, "r.csv", COLUMNS)
    assert table.ignored_columns == ["badge number"]
    assert "badge number" not in table.rows[0]


def test_a_missing_required_column_is_one_error_naming_it():
    upload = b"email,hours\ne@example.org,1\nf@example.org,2\n"
    table = read_table(upload, "r.csv", COLUMNS)
    assert table.errors == [
        RowError(row=1, column="completed_on", message="The column 'completed_on' is missing.")
    ]
    assert table.rows == []


def test_bad_cells_become_row_errors_numbered_as_the_spreadsheet_shows_them():
    upload = (
        b"email,completed_on,hours\n"
        b"g@example.org,2026-02-30,1\n"  # row 2: impossible date
        b",,\n"  # row 3: empty, skipped
        b"h@example.org,2026-02-01,-1\n"  # row 4: negative hours
        b",2026-02-01,1\n"  # row 5: empty required cell
        b"i@example.org,2026-02-01,1\n"  # row 6: fine
    )
    table = read_table(upload, "r.csv", COLUMNS)
    assert table.errors == [
        RowError(2, "completed_on", "'2026-02-30' is not a date (use YYYY-MM-DD)."),
        RowError(4, "hours", "Hours cannot be negative."),
        RowError(5, "email", "This cell is empty."),
    ]
    assert [r["email"] for r in table.rows] == ["i@example.org"]
    assert table.row_numbers == [6]
    assert not table.ok


def test_empty_rows_are_skipped_before_and_after_the_header():
    upload = b"\n,,\nemail,completed_on,hours\n\nj@example.org,2026-01-01,1\n\n"
    table = read_table(upload, "r.csv", COLUMNS)
    assert table.errors == []
    assert table.row_numbers == [5]


def test_non_utf8_csv_is_refused_on_the_file_field():
    with pytest.raises(InvalidInput) as caught:
        read_table("email\nzoë@example.org\n".encode("latin-1"), "r.csv", COLUMNS)
    assert caught.value.errors[0].field == "file"
    assert "UTF-8" in caught.value.errors[0].message


@pytest.mark.parametrize("filename", ["roster.xls", "roster.txt", "roster", ""])
def test_unsupported_extension_is_invalid_input_on_file(filename):
    with pytest.raises(InvalidInput) as caught:
        read_table(b"email\n", filename, COLUMNS)
    assert caught.value.errors[0].field == "file"


def test_empty_file_is_refused():
    with pytest.raises(InvalidInput) as caught:
        read_table(b"", "r.csv", COLUMNS)
    assert caught.value.errors[0].field == "file"


def test_file_over_the_size_limit_is_refused_with_a_clear_message(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_BYTES", 100)
    with pytest.raises(InvalidInput) as caught:
        read_table(b"email\n" + b"x@example.org\n" * 20, "r.csv", COLUMNS)
    assert caught.value.errors[0].field == "file"
    assert "larger than" in caught.value.errors[0].message


def test_file_over_the_row_limit_is_refused_with_a_clear_message(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_ROWS", 3)
    upload = b"email,completed_on,hours\n" + b"k@example.org,2026-01-01,1\n" * 4
    with pytest.raises(InvalidInput) as caught:
        read_table(upload, "r.csv", COLUMNS)
    assert "more than 3 rows" in caught.value.errors[0].message


def test_default_limits_are_five_megabytes_and_ten_thousand_rows():
    assert tabular.MAX_BYTES == 5 * 1024 * 1024
    assert tabular.MAX_ROWS == 10_000


# --- reading XLSX ------------------------------------------------------------------------------


def test_xlsx_first_sheet_is_read_and_date_cells_become_iso_strings():
    upload = xlsx(
        [
            ["Email", "Completed_on", "Hours", "Extra"],
            ["l@example.org", dt.datetime(2026, 5, 6), 4, "x"],
            [None, None, None, None],
            ["m@example.org", dt.date(2026, 5, 7), 1.5, None],
        ]
    )
    table = read_table(upload, "Roster.xlsx", COLUMNS)
    assert table.errors == []
    assert table.rows == [
        {
            "email": "l@example.org",
            "completed_on": dt.date(2026, 5, 6),
            "hours": 4.0,
            "notes": None,
        },
        {
            "email": "m@example.org",
            "completed_on": dt.date(2026, 5, 7),
            "hours": 1.5,
            "notes": None,
        },
    ]
    assert table.row_numbers == [2, 4]
    assert table.ignored_columns == ["Extra"]


def test_xlsx_date_cell_is_given_to_parse_as_iso_text():
    seen: list[str] = []

    def remember(value: str) -> str:
        seen.append(value)
        return value

    upload = xlsx([["when"], [dt.datetime(2026, 1, 2)], [dt.datetime(2026, 1, 2, 9, 30)]])
    read_table(upload, "r.xlsx", [Column("when", parse=remember)])
    assert seen == ["2026-01-02", "2026-01-02T09:30:00"]


def test_xlsx_bad_cells_are_numbered_as_the_spreadsheet_shows_them():
    upload = xlsx([["email", "completed_on", "hours"], ["n@example.org", "soon", 1]])
    table = read_table(upload, "r.xlsx", COLUMNS)
    assert table.errors == [RowError(2, "completed_on", "'soon' is not a date (use YYYY-MM-DD).")]


def test_a_corrupt_xlsx_is_refused_on_the_file_field():
    with pytest.raises(InvalidInput) as caught:
        read_table(b"this is not a zip", "r.xlsx", COLUMNS)
    assert caught.value.errors[0].field == "file"


# --- writing -----------------------------------------------------------------------------------


ROWS = [
    {"name": "Ana", "formula": '=HYPERLINK("http://x")', "n": 3, "when": dt.date(2026, 1, 2)},
    {"name": "+1 555", "formula": "-2+3", "n": -4, "when": None},
    {"name": "@SUM(A1)", "formula": "plain", "n": 1.5, "when": dt.date(2026, 2, 3)},
]


def test_csv_export_has_header_rows_and_csv_content_type():
    content, content_type = write_table(ROWS, ["name", "n", "when"], "csv")
    assert content_type.startswith("text/csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["name", "n", "when"]
    assert rows[1] == ["Ana", "3", "2026-01-02"]
    assert rows[2][1:] == ["-4", ""]  # numbers are not escaped; missing values are empty


def test_csv_export_escapes_cells_that_begin_with_formula_characters():
    content, _ = write_table(ROWS, ["name", "formula"], "csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[1] == ["Ana", '\'=HYPERLINK("http://x")']
    assert rows[2] == ["'+1 555", "'-2+3"]
    assert rows[3] == ["'@SUM(A1)", "plain"]


def test_xlsx_export_never_writes_formulas_and_keeps_types():
    content, content_type = write_table(ROWS, ["name", "formula", "n", "when"], "xlsx")
    assert content_type == tabular.XLSX_CONTENT_TYPE
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = list(sheet.iter_rows(min_row=1))
    assert [c.value for c in cells[0]] == ["name", "formula", "n", "when"]
    for row in cells[1:]:
        for cell in row:
            assert cell.data_type != "f"
    formula_cell = cells[1][1]
    assert formula_cell.value == '=HYPERLINK("http://x")'
    assert formula_cell.data_type == "s"
    assert formula_cell.quotePrefix
    assert cells[2][0].quotePrefix and cells[3][0].quotePrefix
    assert cells[1][2].value == 3
    assert cells[1][3].value.date() == dt.date(2026, 1, 2)


def test_exports_read_back_through_read_table():
    rows = [{"email": "o@example.org", "completed_on": dt.date(2026, 6, 1), "hours": 2}]
    for fmt in ("csv", "xlsx"):
        content, _ = write_table(rows, ["email", "completed_on", "hours"], fmt)
        table = read_table(content, f"export.{fmt}", COLUMNS)
        assert table.errors == []
        assert table.rows[0]["completed_on"] == dt.date(2026, 6, 1)
        assert table.rows[0]["hours"] == 2.0


def test_unknown_export_format_is_invalid_input():
    with pytest.raises(InvalidInput):
        write_table([], ["a"], "pdf")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20
        ).filter(lambda s: s.strip() == s and s.strip()),
        min_size=1,
        max_size=8,
    )
)
def test_any_text_survives_a_csv_round_trip_with_formula_text_escaped(values):
    rows = [{"value": v} for v in values]
    content, _ = write_table(rows, ["value"], "csv")
    table = read_table(content, "x.csv", [Column("value")])
    assert table.errors == []
    expected = ["'" + v if v.startswith(tabular.FORMULA_PREFIXES) else v for v in values]
    assert [r["value"] for r in table.rows] == expected


def test_delimiter_is_sniffed_from_the_header_so_cells_may_hold_the_other_one():
    table = read_table(b'value,other\n"a,b";c,d\n', "x.csv", [Column("value"), Column("other")])
    assert table.rows == [{"value": "a,b;c", "other": "d"}]
    table = read_table(b"value;other\na,b;c\n", "x.csv", [Column("value"), Column("other")])
    assert table.rows == [{"value": "a,b", "other": "c"}]
