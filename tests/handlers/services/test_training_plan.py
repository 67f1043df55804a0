"""The annual training plan as data and as a workbook: grouped by category and
specialisation, listed by unit with the target each registration serves, the officials to
send who did not register; read back with openpyxl (sheets, title block, print set-up)."""

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from handlers.services.summaries.scope import ScopeError
from handlers.services.training_plan.plan import build_plan
from handlers.services.training_plan.read import (
    Asked,
    asked_by,
    parse_year,
    read_plan,
    split_args,
)
from handlers.services.training_plan.workbook import write_plan
from knowledge.road import Gap, Road
from knowledge.targets import load_targets
from knowledge.vocabulary import CourseCategory
from storage.models import AuditEntry
from storage.repo import Repo
from tests.helpers import plan_data
from tests.helpers import summary_data as data
from tests.helpers.workbook_files import header_row, load, table

TARGETS = load_targets()


@pytest.fixture
async def commune(database, tmp_path):
    async with data.open_commune(database, tmp_path / "summaries") as app:
        await plan_data.register(app)
        yield app


async def plan_of(app, viewer_code: str, unit_code: str | None = None, year: int = 2027):
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        viewer = await repo.officials.by_code(viewer_code)
        cal = app.conversation.options.calendar
        asked = await asked_by(repo, viewer, unit_code, year, data.TODAY, cal)
        return await read_plan(
            repo, asked, knowledge=app.conversation.knowledge, targets=TARGETS, today=data.TODAY
        )


# -- grouping and flags, over the seeded commune ----------------------------------------------


async def test_the_commune_plan_groups_degrees_by_specialisation(commune):
    plan = await plan_of(commune, "L1")
    assert (plan.where, plan.headcount, plan.registered, len(plan.lines)) == (
        "Toàn xã",
        10,
        5,
        5,
    )
    groups = [(g.category, g.detail, [p.code for p in g.people]) for g in plan.groups]
    assert groups == [
        (CourseCategory.DEGREE, "Luật hành chính", ["S1", "H2"]),
        (CourseCategory.DEGREE, "Quản lý nhà nước", ["S2"]),
        (CourseCategory.POLITICAL_THEORY, "Cao cấp lý luận chính trị", ["L2"]),
        (CourseCategory.KNOWLEDGE_UPDATE, "Chuyển đổi số", ["S4"]),
    ]
    assert dict(plan.by_category()) == {
        CourseCategory.DEGREE: 3,
        CourseCategory.POLITICAL_THEORY: 1,
        CourseCategory.KNOWLEDGE_UPDATE: 1,
    }


async def test_each_registration_names_the_target_it_serves(commune):
    plan = await plan_of(commune, "L1")
    serves = {line.person.code: line.serves for line in plan.lines}
    assert serves["S2"] == "Chỉ tiêu 7: Trình độ đại học"
    assert serves["H2"] == "Chỉ tiêu 6: Trình độ thạc sĩ"
    # S1 no longer has the 1b gap: the target is named from the targets' own data.
    assert serves["S1"] == "Chỉ tiêu 1: Đào tạo lại chuyên môn phù hợp vị trí việc làm"
    assert serves["L2"] is None
    assert "X1" not in serves  # has left


async def test_below_the_standard_with_years_left_and_no_degree_registered_is_flagged(commune):
    plan = await plan_of(commune, "L1")
    flagged = {flag.person.code: flag for flag in plan.flags}
    assert set(flagged) == {"S3", "S5"}  # S2 registered a degree; S3's is for 2028
    assert "cần cử đi đào tạo đại học (Mục III.2.d)" in flagged["S3"].reasons[0]
    assert flagged["S3"].years_left == 9 and flagged["S3"].courses


async def test_a_unit_admin_gets_their_own_unit_only(commune):
    plan = await plan_of(commune, "H2")
    assert plan.where != "Toàn xã" and plan.headcount == 4
    assert [line.person.code for line in plan.lines] == ["H2", "S4"]
    assert {flag.person.code for flag in plan.flags} == {"S3", "S5"}
    with pytest.raises(ScopeError, match="chỉ xem được số liệu của đơn vị mình"):
        await plan_of(commune, "H2", "UA")


async def test_an_admin_may_take_one_unit_and_an_unknown_one_is_named(commune):
    plan = await plan_of(commune, "L1", "UA")
    assert [line.person.code for line in plan.lines] == ["L2", "S1", "S2"]
    assert plan.flags == ()
    with pytest.raises(ScopeError, match="Các mã đơn vị: UA, UB"):
        await plan_of(commune, "L1", "XYZ")


async def test_another_year_has_its_own_registrations(commune):
    plan = await plan_of(commune, "L1", year=2028)
    assert [line.person.code for line in plan.lines] == ["S3"]
    assert "S3" not in {flag.person.code for flag in plan.flags}


