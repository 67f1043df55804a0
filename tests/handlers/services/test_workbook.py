"""The summary workbook of /xuat and `python -m bot export`, read back as an admin's
spreadsheet program would: its sheets, the title block, print set-up, STT, numbers and dates
as such, the whole scope's training counts and a unit's full course list; and printed by
LibreOffice where it is installed. On the commune of tests/helpers/summary_data.py (figures
known by construction), on SQLite and PostgreSQL."""

import re
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from knowledge.targets import load_targets
from knowledge.vocabulary import CourseCategory
from storage.enums import ReportStatus
from storage.models import AuditEntry, CourseReport, Official
from tests.helpers import summary_data as data
from tests.helpers.app import chat_as
from tests.helpers.office import A4_LANDSCAPE, NO_SOFFICE, SOFFICE, pages, to_pdf
from tests.helpers.workbook_files import codes, header_row, load, table

TARGETS = load_targets()
LISTS = ["Cán bộ", "Khóa học", "Đánh giá"]


@pytest.fixture
async def commune(database, tmp_path):
    async with data.open_commune(database, tmp_path / "summaries") as app:
        yield app


@pytest.fixture
async def admin(commune):
    return await chat_as(commune, "L1")


def attached(out: str) -> Path:
    found = re.findall(r"\[Tệp: (.+)\]", out)
    assert found, out
    return Path(found[-1])


async def export_as_operator(app, out: Path, *words: str) -> str:
    from bot.__main__ import cmd_export, parser

    await cmd_export(app, parser().parse_args(["export", "--out", str(out), *words]))
    return str(out)


# -- print-ready -------------------------------------------------------------------------------


async def test_every_sheet_is_set_up_for_a4_landscape_fitted_to_the_width(commune, admin):
    book = load(attached(await admin.send("/xuat")))
    assert book.sheetnames == ["Tổng hợp", *LISTS]
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape" and setup.paperSize == 9  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        # One page wide (fitToWidth absent means 1), as many pages down as the rows need.
        assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0
        top = header_row(sheet)
        assert sheet.print_title_rows == f"${top}:${top}"  # the header on every page
        assert sheet.freeze_panes.endswith(str(top + 1))  # frozen below the header
        assert (
            0.3 <= sheet.page_margins.left <= 0.5 and "Trang &P/&N" in sheet.oddFooter.center.text
        )


async def test_the_title_block_names_agency_scope_period_and_who_prepared_it(commune, admin):
    book = load(attached(await admin.send("/xuat")))
    titles = {
        "Tổng hợp": "TỔNG HỢP KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
        "Cán bộ": "DANH SÁCH CÁN BỘ, CÔNG CHỨC",
        "Khóa học": "SỐ KHÓA ĐÀO TẠO, BỒI DƯỠNG ĐÃ ĐƯỢC DUYỆT",
        "Đánh giá": "KẾT QUẢ TỰ ĐÁNH GIÁ, XẾP LOẠI",
    }
    for name, title in titles.items():
        block = [book[name].cell(row, 1).value for row in range(1, header_row(book[name]))]
        assert block[0] == "XÃ SÌ LỞ LẦU"  # the plan's place (knowledge/plan.yaml)
        assert block[1].startswith(title)
        assert block[2] == (
            "Phạm vi: Toàn xã — tính đến ngày 27/11/2026 — kỳ đánh giá, xếp loại: Quý III/2026"
        )
        assert block[3] == "Người lập: Cán bộ L1 — ngày lập: 27/11/2026"
    courses = book["Khóa học"].cell(5, 1).value
    assert courses == (
        "Khóa học đã được duyệt, hoàn thành từ 01/01/2026 đến 27/11/2026 (thời gian tính chỉ tiêu)."
    )


async def test_the_annual_evaluation_is_named_by_its_year(commune, tmp_path):
    out = await export_as_operator(commune, tmp_path / "nam.xlsx", "--quarter", "2026Q4")
    book = load(out)
    scope_line = book["Tổng hợp"]["A3"].value
    assert "kỳ đánh giá, xếp loại: Năm 2026" in scope_line and "Q4" not in scope_line
    assert {row["Kỳ"] for row in table(book["Đánh giá"])} == {"Năm 2026"}
    # Nobody's name is known on the command line: a line to sign by hand.
    assert book["Tổng hợp"]["A4"].value.startswith("Người lập: ……")


