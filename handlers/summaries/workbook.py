"""The Excel workbook of a summary: sheets Tổng hợp, Cán bộ, Khóa học, Đánh giá.

Written with openpyxl's write-only (streaming) workbook, fed from streamed queries, so memory
stays flat however many officials there are. Every sheet has Vietnamese headers, a frozen
header row, a filter, set widths and dd/mm/yyyy dates. Any text that a spreadsheet would take
for a formula (starting with = + - @, or a tab or carriage return before one) is stored as
plain text with Excel's "quote prefix", so nothing typed into the bot runs when the file opens.
"""

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from handlers.summaries.figures import Summary, deadline, goal, period_name, status_word
from handlers.texts import label, t
from knowledge.courses import LEVELS
from knowledge.targets import Targets
from storage import summaries
from storage.indicators import Basis
from storage.models import CourseReport, Evaluation
from storage.repo import Repo
from storage.retirement import retirement_date

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "DD/MM/YYYY"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")


@dataclass(frozen=True)
class Column:
    header: str  # a text key
    width: float


class Sheet:
    """One streamed sheet: the header row, then rows; the filter is set when it is closed."""

    def __init__(self, book: Workbook, title: str, columns: list[Column]):
        self.sheet = book.create_sheet(title)
        self.columns = columns
        self.rows = 1
        for number, column in enumerate(columns, 1):
            self.sheet.column_dimensions[get_column_letter(number)].width = column.width
        self.sheet.freeze_panes = "A2"
        header = []
        for column in columns:
            cell = WriteOnlyCell(self.sheet, value=t(column.header))
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            header.append(cell)
        self.sheet.append(header)

    def add(self, values: list) -> None:
        self.sheet.append([self.cell(v) for v in values])
        self.rows += 1

    def cell(self, value) -> WriteOnlyCell:
        if isinstance(value, bool):
            value = t("summaries.yes_word") if value else t("summaries.no_word")
        cell = WriteOnlyCell(self.sheet, value=value)
        if isinstance(value, date):
            cell.number_format = DATE_FORMAT
        elif isinstance(value, str) and value.startswith(FORMULA_START):
            cell.data_type = "s"  # openpyxl took it for a formula: keep it as text
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
        return cell

    def close(self) -> None:
        last = get_column_letter(len(self.columns))
        self.sheet.auto_filter.ref = f"A1:{last}{self.rows}"


SUMMARY_COLUMNS = [
    Column("summaries.col_key", 9), Column("summaries.col_indicator", 55),
    Column("summaries.col_population", 30), Column("summaries.col_numerator", 10),
    Column("summaries.col_denominator", 10), Column("summaries.col_percent", 10),
    Column("summaries.col_goal", 12), Column("summaries.col_deadline", 12),
    Column("summaries.col_status", 16), Column("summaries.col_note", 60),
]
OFFICIAL_COLUMNS = [
    Column("summaries.col_code", 12), Column("summaries.col_name", 26),
    Column("summaries.col_gender", 8), Column("summaries.col_birth_date", 12),
    Column("summaries.col_ethnicity", 10), Column("summaries.col_minority", 10),
    Column("summaries.col_unit", 30), Column("summaries.col_title", 30),
    Column("summaries.col_group", 30), Column("summaries.col_vice_chair", 10),
    Column("summaries.col_education", 12), Column("summaries.col_major", 24),
    Column("summaries.col_major_fits", 12), Column("summaries.col_political_theory", 14),
    Column("summaries.col_state_management", 18), Column("summaries.col_equipped", 12),
    Column("summaries.col_retirement", 14), Column("summaries.col_candidate", 18),
]
COURSE_COLUMNS = [
    Column("summaries.col_code", 12), Column("summaries.col_name", 26),
    Column("summaries.col_unit", 30), Column("summaries.col_category", 30),
    Column("summaries.col_course", 45), Column("summaries.col_provider", 30),
    Column("summaries.col_completed", 14), Column("summaries.col_hours", 8),
    Column("summaries.col_level", 14), Column("summaries.col_report_status", 14),
]
EVALUATION_COLUMNS = [
    Column("summaries.col_code", 12), Column("summaries.col_name", 26),
    Column("summaries.col_unit", 30), Column("summaries.col_period", 10),
    Column("summaries.col_points", 10), Column("summaries.col_proposed", 28),
    Column("summaries.col_confirmed", 28), Column("summaries.col_counted", 28),
    Column("summaries.col_submitted", 14),
]