def test_years_and_arguments_are_read_in_any_order():
    today = date(2026, 11, 27)
    assert split_args("", today) == (2027, None)
    assert split_args("ub 2028", today) == (2028, "UB")
    assert parse_year(None, today) == 2027
    for bad in ("27", "1999", "2040", "hai"):
        with pytest.raises(ScopeError, match="không phải một năm hợp lệ"):
            parse_year(bad, today)


# -- the flags over plain rows ------------------------------------------------------------------


def gap(key, category, required=True, title="T (chỉ tiêu 5)", courses=()):
    return Gap(key, int(key[0]), title, category, None, None, required, courses, False)


def official(id, code, name, unit="Văn phòng"):
    return SimpleNamespace(
        id=id, code=code, full_name=name, unit=SimpleNamespace(name=unit), title=None
    )


def registration(official_id, category, course="K", specialisation=None, gap=None):
    return SimpleNamespace(
        official_id=official_id,
        category=category,
        course_name=course,
        specialisation=specialisation,
        study_form="online",
        gap=gap,
    )


def test_a_required_political_theory_gap_without_a_registration_is_flagged_once():
    llct = gap("5b", CourseCategory.POLITICAL_THEORY, title="Cao cấp LLCT (chỉ tiêu 5)")
    degree = gap("7a", CourseCategory.DEGREE)
    roads = {
        1: Road((llct,), (), False, 20),
        2: Road((llct,), (), False, 20),
        3: Road((degree, gap("7b", CourseCategory.POLITICAL_THEORY)), (), True, None),
        4: Road((gap("6b", CourseCategory.POLITICAL_THEORY, required=False),), (), False, 3),
    }
    people = [official(1, "A", "An"), official(2, "B", "Bình"), official(3, "C", "Chi")]
    people.append(official(4, "D", "Dung"))
    registered = [registration(2, CourseCategory.POLITICAL_THEORY, "Cao cấp LLCT", gap="5b")]
    plan = build_plan(2027, "Toàn xã", registered, people, roads, {}, 6)
    flags = {flag.person.code: flag.reasons for flag in plan.flags}
    assert set(flags) == {"A", "C"}  # B registered; D's gap is a group share, not a standard
    assert flags["A"] == (
        "Chưa đạt tiêu chuẩn chức danh: Cao cấp LLCT (chỉ tiêu 5); chưa đăng ký Lý luận chính trị",
    )
    # C: the degree said once, in the plan's words; the required LLCT gap besides.
    assert len(flags["C"]) == 2 and "Mục III.2.d" in flags["C"][0]
    assert plan.lines[0].serves == "Chỉ tiêu 5: Cao cấp LLCT"


def test_degree_programmes_without_a_specialisation_are_grouped_by_course():
    people = [official(1, "A", "An"), official(2, "B", "Bình")]
    rows = [
        registration(1, CourseCategory.DEGREE, "Đại học Luật"),
        registration(2, CourseCategory.DEGREE, "Đại học Luật", "Luật"),
    ]
    plan = build_plan(2027, "Toàn xã", rows, people, {}, {}, 6)
    assert [(g.detail, g.count) for g in plan.groups] == [("Luật", 1), ("Đại học Luật", 1)]


# -- the workbook -------------------------------------------------------------------------------


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
    assert [row["STT"] for row in groups] == [1, 2, 3, 4]
    assert groups[0]["Chuyên ngành / khóa học"] == "Luật hành chính"
    assert groups[0]["Số cán bộ"] == 2 and "Cán bộ S1" in groups[0]["Cán bộ đăng ký"]
    total = header_row(book["Tổng hợp"]) + 5  # the row after the four groups
    assert [c.value for c in book["Tổng hợp"][total]][1:3] == ["Tổng cộng", None]
    assert book["Tổng hợp"][f"D{total}"].value == 5
    registrations = table(book["Theo đơn vị"])
    assert [row["Mã cán bộ"] for row in registrations] == ["L2", "S1", "S2", "H2", "S4"]
    s2 = registrations[2]
    assert s2["Hình thức học"] == "Vừa làm vừa học" and s2["Chuyên ngành"] == "Quản lý nhà nước"
    assert s2["Chỉ tiêu phục vụ"] == "Chỉ tiêu 7: Trình độ đại học"
    flags = table(book["Cần cử đi học"])
    assert [row["Mã cán bộ"] for row in flags] == ["S3", "S5"]
    assert "Mục III.2.d" in flags[0]["Lý do"] and flags[0]["Khóa học phù hợp (danh mục)"]


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


async def test_reading_a_plan_writes_nothing_to_the_audit_log_by_itself(commune):
    await plan_of(commune, "L1")
    async with commune.sessionmaker() as session:
        entries = list(await session.scalars(select(AuditEntry)))
    assert not [e for e in entries if e.entity == "training_plan"]
    assert Asked(2027, None).file_name == "ke-hoach-dao-tao-2027-toan-xa.xlsx"
