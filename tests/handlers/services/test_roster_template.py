"""The roster template as an admin opens it in Excel: a «Hướng dẫn» sheet whose rows show their
text whole, an example official that is never imported, and the commune's own units to pick
from in «Đơn vị». On SQLite and PostgreSQL."""

import io
import math
import textwrap

from openpyxl import load_workbook
from sqlalchemy import update

from handlers.services.roster import export_roster, roster_template, roster_template_for
from handlers.services.roster.columns import COLUMNS
from storage.models import Unit
from storage.repo import Repo
from tests.helpers.roster_files import HEADERS, dropdown, officials, run_import, xlsx

EXAMPLE = "Ví dụ (cán bộ mẫu, không nhập)"
# The demo commune's units in the order of their codes, but VPDU (closed in the test).
DEMO_UNITS = [
    "Ban Xây dựng Đảng",
    "Lãnh đạo Đảng ủy, HĐND, UBND xã",
    "Ủy ban MTTQ Việt Nam xã",
    "Phòng Kinh tế",
    "Phòng Văn hóa – Xã hội",
    "Trung tâm Phục vụ hành chính công",
    "Ủy ban Kiểm tra Đảng ủy",
    "Văn phòng HĐND và UBND",
]


def guide_of(data: bytes):
    return load_workbook(io.BytesIO(data))["Hướng dẫn"]


def example_row(guide) -> list:
    """The example official, in the roster's column order, read off the guide."""
    headings = [cell.value for cell in guide[1]]
    column = headings.index(EXAMPLE)
    by_header = {row[0]: row[column] for row in guide.iter_rows(min_row=2, values_only=True)}
    return [by_header[header] for header in HEADERS]


def lines_at_least(text: str, width: float) -> int:
    """The fewest lines `text` can take in a column `width` wide, even in a font narrow enough
    to fit 1.3 characters per unit of width (Excel's Calibri fits about 1.15)."""
    per_line = math.floor(width * 1.3)
    return sum(max(len(textwrap.wrap(part, per_line)), 1) for part in text.split("\n"))


def test_every_row_of_the_guide_is_tall_enough_for_its_wrapped_text():
    guide = guide_of(roster_template("mau.xlsx"))
    widths = [guide.column_dimensions[letter].width for letter in "ABCDE"]
    table_rows = len(COLUMNS) + 1
    for row in range(1, table_rows + 1):
        height = guide.row_dimensions[row].height
        assert height is not None, row  # set, not left to a default of one line
        for cell, width in zip(guide[row], widths, strict=True):
            assert cell.alignment.wrap_text, cell.coordinate
            if cell.value:
                assert height >= 15 * lines_at_least(str(cell.value), width), cell.coordinate
    heights = {guide.cell(row, 1).value: guide.row_dimensions[row].height for row in range(2, 20)}
    assert heights["Nhóm vị trí*"] >= 10 * 15  # its many accepted spellings, not one line
    assert heights["Họ và tên*"] < heights["Mã cán bộ*"] < heights["Nhóm vị trí*"]
    # The notes under the table run across it, each as tall as its text.
    notes = [row for row in range(table_rows + 1, guide.max_row + 1) if guide.cell(row, 1).value]
    assert len(notes) == 5
    for row in notes:
        assert f"A{row}:E{row}" in {str(merged) for merged in guide.merged_cells.ranges}
        assert guide.row_dimensions[row].height >= 15
    assert guide.page_setup.orientation == "landscape" and guide.print_title_rows == "$1:$1"


async def test_the_example_official_is_shown_but_never_imported(empty_app):
    template = roster_template("mau.xlsx")
    guide = guide_of(template)
    example = example_row(guide)
    assert example[:4] == ["VD001", "Lò Thị Mai", "Nữ", "12/08/1988"]
    assert "cán bộ mẫu không bao giờ được nhập" in "\n".join(
        str(row[0]) for row in guide.iter_rows(values_only=True)
    )
    # The untouched template holds nobody: the example is on the guide, which is not read.
    report = await run_import(empty_app, template, "mau.xlsx")
    assert not report.ok and "chưa có cán bộ nào" in report.text()
    assert await officials(empty_app) == {}
    # Typed into the roster sheet as shown, it is a clean row: the example shows what works.
    dry = await run_import(empty_app, xlsx([example]), dry_run=True)
    assert dry.ok and dry.added == ["VD001"], dry.text()
    assert await officials(empty_app) == {}


async def test_the_unit_column_offers_the_communes_units(app):
    async with app.sessionmaker() as session, session.begin():
        await session.execute(update(Unit).where(Unit.code == "VPDU").values(active=False))
    async with app.sessionmaker() as session:
        template = await roster_template_for(Repo(session), "mau.xlsx")
        exported, _ = await export_roster(Repo(session), "ra.xlsx")
    workbook = load_workbook(io.BytesIO(template))
    assert dropdown(workbook, "G") == DEMO_UNITS  # «Đơn vị»; a closed unit is not offered
    (validation,) = [
        v for v in workbook.worksheets[0].data_validations.dataValidation if "G2" in str(v.sqref)
    ]
    # A name not in the list is allowed (a new unit), with a word about it.
    assert validation.errorStyle == "warning" and "tạo đơn vị" in validation.error
    guide = workbook["Hướng dẫn"]
    assert example_row(guide)[6] == "Ban Xây dựng Đảng"  # the example is in one of them
    (accepted,) = [row[4] for row in guide.iter_rows(values_only=True) if row[0] == "Đơn vị"]
    assert "Phòng Kinh tế; Phòng Văn hóa – Xã hội" in accepted
    # The exported roster, edited and imported again, offers them too.
    assert dropdown(load_workbook(io.BytesIO(exported)), "G") == DEMO_UNITS


def test_without_units_the_unit_column_is_typed_freely():
    workbook = load_workbook(io.BytesIO(roster_template("mau.xlsx")))
    assert dropdown(workbook, "G") is None
    (accepted,) = [
        row[4] for row in workbook["Hướng dẫn"].iter_rows(values_only=True) if row[0] == "Đơn vị"
    ]
    assert accepted.startswith("Chưa có đơn vị nào")


def test_a_unit_named_like_a_formula_stays_text():
    workbook = load_workbook(io.BytesIO(roster_template("mau.xlsx", ['=HYPERLINK("http://x")'])))
    assert dropdown(workbook, "G") == ['=HYPERLINK("http://x")']
    lists = workbook["Danh mục"]
    assert all(cell.data_type == "s" for row in lists.iter_rows() for cell in row if cell.value)
