"""The workbook's first sheet, Tổng hợp: the eight targets' table, then the head count, the
degree candidates and the courses' window; one landscape A4 page for a commune."""

from datetime import date

from handlers.services.summaries.figures import Summary, deadline_day, goal, status_word
from handlers.services.summaries.layout import (
    Book,
    Column,
    Titles,
    courses_window,
    line_count,
    row_height,
)
from handlers.texts import t
from knowledge.indicators import Basis

# Wide enough that the table, fitted to the page's width, also fits one page's height.
SUMMARY_COLUMNS = [
    Column("summaries.col_key", 6),
    Column("summaries.col_indicator", 44, wrap=True),
    Column("summaries.col_population", 28, wrap=True),
    Column("summaries.col_numerator", 7),
    Column("summaries.col_denominator", 7),
    Column("summaries.col_percent", 7),
    Column("summaries.col_goal", 10, wrap=True),
    Column("summaries.col_deadline", 11),
    Column("summaries.col_status", 12, wrap=True),
    Column("summaries.col_note", 56, wrap=True),
]


def summary_sheet(book: Book, summary: Summary, basis: Basis, titles: Titles) -> None:
    """The eight targets' table, then the head count, the degree candidates and the courses'
    window; written with XlsxWriter's own cells (it is short), each row as high as its
    longest wrapped text."""
    sheet, header = book.sheet(
        t("summaries.sheet_summary"),
        t("summaries.title_summary"),
        SUMMARY_COLUMNS,
        titles.lines,
        titles.agency,
    )
    row = header
    for indicator in summary.targets.indicators:
        figure = summary.figure(indicator)
        percentage = figure.percentage
        values = [
            indicator.spec.key,
            indicator.label,
            t(f"summaries.population_{indicator.spec.population}"),
            figure.numerator if figure.spec.measure else None,
            figure.denominator,
            round(percentage, 1) if percentage is not None else None,
            goal(figure),
            deadline_day(figure, summary.scope),
            status_word(figure),
            indicator.note or None,
        ]
        row += 1
        lines = 1
        for number, (column, value) in enumerate(zip(SUMMARY_COLUMNS, values, strict=True)):
            if isinstance(value, str):
                style = book.wrapped if column.wrap else book.text
                sheet.write_string(row, number, value, style)
                lines = max(lines, line_count(value, column.width) if column.wrap else 1)
            elif isinstance(value, date):
                sheet.write_datetime(row, number, value, book.date)
            elif value is None:
                sheet.write_blank(row, number, None, book.text)
            else:
                sheet.write_number(row, number, value, book.number)
        sheet.set_row(row, row_height(lines))
    sheet.freeze_panes(header + 1, 0)
    sheet.autofilter(header, 0, row, len(SUMMARY_COLUMNS) - 1)
    _notes(book, sheet, row + 2, summary, basis)


def _notes(book: Book, sheet, row: int, summary: Summary, basis: Basis) -> None:
    """Below the table: a label over the first three columns, its value after it."""
    courses = (
        "summaries.info_course_counts" if summary.scope.unit is None else "summaries.info_courses"
    )
    last = len(SUMMARY_COLUMNS) - 1
    label_width = sum(c.width for c in SUMMARY_COLUMNS[:3])
    for key, value in (
        ("summaries.info_headcount", summary.headcount),
        ("summaries.info_candidates", summary.candidates),
        (courses, courses_window(basis)),
    ):
        sheet.merge_range(row, 0, row, 2, t(key), book.label)
        if isinstance(value, str):
            sheet.merge_range(row, 3, row, last, value, book.value)
        else:
            sheet.write_number(row, 3, value, book.value)
        sheet.set_row(row, row_height(line_count(t(key), label_width, "bold")))
        row += 1
