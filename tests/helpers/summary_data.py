"""A small commune whose every indicator is known by construction (see EXPECTED).

Taken on 27/11/2026 (10:00 in Hanoi): no period is open, so ratings are 2026Q3's (due
05/10/2026, passed); training counts verified reports completed 01/01/2026–27/11/2026.

Unit UA: L1 L2 L3 (leadership), H1 (unit head), S1 S2 (specialists).
Unit UB: H2 (unit head, a unit admin), S3 S4 S5 (specialists).
X1 has left (inactive): a woman, ethnic minority, master's, verified course, rated xuất sắc,
so any figure that forgot the `active` filter would be off.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime, timezone

from knowledge.vocabulary import (
    CourseCategory,
    EducationLevel,
    Gender,
    PoliticalTheoryLevel,
    PositionGroup,
    Rating,
)
from storage.enums import ReportStatus, Role
from storage.models import CourseReport, Evaluation, Official, Unit

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)
TODAY = date(2026, 11, 27)
HYPERLINK = '=HYPERLINK("http://x","y")'

E, P = EducationLevel, PoliticalTheoryLevel
LEAD, HEAD, SPEC = PositionGroup.LEADERSHIP, PositionGroup.UNIT_HEAD, PositionGroup.SPECIALIST
M, F = Gender.MALE, Gender.FEMALE

# code, unit, group, gender, born, education, political theory, fields
PEOPLE = [
    (
        "L1",
        "UA",
        LEAD,
        M,
        date(1975, 1, 1),
        E.THAC_SI,
        P.CAO_CAP,
        {"is_vice_chair": True, "role": Role.ADMIN},
    ),
    ("L2", "UA", LEAD, F, date(1980, 2, 2), E.DAI_HOC, P.TRUNG_CAP, {}),
    (
        "L3",
        "UA",
        LEAD,
        M,
        date(1978, 3, 3),
        E.TIEN_SI,
        P.CU_NHAN,
        {"is_vice_chair": True, "equipped_to_standard": False},
    ),
    ("H1", "UA", HEAD, M, date(1982, 4, 4), E.THAC_SI, P.CAO_CAP, {}),
    ("S1", "UA", SPEC, F, date(1990, 5, 5), E.DAI_HOC, P.TRUNG_CAP, {"major_fits_position": False}),
    # Below the university standard: S2 has exactly six years left on 28/11/2026 (62 in
    # 2032), S3 — a man born the same day as S5 — retires at 62 in 2035, S5 (a woman) at 59
    # on 28/11/2032.
    (
        "S2",
        "UA",
        SPEC,
        M,
        date(1970, 11, 28),
        E.CAO_DANG,
        P.TRUNG_CAP,
        {"major_fits_position": False, "equipped_to_standard": False},
    ),
    ("H2", "UB", HEAD, F, date(1985, 6, 6), E.DAI_HOC, P.TRUNG_CAP, {"role": Role.UNIT_ADMIN}),
    ("S3", "UB", SPEC, M, date(1973, 11, 28), E.TRUNG_CAP, None, {"major_fits_position": False}),
    ("S4", "UB", SPEC, F, date(1992, 7, 7), E.THAC_SI, P.TRUNG_CAP, {}),
    ("S5", "UB", SPEC, F, date(1973, 11, 28), None, P.CAO_CAP, {}),
    (
        "X1",
        "UA",
        LEAD,
        F,
        date(1979, 8, 8),
        E.THAC_SI,
        P.CAO_CAP,
        {"active": False, "ethnic_minority": True},
    ),
]

V, PEND, REJ, WD = (
    ReportStatus.VERIFIED,
    ReportStatus.PENDING,
    ReportStatus.REJECTED,
    ReportStatus.WITHDRAWN,
)
C = CourseCategory
# code, category, completed on, status, course name
REPORTS = [
    ("L1", C.JOB_POSITION, date(2026, 3, 1), V, "Bồi dưỡng lãnh đạo cấp xã"),
    ("L2", C.KNOWLEDGE_UPDATE, date(2026, 5, 1), V, "Pháp luật về chính quyền 2 cấp"),
    ("L2", C.JOB_POSITION, date(2026, 6, 1), PEND, "Kỹ năng lãnh đạo"),
    ("L3", C.DIGITAL_SELF_STUDY, date(2026, 11, 27), V, "Kỹ năng số cơ bản"),  # on the day
    ("L3", C.JOB_POSITION, date(2026, 4, 1), REJ, "Bồi dưỡng bị từ chối"),
    ("H1", C.JOB_POSITION, date(2025, 12, 31), V, "Khóa năm 2025"),  # before 01/01/2026
    ("H1", C.KNOWLEDGE_UPDATE, date(2026, 11, 28), V, "Khóa ngày mai"),  # after the day
    ("S1", C.DEGREE, date(2026, 6, 1), V, "Đại học Luật (văn bằng 2)"),
    ("S1", C.JOB_POSITION, date(2026, 2, 2), V, HYPERLINK),
    ("S2", C.DEGREE, date(2026, 7, 1), PEND, "Đại học Hành chính"),
    ("S2", C.KNOWLEDGE_UPDATE, date(2026, 8, 1), WD, "Khóa đã rút"),
    ("H2", C.JOB_POSITION, date(2026, 4, 4), V, "Bồi dưỡng trưởng phòng"),
    ("H2", C.KNOWLEDGE_UPDATE, date(2026, 4, 5), V, "Văn hóa công sở"),
    ("S3", C.DEGREE, date(2025, 6, 1), V, "Trung cấp Văn thư"),  # before 01/01/2026
    ("S4", C.DIGITAL_SELF_STUDY, date(2026, 9, 9), V, "An toàn thông tin"),
    ("X1", C.JOB_POSITION, date(2026, 3, 3), V, "Khóa của người đã nghỉ"),
]

R = Rating
# code, period, proposed, confirmed
EVALUATIONS = [
    ("L1", "2026Q3", R.TOT, R.XUAT_SAC),
    ("L2", "2026Q3", R.TOT, R.HOAN_THANH),  # the confirmed rating wins
    ("L3", "2026Q3", R.KHONG_HOAN_THANH, None),
    ("H1", "2026Q3", R.XUAT_SAC, None),
    ("S1", "2026Q3", R.HOAN_THANH, None),
    ("H2", "2026Q3", R.TOT, None),
    ("S3", "2026Q3", R.TOT, R.TOT),
    ("S4", "2026Q2", R.TOT, None),  # another period: not rated in 2026Q3
    ("X1", "2026Q3", R.XUAT_SAC, None),
]

# Mẫu 01's counts: 10 assigned, completed and on time for all; of the quality required, 10
# unless named here. L3, rated «không hoàn thành», declared a discipline in the period.
QUALITY = {"L2": 8}
DISCIPLINED = {"L3"}

# key: (numerator, denominator, status) for the commune, UA and UB; None: not measured.
EXPECTED = {
    "commune": {
        "1a": (0, 10, "not_measured"),
        "1b": (1, 3, "not_due"),
        "2a": (3, 10, "not_due"),
        "2b": (0, 5, "not_measured"),  # leadership (3) and unit heads (2)
        "3": (4, 10, "not_due"),
        "4a": (6, 10, "not_met"),
        "4b": (4, 10, "not_met"),
        "5a": (2, 3, "not_due"),
        "5b": (2, 2, "met"),
        "5c": (1, 3, "met"),
        "5d": (0, 3, "not_due"),
        "6a": (1, 2, "met"),
        "6b": (1, 2, "met"),
        "7a": (2, 5, "not_due"),
        "7b": (4, 5, "not_due"),
        "8": (8, 10, "not_due"),
    },
    "UA": {
        "1a": (0, 6, "not_measured"),
        "1b": (1, 2, "not_due"),
        "2a": (2, 6, "not_due"),
        "2b": (0, 4, "not_measured"),
        "3": (2, 6, "not_due"),
        "4a": (4, 6, "not_met"),
        "4b": (2, 6, "not_met"),
        "5a": (2, 3, "not_due"),
        "5b": (2, 2, "met"),
        "5c": (1, 3, "met"),
        "5d": (0, 3, "not_due"),
        "6a": (1, 1, "met"),
        "6b": (1, 1, "met"),
        "7a": (1, 2, "not_due"),
        "7b": (2, 2, "met"),
        "8": (4, 6, "not_due"),
    },
    "UB": {
        "1a": (0, 4, "not_measured"),
        "1b": (0, 1, "not_due"),
        "2a": (1, 4, "not_due"),
        "2b": (0, 1, "not_measured"),
        "3": (2, 4, "not_due"),
        "4a": (2, 4, "not_met"),
        "4b": (2, 4, "not_met"),
        "5a": (0, 0, "no_population"),
        "5b": (0, 0, "no_population"),
        "5c": (0, 0, "no_population"),
        "5d": (0, 0, "no_population"),
        "6a": (0, 1, "not_due"),
        "6b": (0, 1, "not_due"),
        "7a": (1, 3, "not_due"),
        "7b": (2, 3, "not_due"),
        "8": (4, 4, "met"),
    },
}

# Who is missing from each indicator (codes, in any order).
MISSING = {
    "commune": {
        "1b": {"S2", "S3"},
        "2a": {"L2", "L3", "H1", "S2", "S3", "S4", "S5"},
        "3": {"L1", "H1", "S1", "S2", "S3", "S5"},
        "4a": {"L3", "S2", "S4", "S5"},
        "4b": {"L2", "L3", "S1", "S2", "S4", "S5"},
        "5a": {"L2"},
        "5b": set(),
        "6a": {"H2"},
        "6b": {"H2"},
        "7a": {"S2", "S3", "S5"},
        "7b": {"S3"},
        "8": {"L3", "S2"},
    },
    "UA": {
        "1b": {"S2"},
        "2a": {"L2", "L3", "H1", "S2"},
        "3": {"L1", "H1", "S1", "S2"},
        "4a": {"L3", "S2"},
        "4b": {"L2", "L3", "S1", "S2"},
        "5a": {"L2"},
        "7a": {"S2"},
        "7b": set(),
        "8": {"L3", "S2"},
    },
}


async def build(session) -> dict[str, Official]:
    units = {code: Unit(code=code, name=f"Phòng {code}") for code in ("UA", "UB")}
    session.add_all(units.values())
    await session.flush()
    people = {}
    for code, unit, group, gender, born, education, theory, fields in PEOPLE:
        people[code] = Official(
            code=code,
            full_name=f"Cán bộ {code}",
            gender=gender,
            birth_date=born,
            unit_id=units[unit].id,
            position_group=group,
            education_level=education,
            political_theory_level=theory,
            **{"equipped_to_standard": True, "ethnicity": "Kinh", **fields},
        )
    session.add_all(people.values())
    await session.flush()
    for code, category, completed, status, name in REPORTS:
        session.add(
            CourseReport(
                official_id=people[code].id,
                category=category,
                course_name=name,
                completed_on=completed,
                status=status,
            )
        )
    for code, period, proposed, confirmed in EVALUATIONS:
        session.add(
            Evaluation(
                official_id=people[code].id,
                period=period,
                criteria={},
                general_points=25,
                tasks_assigned=10,
                tasks_completed=10,
                tasks_on_time=10,
                tasks_quality=QUALITY.get(code, 10),
                disciplined=code in DISCIPLINED,
                task_points=60,
                total_points=85,
                proposed_rating=proposed,
                confirmed_rating=confirmed,
            )
        )
    await session.flush()
    return people


@asynccontextmanager
async def open_commune(database, folder) -> AsyncIterator:
    """The real app on this commune (no demo roster), its clock at NOW, files under `folder`."""
    async with database.app(summaries_dir=folder) as app:
        async with app.sessionmaker() as session, session.begin():
            await build(session)
        app.conversation.clock = lambda: NOW
        yield app
