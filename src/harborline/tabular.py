"""Reading and writing spreadsheets (CSV and XLSX) for imports and exports.

One small module so every import (training rosters, member lists, ...) behaves the same way:

- `read_table(upload, filename, columns)` parses an uploaded CSV or XLSX file against a list of
  `Column`s and returns a `Table` of parsed rows plus row errors, numbered as the spreadsheet shows
  them (the header is row 1, the first data row is row 2). Callers decide what to do with errors;
  imports are all-or-nothing, so a caller writes nothing when `table.errors` is not empty.
- `write_table(rows, columns, fmt)` renders rows as CSV or XLSX and returns the bytes with their
  content type. Cells that a spreadsheet would read as a formula are escaped.

Limits (size, rows) are enforced here so an upload never exhausts memory or time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from harborline.errors import InvalidInput

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: What a spreadsheet would read as the start of a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = True
    parse: Callable[[str], Any] = str
    help: str = ""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class Table:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    #: The spreadsheet row number of each entry in `rows` (same order).
    row_numbers: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _key(name: str) -> str:
    return " ".join(str(name).split()).casefold()


# --- reading -----------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    """A cell as the text a parse function receives; dates become ISO strings."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(upload: bytes) -> Iterator[list[str]]:
    try:
        text = upload.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput.field(
            "file", "The file is not UTF-8 text. Save it as 'CSV UTF-8' and upload it again."
        ) from exc
    # Sniff the delimiter from the header line only: data cells may hold either character, the
    # header (column names) rarely does. Excel in many European locales saves with semicolons.
    header_line = next((line for line in text[:65536].splitlines() if line.strip(" ,;")), "")
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            yield [cell.strip() for cell in row]
    except csv.Error as exc:
        raise InvalidInput.field("file", f"The CSV file cannot be read: {exc}.") from exc


def _xlsx_rows(upload: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(upload), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InvalidInput.field("file", "The file is not a readable XLSX workbook.") from exc
    except Exception as exc:  # openpyxl raises assorted errors for corrupt files
        raise InvalidInput.field("file", "The file is not a readable XLSX workbook.") from exc
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(v) for v in values]
    finally:
        workbook.close()


def read_table(upload: bytes, filename: str, columns: list[Column]) -> Table:
    """Parse an uploaded CSV/XLSX file. Raises InvalidInput (field "file") when the file itself
    cannot be used; problems in cells are returned as `Table.errors`."""
    name = (filename or "").strip().lower()
    if name.endswith(".csv"):
        source = _csv_rows
    elif name.endswith(".xlsx"):
        source = _xlsx_rows
    else:
        raise InvalidInput.field("file", "Upload a .csv or .xlsx file.")
    if len(upload) > MAX_BYTES:
        raise InvalidInput.field(
            "file",
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. Split it and try again.",
        )
    if not upload.strip():
        raise InvalidInput.field("file", "The file is empty.")

    table = Table()
    rows = source(upload)
    header: list[str] | None = None
    header_row = 0
    row_number = 0
    for cells in rows:
        row_number += 1
        if not any(cells):
            continue
        header = cells
        header_row = row_number
        break
    if header is None:
        raise InvalidInput.field("file", "The file has no header row.")

    wanted = {_key(c.name): c for c in columns}
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        key = _key(title)
        if not key:
            continue
        column = wanted.get(key)
        if column is None:
            table.ignored_columns.append(title.strip())
        elif column.name not in positions:
            positions[column.name] = index
    missing = [c.name for c in columns if c.required and c.name not in positions]
    for name_ in missing:
        table.errors.append(
            RowError(row=header_row, column=name_, message=f"The column '{name_}' is missing.")
        )
    if missing:
        return table

    data_rows = 0
    for cells in rows:
        row_number += 1
        if not any(cells):
            continue
        data_rows += 1
        if data_rows > MAX_ROWS:
            raise InvalidInput.field(
                "file", f"The file has more than {MAX_ROWS:,} rows. Split it and try again."
            )
        parsed: dict[str, Any] = {}
        row_ok = True
        for column in columns:
            position = positions.get(column.name)
            raw = cells[position] if position is not None and position < len(cells) else ""
            if raw == "":
                if column.required:
                    table.errors.append(RowError(row_number, column.name, "This cell is empty."))
                    row_ok = False
                else:
                    parsed[column.name] = None
                continue
            try:
                parsed[column.name] = column.parse(raw)
            except ValueError as exc:
                message = str(exc) or f"'{raw}' is not a valid value."
                table.errors.append(RowError(row_number, column.name, message))
                row_ok = False
        if row_ok:
            table.rows.append(parsed)
            table.row_numbers.append(row_number)
    return table


# --- writing -----------------------------------------------------------------------------------


def escape_cell(value: Any) -> Any:
    """Neutralise text a spreadsheet would evaluate as a formula by prefixing an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv_value(value: Any) -> str:
    value = escape_cell(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return escape_cell("; ".join(str(v) for v in value))
    return str(value)


def _xlsx_value(sheet: Any, value: Any) -> Any:
    """A cell value for openpyxl. Text that looks like a formula becomes a text cell with Excel's
    "quote prefix" set, so it is shown as typed and never evaluated (not even after an edit)."""
    from openpyxl.cell import WriteOnlyCell

    if value is None:
        return None
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, bool | int | float | dt.date | dt.datetime):
        return value
    if not isinstance(value, str):
        value = str(value)
    if value.startswith(FORMULA_PREFIXES):
        cell = WriteOnlyCell(sheet)
        cell.value = value
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return value


def write_table(rows: Iterable[dict[str, Any]], columns: list[str], fmt: str) -> tuple[bytes, str]:
    """Render rows (dicts keyed by column name) in the given column order as "csv" or "xlsx".
    Returns (content, content type)."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([escape_cell(c) for c in columns])
        for row in rows:
            writer.writerow([_csv_value(row.get(c)) for c in columns])
        return buffer.getvalue().encode("utf-8-sig"), CSV_CONTENT_TYPE
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Sheet1")
        sheet.append([_xlsx_value(sheet, c) for c in columns])
        for row in rows:
            sheet.append([_xlsx_value(sheet, row.get(c)) for c in columns])
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue(), XLSX_CONTENT_TYPE
    raise InvalidInput.field("format", "Choose csv or xlsx.")
