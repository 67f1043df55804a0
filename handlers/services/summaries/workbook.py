"""The Excel workbook of a summary: sheets Tổng hợp, Cán bộ, Khóa học, Đánh giá.

Written with xlsxwriter in constant-memory mode (each row goes to disk as it is written), fed
from streamed queries, so memory stays flat however many officials there are; a list longer
than Excel's 1,048,576 rows goes on over "Khóa học (2)" and so on. Every sheet has Vietnamese
headers, a frozen header row, a filter, set widths and dd/mm/yyyy dates. Text is always
written as text, never as a formula; text a spreadsheet would take for one (starting with
= + - @, or a tab or carriage return) also gets Excel's "quote prefix", so it stays text when
someone edits the cell.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from xlsxwriter import Workbook

from handlers.periods import period_label
from handlers.services.summaries.figures import Summary, deadline, goal, status_word
from handlers.texts import label, t
from knowledge.courses import LEVELS
from knowledge.indicators import Basis
from knowledge.retirement import retirement_date
from knowledge.targets import Targets
from storage.repo import Repo

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "DD/MM/YYYY"
EXCEL_ROWS = 1_048_576  # rows per sheet, the header row included


@dataclass(frozen=True)
class Column:
    header: str  # a text key
    width: float


class Book:
    """The xlsxwriter workbook and the few cell formats every sheet shares."""

    def __init__(self, handle):
        self.workbook = Workbook(handle, {"constant_memory": True})
        self.header = self.workbook.add_format(
            {
                "bold": True,
                "font_color": "#FFFFFF",
                "bg_color": "#1F4E78",
                "valign": "vcenter",
                "text_wrap": True,
            }
        )
        self.date = self.workbook.add_format({"num_format": DATE_FORMAT})
        self.as_text = self.workbook.add_format({"quote_prefix": True})
        self.yes, self.no = t("summaries.yes_word"), t("summaries.no_word")

    def close(self) -> None:
        self.workbook.close()


class Sheet:
    """One streamed sheet: the header row, then rows; the filter is set when it is closed.
    Past Excel's row limit the rows go on in a new sheet "Title (2)" with the same header."""

    def __init__(self, book: Book, title: str, columns: list[Column]):
        self.book, self.title, self.columns = book, title, columns
        self.parts = 0
        self._start_part()

    def add(self, values: list) -> None:
        if self.row == EXCEL_ROWS - 1:
            self.close()
            self._start_part()
        self.row += 1
        for column, value in enumerate(values):
            if value is not None:
                self._write(column, value)

    def gap(self) -> None:
        self.row += 1

    def close(self) -> None:
        self.sheet.autofilter(0, 0, self.row, len(self.columns) - 1)

    def _start_part(self) -> None:
        self.parts += 1
        title = self.title if self.parts == 1 else f"{self.title} ({self.parts})"
        self.sheet = self.book.workbook.add_worksheet(title)
        for number, column in enumerate(self.columns):
            self.sheet.set_column(number, number, column.width)
        self.sheet.freeze_panes(1, 0)
        for number, column in enumerate(self.columns):
            self.sheet.write_string(0, number, t(column.header), self.book.header)
        self.row = 0

    def _write(self, column: int, value) -> None:
        if isinstance(value, bool):
            value = self.book.yes if value else self.book.no
        if isinstance(value, str):
            style = self.book.as_text if value.startswith(FORMULA_START) else None
            self.sheet.write_string(self.row, column, value, style)
        elif isinstance(value, date):
            self.sheet.write_datetime(self.row, column, value, self.book.date)
        else:
            self.sheet.write_number(self.row, column, value)


SUMMARY_COLUMNS = [
    Column("summaries.col_key", 9),
    Column("summaries.col_indicator", 55),
    Column("summaries.col_population", 30),
    Column("summaries.col_numerator", 10),
    Column("summaries.col_denominator", 10),
    Column("summaries.col_percent", 10),
    Column("summaries.col_goal", 12),
    Column("summaries.col_deadline", 12),
    Column("summaries.col_status", 16),
    Column("summaries.col_note", 60),
]
OFFICIAL_COLUMNS = [
    Column("summaries.col_code", 12),
    Column("summaries.col_name", 26),
    Column("summaries.col_gender", 8),
    Column("summaries.col_birth_date", 12),
    Column("summaries.col_ethnicity", 10),
    Column("summaries.col_minority", 10),
    Column("summaries.col_unit", 30),
    Column("summaries.col_title", 30),
    Column("summaries.col_group", 30),
    Column("summaries.col_vice_chair", 10),
    Column("summaries.col_education", 12),
    Column("summaries.col_major", 24),
    Column("summaries.col_major_fits", 12),
    Column("summaries.col_political_theory", 14),
    Column("summaries.col_state_management", 18),
    Column("summaries.col_equipped", 12),
    Column("summaries.col_retirement", 14),
    Column("summaries.col_candidate", 18),
]
COURSE_COLUMNS = [
    Column("summaries.col_code", 12),
    Column("summaries.col_name", 26),
    Column("summaries.col_unit", 30),
    Column("summaries.col_category", 30),
    Column("summaries.col_course", 45),
    Column("summaries.col_provider", 30),
    Column("summaries.col_completed", 14),
    Column("summaries.col_hours", 8),
    Column("summaries.col_level", 14),
    Column("summaries.col_report_status", 14),
]
EVALUATION_COLUMNS = [
    Column("summaries.col_code", 12),
    Column("summaries.col_name", 26),
    Column("summaries.col_unit", 30),
    Column("summaries.col_period", 10),
    Column("summaries.col_points", 10),
    Column("summaries.col_proposed", 28),
    Column("summaries.col_confirmed", 28),
    Column("summaries.col_counted", 28),
    Column("summaries.col_submitted", 14),
    # Mẫu 01's four counts of products, then the grounds that make the rating «không hoàn
    # thành nhiệm vụ» whatever the score.
    Column("summaries.col_assigned", 12),
    Column("summaries.col_tasks_completed", 12),
    Column("summaries.col_on_time", 12),
    Column("summaries.col_quality", 14),
    Column("summaries.col_disciplined", 14),
    Column("summaries.col_degenerated", 16),
]


