"""Roster import and export: the file an admin fills in, checked whole, written in one go."""

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from handlers.roster import export_roster, import_roster_file, roster_template
from handlers.roster.columns import COLUMNS
from handlers.roster.spellings import aliases, member_for, spelling_key
from handlers.texts import label
from storage import enums
from storage.models import AuditEntry, Official
from storage.repo import Repo
from tests.test_cli import run

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


@pytest.fixture
async def empty_app(database):
    async with database.app() as app:
        yield app


async def test_template_fill_import_export_gives_back_what_was_filled(empty_app):
    report = await run_import(empty_app, xlsx(FILLED))
    assert report.ok and report.written, report.text()
    assert (len(report.added), len(report.updated), len(report.unchanged)) == (3, 0, 0)
    assert report.new_units == [("Phòng Nông nghiệp", "PNN")]

    async with empty_app.sessionmaker() as session:
        exported, count = await export_roster(Repo(session), "ra.xlsx")
    assert count == 3
    assert sheet_rows(exported) == FILLED

    stored = await officials(empty_app)
    mai = stored["CB003"]
    assert mai.position_group is enums.PositionGroup.LEADERSHIP and mai.is_vice_chair
    assert mai.political_theory_level is enums.PoliticalTheoryLevel.CU_NHAN
    assert not mai.active and mai.unit is None and mai.birth_date is None
    assert stored["CB002"].phone == "0209381234"  # the leading 0 kept


async def test_csv_round_trip(empty_app):
    await run_import(empty_app, csv_bytes(FILLED), "ds.csv")
    async with empty_app.sessionmaker() as session:
        exported, _ = await export_roster(Repo(session), "ra.csv")
    assert exported.startswith(b"\xef\xbb\xbf")  # so Excel opens it as UTF-8
    again = await run_import(empty_app, exported, "ra.csv")
    assert (len(again.added), len(again.updated), len(again.unchanged)) == (0, 0, 3)
    lines = exported.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(HEADERS)
    assert lines[1].startswith("CB001,Lò Văn Minh,Nam,05/03/1985,Hà Nhì,Có,")


async def test_every_problem_is_reported_with_row_and_column_and_nothing_is_written(app):
    before = await counts(app)
    good = FILLED[0]
    rows = [
        good,
        ["CB010", None, *good[2:]],  # row 3: required value missing
        ["CB011", "Hà Văn Tú", *good[2:10], "Thạc sĩ kinh tế", *good[11:]],  # row 4
        ["CB012", "Lý A Páo", "Nam", "31/02/1990", *good[4:]],  # row 5: no such day
        ["CB013", "Lý A Sử", "Nam", date(2027, 1, 1), *good[4:]],  # row 6: future
        ["cb001", "Lò Văn Minh", *good[2:]],  # row 7: same code as row 2
        [*good[:16], "091234", "Có"],  # row 8: bad phone (and a second CB001)
        ["C" * 33, "Vàng Thị Dung", *good[2:]],  # row 9: code too long
        ["CB014", "Tên" * 70, *good[2:]],  # row 10: name too long
    ]
    report = await run_import(app, xlsx(rows))
    assert not report.ok and not report.written
    lines = report.text().splitlines()
    assert (
        lines[0] == "ds.xlsx: 9 lỗi, chưa ghi gì vào cơ sở dữ liệu. Sửa các lỗi sau rồi nhập lại:"
    )
    assert lines[1:] == [
        "Dòng 3, cột «Họ và tên*»: chưa điền (cột bắt buộc).",
        "Dòng 4, cột «Trình độ chuyên môn»: không nhận ra «Thạc sĩ kinh tế». Giá trị được nhận: "
        "«Trung cấp», «Cao đẳng», «Đại học», «Thạc sĩ», «Tiến sĩ».",
        "Dòng 5, cột «Ngày sinh»: «31/02/1990» không phải ngày hợp lệ; hãy ghi dạng dd/mm/yyyy, "
        "ví dụ 05/03/1985.",
        "Dòng 6, cột «Ngày sinh»: 01/01/2027 là ngày trong tương lai.",
        "Dòng 7, cột «Mã cán bộ*»: mã cb001 trùng với dòng 2; mỗi cán bộ chỉ một dòng.",
        "Dòng 8, cột «Mã cán bộ*»: mã CB001 trùng với dòng 2; mỗi cán bộ chỉ một dòng.",
        "Dòng 8, cột «Số điện thoại»: «091234» không phải số điện thoại (9–11 chữ số, có thể bắt "
        "đầu bằng 0 hoặc +84).",
        "Dòng 9, cột «Mã cán bộ*»: dài 33 ký tự, tối đa 32.",
        "Dòng 10, cột «Họ và tên*»: dài 210 ký tự, tối đa 200.",
    ]
    assert await counts(app) == before


