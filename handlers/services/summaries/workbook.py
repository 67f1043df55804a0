"""The Excel workbook of a summary: sheets Tổng hợp, Cán bộ, Khóa học, Đánh giá.

Print-ready (layout.py): a title block on every sheet, A4 landscape fitted to the page's
width, the header repeated on every page, an STT column first on the lists, numbers and dates
stored as numbers and dates. The lists are fed from streamed queries and their rows streamed
to disk (streamed_rows.py), so memory stays flat however many officials there are; a list
longer than Excel's 1,048,576 rows goes on over "Khóa học (2)" and so on.

Khóa học depends on the scope: for one unit it lists every course report (all but withdrawn
ones) of the plan's training period; for the whole commune or province it holds one row per
official with the number of verified courses of each category in that period (the list of
several hundred thousand reports is each unit's workbook's).

Text is always written as text, never as a formula; text a spreadsheet would take for one
(starting with = + - @, or a tab or carriage return) also gets Excel's "quote prefix", so it
stays text when someone edits the cell.
"""

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from handlers.formatting import show_date
from handlers.periods import ROMAN, Period
from handlers.services.summaries.figures import Summary, deadline_day, goal, status_word
from handlers.services.summaries.layout import (
    Book,
    Column,
    letters_per_line,
    line_count,
    row_height,
)
from handlers.texts import label, t
from knowledge.courses import LEVELS
from knowledge.indicators import Basis
from knowledge.retirement import retirement_date
from knowledge.targets import Targets
from knowledge.vocabulary import CourseCategory
from storage.repo import Repo

EXCEL_ROWS = 1_048_576  # rows per sheet, the title block and header included
FROZEN_COLUMNS = 3  # STT, code and name stay in view when a wide list scrolls sideways

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
OFFICIAL_COLUMNS = [
    Column("summaries.col_code", 10),
    Column("summaries.col_name", 20, wrap=True),
    Column("summaries.col_gender", 5),
    Column("summaries.col_birth_date", 11),
    Column("summaries.col_ethnicity", 8, wrap=True),
    Column("summaries.col_minority", 7),
    Column("summaries.col_unit", 18, wrap=True),
    Column("summaries.col_title", 18, wrap=True),
    Column("summaries.col_group", 16, wrap=True),
    Column("summaries.col_vice_chair", 9),
    Column("summaries.col_education", 10, wrap=True),
    Column("summaries.col_major", 14, wrap=True),
    Column("summaries.col_major_fits", 9),
    Column("summaries.col_political_theory", 10, wrap=True),
    Column("summaries.col_state_management", 11, wrap=True),
    Column("summaries.col_equipped", 9),
    Column("summaries.col_retirement", 11),
    Column("summaries.col_candidate", 8),
]
COURSE_COLUMNS = [
    Column("summaries.col_code", 10),
    Column("summaries.col_name", 20, wrap=True),
    Column("summaries.col_unit", 18, wrap=True),
    Column("summaries.col_category", 16, wrap=True),
    Column("summaries.col_course", 32, wrap=True),
    Column("summaries.col_provider", 20, wrap=True),
    Column("summaries.col_completed", 11),
    Column("summaries.col_hours", 6),
    Column("summaries.col_level", 11, wrap=True),
    Column("summaries.col_report_status", 10, wrap=True),
]
COUNT_COLUMNS = [
    Column("summaries.col_code", 10),
    Column("summaries.col_name", 20, wrap=True),
    Column("summaries.col_unit", 18, wrap=True),
    *(Column(f"summaries.category_{c.value}", 10) for c in CourseCategory),
    Column("summaries.col_total", 8),
]
EVALUATION_COLUMNS = [
    Column("summaries.col_code", 10),
    Column("summaries.col_name", 20, wrap=True),
    Column("summaries.col_unit", 18, wrap=True),
    Column("summaries.col_period", 10),
    Column("summaries.col_points", 7),
    Column("summaries.col_proposed", 15, wrap=True),
    Column("summaries.col_confirmed", 15, wrap=True),
    Column("summaries.col_counted", 15, wrap=True),
    Column("summaries.col_submitted", 11),
    # Mẫu 01's four counts of products, then the grounds that make the rating «không hoàn
    # thành nhiệm vụ» whatever the score.
    Column("summaries.col_assigned", 10),
    Column("summaries.col_tasks_completed", 10),
    Column("summaries.col_on_time", 10),
    Column("summaries.col_quality", 10),
    Column("summaries.col_disciplined", 9),
    Column("summaries.col_degenerated", 9),
]


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