async def test_lists_are_numbered_and_labels_are_never_cut(commune, admin):
    book = load(attached(await admin.send("/xuat")))
    for name in LISTS:
        sheet = book[name]
        top = header_row(sheet)
        assert sheet.cell(top, 1).value == "STT"
        assert [row["STT"] for row in table(sheet)] == list(range(1, 11))
        # Every header wraps within its column, on a row made tall enough for it.
        assert all(cell.alignment.wrap_text for cell in sheet[top])
        assert sheet.row_dimensions[top].height >= 2 * 14
    # «Phó Chủ tịch HĐND/UBND» in a column 9 wide takes three lines.
    assert book["Cán bộ"].row_dimensions[header_row(book["Cán bộ"])].height >= 3 * 14
    summary = book["Tổng hợp"]
    notes = {row[0]: row[3] for row in summary.iter_rows(min_row=23, values_only=True)}
    label = "Cần cử đi học đại học (chưa đạt chuẩn, còn trên 6 năm công tác)"
    # The labels under the table span three columns, wide enough for the longest one.
    assert summary.merged_cells.ranges and any(
        str(r).startswith("A") and r.max_col == 3 for r in summary.merged_cells.ranges
    )
    width = sum(summary.column_dimensions[c].width for c in "ABC")
    assert width > len(label)
    assert notes[label] == 3


async def test_numbers_and_dates_are_stored_as_numbers_and_dates(commune, admin):
    book = load(attached(await admin.send("/xuat")))
    rows = {row["Chỉ tiêu"]: row for row in table(book["Tổng hợp"])}
    assert list(rows) == [i.spec.key for i in TARGETS.indicators]
    assert rows["1b"]["Hạn"] == datetime(2028, 12, 31)
    assert rows["4a"]["Hạn"] == datetime(2026, 10, 5)  # the rating period's deadline
    top = header_row(book["Tổng hợp"])
    assert book["Tổng hợp"].cell(top + 2, 8).number_format == "DD/MM/YYYY"
    assert [rows["1b"][k] for k in ("Số đạt", "Tổng số", "Tỷ lệ (%)")] == [1, 3, 33.3]
    assert rows["1a"]["Số đạt"] is None and rows["1a"]["Tình trạng"] == "chưa đo"
    assert "chưa có dữ liệu về việc bổ nhiệm" in rows["2b"]["Cách tính"]
    notes = {row[0]: row[3] for row in book["Tổng hợp"].iter_rows(min_row=23, values_only=True)}
    assert notes["Số cán bộ"] == 10 and isinstance(notes["Số cán bộ"], int)

    officials = {row["Mã cán bộ"]: row for row in table(book["Cán bộ"])}
    assert officials["S2"]["Ngày sinh"] == datetime(1970, 11, 28)
    assert officials["S2"]["Ngày đủ tuổi nghỉ hưu"] == datetime(2032, 11, 28)
    assert officials["S2"]["Cần cử đi học đại học"] == "Có"
    evaluations = {row["Mã cán bộ"]: row for row in table(book["Đánh giá"])}
    assert evaluations["L2"]["Đạt chất lượng yêu cầu"] == 8
    assert evaluations["L2"]["Tổng điểm"] == 85


# -- the sheets' contents ----------------------------------------------------------------------


