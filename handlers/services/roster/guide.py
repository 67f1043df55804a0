"""What makes a roster workbook easy to fill in: formats, dropdowns and the "Hướng dẫn" sheet."""

import textwrap
from collections.abc import Sequence

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from handlers.services.roster.cells import put
from handlers.services.roster.columns import COLUMNS, Column, Kind
from handlers.services.roster.spellings import aliases
from handlers.texts import label, t

# Formats and dropdowns reach this many rows below the last official, room to add more.
SPARE_ROWS = 1000
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
# The guide's columns: Cột, Bắt buộc, Ví dụ, Cách điền, Giá trị được nhận (in characters).
GUIDE_WIDTHS = (28, 10, 24, 55, 55)
LINE_POINTS = 15  # one line of Calibri 11, Excel's default font
ROW_PADDING = 4
MAX_ROW_POINTS = 409  # Excel's tallest row
# How many characters of Vietnamese text a line of a column `width` wide is counted to hold.
# Excel (Calibri) and LibreOffice (its fallback fonts) fit about 1.15 × width, words wrapped
# whole; counted short, a row is a little too tall at worst, never too short for its last line.
CHARS_PER_WIDTH = 1.0
LISTED_UNITS = 20  # more units than this are counted in the guide, not listed
# "@" is Excel's text format: a code or phone number typed there keeps its leading zeros.
_FORMATS = {Kind.CODE: "@", Kind.PHONE: "@", Kind.DATE: "DD/MM/YYYY"}