def yes_no(value: bool) -> str:
    return t("summaries.yes_word") if value else t("summaries.no_word")


async def write_workbook(
    repo: Repo,
    summary: Summary,
    path: Path,
    zone: ZoneInfo,
    progress: Callable[[str], None] | None = None,
    *,
    prepared_by: str | None = None,
) -> None:
    """`progress` is told the title of each long sheet as its writing starts; `prepared_by`
    is the name of whoever exports it, shown in every title block (a line to fill in by hand
    when None)."""
    progress = progress or (lambda _title: None)
    # Opened first, so an unwritable path fails before any row is made.
    with path.open("wb") as handle, Book() as book:
        titles = Titles(summary, prepared_by)
        basis = summary.scope.basis(summary.targets)
        _summary_sheet(book, summary, basis, titles)
        progress(t("summaries.sheet_officials"))
        await _officials_sheet(book, repo, basis, summary.targets, titles)
        progress(t("summaries.sheet_courses"))
        if summary.scope.unit is None:
            await _course_counts_sheet(book, repo, basis, titles)
        else:
            await _courses_sheet(book, repo, basis, titles)
        progress(t("summaries.sheet_evaluations"))
        await _evaluations_sheet(book, repo, basis, summary.scope.period, zone, titles)
        book.write(handle)


def period_name(period: Period) -> str:
    """ "Quý II/2026", or "Năm 2026" for the annual evaluation (its key is "2026Q4")."""
    if period.annual:
        return t("summaries.period_year", year=period.year)
    return t("summaries.period_quarter", roman=ROMAN[period.quarter], year=period.year)


async def _officials_sheet(
    book: Book, repo: Repo, basis: Basis, targets: Targets, titles: Titles
) -> None:
    sheet = ListSheet(
        book,
        t("summaries.sheet_officials"),
        t("summaries.title_officials"),
        OFFICIAL_COLUMNS,
        titles,
    )
    async for row in repo.summaries.stream_officials(
        basis, targets.candidates_below, targets.candidates_years, targets.retirement
    ):
        retires = (
            retirement_date(row.birth_date, row.gender, targets.retirement)
            if row.birth_date
            else None
        )
        sheet.add(
            [
                row.code,
                row.full_name,
                label(row.gender),
                row.birth_date,
                row.ethnicity,
                yes_no(row.ethnic_minority),
                row.unit,
                row.title,
                label(row.position_group),
                yes_no(row.is_vice_chair),
                _level(row.education_level),
                row.major,
                yes_no(row.major_fits_position),
                _level(row.political_theory_level),
                _level(row.state_management_level),
                yes_no(row.equipped_to_standard),
                retires,
                yes_no(row.candidate),
            ]
        )
    sheet.close()


async def _courses_sheet(book: Book, repo: Repo, basis: Basis, titles: Titles) -> None:
    """One unit's workbook: every course report of the training period, one row each."""
    sheet = ListSheet(
        book,
        t("summaries.sheet_courses"),
        t("summaries.title_courses"),
        COURSE_COLUMNS,
        titles,
        [t("summaries.heading_courses", window=_courses_window(basis))],
    )
    statuses = {}
    async for row in repo.summaries.stream_courses(basis):
        if row.status not in statuses:
            statuses[row.status] = t(f"summaries.report_{row.status.value}")
        sheet.add(
            [
                row.code,
                row.full_name,
                row.unit,
                label(row.category),
                row.course_name,
                row.provider,
                row.completed_on,
                row.hours,
                _report_level(row.category, row.level),
                statuses[row.status],
            ]
        )
    sheet.close()


