"""How the workbook looks on screen and on paper.

Every sheet starts with a title block (the agency, the title, scope, as-of day and period,
who prepared it), then the header row; it prints on A4 landscape, fitted to the page's width,
the header row repeated on every page and the page numbered. On screen the title block and
header stay frozen and the header carries the filter. Text is Times New Roman, the font of
Vietnamese administrative documents (LibreOffice prints it with the metric-compatible
Liberation Serif). Spreadsheet programs do not always fit a row to its wrapped text (never a
merged cell's), so rows whose text wraps get their height here, from an estimate of its lines
that errs on the side of room to spare: a label is never cut off.
"""

import io
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import BinaryIO

from xlsxwriter import Workbook
from xlsxwriter.worksheet import Worksheet

from handlers.formatting import show_date
from handlers.periods import ROMAN, Period
from handlers.services.summaries.figures import Summary
from handlers.services.summaries.streamed_rows import RowFile, Styles, splice, style_index
from handlers.texts import t
from knowledge.indicators import Basis

FONT_NAME, FONT_SIZE, TITLE_SIZE = "Times New Roman", 11, 13
DATE_FORMAT = "DD/MM/YYYY"
A4 = 9  # XlsxWriter's paper code
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.5, "bottom": 0.6}  # inches
# Average width of a letter of Vietnamese text in Times New Roman, in ems, with room to spare:
# LibreOffice fits the 40 letters of «Cán bộ có chuyên môn chưa phù hợp vị trí» on one line of
# a column 34 wide, 0.41 em a letter; bold letters and capitals are wider.
LETTER_EM = {"regular": 0.44, "bold": 0.48, "capitals": 0.70}
PIXELS_PER_POINT = 96 / 72
DIGIT_PIXELS, CELL_PADDING = 7, 5  # what one unit of a column's width is in Excel


@dataclass(frozen=True)
class Column:
    header: str  # a text key
    width: float  # in Excel's units (digits of the default font)
    wrap: bool = False  # long text, wrapped within the width


def letters_per_line(width: float, style: str = "regular", size: float = FONT_SIZE) -> int:
    """How many letters of text fit on one line of a cell `width` wide."""
    letter = LETTER_EM[style] * size * PIXELS_PER_POINT
    return max(1, int((width * DIGIT_PIXELS + CELL_PADDING - 6) / letter))


@lru_cache(maxsize=1 << 16)  # units, titles and groups repeat down a province's lists
def line_count(text: str, width: float, style: str = "regular", size: float = FONT_SIZE) -> int:
    """How many lines `text` takes in a cell `width` wide, words wrapped whole."""
    room = letters_per_line(width, style, size)
    if len(text) <= room and "\n" not in text:
        return 1
    lines = 0
    for paragraph in text.split("\n"):
        lines, used = lines + 1, 0
        for word in paragraph.split():
            if used and used + 1 + len(word) <= room:
                used += 1 + len(word)
                continue
            if used:
                lines += 1
            broken = (len(word) - 1) // room  # a word longer than a line is broken
            lines += broken
            used = len(word) - broken * room
    return lines


def row_height(lines: int, size: float = FONT_SIZE) -> float:
    """Points for `lines` lines of text (Excel's 15 for one line of 11-point text)."""
    return math.ceil(lines * size * 1.3) + 1