async def test_the_whole_commune_counts_each_officials_verified_courses(commune, admin):
    path = attached(await admin.send("/xuat"))
    book = load(path)
    assert codes(book["Cán bộ"]) == ["H1", "L1", "L2", "L3", "S1", "S2", "H2", "S3", "S4", "S5"]
    counts = {row["Mã cán bộ"]: row for row in table(book["Khóa học"])}
    # One row per active official (X1 has left), in the order of the other lists; only
    # verified reports completed from 01/01/2026 to the day count.
    assert list(counts) == codes(book["Cán bộ"])
    columns = ["Đào tạo chuyên môn", "Bồi dưỡng theo VTVL", "Cập nhật kiến thức"]
    columns += ["Bình dân học vụ số", "Tổng số"]
    expected = {
        "L1": [0, 1, 0, 0, 1],
        "L2": [0, 0, 1, 0, 1],  # its pending report does not count
        "L3": [0, 0, 0, 1, 1],  # completed on the day; the rejected one does not count
        "H1": [0, 0, 0, 0, 0],  # one before 01/01/2026, one after the day
        "S1": [1, 1, 0, 0, 2],
        "S2": [0, 0, 0, 0, 0],  # pending and withdrawn
        "H2": [0, 1, 1, 0, 2],
        "S3": [0, 0, 0, 0, 0],
        "S4": [0, 0, 0, 1, 1],
        "S5": [0, 0, 0, 0, 0],
    }
    assert {code: [row[c] for c in columns] for code, row in counts.items()} == expected
    assert all(row["Lý luận chính trị"] == 0 and row["Khác"] == 0 for row in counts.values())
    assert "Khóa học" not in [c.value for c in book["Khóa học"][header_row(book["Khóa học"])]]

    evaluations = {row["Mã cán bộ"]: row for row in table(book["Đánh giá"])}
    assert len(evaluations) == 10 and evaluations["S4"]["Tự đề xuất xếp loại"] == "Chưa nộp"
    assert [evaluations["L2"][k] for k in ("Kỳ", "Xếp loại được xác nhận")] == [
        "Quý III/2026",
        "Hoàn thành nhiệm vụ",
    ]
    assert evaluations["L3"]["Bị kỷ luật trong kỳ"] == "Có"
    async with commune.sessionmaker() as session:
        (entry,) = await session.scalars(select(AuditEntry).where(AuditEntry.action == "export"))
    assert entry.actor == "official:L1" and path.name in entry.note


async def test_a_units_workbook_lists_every_course_report(commune, admin):
    book = load(attached(await admin.send("/xuat UA")))
    courses = table(book["Khóa học"])
    # The plan's training period only (none before 01/01/2026 or after the day), none
    # withdrawn, by name and the day completed.
    assert [(row["Mã cán bộ"], row["Khóa học"], row["Trạng thái"]) for row in courses] == [
        ("L1", "Bồi dưỡng lãnh đạo cấp xã", "Đã duyệt"),
        ("L2", "Pháp luật về chính quyền 2 cấp", "Đã duyệt"),
        ("L2", "Kỹ năng lãnh đạo", "Chờ duyệt"),
        ("L3", "Bồi dưỡng bị từ chối", "Bị từ chối"),
        ("L3", "Kỹ năng số cơ bản", "Đã duyệt"),
        ("S1", data.HYPERLINK, "Đã duyệt"),
        ("S1", "Đại học Luật (văn bằng 2)", "Đã duyệt"),
        ("S2", "Đại học Hành chính", "Chờ duyệt"),
    ]
    assert [row["STT"] for row in courses] == list(range(1, 9))
    assert courses[0]["Ngày hoàn thành"] == datetime(2026, 3, 1)
    top = header_row(book["Khóa học"])
    (link,) = [
        c
        for row in book["Khóa học"].iter_rows(min_row=top)
        for c in row
        if c.value == data.HYPERLINK
    ]
    assert link.data_type == "s" and link.quotePrefix  # text, and stays text when edited
    assert book["Khóa học"]["A2"].value.startswith("DANH SÁCH KHÓA ĐÀO TẠO")
    assert book["Khóa học"]["A3"].value.startswith("Phạm vi: Phòng UA —")


async def test_any_text_reads_back_as_typed(commune, admin):
    """Course names as officials type them: XML's own characters, spaces at either end, tabs
    and line breaks kept; a control character, and text that looks like Excel's escape for
    one, written in that escape (_xHHHH_), as XlsxWriter itself writes them."""
    typed = {
        "A & B <c> > d": "A & B <c> > d",
        " Khóa có dấu cách ": " Khóa có dấu cách ",
        "Dòng 1\nDòng 2\tcột": "Dòng 1\nDòng 2\tcột",
        "chuông\x07": "chuông_x0007_",
        "_x0041_": "_x005F_x0041_",
        "về\rđầu": "về_x000D_đầu",
    }
    async with commune.sessionmaker() as session, session.begin():
        s1 = await session.scalar(select(Official).where(Official.code == "S1"))
        for name in typed:
            session.add(
                CourseReport(
                    official_id=s1.id,
                    category=CourseCategory.OTHER,
                    course_name=name,
                    completed_on=data.date(2026, 10, 1),
                    status=ReportStatus.PENDING,
                )
            )
    book = load(attached(await admin.send("/xuat UA")))
    names = [row["Khóa học"] for row in table(book["Khóa học"])]
    assert [name for name in names if name in typed.values()] == list(typed.values())