async def _course_counts_sheet(book: Book, repo: Repo, basis: Basis, titles: Titles) -> None:
    """The whole scope's workbook: one row per official, the verified courses of the training
    period counted by category. The query gives one row per official and category, an
    official's rows together; they are folded into one here."""
    sheet = ListSheet(
        book,
        t("summaries.sheet_courses"),
        t("summaries.title_course_counts"),
        COUNT_COLUMNS,
        titles,
        [t("summaries.heading_course_counts", window=_courses_window(basis))],
    )
    official, counts = None, {}

    def add() -> None:
        numbers = [counts.get(category, 0) for category in CourseCategory]
        sheet.add([official.code, official.full_name, official.unit, *numbers, sum(numbers)])

    async for row in repo.summaries.stream_course_counts(basis):
        if official is None or row.code != official.code:
            if official is not None:
                add()
            official, counts = row, {}
        if row.category is not None:
            counts[row.category] = row.count
    if official is not None:
        add()
    sheet.close()


async def _evaluations_sheet(
    book: Book, repo: Repo, basis: Basis, period: Period, zone: ZoneInfo, titles: Titles
) -> None:
    sheet = ListSheet(
        book,
        t("summaries.sheet_evaluations"),
        t("summaries.title_evaluations"),
        EVALUATION_COLUMNS,
        titles,
    )
    name = period_name(period)
    async for row in repo.summaries.stream_evaluations(basis):
        sheet.add([row.code, row.full_name, row.unit, name, *_evaluation_cells(row, zone)])
    sheet.close()


def _summary_sheet(book: Book, summary: Summary, basis: Basis, titles: Titles) -> None:
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
    _summary_notes(book, sheet, row + 2, summary, basis)


def _summary_notes(book: Book, sheet, row: int, summary: Summary, basis: Basis) -> None:
    """Below the table: a label over the first three columns, its value after it."""
    courses = (
        "summaries.info_course_counts" if summary.scope.unit is None else "summaries.info_courses"
    )
    last = len(SUMMARY_COLUMNS) - 1
    label_width = sum(c.width for c in SUMMARY_COLUMNS[:3])
    for key, value in (
        ("summaries.info_headcount", summary.headcount),
        ("summaries.info_candidates", summary.candidates),
        (courses, _courses_window(basis)),
    ):
        sheet.merge_range(row, 0, row, 2, t(key), book.label)
        if isinstance(value, str):
            sheet.merge_range(row, 3, row, last, value, book.value)
        else:
            sheet.write_number(row, 3, value, book.value)
        sheet.set_row(row, row_height(line_count(t(key), label_width, "bold")))
        row += 1


def _level(member) -> str | None:
    return label(member) if member is not None else None


def _report_level(category, level: str | None) -> str | None:
    """The level a report attained, by its Vietnamese name when it is a known one."""
    levels = LEVELS.get(category)
    if not level or levels is None or level not in {m.value for m in levels}:
        return level
    return label(levels(level))


def _evaluation_cells(row, zone: ZoneInfo) -> list:
    if row.evaluation is None:
        return [None, t("summaries.not_submitted_cell"), None, t("summaries.not_rated")] + [
            None
        ] * 7
    counted = row.confirmed_rating or row.proposed_rating
    return [
        row.total_points,
        t(f"summaries.rating_full_{row.proposed_rating.value}"),
        t(f"summaries.rating_full_{row.confirmed_rating.value}") if row.confirmed_rating else None,
        t(f"summaries.rating_full_{counted.value}"),
        _local_day(row.submitted_at, zone),
        row.tasks_assigned,
        row.tasks_completed,
        row.tasks_on_time,
        row.tasks_quality,
        yes_no(row.disciplined),
        yes_no(row.degenerated),
    ]


def _courses_window(basis: Basis) -> str:
    last = show_date(basis.as_of)
    if basis.training_from is None:
        return t("summaries.courses_until", last=last)
    return t("summaries.courses_between", first=show_date(basis.training_from), last=last)


def _local_day(moment: datetime | None, zone: ZoneInfo) -> date | None:
    return moment.astimezone(zone).date() if moment else None
