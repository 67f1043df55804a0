"""The annual training plan built over plain rows (build_plan): groups of officials by
programme and specialisation, the flags of those to send who did not register, a target met
since marked; and the time left to the statutory retirement age the flags show."""

from datetime import date
from types import SimpleNamespace

from handlers.services.training_plan.plan import build_plan
from handlers.services.training_plan.service import service_left
from knowledge.courses import Course
from knowledge.road import Gap, Road
from knowledge.vocabulary import CourseCategory, Gender


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