async def test_dry_run_reports_the_same_and_writes_nothing(app):
    before = await counts(app)
    rows = [FILLED[0], ["DEMO002", "Nguyễn Văn Hùng Sửa", *FILLED[0][2:]]]
    dry = await run_import(app, xlsx(rows), dry_run=True, deactivate_missing=True)
    assert dry.ok and not dry.written
    assert (len(dry.added), len(dry.updated), len(dry.deactivated)) == (1, 1, 39)
    assert dry.text().startswith("Chạy thử ds.xlsx (2 dòng), chưa ghi gì vào cơ sở dữ liệu:")
    assert await counts(app) == before
    assert (await officials(app))["DEMO002"].full_name == "Nguyễn Văn Hùng"
    real = await run_import(app, xlsx(rows), deactivate_missing=True)
    assert (real.added, real.updated, real.deactivated) == (dry.added, dry.updated, dry.deactivated)


async def test_importing_the_same_file_again_changes_nothing(app):
    data = xlsx(FILLED)
    await run_import(app, data)
    entries = len(await audit(app))
    again = await run_import(app, data)
    assert (len(again.added), len(again.updated), len(again.unchanged)) == (0, 0, 3)
    assert again.new_units == []
    assert len(await audit(app)) == entries
    assert "• Thêm mới: 0\n• Cập nhật: 0\n• Không đổi: 3" in again.text()


async def test_export_then_import_of_the_demo_roster_changes_nothing(app):
    async with app.sessionmaker() as session:
        exported, count = await export_roster(Repo(session), "demo.xlsx")
    report = await run_import(app, exported, "demo.xlsx")
    assert count == 40 and len(report.unchanged) == 40 and not report.updated


@pytest.mark.parametrize("delimiter, bom", [(",", True), (";", True), (";", False)])
async def test_csv_with_or_without_bom_and_semicolons(empty_app, delimiter, bom):
    report = await run_import(empty_app, csv_bytes(FILLED, delimiter=delimiter, bom=bom), "ds.csv")
    assert report.ok, report.text()
    stored = await officials(empty_app)
    assert stored["CB001"].full_name == "Lò Văn Minh"
    assert stored["CB001"].birth_date == date(1985, 3, 5)
    assert stored["CB002"].phone == "0209381234"


