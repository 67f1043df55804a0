"""The Excel workbook of a summary: sheets Tổng hợp, Cán bộ, Khóa học, Đánh giá.

Print-ready (layout.py): a title block on every sheet, A4 landscape fitted to the page's
width, the header repeated on every page, an STT column first on the lists (lists.py),
numbers and dates stored as numbers and dates; Tổng hợp on one page (summary_sheet.py). The
lists are fed from streamed queries and their rows streamed to disk (streamed_rows.py), so
memory stays flat however many officials there are; a list longer than Excel's 1,048,576 rows
goes on over "Khóa học (2)" and so on.

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
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from handlers.periods import Period
from handlers.services.summaries.figures import Summary
from handlers.services.summaries.layout import Book, Column, Titles, courses_window, period_name
from handlers.services.summaries.lists import ListSheet
from handlers.services.summaries.summary_sheet import summary_sheet
from handlers.texts import label, t
from knowledge.courses import LEVELS
from knowledge.indicators import Basis
from knowledge.retirement import retirement_date
from knowledge.targets import Targets
from knowledge.vocabulary import CourseCategory
from storage.repo import Repo

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


# Words looked up once, not for every cell of a province's lists.
@cache
def yes_no(value: bool) -> str:
    return t("summaries.yes_word") if value else t("summaries.no_word")


named = cache(label)  # an enumeration value's Vietnamese name


@cache
def _text(key: str) -> str:
    return t(key)


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
        summary_sheet(book, summary, basis, titles)
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
    retirement: dict[tuple, date] = {}  # by (birth date, gender): they repeat
    async for row in repo.summaries.stream_officials(
        basis, targets.candidates_below, targets.candidates_years, targets.retirement
    ):
        retires = None
        if row.birth_date:
            key = (row.birth_date, row.gender)
            if key not in retirement:
                retirement[key] = retirement_date(*key, targets.retirement)
            retires = retirement[key]
        sheet.add(
            [
                row.code,
                row.full_name,
                named(row.gender),
                row.birth_date,
                row.ethnicity,
                yes_no(row.ethnic_minority),
                row.unit,
                row.title,
                named(row.position_group),
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
        [t("summaries.heading_courses", window=courses_window(basis))],
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
                named(row.category),
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
        [t("summaries.heading_course_counts", window=courses_window(basis))],
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


def _level(member) -> str | None:
    return named(member) if member is not None else None


def _report_level(category, level: str | None) -> str | None:
    """The level a report attained, by its Vietnamese name when it is a known one."""
    levels = LEVELS.get(category)
    if not level or levels is None or level not in {m.value for m in levels}:
        return level
    return named(levels(level))


def _evaluation_cells(row, zone: ZoneInfo) -> list:
    if row.evaluation is None:
        not_submitted = _text("summaries.not_submitted_cell")
        return [None, not_submitted, None, _text("summaries.not_rated"), *[None] * 7]
    counted = row.confirmed_rating or row.proposed_rating
    return [
        row.total_points,
        _rating(row.proposed_rating),
        _rating(row.confirmed_rating) if row.confirmed_rating else None,
        _rating(counted),
        _local_day(row.submitted_at, zone),
        row.tasks_assigned,
        row.tasks_completed,
        row.tasks_on_time,
        row.tasks_quality,
        yes_no(row.disciplined),
        yes_no(row.degenerated),
    ]


def _rating(rating) -> str:
    return _text(f"summaries.rating_full_{rating.value}")


def _local_day(moment: datetime | None, zone: ZoneInfo) -> date | None:
    return moment.astimezone(zone).date() if moment else None