async def test_no_formula_reaches_the_file(commune, admin):
    path = attached(await admin.send("/xuat UA"))
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        xml = "".join(archive.read(n).decode() for n in sheets)
    assert "HYPERLINK" in xml and "<f>" not in xml and "<f " not in xml


async def test_a_list_longer_than_a_sheet_goes_on_in_the_next(commune, admin, monkeypatch):
    from handlers.services.summaries import lists

    # Excel's limit is 1,048,576 rows, title block and header included; here 9: with the
    # title block (4 rows; Khóa học 5) and the header, 4 rows a sheet (Khóa học 3).
    monkeypatch.setattr(lists, "EXCEL_ROWS", 9)
    book = load(attached(await admin.send("/xuat")))
    assert book.sheetnames[1:] == [
        *("Cán bộ", "Cán bộ (2)", "Cán bộ (3)"),
        *("Khóa học", "Khóa học (2)", "Khóa học (3)", "Khóa học (4)"),
        *("Đánh giá", "Đánh giá (2)", "Đánh giá (3)"),
    ]
    parts = [book[name] for name in book.sheetnames if name.startswith("Cán bộ")]
    assert [len(table(part)) for part in parts] == [4, 4, 2]
    assert all(part["B5"].value == "Mã cán bộ" and part.freeze_panes == "D6" for part in parts)
    everyone = [row for part in parts for row in table(part)]
    assert [row["Mã cán bộ"] for row in everyone] == [
        *("H1", "L1", "L2", "L3", "S1", "S2", "H2", "S3", "S4", "S5")
    ]
    assert [row["STT"] for row in everyone] == list(range(1, 11))  # numbered on across parts


# -- printed by LibreOffice --------------------------------------------------------------------


def only_sheet(path: Path, name: str, out: Path) -> Path:
    """A copy of the workbook with every other sheet hidden (and this one active): what
    LibreOffice prints of it is this sheet's pages."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                text = content.decode()
                names = re.findall(r'<sheet name="([^"]+)"', text)
                for other in names:
                    if other != name:
                        text = text.replace(
                            f'<sheet name="{other}"', f'<sheet state="hidden" name="{other}"'
                        )
                text = text.replace(
                    "<workbookView ", f'<workbookView activeTab="{names.index(name)}" '
                )
                content = text.encode()
            copy.writestr(item, content)
    return out


@pytest.mark.skipif(SOFFICE is None, reason=NO_SOFFICE)
async def test_libreoffice_prints_the_demo_commune_summary_on_one_landscape_page(
    admin_chat, tmp_path
):
    path = attached(await admin_chat.send("/xuat"))  # the demo commune: 40 officials
    whole = pages(to_pdf(path, tmp_path))
    assert set(whole) == {A4_LANDSCAPE}
    summary = pages(to_pdf(only_sheet(path, "Tổng hợp", tmp_path / "tong-hop.xlsx"), tmp_path))
    assert summary == [A4_LANDSCAPE]
    # 40 officials × 19 columns fitted to the page's width take 2 pages (a page holds about
    # 20 rows at that scale); unfitted, the columns alone would need 2 pages across for each
    # of 4 pages down.
    officials = only_sheet(path, "Cán bộ", tmp_path / "can-bo.xlsx")
    officials_pdf = to_pdf(officials, tmp_path)
    assert len(pages(officials_pdf)) <= 3
    if shutil.which("pdftotext"):  # poppler-utils: the last column is on the first page
        first = subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", str(tmp_path / "can-bo.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "STT" in first and "Cần cử đi" in first  # the first and last headers
