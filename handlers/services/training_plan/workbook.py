"""The training plan's workbook, print-ready like the summary's (summaries/layout.py: the
agency and title block, A4 landscape fitted to the page's width, the header repeated, «Trang
N/M»): «Tổng hợp» the officials (each once) by category, course and specialisation, «Theo
đơn vị» every registration, «Cần cử đi học» the officials to send who did not register. A
plan is a commune's or a unit's registrations for one year, short enough for XlsxWriter's
own cells."""

from collections.abc import Callable
from datetime import date
from pathlib import Path

from handlers.formatting import show_date
from handlers.services.registration import study_form_label
from handlers.services.summaries.layout import Book, Column, line_count, row_height
from handlers.services.training_plan.plan import Plan
from handlers.texts import label, t

SUMMARY_COLUMNS = [
    Column("training_plan.col_number", 6),
    Column("training_plan.col_category", 28, wrap=True),
    Column("training_plan.col_detail", 40, wrap=True),
    Column("training_plan.col_count", 9),
    Column("training_plan.col_officials", 80, wrap=True),
]
UNIT_COLUMNS = [
    Column("training_plan.col_number", 6),
    Column("training_plan.col_unit", 22, wrap=True),
    Column("training_plan.col_code", 11),
    Column("training_plan.col_name", 22, wrap=True),
    Column("training_plan.col_category", 20, wrap=True),
    Column("training_plan.col_course", 30, wrap=True),
    Column("training_plan.col_specialisation", 20, wrap=True),
    Column("training_plan.col_study_form", 14, wrap=True),
    Column("training_plan.col_target", 28, wrap=True),
]
FLAG_COLUMNS = [
    Column("training_plan.col_number", 6),
    Column("training_plan.col_unit", 22, wrap=True),
    Column("training_plan.col_code", 11),
    Column("training_plan.col_name", 22, wrap=True),
    Column("training_plan.col_years_left", 24, wrap=True),
    Column("training_plan.col_reason", 52, wrap=True),
    Column("training_plan.col_courses", 34, wrap=True),
]


def write_plan(
    plan: Plan,
    path: Path,
    *,
    agency: str,
    prepared_by: str | None,
    today: date,
    progress: Callable[[str], None] = lambda _sheet: None,
) -> None:
    """The workbook at `path`; `progress` is told each sheet's name as its writing starts."""
    blank = t("summaries.to_fill_in")
    heading = [
        t("training_plan.heading_scope", scope=plan.where, today=show_date(today)),
        t("training_plan.heading_source"),
        t("training_plan.heading_prepared", name=prepared_by or blank, today=show_date(today)),
    ]
    title = t("training_plan.title", year=plan.year)
    counted = (
        [
            t(
                "training_plan.heading_counted",
                years=plan.candidates_years,
                day=show_date(plan.counted_from),
            )
        ]
        if plan.counted_from is not None and plan.candidates_years is not None
        else []
    )
    sheets = [
        ("training_plan.sheet_summary", SUMMARY_COLUMNS, _summary_rows(plan), "none_registered"),
        ("training_plan.sheet_units", UNIT_COLUMNS, _unit_rows(plan), "none_registered"),
        ("training_plan.sheet_flags", FLAG_COLUMNS, _flag_rows(plan), "none_flagged"),
    ]
    with Book() as book:
        for name, columns, rows, empty in sheets:
            progress(t(name))
            lines = heading + counted if name == "training_plan.sheet_flags" else heading
            sheet, header = book.sheet(t(name), title, columns, lines, agency or blank)
            _table(book, sheet, header, columns, rows, t(f"training_plan.{empty}"))
        with path.open("wb") as handle:
            book.write(handle)


def _summary_rows(plan: Plan) -> list[list]:
    rows = [
        [label(g.category), g.detail, g.count, "; ".join(p.name for p in g.people)]
        for g in plan.groups
    ]
    if rows:
        detail = t("training_plan.total_detail", registrations=len(plan.lines))
        rows.append([t("training_plan.total"), detail, plan.registered, ""])
    return rows


def _unit_rows(plan: Plan) -> list[list]:
    return [
        [
            line.person.unit,
            line.person.code,
            line.person.name,
            label(line.category),
            line.course,
            line.specialisation or "",
            study_form_label(line.study_form),
            line.serves or "",
        ]
        for line in plan.lines
    ]


def _flag_rows(plan: Plan) -> list[list]:
    return [
        [
            flag.person.unit,
            flag.person.code,
            flag.person.name,
            flag.service_left,
            "\n".join(flag.reasons),
            "\n".join(flag.courses),
        ]
        for flag in plan.flags
    ]


def _table(book: Book, sheet, header: int, columns: list[Column], rows: list, empty: str) -> None:
    """The rows under the header, numbered (STT), each as high as its longest wrapped text;
    the header frozen and filtered; one line saying so when there are none."""
    row = header
    for number, values in enumerate(rows, 1):
        row += 1
        lines = 1
        total = number == len(rows) and values and values[0] == t("training_plan.total")
        cells = [None if total else number, *values]
        for col, (column, value) in enumerate(zip(columns, cells, strict=True)):
            if value is None or value == "":
                sheet.write_blank(row, col, None, book.text)
            elif isinstance(value, str):
                sheet.write_string(row, col, value, book.wrapped if column.wrap else book.text)
                lines = max(lines, line_count(value, column.width) if column.wrap else 1)
            else:
                sheet.write_number(row, col, value, book.number)
        sheet.set_row(row, row_height(lines))
    if not rows:
        sheet.write_string(header + 2, 0, empty, book.label)
    sheet.freeze_panes(header + 1, 0)
    sheet.autofilter(header, 0, max(row, header), len(columns) - 1)
