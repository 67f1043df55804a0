"""A list sheet of the workbook: the title block and header row, then rows numbered (STT)
and streamed past XlsxWriter, split over several sheets past Excel's row limit."""

from handlers.services.summaries.layout import (
    Book,
    Column,
    Titles,
    letters_per_line,
    line_count,
    row_height,
)

EXCEL_ROWS = 1_048_576  # rows per sheet, the title block and header included
FROZEN_COLUMNS = 3  # STT, code and name stay in view when a wide list scrolls sideways


class ListSheet:
    """One list: the title block, the header row, then rows numbered from 1 (STT) and
    streamed; past Excel's row limit the rows go on in a new sheet "Name (2)" with the same
    title block and header, the numbering carried on. Values are str, int, float, date or
    None (booleans are written as words by the rows' makers, `yes_no`)."""

    def __init__(
        self, book: Book, name: str, title: str, columns: list[Column], titles: Titles, lines=()
    ):
        self.book, self.name, self.title, self.titles = book, name, title, titles
        self.columns = [Column("summaries.col_number", 5), *columns]
        self.lines = [*titles.lines, *lines]
        self.parts = self.count = 0
        # The wrapped columns, and the letters they hold before a value may wrap.
        self._wrapped = [
            (number, column.width, letters_per_line(column.width))
            for number, column in enumerate(self.columns)
            if column.wrap
        ]
        self._start_part()

    def add(self, values: list) -> None:
        if self.rows.last_row == EXCEL_ROWS - 1:
            self.close()
            self._start_part()
        self.count += 1
        values = [self.count, *values]
        self.rows.add(values, self._height(values))

    def close(self) -> None:
        last = max(self.rows.last_row, self.header)
        self.sheet.autofilter(self.header, 0, last, len(self.columns) - 1)
        self.sheet.freeze_panes(self.header + 1, FROZEN_COLUMNS)

    def _start_part(self) -> None:
        self.parts += 1
        name = self.name if self.parts == 1 else f"{self.name} ({self.parts})"
        self.sheet, self.header = self.book.sheet(
            name, self.title, self.columns, self.lines, self.titles.agency
        )
        self.rows = self.book.stream(self.sheet, self.header + 1, self.columns)

    def _height(self, values: list) -> float | None:
        lines = 1
        for column, width, room in self._wrapped:
            value = values[column]
            if value.__class__ is str and len(value) > room:  # it wraps: count its lines
                lines = max(lines, line_count(value, width))
        return row_height(lines) if lines > 1 else None
