"""Reading back the summary workbook (/xuat, `python -m bot export`) as a spreadsheet program
shows it: each list under its title block, by its header's texts."""

import re
from pathlib import Path


def load(path: Path | str):
    from openpyxl import load_workbook

    return load_workbook(path)


def header_row(sheet) -> int:
    """The header's row number: the one under the title block that the filter starts on."""
    return int(re.match(r"[A-Z]+(\d+):", sheet.auto_filter.ref)[1])


def table(sheet) -> list[dict]:
    """The rows under the header, as {header text: value}, up to the first empty row."""
    top = header_row(sheet)
    names = [c.value for c in sheet[top]]
    rows = []
    for values in sheet.iter_rows(min_row=top + 1, values_only=True):
        if values[0] is None:
            break
        rows.append(dict(zip(names, values, strict=True)))
    return rows


def codes(sheet) -> list[str]:
    return [row["Mã cán bộ"] for row in table(sheet)]
