"""Roster import checks: the spellings and file formats accepted, and every problem reported
with its row and column."""

import io
import zipfile
from datetime import date, datetime

import pytest

from handlers.services.roster import export_roster
from handlers.services.roster.spellings import aliases, member_for, spelling_key
from handlers.texts import label
from knowledge import vocabulary
from storage import enums
from storage.repo import Repo
from tests.helpers.roster_files import FILLED, counts, csv_bytes, officials, run_import, xlsx


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
        # The import's own words («Ngừng công tác» in its summary), typed back.
        ["A6", "Lo Van G", "Nam", "", "", "", "cong chuc", "", "ĐH", "", "", "", "", "ngung cong tac"],
        ["A7", "Lo Van H", "Nam", "", "", "", "cong chuc", "", "ĐH", "", "", "", "", "Đang công tác"],
    ]  # fmt: skip
    report = await run_import(empty_app, csv_bytes(rows, headers), "ds.csv")
    assert report.ok, report.text()
    stored = await officials(empty_app)
    a, b, c = stored["A1"], stored["A2"], stored["A3"]
    assert a.gender is vocabulary.Gender.MALE and b.gender is c.gender is vocabulary.Gender.FEMALE
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
    assert (stored["A6"].active, stored["A7"].active) == (False, True)
    # Columns the file lacks take the defaults for new officials.
    assert a.major_fits_position and a.role is enums.Role.OFFICIAL


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


async def test_an_xlsx_that_unpacks_to_gigabytes_is_refused_unread(empty_app):
    """A zip bomb: a small file whose one cell unpacks to 200 MB would fill the server's
    memory before any row is checked. Refused from the zip's own directory, in Vietnamese."""
    book = io.BytesIO()
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"A" * (200 * 1024 * 1024))
    data = book.getvalue()
    assert len(data) < 1024 * 1024
    report = await run_import(empty_app, data, "ds.xlsx")
    assert not report.ok and "giải nén ra quá lớn" in report.text()
    assert (await officials(empty_app)) == {}


@pytest.mark.parametrize(
    "enum",
    [
        vocabulary.Gender,
        vocabulary.PositionGroup,
        vocabulary.EducationLevel,
        vocabulary.PoliticalTheoryLevel,
        vocabulary.StateManagementLevel,
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
    from handlers.services.roster import Problem, RosterReport

    report = RosterReport("ds.xlsx", problems=[Problem(n, "Ngày sinh", "x") for n in range(2, 9)])
    lines = report.text(max_problems=3).splitlines()
    assert len(lines) == 5 and lines[-1] == "… và 4 lỗi nữa."


async def test_invisible_formatting_characters_are_removed(empty_app):
    await run_import(empty_app, xlsx(FILLED))
    minh = FILLED[0]
    rows = [
        # A zero-width space in the code, a right-to-left override and a soft hyphen in the name.
        ["CB\u200b001", "\u202eLò Văn\u00ad Minh", *minh[2:4], "Hà\u2066 Nhì\u2069", *minh[5:]],
        ["\ufeffCB009", "Vàng\u200d A\u200e Sử", *minh[2:7], "Chuyên\u2060 viên", *minh[8:]],
    ]
    report = await run_import(empty_app, csv_bytes(rows), "ds.csv")
    assert report.ok, report.text()
    assert (report.added, report.updated, report.unchanged) == (["CB009"], [], ["CB001"])
    stored = await officials(empty_app)
    assert stored["CB001"].full_name == "Lò Văn Minh"
    added = stored["CB009"]
    assert (added.full_name, added.title) == ("Vàng A Sử", "Chuyên viên")


@pytest.mark.parametrize("make, filename", [(csv_bytes, "ds.csv"), (xlsx, "ds.xlsx")])
async def test_month_day_dates_refuse_the_file_naming_the_column(app, make, filename):
    before = await counts(app)
    minh = FILLED[0]

    def born(code, when):  # as text: how a CSV, or a text-typed Excel column, holds it
        return [code, "Giàng A Páo", "Nam", when, *minh[4:]]

    rows = [
        born("DEMO004", "12/02/1981"),  # reads either way: 12 February or 2 December
        born("CB001", "03/05/1990"),
        born("CB002", "11/09/1992"),
        born("CB003", "12/24/1981"),  # row 5: only month/day
        born("CB004", "1/31/75"),
    ]
    report = await run_import(app, make(rows), filename)
    assert report.text().splitlines() == [
        f"{filename}: 1 lỗi, chưa ghi gì vào cơ sở dữ liệu. Sửa các lỗi sau rồi nhập lại:",
        "Cột «Ngày sinh» có ngày ghi dạng tháng/ngày (12/24/1981, dòng 5), nên các ngày khác "
        "trong cột cũng có thể đã bị đảo ngày với tháng. Hãy lưu lại tệp với ngày dạng "
        "ngày/tháng/năm (dd/mm/yyyy, ví dụ 24/12/1981) rồi nhập lại; nếu soạn bằng Excel, có "
        "thể gửi thẳng tệp .xlsx.",
    ]
    assert await counts(app) == before
    assert (await officials(app))["DEMO004"].birth_date == date(1981, 12, 2)