async def write_workbook(
    repo: Repo,
    summary: Summary,
    path: Path,
    zone: ZoneInfo,
    progress: Callable[[str], None] | None = None,
) -> None:
    """`progress` is told the title of each long sheet as its writing starts."""
    progress = progress or (lambda _title: None)
    # Opened first, so an unwritable path fails before any row is made.
    with path.open("wb") as handle:
        book = Book(handle)
        basis = summary.scope.basis(summary.targets)
        _summary_sheet(book, summary, basis)
        progress(t("summaries.sheet_officials"))
        await _officials_sheet(book, repo, basis, summary.targets)
        progress(t("summaries.sheet_courses"))
        await _courses_sheet(book, repo, basis)
        progress(t("summaries.sheet_evaluations"))
        await _evaluations_sheet(book, repo, basis, zone)
        book.close()


async def _officials_sheet(book: Book, repo: Repo, basis: Basis, targets: Targets) -> None:
    sheet = Sheet(book, t("summaries.sheet_officials"), OFFICIAL_COLUMNS)
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
                row.ethnic_minority,
                row.unit,
                row.title,
                label(row.position_group),
                row.is_vice_chair,
                _level(row.education_level),
                row.major,
                row.major_fits_position,
                _level(row.political_theory_level),
                _level(row.state_management_level),
                row.equipped_to_standard,
                retires,
                bool(row.candidate),
            ]
        )
    sheet.close()


async def _courses_sheet(book: Book, repo: Repo, basis: Basis) -> None:
    sheet = Sheet(book, t("summaries.sheet_courses"), COURSE_COLUMNS)
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


async def _evaluations_sheet(book: Book, repo: Repo, basis: Basis, zone: ZoneInfo) -> None:
    sheet = Sheet(book, t("summaries.sheet_evaluations"), EVALUATION_COLUMNS)
    async for row in repo.summaries.stream_evaluations(basis):
        sheet.add([row.code, row.full_name, row.unit, basis.period, *_evaluation_cells(row, zone)])
    sheet.close()


def _summary_sheet(book: Book, summary: Summary, basis: Basis) -> None:
    sheet = Sheet(book, t("summaries.sheet_summary"), SUMMARY_COLUMNS)
    for indicator in summary.targets.indicators:
        figure = summary.figure(indicator)
        percentage = figure.percentage
        sheet.add(
            [
                indicator.spec.key,
                indicator.label,
                t(f"summaries.population_{indicator.spec.population}"),
                figure.numerator if figure.spec.measure else None,
                figure.denominator,
                round(percentage, 1) if percentage is not None else None,
                goal(figure),
                deadline(figure, summary.scope),
                status_word(figure),
                indicator.note or None,
            ]
        )
    sheet.close()
    scope = summary.scope
    sheet.gap()
    for key, text in (
        ("summaries.info_scope", scope.name),
        ("summaries.info_as_of", scope.as_of),
        ("summaries.info_period", period_label(scope.period)),
        ("summaries.info_headcount", str(summary.headcount)),
        ("summaries.info_candidates", str(summary.candidates)),
        ("summaries.info_courses", _courses_window(basis)),
    ):
        sheet.add([t(key), text])


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
        return [None, t("summaries.not_submitted_cell"), None, t("summaries.not_rated"), None]
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
        row.disciplined,
        row.degenerated,
    ]


def _courses_window(basis: Basis) -> str:
    last = basis.as_of.strftime("%d/%m/%Y")
    if basis.training_from is None:
        return t("summaries.courses_until", last=last)
    return t("summaries.courses_between", first=basis.training_from.strftime("%d/%m/%Y"), last=last)


def _local_day(moment: datetime | None, zone: ZoneInfo) -> date | None:
    return moment.astimezone(zone).date() if moment else None
