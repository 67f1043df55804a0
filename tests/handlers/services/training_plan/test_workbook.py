"""The annual training plan as a workbook, read back with openpyxl: three sheets under one
title block, groups, registrations and flags, A4 landscape print set-up (and LibreOffice
printing it, where installed)."""

from pathlib import Path

import pytest

from handlers.services.training_plan.workbook import write_plan
from tests.helpers import summary_data as data
from tests.helpers.office import A4_LANDSCAPE, NO_SOFFICE, SOFFICE, pages, pdf_text, to_pdf
from tests.helpers.training_plan import plan_of
from tests.helpers.workbook_files import header_row, load, table


async def workbook_of(app, tmp_path: Path, viewer="L1", unit=None) -> Path:
    plan = await plan_of(app, viewer, unit)
    path = tmp_path / "plan.xlsx"
    write_plan(plan, path, agency="XÃ SÌ LỞ LẦU", prepared_by="Cán bộ L1", today=data.TODAY)
    return path


async def test_the_workbook_has_three_sheets_under_one_title(commune, tmp_path):
    book = load(await workbook_of(commune, tmp_path))
    assert book.sheetnames == ["Tổng hợp", "Theo đơn vị", "Cần cử đi học"]
    for sheet in book.worksheets:
        assert sheet["A1"].value == "XÃ SÌ LỞ LẦU"
        assert sheet["A2"].value == "KẾ HOẠCH ĐÀO TẠO, BỒI DƯỠNG CÁN BỘ NĂM 2027"
        assert sheet["A3"].value.startswith("Phạm vi: Toàn xã")
        assert sheet["A5"].value.startswith("Người lập: Cán bộ L1")


async def test_the_workbook_lists_groups_registrations_and_flags(commune, tmp_path):
    book = load(await workbook_of(commune, tmp_path))
    groups = table(book["Tổng hợp"])
    assert [row["STT"] for row in groups] == [1, 2, 3, 4, 5]
    assert groups[0]["Khóa học, chuyên ngành"] == "Đào tạo đại học, chuyên ngành Luật hành chính"
    assert groups[0]["Số cán bộ"] == 1 and groups[0]["Cán bộ đăng ký"] == "Cán bộ S1"
    assert groups[2]["Khóa học, chuyên ngành"] == "Đào tạo thạc sĩ, chuyên ngành Luật hành chính"
    total = header_row(book["Tổng hợp"]) + 6  # the row after the five groups
    assert [c.value for c in book["Tổng hợp"][total]][1:3] == [
        "Tổng cộng",
        "5 đăng ký; mỗi cán bộ tính một lần",
    ]
    assert book["Tổng hợp"][f"D{total}"].value == 5  # officials
    registrations = table(book["Theo đơn vị"])
    assert [row["Mã cán bộ"] for row in registrations] == ["L2", "S1", "S2", "H2", "S4"]
    s2 = registrations[2]
    assert s2["Hình thức học"] == "Vừa làm vừa học" and s2["Chuyên ngành"] == "Quản lý nhà nước"
    assert s2["Chỉ tiêu phục vụ"] == "Chỉ tiêu 7: Trình độ đại học"
    assert registrations[1]["Chỉ tiêu phục vụ"].endswith("(đã đạt)")  # S1
    flags = table(book["Cần cử đi học"])
    assert [row["Mã cán bộ"] for row in flags] == ["S3"]
    assert "Mục III.2.d" in flags[0]["Lý do"]
    assert flags[0]["Khóa học phù hợp (danh mục)"] == "Đào tạo đại học"
    left = next(name for name in flags[0] if name.startswith("Thời gian công tác còn lại"))
    assert "Bộ luật Lao động 2019, Điều 169; Nghị định 135/2020/NĐ-CP" in left
    assert flags[0][left] == "8 năm 10 tháng 27 ngày (đến 28/11/2035)"
    # Said above the table: from which day the time left and the six years are counted.
    assert book["Cần cử đi học"]["A6"].value.startswith(
        "Thời gian công tác còn lại và điều kiện «còn trên 6 năm công tác» (Mục III.2.d) tính"
        " từ ngày 01/01/2027"
    )


async def test_every_sheet_prints_on_a4_landscape_with_its_header_repeated(commune, tmp_path):
    book = load(await workbook_of(commune, tmp_path))
    for sheet in book.worksheets:
        setup, top = sheet.page_setup, header_row(sheet)
        assert setup.orientation == "landscape" and setup.paperSize == 9
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and setup.fitToHeight == 0
        assert sheet.print_title_rows == f"${top}:${top}"
        assert "Trang &P/&N" in sheet.oddFooter.center.text
        assert sheet[f"A{top}"].value == "STT" and sheet[f"B{top}"].alignment.wrap_text


async def test_an_empty_plan_says_so_on_each_sheet(commune, tmp_path):
    plan = await plan_of(commune, "L1", year=2030)
    path = tmp_path / "empty.xlsx"
    write_plan(plan, path, agency="XÃ SÌ LỞ LẦU", prepared_by=None, today=data.TODAY)
    book = load(path)
    top = header_row(book["Theo đơn vị"])
    assert book["Theo đơn vị"][f"A{top + 2}"].value == "Chưa có đăng ký nào."


@pytest.mark.skipif(SOFFICE is None, reason=NO_SOFFICE)
async def test_libreoffice_prints_every_sheet_on_a4_landscape_one_page_wide(commune, tmp_path):
    path = await workbook_of(commune, tmp_path)
    printed = pages(to_pdf(path, tmp_path))
    # The three sheets, each fitted to the page's width: a few rows each, one page apiece.
    assert printed == [A4_LANDSCAPE] * 3
    text = pdf_text(tmp_path / f"{path.stem}.pdf")
    if text is not None:
        assert "KẾ HOẠCH ĐÀO TẠO, BỒI DƯỠNG CÁN BỘ NĂM 2027" in text
        assert "Trang 1/3" in text and "Trang 3/3" in text