def style_roster_sheet(sheet: Worksheet, rows: int) -> None:
    for cell in sheet[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.row_dimensions[1].height = 45
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{rows + 1}"
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        number_format = _FORMATS.get(column.kind)
        if number_format:
            # On the column for the rows typed later, on each cell for the rows written now.
            sheet.column_dimensions[letter].number_format = number_format
            for (cell,) in sheet.iter_rows(
                min_row=2, max_row=rows + 1, min_col=index, max_col=index
            ):
                cell.number_format = number_format


def add_dropdowns(workbook: Workbook, sheet: Worksheet, rows: int, units: Sequence[str]) -> None:
    """A list to pick from in every enumerated and yes/no column, and in «Đơn vị» the units
    there are.

    The lists live on a hidden sheet: labels such as "Trưởng, phó phòng, ban, cơ quan" hold
    commas, which an inline list would split. Other spellings stay allowed (a warning only),
    since the import understands them; a unit not in the list is allowed too: the import
    makes it a new unit.
    """
    lists = workbook.create_sheet(t("roster.sheet_lists"))
    lists.sheet_state = "hidden"
    last_row = rows + 1 + SPARE_ROWS
    sources: dict[tuple[str, ...], str] = {}  # the yes/no columns share one list
    for index, column in enumerate(COLUMNS, start=1):
        choices = tuple(_choices(column, units))
        if not choices:
            continue
        if choices not in sources:
            sources[choices] = _write_list(lists, len(sources) + 1, choices)
        warning = "dropdown_unit_warning" if column.kind is Kind.UNIT else "dropdown_warning"
        validation = DataValidation(
            type="list",
            formula1=sources[choices],
            allow_blank=True,
            errorStyle="warning",
            errorTitle=t("roster.dropdown_title"),
            error=t(f"roster.{warning}"),
        )
        letter = get_column_letter(index)
        validation.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(validation)


def _write_list(lists: Worksheet, index: int, choices: tuple[str, ...]) -> str:
    """Write `choices` down column `index` of the lists sheet; the range that refers to them."""
    letter = get_column_letter(index)
    for row, choice in enumerate(choices, start=1):
        put(lists[f"{letter}{row}"], choice)  # a unit's name is the commune's own text
    return f"{quote_sheetname(lists.title)}!${letter}$1:${letter}${len(choices)}"


def _choices(column: Column, units: Sequence[str] = ()) -> list[str]:
    if column.kind is Kind.ENUM:
        return [label(member) for member in column.enum]
    if column.kind is Kind.BOOL:
        return [t("roster.true_word"), t("roster.false_word")]
    if column.kind is Kind.UNIT:
        return list(dict.fromkeys(units))  # two units of one name: offered once
    return []


def add_guide(workbook: Workbook, units: Sequence[str]) -> None:
    """The «Hướng dẫn» sheet: each column, whether it is required, an example official, how to
    fill it in and what it accepts; then the notes. Rows are as tall as their wrapped text."""
    guide = workbook.create_sheet(t("roster.sheet_guide"))
    headings = ("column", "required", "example", "how", "values")
    guide.append([t(f"roster.guide_{key}") for key in headings])
    for cell in guide[1]:
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _WRAP
    for column in COLUMNS:
        required = t("roster.true_word") if column.required else ""
        row = guide.max_row + 1
        values = (
            column.header,
            required,
            _example(column, units),
            t(f"roster.help_{column.field}"),
            _accepted(column, units),
        )
        for index, value in enumerate(values, start=1):
            put(guide.cell(row, index), value).alignment = _WRAP
    for index, width in enumerate(GUIDE_WIDTHS, start=1):
        guide.column_dimensions[get_column_letter(index)].width = width
    for row in range(1, guide.max_row + 1):
        guide.row_dimensions[row].height = _height(cell.value for cell in guide[row])
    _add_notes(guide, guide.max_row + 2)
    guide.freeze_panes = "A2"
    _print_across(guide)


def _add_notes(guide: Worksheet, first_row: int) -> None:
    """The notes under the table, each across the whole table's width."""
    last = get_column_letter(len(GUIDE_WIDTHS))
    for row, line in enumerate(t("roster.guide_notes").splitlines(), start=first_row):
        guide.cell(row, 1, line).alignment = _WRAP
        guide.merge_cells(f"A{row}:{last}{row}")
        guide.row_dimensions[row].height = _height([line], [sum(GUIDE_WIDTHS)])


def _height(texts, widths=GUIDE_WIDTHS) -> float:
    """The row height (points) that shows every cell's wrapped text whole."""
    lines = max(
        (
            _lines(str(text), width)
            for text, width in zip(texts, widths, strict=True)
            if text not in (None, "")
        ),
        default=1,
    )
    return min(lines * LINE_POINTS + ROW_PADDING, MAX_ROW_POINTS)


def _lines(text: str, width: float) -> int:
    """How many lines `text` takes, wrapped at whole words in a column `width` wide."""
    per_line = max(int(width * CHARS_PER_WIDTH), 1)
    return sum(max(len(textwrap.wrap(part, per_line)), 1) for part in text.split("\n"))


def _print_across(sheet: Worksheet) -> None:
    """Printed landscape, the table's whole width on one page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.print_title_rows = "1:1"


def _example(column: Column, units: Sequence[str]) -> str:
    """The example official's value: made up, but as a commune would write it (their own
    first unit when there is one)."""
    if column.kind is Kind.UNIT and units:
        return units[0]
    return t(f"roster.example_{column.field}")


def _accepted(column: Column, units: Sequence[str]) -> str:
    if column.kind is Kind.UNIT:
        return _accepted_units(list(dict.fromkeys(units)))
    choices = _choices(column)
    if not choices:
        return ""
    lines = ["; ".join(choices)]
    if column.kind is Kind.ENUM:
        spellings = [
            s for member_spellings in aliases(column.enum).values() for s in member_spellings
        ]
        if spellings:
            lines.append(t("roster.guide_also", spellings="; ".join(spellings)))
    else:
        lines.append(t("roster.guide_also", spellings="x; 1; 0; c; k"))
    lines.append(t("roster.guide_any_case"))
    return "\n".join(lines)


def _accepted_units(units: list[str]) -> str:
    if not units:
        return t("roster.guide_no_units")
    if len(units) > LISTED_UNITS:  # a province: the dropdown holds them all
        return t("roster.guide_units_many", count=len(units))
    return t("roster.guide_units", units="; ".join(units))
