"""Roster files for the tests: the headers, three officials filled in, and helpers that write
such files, import them and read back what was stored or exported."""

import csv
import io
from datetime import date, datetime

from openpyxl import load_workbook
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


def csv_bytes(rows, headers=HEADERS, *, delimiter=",", bom=True) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    for row in rows:
        cells = [v.strftime("%d/%m/%Y") if isinstance(v, date) else v for v in row]
        writer.writerow(["" if v is None else v for v in cells])
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


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
