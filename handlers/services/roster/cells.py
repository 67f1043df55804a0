"""Text that a spreadsheet would take for a formula, kept as text in the files the bot writes."""

from openpyxl.cell import Cell

# What a spreadsheet takes for the start of a formula (OWASP, "CSV injection"): a name such as
# =HYPERLINK(…) would become a live link. Tab and carriage return too: some spreadsheets skip
# them and read the rest as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def as_text(cell: Cell) -> None:
    """Store formula-like text as text: openpyxl made "=…" a formula when it was set.

    The quote prefix (Excel's leading ') keeps it text when someone edits the cell later.
    """
    cell.data_type = "s"
    cell.quotePrefix = True


def put(cell: Cell, value) -> Cell:
    """Set `cell` to `value`, text staying text whatever it starts with."""
    cell.value = value
    if formula_like(value):
        as_text(cell)
    return cell