class Book:
    """The workbook XlsxWriter lays out in memory (title blocks, headers, the summary table,
    page set-up, styles), and the long lists' rows streamed beside it; `write` puts both
    into the file delivered."""

    def __init__(self):
        self._skeleton = io.BytesIO()
        self.workbook = Workbook(
            self._skeleton,
            {
                "in_memory": True,
                "default_format_properties": {"font_name": FONT_NAME, "font_size": FONT_SIZE},
            },
        )
        self._streams: dict[int, RowFile] = {}
        add = self.workbook.add_format
        font = {"font_name": FONT_NAME, "font_size": FONT_SIZE}
        cell = {**font, "border": 1, "valign": "vcenter"}
        self.agency = add({**font, "bold": True})
        self.title = add(
            {**font, "bold": True, "font_size": TITLE_SIZE, "align": "center", "text_wrap": True}
        )
        self.subtitle = add({**font, "italic": True, "align": "center", "text_wrap": True})
        self.header = add(
            {**cell, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#DDEBF7"}
        )
        self.text = add(cell)
        self.wrapped = add({**cell, "text_wrap": True})
        self.as_text = add({**cell, "quote_prefix": True})  # stays text when edited
        self.wrapped_as_text = add({**cell, "text_wrap": True, "quote_prefix": True})
        self.number = add(cell)
        self.date = add({**cell, "num_format": DATE_FORMAT, "align": "center"})
        self.label = add({**font, "bold": True, "text_wrap": True, "valign": "vcenter"})
        self.value = add({**font, "align": "left", "valign": "vcenter"})
        # The streamed rows name their styles by index: fixed now, before any cell uses them.
        self._styles = {
            name: style_index(getattr(self, name))
            for name in ("text", "wrapped", "as_text", "wrapped_as_text", "number", "date")
        }

    def sheet(
        self, name: str, title: str, columns: list[Column], heading: list[str], agency: str
    ) -> tuple[Worksheet, int]:
        """A sheet set up for printing, with its title block and header row written; returns
        it and the header's row (zero-based)."""
        sheet = self.workbook.add_worksheet(name)
        for number, column in enumerate(columns):
            sheet.set_column(number, number, column.width)
        width = sum(c.width for c in columns)
        last = len(columns) - 1
        sheet.write_string(0, 0, agency, self.agency)
        row = 1
        for text, style, size, kind in [(title, self.title, TITLE_SIZE, "capitals")] + [
            (line, self.subtitle, FONT_SIZE, "regular") for line in heading
        ]:
            sheet.merge_range(row, 0, row, last, text, style)
            sheet.set_row(row, row_height(line_count(text, width, kind, size), size))
            row += 1
        header = row
        lines = max(line_count(t(c.header), c.width, "bold") for c in columns)
        sheet.set_row(header, row_height(lines))
        for number, column in enumerate(columns):
            sheet.write_string(header, number, t(column.header), self.header)
        _print_setup(sheet, header)
        return sheet, header

    def stream(self, sheet: Worksheet, first_row: int, columns: list[Column]) -> RowFile:
        """The rows of `sheet` from `first_row` on, written past XlsxWriter (streamed_rows),
        in this book's cell styles."""
        text = [
            (self._styles["wrapped"], self._styles["wrapped_as_text"])
            if column.wrap
            else (self._styles["text"], self._styles["as_text"])
            for column in columns
        ]
        rows = RowFile(first_row, Styles(text, self._styles["number"], self._styles["date"]))
        self._streams[sheet.index] = rows
        return rows

    def write(self, handle: BinaryIO) -> None:
        """The finished workbook, into `handle`."""
        self.workbook.close()
        splice(self._skeleton, self._streams, handle)

    def __enter__(self) -> "Book":
        return self

    def __exit__(self, *_exc) -> None:
        for rows in self._streams.values():  # their temporary files
            rows.close()


def _print_setup(sheet: Worksheet, header: int) -> None:
    sheet.set_paper(A4)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)  # the page's width; as many pages down as the rows need
    sheet.repeat_rows(header)
    sheet.set_margins(**MARGINS)
    sheet.set_footer("&C" + t("summaries.print_page", page="&P", pages="&N"))


class Titles:
    """What every sheet's title block says besides its own title."""

    def __init__(self, summary: Summary, prepared_by: str | None):
        scope, blank = summary.scope, t("summaries.to_fill_in")
        self.agency = summary.targets.place.upper() or blank
        self.lines = [
            t(
                "summaries.heading_scope",
                scope=scope.name,
                as_of=show_date(scope.as_of),
                period=period_name(scope.period),
            ),
            t(
                "summaries.heading_prepared",
                name=prepared_by or blank,
                today=show_date(scope.today),
            ),
        ]


def period_name(period: Period) -> str:
    """ "Quý II/2026", or "Năm 2026" for the annual evaluation (its key is "2026Q4")."""
    if period.annual:
        return t("summaries.period_year", year=period.year)
    return t("summaries.period_quarter", roman=ROMAN[period.quarter], year=period.year)


def courses_window(basis: Basis) -> str:
    """The training period the courses are taken from: «hoàn thành từ … đến …»."""
    last = show_date(basis.as_of)
    if basis.training_from is None:
        return t("summaries.courses_until", last=last)
    return t("summaries.courses_between", first=show_date(basis.training_from), last=last)
