"""Checking every row of a roster file before anything is written."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl.utils import get_column_letter

from handlers.services.roster.columns import COLUMNS, Header, Kind, read_header
from handlers.services.roster.report import Problem
from handlers.services.roster.sheets import Rows
from handlers.services.roster.values import (
    CellProblem,
    ethnic_minority_default,
    is_blank,
    read_cell,
    reads_as_month_day,
    text_of,
)
from handlers.texts import t


@dataclass
class RosterRow:
    number: int  # as the spreadsheet shows it
    values: dict[str, Any]  # field → value, for the columns the file has

    @property
    def code(self) -> str | None:
        return self.values.get("code")


@dataclass
class Checked:
    rows: list[RosterRow]
    problems: list[Problem]
    ignored_columns: list[str]


def check_rows(table: Rows, *, today: date, limits: dict[str, int]) -> Checked:
    """Every official in `table`, and every problem with it: all of them, not just the first."""
    table = [(number, cells) for number, cells in table if not all(map(is_blank, cells))]
    if not table:
        return Checked([], [Problem(None, None, t("roster.no_header"))], [])
    (header_number, header_cells), body = table[0], table[1:]
    header = read_header([text_of(cell) for cell in header_cells])
    month_day = _month_day_columns(body, header)
    problems = _header_problems(header, header_number) + list(month_day.values())
    rows = []
    for number, cells in body:
        row, row_problems = _read_row(number, cells, header, today, limits)
        rows.append(row)
        # A month/day column is refused as a whole: its cells need no problem of their own.
        problems += [problem for problem in row_problems if problem.column not in month_day]
    problems += _duplicate_codes(rows, header)
    if not rows:
        problems.append(Problem(None, None, t("roster.no_rows")))
    problems.sort(key=lambda p: (p.row or 0, _column_order(header, p.column)))
    return Checked(rows, problems, header.ignored)


def _header_problems(header: Header, number: int) -> list[Problem]:
    problems = [
        Problem(number, None, t("roster.missing_column", column=column.header))
        for column in header.missing
    ]
    for text, first, second in header.duplicates:
        message = t(
            "roster.duplicate_column",
            column=text,
            first=get_column_letter(first + 1),
            second=get_column_letter(second + 1),
        )
        problems.append(Problem(number, None, message))
    return problems


def _month_day_columns(body: Rows, header: Header) -> dict[str, Problem]:
    """Date columns holding a date that reads only as month/day, by their header text.

    One is enough to refuse the column: its other dates (12/02/1981) fit either order, and
    reading them as day/month would swap day and month without a word.
    """
    found = {}
    for column in COLUMNS:
        index = header.positions.get(column.field)
        if column.kind is not Kind.DATE or index is None:
            continue
        for number, cells in body:
            cell = cells[index] if index < len(cells) else None
            if reads_as_month_day(cell):
                text = header.texts[column.field]
                message = t("roster.month_day", column=text, value=text_of(cell), row=number)
                found[text] = Problem(None, None, message)
                break
    return found


def _read_row(number, cells, header: Header, today, limits) -> tuple[RosterRow, list[Problem]]:
    values, problems = {}, []
    for column in COLUMNS:
        index = header.positions.get(column.field)
        if index is None:  # the file lacks this column: the official keeps what they have
            continue
        cell = cells[index] if index < len(cells) else None
        try:
            values[column.field] = read_cell(column, cell, today=today, limits=limits)
        except CellProblem as problem:
            problems.append(Problem(number, header.texts[column.field], str(problem)))
    if "ethnic_minority" in values and values["ethnic_minority"] is None:
        if "ethnicity" in values:
            values["ethnic_minority"] = ethnic_minority_default(values["ethnicity"])
        else:  # nothing to derive it from here: keep what the official has
            del values["ethnic_minority"]
    return RosterRow(number, values), problems


def _duplicate_codes(rows: list[RosterRow], header: Header) -> list[Problem]:
    first_row: dict[str, int] = {}
    problems = []
    for row in rows:
        if not row.code:
            continue
        key = row.code.upper()  # codes are matched case-insensitively everywhere
        if key in first_row:
            message = t("roster.duplicate_code", code=row.code, first=first_row[key])
            problems.append(Problem(row.number, header.texts["code"], message))
        else:
            first_row[key] = row.number
    return problems


def _column_order(header: Header, column: str | None) -> int:
    for field, text in header.texts.items():
        if text == column:
            return header.positions[field]
    return -1
