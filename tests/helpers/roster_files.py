"""Roster files for the tests: the headers, three officials filled in, and helpers that write
such files, import them and read back what was stored or exported."""

import csv
import io
import zipfile
from datetime import date, datetime
from xml.sax.saxutils import escape

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select

from handlers.services.roster import import_roster_file, roster_template
from storage.models import AuditEntry, Official
from storage.repo import Repo

TODAY = date(2026, 1, 15)

HEADERS = [
    "Mã cán bộ*", "Họ và tên*", "Giới tính*", "Ngày sinh", "Dân tộc", "Người dân tộc thiểu số",
    "Đơn vị", "Chức vụ", "Nhóm vị trí*", "Phó chủ tịch HĐND/UBND", "Trình độ chuyên môn",
    "Chuyên ngành", "Chuyên ngành phù hợp vị trí việc làm", "Lý luận chính trị",
    "Quản lý nhà nước", "Trang thiết bị đạt chuẩn", "Số điện thoại", "Đang công tác",
]  # fmt: skip

# Three officials as an admin fills them in, in the canonical spellings export writes.
FILLED = [
    ["CB001", "Lò Văn Minh", "Nam", date(1985, 3, 5), "Hà Nhì", "Có", "Phòng Nông nghiệp",
     "Trưởng phòng", "Trưởng, phó phòng, ban, cơ quan", "Không", "Thạc sĩ", "Nông học", "Có",
     "Trung cấp", "Chuyên viên chính", "Có", "0912345678", "Có"],
    ["CB002", "Nguyễn Thị Hoa", "Nữ", date(1992, 11, 30), "Kinh", "Không", "Phòng Nông nghiệp",
     "Chuyên viên", "Công chức chuyên môn", "Không", "Đại học", "Luật", "Không",
     None, "Chuyên viên", "Không", "0209381234", "Có"],
    ["CB003", "Tẩn Thị Mai", "Nữ", None, None, "Không", None,
     None, "Thường trực Đảng ủy, lãnh đạo HĐND, UBND", "Có", None, None, "Có",
     "Cử nhân chính trị", None, "Không", None, "Không"],
]  # fmt: skip


def xlsx(rows, headers=HEADERS) -> bytes:
    """The template, filled in the way an admin does it in Excel."""
    workbook = load_workbook(io.BytesIO(roster_template("t.xlsx")))
    sheet = workbook.worksheets[0]
    for index in range(1, max(len(headers), len(HEADERS)) + 1):
        # .value, not cell(…, value): a None value there leaves the old header in place.
        sheet.cell(1, index).value = headers[index - 1] if index <= len(headers) else None
    for number, row in enumerate(rows, start=2):
        for index, value in enumerate(row, start=1):
            sheet.cell(number, index, value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def many(count: int) -> list[list]:
    """`count` officials X000000, X000001, … filled in like CB001 and CB002."""
    rows = []
    for number in range(count):
        row = list(FILLED[number % 2])
        row[0] = f"X{number:06d}"
        rows.append(row)
    return rows


def plain_xlsx(rows, headers=HEADERS, *, size: str | None = None) -> bytes:
    """A bare XLSX (one sheet of inline strings, dates written dd/mm/yyyy) written directly:
    20,000 rows in a fraction of a second where openpyxl takes many. `size` is the sheet size
    the file states ("A1:R20001"), right or wrong."""

    def cell(column: int, row: int, value) -> str:
        if value is None:
            return ""
        text = value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)
        return (
            f'<c r="{get_column_letter(column)}{row}" t="inlineStr"><is><t>'
            f"{escape(text)}</t></is></c>"
        )

    lines = [
        f'<row r="{number}">{"".join(cell(i, number, v) for i, v in enumerate(cells, 1))}</row>'
        for number, cells in enumerate([headers, *rows], start=1)
    ]
    dimension = f'<dimension ref="{size}"/>' if size else ""
    sheet = (
        f'<worksheet xmlns="{_MAIN}">{dimension}<sheetData>{"".join(lines)}</sheetData></worksheet>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in _PARTS.items():
            archive.writestr(name, xml)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPE}.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
        f'Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>'
        '<sheet name="Danh sách cán bộ" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" Type="{_DOC}/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def csv_bytes(rows, headers=HEADERS, *, delimiter=",", bom=True) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    for row in rows:
        cells = [v.strftime("%d/%m/%Y") if isinstance(v, date) else v for v in row]
        writer.writerow(["" if v is None else v for v in cells])
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def dropdown(workbook, letter: str) -> list[str] | None:
    """The choices the roster sheet's column `letter` offers, None if it has no dropdown."""
    sheet = workbook.worksheets[0]
    for validation in sheet.data_validations.dataValidation:
        if str(validation.sqref).startswith(f"{letter}2:"):
            name, cells = validation.formula1.split("!")
            lists = workbook[name.strip("'")]
            return [row[0].value for row in lists[cells.replace("$", "")]]
    return None


def sheet_rows(data: bytes) -> list[list]:
    """The data rows of an exported workbook, dates as dates."""
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = list(sheet.values)
    assert list(rows[0]) == HEADERS
    return [[v.date() if isinstance(v, datetime) else v for v in row] for row in rows[1:]]


async def run_import(app, data, filename="ds.xlsx", **options):
    async with app.sessionmaker() as session, session.begin():
        return await import_roster_file(
            Repo(session), data, filename, actor="test", today=TODAY, **options
        )


async def officials(app) -> dict[str, Official]:
    async with app.sessionmaker() as session:
        return {o.code: o for o in await Repo(session).officials.all()}


async def audit(app) -> list[AuditEntry]:
    async with app.sessionmaker() as session:
        return list(await session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


async def counts(app) -> tuple[int, int]:
    async with app.sessionmaker() as session:
        return (
            await session.scalar(select(func.count()).select_from(Official)),
            await session.scalar(select(func.count()).select_from(AuditEntry)),
        )