async def test_spellings_without_diacritics_and_abbreviations(empty_app):
    headers = ["ma can bo", "HO VA TEN", "gioi tinh", "ngay sinh", "dan toc", "don vi",
               "nhom vi tri", "pho chu tich hdnd/ubnd", "trinh do chuyen mon",
               "ly luan chinh tri", "quan ly nha nuoc", "trang thiet bi dat chuan",
               "so dien thoai", "dang cong tac"]  # fmt: skip
    rows = [
        ["A1", "Lo Van A", "nam", "5/3/85", "Dao", "phong kinh te", "lanh dao", "x", "ThS",
         "cao cap", "CVC", "c", "0912 345 678", "1"],
        ["A2", "Lo Thi B", "nu", "05-03-1990", "Kinh", "Phong Kinh te", "truong pho", "0",
         "cu nhan", "cu nhan chinh tri", "chuyen vien cao cap", "k", "+84 912 345 678", "yes"],
        ["A3", "Lo Thi C", "NỮ", "1990-03-05", "", "", "cong chuc", "khong", "Thạc sỹ",
         "TC", "cv", "chua", "", "ko"],
        ["A4", "Lo Van D", "Nam", "", "", "", "Thường trực Đảng ủy xã", "", "dai hoc", "sơ cấp",
         "", "", "", ""],
        ["A5", "Lo Van E", "Nam", "", "", "", "cấp trưởng, phó", "", "ĐH", "", "", "", "", ""],
    ]  # fmt: skip
    report = await run_import(empty_app, csv_bytes(rows, headers), "ds.csv")
    assert report.ok, report.text()
    stored = await officials(empty_app)
    a, b, c = stored["A1"], stored["A2"], stored["A3"]
    assert a.gender is enums.Gender.MALE and b.gender is c.gender is enums.Gender.FEMALE
    assert (a.birth_date, b.birth_date, c.birth_date) == (
        date(1985, 3, 5), date(1990, 3, 5), date(1990, 3, 5),
    )  # fmt: skip
    assert a.ethnic_minority and not b.ethnic_minority and not c.ethnic_minority
    assert a.unit.code == b.unit.code == "PKT" and report.new_units == [("phong kinh te", "PKT")]
    assert [o.position_group.value for o in (a, b, c, stored["A4"], stored["A5"])] == [
        "leadership", "unit_head", "specialist", "leadership", "unit_head",
    ]  # fmt: skip
    assert (a.is_vice_chair, b.is_vice_chair, c.is_vice_chair) == (True, False, False)
    assert [o.education_level.value for o in (a, b, c, stored["A4"], stored["A5"])] == [
        "thac_si", "dai_hoc", "thac_si", "dai_hoc", "dai_hoc",
    ]  # fmt: skip
    assert [o.political_theory_level.value for o in (a, b, c, stored["A4"])] == [
        "cao_cap", "cu_nhan", "trung_cap", "so_cap",
    ]  # fmt: skip
    assert [o.state_management_level.value for o in (a, b, c)] == [
        "chuyen_vien_chinh", "chuyen_vien_cao_cap", "chuyen_vien",
    ]  # fmt: skip
    assert (a.equipped_to_standard, b.equipped_to_standard, c.equipped_to_standard) == (
        True, False, False,
    )  # fmt: skip
    assert (a.phone, b.phone, c.phone) == ("0912345678", "+84912345678", None)
    assert (a.active, b.active, c.active, stored["A4"].active) == (True, True, False, True)
    # Columns the file lacks take the defaults for new officials.
    assert a.major_fits_position and a.role is enums.Role.OFFICIAL


async def test_audit_log_has_every_change_with_before_and_after(app):
    rows = [
        FILLED[0],
        # DEMO002 with another title and political theory, everything else as it was.
        ["DEMO002", "Nguyễn Văn Hùng", "Nam", date(1976, 10, 13), "Kinh", "Không",
         "Lãnh đạo Đảng ủy, HĐND, UBND xã", "Bí thư Đảng ủy", "Lãnh đạo", "Không", "Đại học",
         "Công tác xã hội", "Có", "Cử nhân", "Chuyên viên chính", "Có", "0900000002", "Có"],
    ]  # fmt: skip
    report = await run_import(app, xlsx(rows), deactivate_missing=True)
    assert report.ok, report.text()
    assert report.updated == ["DEMO002"] and len(report.deactivated) == 39
    entries = await audit(app)
    by_action = {}
    for entry in entries:
        assert entry.actor == "test" and entry.note == "roster import: ds.xlsx"
        by_action.setdefault((entry.action, entry.entity), []).append(entry)
    [unit] = by_action["create", "unit"]
    assert (unit.entity_id, unit.after) == ("PNN", {"code": "PNN", "name": "Phòng Nông nghiệp"})
    [added] = by_action["create", "official"]
    assert added.entity_id == "CB001" and added.before is None
    assert added.after["birth_date"] == "1985-03-05" and added.after["unit"] == "PNN"
    assert added.after["education_level"] == "thac_si" and added.after["phone"] == "0912345678"
    [updated] = by_action["update", "official"]
    assert updated.entity_id == "DEMO002"
    assert updated.before == {
        "title": "Bí thư Đảng ủy, Chủ tịch HĐND xã",
        "political_theory_level": "cao_cap",
    }
    assert updated.after == {"title": "Bí thư Đảng ủy", "political_theory_level": "cu_nhan"}
    deactivated = by_action["deactivate", "official"]
    assert len(deactivated) == 39
    assert deactivated[0].before == {"active": True} and deactivated[0].after == {"active": False}
    stored = await officials(app)
    assert not stored["DEMO001"].active and stored["DEMO002"].active
    assert stored["DEMO001"].role is enums.Role.ADMIN  # the file never touches roles


