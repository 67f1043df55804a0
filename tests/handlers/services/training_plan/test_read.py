"""Reading the annual training plan over the seeded commune: officials grouped by category,
course and specialisation, the target each registration serves («đã đạt» once met), the
officials to send who did not register (Mục III.2.d's six-year rule), a unit's plan and a
year's; the years and arguments of /kehoachdaotao."""

from datetime import date

import pytest
from sqlalchemy import select

from handlers.services.summaries.scope import ScopeError
from handlers.services.training_plan.read import (
    Asked,
    first_year,
    parse_year,
    split_args,
)
from knowledge.vocabulary import CourseCategory, EducationLevel, Gender, PositionGroup
from storage.models import AuditEntry, Official
from storage.repo import Repo
from tests.helpers.training_plan import TARGETS, plan_of

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


async def test_reading_a_plan_writes_nothing_to_the_audit_log_by_itself(commune):
    await plan_of(commune, "L1")
    async with commune.sessionmaker() as session:
        entries = list(await session.scalars(select(AuditEntry)))
    assert not [e for e in entries if e.entity == "training_plan"]
    assert Asked(2027, None).file_name == "ke-hoach-dao-tao-2027-toan-xa.xlsx"


# -- years and arguments ------------------------------------------------------------------------


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
