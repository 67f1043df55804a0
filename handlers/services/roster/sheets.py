"""Roster files as rows of cells: reading XLSX or CSV, writing them back.

Rows carry the number the spreadsheet shows (the header is row 1), so every problem can point
at the cell an admin has to fix. An XLSX file is streamed (openpyxl's read-only mode) and empty
rows are dropped as they are read, so the memory a file takes is bounded by its filled rows,
which a caller may cap.
"""

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import PurePath

from openpyxl import Workbook, load_workbook

from handlers.formatting import show_count, show_date
from handlers.services.roster.cells import as_text, formula_like
from handlers.services.roster.columns import COLUMNS
from handlers.services.roster.guide import add_dropdowns, add_guide, style_roster_sheet
from handlers.texts import t

Rows = list[tuple[int, list]]  # (row number, cells)
# Told every PROGRESS_ROWS rows (the last row read, the rows the file says it has if it does),
# and once the file is read (the last row twice).
Progress = Callable[[int, int | None], None]
PROGRESS_ROWS = 1000

_XLSX_MAGIC = b"PK"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97–2003 (OLE2)
_DELIMITERS = ",;\t"


class SheetError(Exception):
    """The file cannot be read or written as a roster; the message is for the user."""


def file_format(filename: str) -> str:
    """The format a file is written in, by its name: "xlsx" or "csv"."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise SheetError(t("roster.bad_extension", filename=filename))
    return suffix[1:]


def read_rows(
    data: bytes, filename: str, *, max_rows: int | None = None, progress: Progress | None = None
) -> Rows:
    """The rows that are not empty. More than `max_rows` below the header: SheetError."""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xls" or data.startswith(_XLS_MAGIC):
        raise SheetError(t("roster.old_excel", filename=filename))
    if suffix in (".xlsx", ".xlsm") or (suffix != ".csv" and data.startswith(_XLSX_MAGIC)):
        return _read_xlsx(data, filename, max_rows, progress)
    return _filled(_read_csv(data, filename), filename, max_rows, progress, None)


def _read_xlsx(data: bytes, filename: str, max_rows: int | None, progress: Progress | None) -> Rows:
    try:
        # read_only: rows streamed from the file rather than every cell built at once (20,000
        # rows took 271 MB); data_only: the value a formula last computed, not its text.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # a damaged file fails in many ways, all the same to the user
        raise _unreadable(filename, error) from None
    try:
        sheet = workbook.worksheets[0]  # the roster; the guide and lists come after it
        size = sheet.max_row
        sheet.reset_dimensions()  # some programs write a wrong size: read what is there
        numbered = enumerate(sheet.iter_rows(values_only=True), start=1)
        return _filled(numbered, filename, max_rows, progress, size)
    except SheetError:
        raise
    except Exception as error:  # damage found while streaming
        raise _unreadable(filename, error) from None
    finally:
        workbook.close()


def _filled(
    numbered: Iterable[tuple[int, Iterable]],
    filename: str,
    max_rows: int | None,
    progress: Progress | None,
    size: int | None,
) -> Rows:
    """The rows with anything in them, as they are read: a file padded with empty rows costs
    nothing, and one with too many filled rows is refused before it is all held."""
    rows: Rows = []
    for number, cells in numbered:
        cells = list(cells)
        if all(cell is None or cell == "" for cell in cells):
            continue
        rows.append((number, cells))
        if max_rows is not None and len(rows) > max_rows + 1:  # the header and max_rows
            raise SheetError(
                t("roster_chat.too_many_rows", filename=filename, limit=show_count(max_rows))
            )
        if progress is not None and number % PROGRESS_ROWS == 0:
            progress(number, size)
    if progress is not None and rows:
        progress(rows[-1][0], rows[-1][0])
    return rows


def _unreadable(filename: str, error: Exception) -> SheetError:
    reason = str(error) or type(error).__name__
    return SheetError(t("roster.unreadable", filename=filename, reason=reason))


def _read_csv(data: bytes, filename: str) -> Iterable[tuple[int, list]]:
    try:
        text = data.decode("utf-8-sig")  # with or without the BOM Excel writes
    except UnicodeDecodeError:
        raise SheetError(t("roster.csv_encoding", filename=filename)) from None
    first_line = text.split("\n", 1)[0]
    # Excel in a Vietnamese locale separates with ";" (the decimal mark is ","): use the
    # separator the header line uses most.
    delimiter = max(_DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [_csv_unescaped(cell) for cell in cells]
    except csv.Error as error:  # e.g. a "field" longer than any cell: not a roster
        raise SheetError(t("roster.unreadable", filename=filename, reason=error)) from None


def write_rows(filename: str, rows: list[list], units: Sequence[str] = ()) -> bytes:
    """A roster file holding `rows` (cells in COLUMNS order), XLSX or CSV as the name says.

    An XLSX file also gets the guide and the dropdowns; `units` are the names of the units
    there are, offered in the «Đơn vị» column."""
    header = [column.header for column in COLUMNS]
    if file_format(filename) == "csv":
        return _write_csv(header, rows)
    return _write_xlsx(header, rows, units)


def _write_csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    # The BOM makes Excel open the file as UTF-8 rather than the system code page.
    return out.getvalue().encode("utf-8-sig")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    text = show_date(value) if isinstance(value, date) else str(value)
    # The quote makes a spreadsheet show the text as it is; reading the file undoes it.
    return "'" + text if formula_like(text) else text


def _csv_unescaped(cell: str) -> str:
    """A cell without the quote `_csv_cell` put before formula-like text, and only that one."""
    return cell[1:] if cell.startswith("'") and formula_like(cell[1:]) else cell


def _write_xlsx(header: list[str], rows: list[list], units: Sequence[str]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = t("roster.sheet_roster")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if formula_like(cell.value):
                as_text(cell)
    style_roster_sheet(sheet, len(rows))
    add_guide(workbook, units)
    add_dropdowns(workbook, sheet, len(rows), units)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