async def test_empty_cells_clear_and_missing_columns_keep(app):
    headers = ["Mã cán bộ", "Họ và tên", "Giới tính", "Nhóm vị trí", "Chuyên ngành"]
    rows = [["demo003", "Hà Thị Lan", "Nữ", "Công chức chuyên môn", None]]
    before = (await officials(app))["DEMO003"]
    report = await run_import(app, xlsx(rows, headers))
    assert report.updated == ["DEMO003"], report.text()
    after = (await officials(app))["DEMO003"]
    assert after.code == "DEMO003"  # matched case-insensitively, stored spelling kept
    assert after.major is None and after.full_name == "Hà Thị Lan"
    assert (after.birth_date, after.phone, after.unit_id, after.education_level) == (
        before.birth_date, before.phone, before.unit_id, before.education_level,
    )  # fmt: skip


async def test_units_are_matched_by_name_or_code_and_new_ones_get_unique_codes(app):
    base = FILLED[0]
    rows = [
        ["U1", "A", *base[2:6], "PHÒNG KINH TẾ", *base[7:]],  # existing, by name
        ["U2", "B", *base[2:6], "vpdu", *base[7:]],  # existing, by code
        ["U3", "C", *base[2:6], "Phòng Kế toán", *base[7:]],  # new; PKT is taken
        ["U4", "D", *base[2:6], "phong ke toan", *base[7:]],  # the same new unit
    ]
    report = await run_import(app, xlsx(rows))
    assert report.new_units == [("Phòng Kế toán", "PKT2")]
    stored = await officials(app)
    assert [stored[c].unit.code for c in ("U1", "U2", "U3", "U4")] == [
        "PKT",
        "VPDU",
        "PKT2",
        "PKT2",
    ]


async def test_header_problems_and_ignored_columns(empty_app):
    headers = ["STT", "Mã CB", "Họ tên", "Giới tính", "Ghi chú", "Họ và tên"]
    report = await run_import(empty_app, xlsx([[1, "X1", "A", "Nam", "", "B"]], headers))
    assert report.text().splitlines()[1:] == [
        "Dòng 1: thiếu cột bắt buộc «Nhóm vị trí*».",
        "Dòng 1: cột «Họ và tên» có hai lần (cột C và F).",
        "Bỏ qua cột không dùng: «STT», «Ghi chú».",
    ]


