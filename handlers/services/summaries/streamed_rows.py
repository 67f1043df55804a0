"""The rows of the workbook's long lists, written as SpreadsheetML to temporary files and
spliced into the workbook XlsxWriter lays out.

XlsxWriter spends 4–6 µs a cell on the benchmark machine (its checks, a tuple per cell, its
XML writer), so the whole-country workbook (300,000 officials, 14 million cells) would take it
over a minute for its cells alone (bench/xlsx_floor.py). Here a row is one string, about
0.6 µs a cell: inline strings, numbers, and dates as Excel's serial days, each cell carrying
the style index of an XlsxWriter format, so the cells look exactly as if XlsxWriter had
written them (the same escapes, the same styles). XlsxWriter still lays out everything else (title
block, header, widths, page set-up, filter, frozen panes and the styles themselves); `splice`
copies its file into the one delivered, each list's rows put just before `</sheetData>` of
its worksheet. Memory stays flat: rows go to disk as they are made, and from disk into the
zip in blocks.
"""

import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name

EXCEL_EPOCH = date(1899, 12, 30)  # serial day 0 in Excel's 1900 date system
# What text needs beyond being put between tags: XML's three, the characters XML 1.0 does not
# allow (Excel writes them as _xHHHH_), and text that already looks like such an escape.
NEEDS_ESCAPING = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
LOOKS_ESCAPED = re.compile(r"(_x[0-9a-fA-F]{4}_)")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')
SHEET_END = b"</sheetData>"
BLOCK = 1 << 20
TEXT_CACHE = 20_000  # texts kept written out: units, titles, levels, ratings repeat
# Text a spreadsheet would take for a formula (or for a formula's start).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def style_index(cell_format: Format) -> int:
    """The index XlsxWriter gives `cell_format` in styles.xml (fixed from the first call on:
    a format gets it when a cell first uses it, and it is kept when the file is closed)."""
    return cell_format._get_xf_index()


def escape(text: str) -> str:
    """Text as XlsxWriter writes it into a cell (its _escape_control_characters, then
    _escape_data)."""
    text = LOOKS_ESCAPED.sub(r"_x005F\1", text)
    text = CONTROL.sub(lambda found: f"_x{ord(found[0]):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class Styles:
    """The style indexes a sheet's cells take: per column, text's (plain, and with the quote
    prefix for text a spreadsheet would take for a formula); numbers' and dates'."""

    text: list[tuple[int, int]]
    number: int
    date: int


class RowFile:
    """One worksheet's rows, from `first_row` (zero-based) on, in a temporary file."""

    def __init__(self, first_row: int, styles: Styles):
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self.styles = styles
        self.letters = [xl_col_to_name(n) for n in range(len(styles.text))]
        self.first_row = first_row
        self.last_row = first_row - 1  # none yet
        self._pending: list[str] = []
        self._texts: dict[str, tuple[str, bool]] = {}  # text → (its XML, formula-like)

    def add(self, values: list, height: float | None = None) -> None:
        """One row, a value per column: str, int, float, date or None (an empty cell that
        keeps its style, its borders); `height` in points, when the row's text wraps."""
        self.last_row += 1
        number = self.last_row + 1
        if height:
            parts = [f'<row r="{number}" ht="{height}" customHeight="1">']
        else:
            parts = [f'<row r="{number}">']
        texts, cached = self._texts, self._texts.get
        number_style, date_style = self.styles.number, self.styles.date
        for letter, value, text_styles in zip(self.letters, values, self.styles.text, strict=True):
            kind = type(value)
            if kind is str and value:
                found = cached(value)
                if found is None:
                    if len(texts) >= TEXT_CACHE:  # names and codes do not repeat: bounded
                        texts.clear()
                    found = texts[value] = _inline(value)
                xml, formula_like = found
                parts.append(
                    f'<c r="{letter}{number}" s="{text_styles[formula_like]}" t="inlineStr">{xml}</c>'
                )
            elif kind is int:
                parts.append(f'<c r="{letter}{number}" s="{number_style}"><v>{value}</v></c>')
            elif kind is float:
                parts.append(f'<c r="{letter}{number}" s="{number_style}"><v>{value:.16G}</v></c>')
            elif kind is date:
                days = (value - EXCEL_EPOCH).days
                parts.append(f'<c r="{letter}{number}" s="{date_style}"><v>{days}</v></c>')
            elif value is None or kind is str:  # None or ""
                parts.append(f'<c r="{letter}{number}" s="{text_styles[0]}"/>')
            else:
                raise TypeError(f"no cell for a {kind.__name__}")
        parts.append("</row>")
        self._pending.append("".join(parts))
        if len(self._pending) >= 512:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            self.file.write("".join(self._pending).encode())
            self._pending.clear()

    @property
    def size(self) -> int:
        """Bytes written to the file (after `flush`)."""
        return self.file.seek(0, 2)

    def copy_to(self, target: BinaryIO) -> None:
        self.flush()
        self.file.seek(0)
        shutil.copyfileobj(self.file, target, BLOCK)

    def close(self) -> None:
        self.file.close()


def _inline(text: str) -> tuple[str, bool]:
    """A text cell's <is> element, and whether a spreadsheet would take the text for a
    formula (it then gets the quote-prefix style, so it stays text when edited)."""
    text_xml = escape(text) if NEEDS_ESCAPING.search(text) else text
    space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
    return f"<is><t{space}>{text_xml}</t></is>", text.startswith(FORMULA_START)


def splice(skeleton: BinaryIO, rows: dict[int, RowFile], target: BinaryIO) -> None:
    """Copy the workbook XlsxWriter wrote (`skeleton`) into `target`, with the rows of `rows`
    (worksheet index → its rows) at the end of each one's sheet data and the sheet's
    dimension widened to them. Deflate at zlib's default level: for the 300,000-official
    workbook (800 MB of XML) level 1 would save 5 s of 43 for a file of 90 MB, not 66."""
    skeleton.seek(0)
    with (
        zipfile.ZipFile(skeleton) as source,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            index = _worksheet_index(item.filename)
            if index not in rows:
                out.writestr(item.filename, data)
                continue
            part = rows[index]
            part.flush()
            if SHEET_END not in data:  # a sheet with no row at all: <sheetData/>
                data = data.replace(b"<sheetData/>", b"<sheetData>" + SHEET_END, 1)
            head, tail = data.split(SHEET_END, 1)
            head = _widened(head, part)
            tail = SHEET_END + tail
            info = zipfile.ZipInfo(item.filename, item.date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = len(head) + part.size + len(tail)  # Zip64 only when it needs it
            with out.open(info, "w") as sheet:
                sheet.write(head)
                part.copy_to(sheet)
                sheet.write(tail)


def _worksheet_index(name: str) -> int | None:
    """XlsxWriter names the worksheets xl/worksheets/sheet1.xml … in the order they were
    added: sheet N is the one of index N − 1."""
    found = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", name)
    return int(found[1]) - 1 if found else None


def _widened(head: bytes, part: RowFile) -> bytes:
    """The sheet's <dimension ref="A1:S6"/> taken down to the last streamed row."""
    found = DIMENSION.search(head)
    if found is None:
        return head
    first = found[0].split(b'"')[1].split(b":")[0]
    last = f"{part.letters[-1]}{max(part.last_row, part.first_row - 1) + 1}".encode()
    return (
        head[: found.start()]
        + b'<dimension ref="'
        + first
        + b":"
        + last
        + b'"/>'
        + head[found.end() :]
    )