async def write_workbook(repo: Repo, summary: Summary, path: Path, zone: ZoneInfo) -> None:
    # Opened first, so an unwritable path fails before any row is made.
    with path.open("wb") as handle:
        book = Workbook(write_only=True)
        _summary_sheet(book, summary)
        basis = summary.scope.basis(summary.targets)
        await _officials_sheet(book, repo, basis, summary.targets)
        await _courses_sheet(book, repo, basis)
        await _evaluations_sheet(book, repo, basis, zone)
        book.save(handle)


async def _officials_sheet(book: Workbook, repo: Repo, basis: Basis, targets: Targets) -> None:
    sheet = Sheet(book, t("summaries.sheet_officials"), OFFICIAL_COLUMNS)
    async for official, unit, candidate in summaries.stream_officials(
            repo.session, basis, targets.candidates_below, targets.candidates_years,
            targets.retirement):
        retires = (retirement_date(official.birth_date, official.gender, targets.retirement)
                   if official.birth_date else None)
        sheet.add([
            official.code, official.full_name, label(official.gender), official.birth_date,
            official.ethnicity, official.ethnic_minority, unit.name if unit else None,
            official.title, label(official.position_group), official.is_vice_chair,
            _level(official.education_level), official.major, official.major_fits_position,
            _level(official.political_theory_level), _level(official.state_management_level),
            official.equipped_to_standard, retires, candidate,
        ])
    sheet.close()


async def _courses_sheet(book: Workbook, repo: Repo, basis: Basis) -> None:
    sheet = Sheet(book, t("summaries.sheet_courses"), COURSE_COLUMNS)
    async for report, official, unit in summaries.stream_courses(repo.session, basis):
        sheet.add([
            official.code, official.full_name, unit.name if unit else None,
            label(report.category), report.course_name, report.provider, report.completed_on,
            report.hours, _report_level(report), t(f"summaries.report_{report.status.value}"),
        ])
    sheet.close()


async def _evaluations_sheet(book: Workbook, repo: Repo, basis: Basis, zone: ZoneInfo) -> None:
    sheet = Sheet(book, t("summaries.sheet_evaluations"), EVALUATION_COLUMNS)
    async for official, unit, evaluation in summaries.stream_evaluations(repo.session, basis):
        sheet.add([official.code, official.full_name, unit.name if unit else None,
                   basis.period, *_evaluation_cells(evaluation, zone)])
    sheet.close()


def _summary_sheet(book: Workbook, summary: Summary) -> None:
    sheet = Sheet(book, t("summaries.sheet_summary"), SUMMARY_COLUMNS)
    for indicator in summary.targets.indicators:
        figure = summary.figure(indicator)
        percentage = figure.percentage
        sheet.add([
            indicator.spec.key, indicator.label,
            t(f"summaries.population_{indicator.spec.population}"),
            figure.numerator if figure.spec.measure else None, figure.denominator,
            round(percentage, 1) if percentage is not None else None, goal(figure),
            deadline(figure, summary.scope), status_word(figure), indicator.note or None,
        ])
    sheet.close()
    scope = summary.scope
    sheet.sheet.append([])
    for key, text in (
        ("summaries.info_scope", scope.name),
        ("summaries.info_as_of", scope.as_of),
        ("summaries.info_period", period_name(scope.period)),
        ("summaries.info_headcount", str(summary.headcount)),
        ("summaries.info_candidates", str(summary.candidates)),
    ):
        sheet.sheet.append([sheet.cell(t(key)), sheet.cell(text)])


def _level(member) -> str | None:
    return label(member) if member is not None else None


def _report_level(report: CourseReport) -> str | None:
    """The level a report attained, by its Vietnamese name when it is a known one."""
    levels = LEVELS.get(report.category)
    if not report.level or levels is None or report.level not in {m.value for m in levels}:
        return report.level
    return label(levels(report.level))


def _evaluation_cells(evaluation: Evaluation | None, zone: ZoneInfo) -> list:
    if evaluation is None:
        return [None, t("summaries.not_submitted_cell"), None, t("summaries.not_rated"), None]
    counted = evaluation.confirmed_rating or evaluation.proposed_rating
    return [
        evaluation.total_points,
        t(f"summaries.rating_full_{evaluation.proposed_rating.value}"),
        (t(f"summaries.rating_full_{evaluation.confirmed_rating.value}")
         if evaluation.confirmed_rating else None),
        t(f"summaries.rating_full_{counted.value}"),
        _local_day(evaluation.submitted_at, zone),
    ]


def _local_day(moment: datetime | None, zone: ZoneInfo) -> date | None:
    return moment.astimezone(zone).date() if moment else None