@pytest.mark.parametrize(
    "cell, expected",
    [
        (datetime(1985, 3, 5), date(1985, 3, 5)),
        ("5/3/85", date(1985, 3, 5)),
        ("05/03/05", date(2005, 3, 5)),
        ("05.03.1985", date(1985, 3, 5)),
        ("1985-03-05", date(1985, 3, 5)),
        (31111, date(1985, 3, 5)),  # a date cell that lost its format: Excel's day number
        ("1985", "«1985» không phải ngày hợp lệ"),
        ("15/01/2026", date(2026, 1, 15)),
        ("16/01/2026", "16/01/2026 là ngày trong tương lai."),
        ("31/12/1939", "năm 1939 trước 1940"),
        ("ngày 5 tháng 3", "không phải ngày hợp lệ"),
    ],
)
async def test_birth_dates(empty_app, cell, expected):
    row = ["D1", "A", "Nam", cell, *FILLED[0][4:]]
    report = await run_import(empty_app, xlsx([row]))
    if isinstance(expected, date):
        assert report.ok, report.text()
        assert (await officials(empty_app))["D1"].birth_date == expected
    else:
        assert report.problems[0].column == "Ngày sinh" and expected in report.problems[0].line()


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("0912.345.678", "0912345678"),
        ("(0209) 381 234", "0209381234"),
        ("+84 912 345 678", "+84912345678"),
        (912345678, "0912345678"),  # Excel made it a number and dropped the 0
        ("84912345678", "84912345678"),
        ("+1 202 555 0100", None),
        ("09123456789012", None),
        ("0912-ABC", None),
        ("0912²45678", None),  # "²" is a digit to isdigit()
    ],
)
async def test_phone_numbers(empty_app, cell, expected):
    row = [*FILLED[0][:16], cell, "Có"]
    report = await run_import(empty_app, xlsx([row]))
    if expected is None:
        assert "không phải số điện thoại" in report.text()
    else:
        assert (await officials(empty_app))["CB001"].phone == expected


async def test_control_characters_are_dropped(empty_app):
    # PostgreSQL refuses NUL in text, and openpyxl any control character when exporting.
    row = ["CB001", "Lò Văn\x00 Minh\x07", *FILLED[0][2:]]
    assert (await run_import(empty_app, csv_bytes([row]), "ds.csv")).ok
    assert (await officials(empty_app))["CB001"].full_name == "Lò Văn Minh"
    async with empty_app.sessionmaker() as session:
        await export_roster(Repo(session), "ra.xlsx")


@pytest.mark.parametrize(
    "data, filename, message",
    [
        (b"\xd0\xcf\x11\xe0old", "ds.xls", "dạng Excel 97–2003 (.xls)"),
        (b"PK\x03\x04broken", "ds.xlsx", "Không đọc được tệp ds.xlsx"),
        ("Mã cán bộ,Họ và tên\n".encode("latin-1", "replace"), "ds.csv", "không phải CSV mã UTF-8"),
        (b"", "ds.csv", "Tệp trống: dòng 1 phải là dòng tiêu đề"),
        (
            "Mã cán bộ,Họ và tên,Giới tính,Nhóm vị trí\n,,,\n".encode(),
            "ds.csv",
            "Tệp chưa có cán bộ nào",
        ),
    ],
)
async def test_files_that_are_not_rosters(empty_app, data, filename, message):
    report = await run_import(empty_app, data, filename, deactivate_missing=True)
    assert not report.ok and message in report.text()


def test_the_template_helps_whoever_fills_it_in():
    workbook = load_workbook(io.BytesIO(roster_template("mau.xlsx")))
    assert workbook.sheetnames == ["Danh sách cán bộ", "Hướng dẫn", "Danh mục"]
    sheet, guide, lists = workbook.worksheets
    assert [c.value for c in sheet[1]] == HEADERS and sheet.max_row == 1
    assert sheet.freeze_panes == "A2" and lists.sheet_state == "hidden"
    assert sheet.column_dimensions["B"].width >= 20
    assert sheet.column_dimensions["Q"].number_format == "@"  # phone numbers stay text
    validations = {
        str(v.sqref).split(":")[0][0]: v.formula1 for v in sheet.data_validations.dataValidation
    }
    assert sorted(validations) == list("CFIJKMNOPR")
    groups = [row[0].value for row in lists[validations["I"].split("!")[1].replace("$", "")]]
    assert groups == [label(m) for m in enums.PositionGroup]
    rows = {row[0]: row for row in guide.iter_rows(min_row=2, values_only=True) if row[0]}
    assert rows["Trình độ chuyên môn"][3].startswith("Trung cấp; Cao đẳng; Đại học; Thạc sĩ")
    assert "ThS" in rows["Trình độ chuyên môn"][3] and rows["Mã cán bộ*"][1] == "Có"
    assert all(rows[h][2] for h in HEADERS)


