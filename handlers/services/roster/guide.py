"""What makes a roster workbook easy to fill in: formats, dropdowns and the "Hướng dẫn" sheet."""

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from handlers.services.roster.columns import COLUMNS, Column, Kind
from handlers.services.roster.spellings import aliases
from handlers.texts import label, t

# Formats and dropdowns reach this many rows below the last official, room to add more.
SPARE_ROWS = 1000
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
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


def add_dropdowns(workbook: Workbook, sheet: Worksheet, rows: int) -> None:
    """A list to pick from in every enumerated and yes/no column.

    The lists live on a hidden sheet: labels such as "Trưởng, phó phòng, ban, cơ quan" hold
    commas, which an inline list would split. Other spellings stay allowed (a warning only),
    since the import understands them.
    """
    lists = workbook.create_sheet(t("roster.sheet_lists"))
    lists.sheet_state = "hidden"
    last_row = rows + 1 + SPARE_ROWS
    sources: dict[tuple[str, ...], str] = {}  # the yes/no columns share one list
    for index, column in enumerate(COLUMNS, start=1):
        choices = tuple(_choices(column))
        if not choices:
            continue
        if choices not in sources:
            sources[choices] = _write_list(lists, len(sources) + 1, choices)
        validation = DataValidation(
            type="list",
            formula1=sources[choices],
            allow_blank=True,
            errorStyle="warning",
            errorTitle=t("roster.dropdown_title"),
            error=t("roster.dropdown_warning"),
        )
        letter = get_column_letter(index)
        validation.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(validation)


def _write_list(lists: Worksheet, index: int, choices: tuple[str, ...]) -> str:
    """Write `choices` down column `index` of the lists sheet; the range that refers to them."""
    letter = get_column_letter(index)
    for row, choice in enumerate(choices, start=1):
        lists[f"{letter}{row}"] = choice
    return f"{quote_sheetname(lists.title)}!${letter}$1:${letter}${len(choices)}"


def _choices(column: Column) -> list[str]:
    if column.kind is Kind.ENUM:
        return [label(member) for member in column.enum]
    if column.kind is Kind.BOOL:
        return [t("roster.true_word"), t("roster.false_word")]
    return []


def add_guide(workbook: Workbook) -> None:
    guide = workbook.create_sheet(t("roster.sheet_guide"))
    guide.append([t(f"roster.guide_{key}") for key in ("column", "required", "how", "values")])
    for cell in guide[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for column in COLUMNS:
        required = t("roster.true_word") if column.required else ""
        guide.append([column.header, required, t(f"roster.help_{column.field}"), _accepted(column)])
    guide.append([])
    for line in t("roster.guide_notes").splitlines():
        guide.append([line])
    for letter, width in zip("ABCD", (30, 10, 60, 60), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2, max_row=len(COLUMNS) + 1):
        for cell in row:
            cell.alignment = _WRAP
    guide.freeze_panes = "A2"


def _accepted(column: Column) -> str:
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
