"""The annual training plan as data and as a workbook: officials grouped by category, course
and specialisation, listed by unit with the target each registration serves («đã đạt» once
met), the officials to send who did not register (Mục III.2.d's six-year rule) with the time
to their statutory retirement; read back with openpyxl (sheets, title block, print set-up)."""

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
    first_year,
    parse_year,
    read_plan,
    split_args,
)
from handlers.services.training_plan.service import service_left
from handlers.services.training_plan.workbook import write_plan
from knowledge.courses import Course
from knowledge.road import Gap, Road
from knowledge.targets import load_targets
from knowledge.vocabulary import CourseCategory, EducationLevel, Gender, PositionGroup
from storage.models import AuditEntry, Official
from storage.repo import Repo
from tests.helpers import plan_data
from tests.helpers import summary_data as data
from tests.helpers.office import A4_LANDSCAPE, NO_SOFFICE, SOFFICE, pages, pdf_text, to_pdf
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


async def test_the_commune_plan_groups_degrees_by_programme_and_specialisation(commune):
    plan = await plan_of(commune, "L1")
    assert (plan.where, plan.headcount, plan.registered, len(plan.lines)) == (
        "Toàn xã",
        10,
        5,
        5,
    )
    groups = [(g.category, g.detail, [p.code for p in g.people]) for g in plan.groups]
    # A master's in «Luật hành chính» (H2) is not grouped with a bachelor's in it (S1).
    assert groups == [
        (CourseCategory.DEGREE, "Đào tạo đại học, chuyên ngành Luật hành chính", ["S1"]),
        (CourseCategory.DEGREE, "Đào tạo đại học, chuyên ngành Quản lý nhà nước", ["S2"]),
        (CourseCategory.DEGREE, "Đào tạo thạc sĩ, chuyên ngành Luật hành chính", ["H2"]),
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
    # S1 meets 1b since (a verified degree): named from the targets' own data, «đã đạt»; so
    # does S4 the knowledge update (a verified self-study course).
    assert serves["S1"] == "Chỉ tiêu 1: Đào tạo lại chuyên môn phù hợp vị trí việc làm (đã đạt)"
    assert serves["S4"] == "Chỉ tiêu 3: Cập nhật kiến thức (đã đạt)"
    assert serves["L2"] is None
    assert "X1" not in serves  # has left
    assert [line.person.code for line in plan.met_lines] == ["S1", "S4"]


async def test_below_the_standard_with_years_left_and_no_degree_registered_is_flagged(commune):
    plan = await plan_of(commune, "L1")
    flagged = {flag.person.code: flag for flag in plan.flags}
    # S2 registered a degree; S3's is for 2028. S5 has six years left on 01/01/2027, not more.
    assert set(flagged) == {"S3"}
    assert flagged["S3"].reasons == (
        "Chưa đạt chuẩn trình độ chuyên môn, còn trên 6 năm công tác: cần cử đi đào tạo đại học"
        " (Mục III.2.d)",
    )
    assert flagged["S3"].years_left == 8
    # The level needed, not a master's or a doctorate; the time to the statutory age, from
    # the plan's first day.
    assert flagged["S3"].courses == ("Đào tạo đại học",)
    assert flagged["S3"].service_left == "8 năm 10 tháng 27 ngày (đến 28/11/2035)"
    assert plan.counted_from == date(2027, 1, 1)


async def test_the_six_years_are_counted_from_the_plans_year_or_today_when_later(commune):
    """Mục III.2.d's «còn trên 06 năm công tác» for the year the plan is for: S5 (retiring
    28/11/2032) has more than six years left today, 27/11/2026, so this year's plan flags
    her; on 01/01/2027 she has less, and on 01/01/2036 S3 (retiring 28/11/2035) has none."""
    this_year = {f.person.code: f for f in (await plan_of(commune, "L1", year=2026)).flags}
    assert set(this_year) == {"S2", "S3", "S5"}  # S2's degree is registered for 2027
    assert this_year["S5"].service_left == "6 năm 1 ngày (đến 28/11/2032)"
    assert {f.person.code for f in (await plan_of(commune, "L1", year=2027)).flags} == {"S3"}
    late = await plan_of(commune, "L1", year=2036)
    assert late.flags == () and late.counted_from == date(2036, 1, 1)


async def test_below_the_standard_with_six_years_or_less_left_is_not_sent_to_university(commune):
    """Mục III.2.d sends to university only those «còn trên 06 năm công tác», as /chitieu 7
    counts the candidates: one born in 1963 (and S2, exactly six years) is not flagged for it;
    a required political-theory gap still flags them."""
    async with commune.sessionmaker() as session, session.begin():
        repo = Repo(session)
        unit = (await repo.officials.by_code("S3")).unit_id
        for code, politics in (("S8", "trung_cap"), ("S9", None)):
            session.add(
                Official(
                    code=code,
                    full_name=f"Cán bộ {code}",
                    unit_id=unit,
                    position_group=PositionGroup.SPECIALIST,
                    gender=Gender.MALE,
                    birth_date=date(1963, 5, 5),
                    education_level=EducationLevel.CAO_DANG,
                    political_theory_level=politics,
                )
            )
    plan = await plan_of(commune, "L1")
    flagged = {flag.person.code: flag for flag in plan.flags}
    assert "S8" not in flagged and "S2" not in flagged
    assert set(flagged) == {"S3"}  # 7b (S9 without LLCT) is a group share, not a standard


async def test_below_the_standard_without_a_birth_date_is_listed_with_the_time_left_unknown(
    commune,
):
    """/chitieu 7 counts them under 7a «Chưa đạt»: the plan lists them too, «chưa rõ», so
    that the birth date is added, without saying they have more than six years left."""
    async with commune.sessionmaker() as session, session.begin():
        repo = Repo(session)
        s3 = await repo.officials.by_code("S3")
        session.add(
            Official(
                code="S7",
                full_name="Cán bộ S7",
                unit_id=s3.unit_id,
                position_group=PositionGroup.SPECIALIST,
                gender=Gender.MALE,
                birth_date=None,
                education_level=EducationLevel.CAO_DANG,
            )
        )
    plan = await plan_of(commune, "L1")
    flagged = {flag.person.code: flag for flag in plan.flags}
    assert set(flagged) == {"S3", "S7"}
    assert flagged["S7"].service_left == "chưa rõ (hồ sơ chưa có ngày sinh)"
    assert flagged["S7"].reasons == (
        "Chưa đạt chuẩn trình độ chuyên môn; hồ sơ chưa có ngày sinh nên chưa xác định được còn"
        " trên 6 năm công tác hay không (Mục III.2.d): bổ sung ngày sinh để biết có cần cử đi"
        " đào tạo đại học không",
    )
    assert flagged["S7"].courses == ("Đào tạo đại học",)


async def test_a_unit_admin_gets_their_own_unit_only(commune):
    plan = await plan_of(commune, "H2")
    assert plan.where != "Toàn xã" and plan.headcount == 4
    assert [line.person.code for line in plan.lines] == ["H2", "S4"]
    assert {flag.person.code for flag in plan.flags} == {"S3"}
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
    assert split_args("", today, 2026) == (2027, None)
    assert split_args("ub 2028", today, 2026) == (2028, "UB")
    assert parse_year(None, today, 2026) == 2027
    assert parse_year("２０２８", today, 2026) == 2028  # full-width digits
    for bad in ("27", "1999", "hai", "2o27"):
        with pytest.raises(ScopeError, match="không phải một năm hợp lệ"):
            parse_year(bad, today, 2026)
    assert parse_year("2036", today, 2026) == 2036
    with pytest.raises(ScopeError, match="^Năm 2037 quá xa: .* từ 2026 đến 2036.$"):
        parse_year("2037", today, 2026)
    with pytest.raises(ScopeError, match="Năm 2025 trước thời gian thực hiện Kế hoạch"):
        parse_year("2025", today, 2026)
    assert split_args("năm 2028 ub", today, 2026) == (2028, "UB")
    assert split_args("nam ２０２８", today, 2026) == (2028, None)
    # A year mistyped is said to be one, not taken for a unit's code.
    for typo in ("2o27", "2O27", "202", "20", "20277", "nam 2o27"):
        with pytest.raises(ScopeError, match="không phải một năm hợp lệ"):
            split_args(typo, today, 2026)
    assert first_year(TARGETS) == 2026  # training_from


# -- the flags over plain rows ------------------------------------------------------------------


def gap(key, category, required=True, title="T (chỉ tiêu 5)", courses=()):
    return Gap(key, int(key[0]), title, category, None, None, required, courses, False)


def official(id, code, name, unit="Văn phòng", born=None):
    return SimpleNamespace(
        id=id,
        code=code,
        full_name=name,
        unit=SimpleNamespace(name=unit),
        title=None,
        birth_date=born,
        gender=Gender.MALE,
    )


def plan_over(registrations, people, roads, titles=None):
    return build_plan(
        2027, "Toàn xã", registrations, people, roads, titles or {}, 6, today=date(2026, 11, 27)
    )


def degree_courses():
    return tuple(
        Course(f"dt-{level}", f"Đào tạo {name}", CourseCategory.DEGREE, level=level)
        for level, name in (("dai_hoc", "đại học"), ("thac_si", "thạc sĩ"), ("tien_si", "tiến sĩ"))
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
    plan = plan_over(registered, people, roads)
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
    plan = plan_over(rows, people, {})
    assert [(g.detail, g.count) for g in plan.groups] == [
        ("Đại học Luật", 1),
        ("Đại học Luật, chuyên ngành Luật", 1),
    ]


def test_a_group_counts_officials_and_a_level_is_a_programme_of_its_own():
    """The same official twice (an old duplicate row) is one official; a master's in «Luật»
    is not a bachelor's in it."""
    people = [official(1, "A", "Trần Văn Long"), official(2, "B", "Bình")]
    D = CourseCategory.DEGREE
    rows = [
        registration(1, D, "Đào tạo đại học", "Luật"),
        registration(1, D, "Đào tạo đại học", "Luật"),
        registration(2, D, "Đào tạo thạc sĩ", "Luật"),
        registration(2, CourseCategory.KNOWLEDGE_UPDATE, "Chuyển đổi số"),
        registration(2, CourseCategory.KNOWLEDGE_UPDATE, "Chuyển đổi số"),
    ]
    plan = plan_over(rows, people, {})
    assert [(g.detail, [p.name for p in g.people]) for g in plan.groups] == [
        ("Đào tạo đại học, chuyên ngành Luật", ["Trần Văn Long"]),
        ("Đào tạo thạc sĩ, chuyên ngành Luật", ["Bình"]),
        ("Chuyển đổi số", ["Bình"]),
    ]
    assert dict(plan.by_category()) == {D: 2, CourseCategory.KNOWLEDGE_UPDATE: 1}
    assert (len(plan.lines), plan.registered) == (5, 2)


def test_a_specialisation_is_one_group_however_it_was_typed():
    """«ke toan» typed on Zalo and «Kế toán» are one specialisation, shown as written in full."""
    people = [official(1, "A", "An"), official(2, "B", "Bình"), official(3, "C", "Chi")]
    D = CourseCategory.DEGREE
    rows = [
        registration(1, D, "Đào tạo đại học", "ke toan"),
        registration(2, D, "Đào tạo đại học", "Kế toán "),
        registration(3, D, "Đào tạo đại học", "KE TOAN"),
    ]
    plan = plan_over(rows, people, {})
    assert [(g.detail, [p.name for p in g.people]) for g in plan.groups] == [
        ("Đào tạo đại học, chuyên ngành Kế toán", ["An", "Bình", "Chi"]),
    ]


def test_an_education_gap_flags_only_a_degree_candidate_with_the_level_needed():
    """Below đại học with six years or less left: the 7a gap does not send them (Mục
    III.2.d); a required LLCT gap still does. A candidate is offered đại học only."""
    courses = degree_courses()
    seven = Gap(
        "7a",
        7,
        "Trình độ đại học (chỉ tiêu 7)",
        CourseCategory.DEGREE,
        "dai_hoc",
        None,
        True,
        courses,
        False,
    )
    llct = Gap(
        "5b",
        5,
        "Cao cấp LLCT (chỉ tiêu 5)",
        CourseCategory.POLITICAL_THEORY,
        "cao_cap",
        None,
        True,
        (),
        False,
    )
    retraining = Gap(
        "1b", 1, "Đào tạo lại (chỉ tiêu 1)", CourseCategory.DEGREE, None, None, True, courses, False
    )
    roads = {
        1: Road((seven,), (), False, 0, below_standard=True),  # born 1963: nothing to flag
        2: Road((seven, llct), (), False, 0, below_standard=True),
        3: Road((seven, retraining), (), True, 20, below_standard=True),
        4: Road((retraining,), (), False, 2),  # holds a degree: retraining is flagged
    }
    people = [official(n, code, code) for n, code in enumerate("ABCD", 1)]
    flags = {flag.person.code: flag for flag in plan_over([], people, roads).flags}
    assert set(flags) == {"B", "C", "D"}
    assert flags["B"].reasons == (
        "Chưa đạt tiêu chuẩn chức danh: Cao cấp LLCT (chỉ tiêu 5); chưa đăng ký Lý luận chính trị",
    )
    assert len(flags["C"].reasons) == 1 and "Mục III.2.d" in flags["C"].reasons[0]
    assert flags["C"].courses == ("Đào tạo đại học",)
    assert flags["D"].reasons == (
        "Chưa đạt chỉ tiêu mọi cán bộ trong nhóm phải đạt: Đào tạo lại (chỉ tiêu 1); chưa"
        " đăng ký Đào tạo chuyên môn (đại học, thạc sĩ, tiến sĩ)",
    )
    assert flags["D"].courses == ("Đào tạo đại học",)


def test_a_registration_for_a_target_met_since_is_marked():
    titles = {"7a": "Trình độ đại học (chỉ tiêu 7)", "6a": "Trình độ thạc sĩ (chỉ tiêu 6)"}
    roads = {
        1: Road((), ("Trình độ đại học (chỉ tiêu 7)",), False, 20),  # the degree verified
        2: Road((), (), False, 20),  # no longer a unit head: 6a is not theirs, not met
    }
    rows = [
        registration(1, CourseCategory.DEGREE, "Đào tạo đại học", "Luật", gap="7a"),
        registration(2, CourseCategory.DEGREE, "Đào tạo thạc sĩ", "Luật", gap="6a"),
    ]
    plan = plan_over(rows, [official(1, "A", "An"), official(2, "B", "Bình")], roads, titles)
    assert [(line.serves, line.met) for line in plan.lines] == [
        ("Chỉ tiêu 7: Trình độ đại học (đã đạt)", True),
        ("Chỉ tiêu 6: Trình độ thạc sĩ", False),
    ]


def test_the_time_left_is_in_years_months_and_days_to_the_statutory_age():
    today = date(2026, 11, 27)
    assert service_left(date(1970, 10, 15), Gender.MALE, today) == (
        "5 năm 10 tháng 18 ngày (đến 15/10/2032)"
    )
    assert service_left(date(1971, 1, 27), Gender.MALE, today) == "6 năm 2 tháng (đến 27/01/2033)"
    assert service_left(date(1961, 1, 1), Gender.MALE, today) == (
        "đã đến tuổi nghỉ hưu (01/04/2021)"
    )
    assert service_left(None, Gender.MALE, today) == "chưa rõ (hồ sơ chưa có ngày sinh)"


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


async def test_reading_a_plan_writes_nothing_to_the_audit_log_by_itself(commune):
    await plan_of(commune, "L1")
    async with commune.sessionmaker() as session:
        entries = list(await session.scalars(select(AuditEntry)))
    assert not [e for e in entries if e.entity == "training_plan"]
    assert Asked(2027, None).file_name == "ke-hoach-dao-tao-2027-toan-xa.xlsx"


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