def test_every_column_has_a_header_and_help():
    assert [c.header for c in COLUMNS] == HEADERS


@pytest.mark.parametrize(
    "enum",
    [
        enums.Gender,
        enums.PositionGroup,
        enums.EducationLevel,
        enums.PoliticalTheoryLevel,
        enums.StateManagementLevel,
    ],
)
def test_spellings_name_one_value_each(enum):
    seen = {}
    for member, spellings in aliases(enum).items():
        assert member_for(enum, label(member)) is member
        for spelling in spellings:
            key = spelling_key(spelling)
            assert seen.setdefault(key, member) is member, spelling
            assert member_for(enum, spelling) is member, spelling


def test_problem_lists_can_be_capped_for_a_chat():
    from handlers.roster import Problem, RosterReport

    report = RosterReport("ds.xlsx", problems=[Problem(n, "Ngày sinh", "x") for n in range(2, 9)])
    lines = report.text(max_problems=3).splitlines()
    assert len(lines) == 5 and lines[-1] == "… và 4 lỗi nữa."


# The command line, as an operator runs it.


def cli(*args, db):
    return run("roster", *args, env={"DATABASE_URL": f"sqlite:///{db}"})


def test_cli_template_import_export(tmp_path):
    db = tmp_path / "cli.db"
    template = tmp_path / "mau.xlsx"
    made = cli("template", str(template), db=db)
    assert made.returncode == 0 and "Đã tạo tệp mẫu" in made.stdout
    assert not db.exists()  # the template needs no database

    workbook = load_workbook(template)
    for row in FILLED:
        workbook.worksheets[0].append(row)
    workbook.save(template)

    dry = cli("import", str(template), "--dry-run", db=db)
    assert dry.returncode == 0 and dry.stdout.startswith("Chạy thử mau.xlsx (3 dòng)")
    done = cli("import", str(template), db=db)
    assert done.returncode == 0, done.stderr
    assert "• Thêm mới: 3\n• Cập nhật: 0\n• Không đổi: 0" in done.stdout
    assert "Đơn vị mới: Phòng Nông nghiệp (PNN)." in done.stdout

    exported = cli("export", str(tmp_path / "ra.xlsx"), db=db)
    assert exported.returncode == 0 and "Đã xuất 3 cán bộ" in exported.stdout
    assert sheet_rows((tmp_path / "ra.xlsx").read_bytes()) == FILLED
    assert cli("export", str(tmp_path / "ra.csv"), db=db).returncode == 0
    again = cli("import", str(tmp_path / "ra.csv"), db=db)
    assert "• Thêm mới: 0\n• Cập nhật: 0\n• Không đổi: 3" in again.stdout


def test_cli_import_with_problems_exits_2_and_lists_them(tmp_path):
    bad = tmp_path / "sai.csv"
    bad.write_bytes(csv_bytes([["X1", "", "Nam", "", *FILLED[0][4:]]], delimiter=";"))
    result = cli("import", str(bad), db=tmp_path / "cli.db")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "sai.csv: 1 lỗi, chưa ghi gì vào cơ sở dữ liệu. Sửa các lỗi sau rồi nhập lại:",
        "Dòng 2, cột «Họ và tên*»: chưa điền (cột bắt buộc).",
    ]


def test_cli_refuses_other_file_types_and_missing_files(tmp_path):
    wrong = cli("template", str(tmp_path / "mau.ods"), db=tmp_path / "cli.db")
    assert wrong.returncode == 2 and ".xlsx hoặc .csv" in wrong.stderr
    missing = cli("import", str(tmp_path / "khong-co.xlsx"), db=tmp_path / "cli.db")
    assert missing.returncode == 2 and "Không đọc được" in missing.stderr
    assert "Traceback" not in wrong.stderr + missing.stderr
