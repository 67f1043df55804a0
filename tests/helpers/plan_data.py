"""Training registrations for the training plan's tests, on the commune of
tests/helpers/summary_data.py (taken 27/11/2026; roads as handlers/services/road.py reads
them there):

- for 2027: S1 a degree in «Luật hành chính» (for 1b, which S1 meets since: «đã đạt»), S2 a
  degree in «Quản lý nhà nước» (for 7a), L2 «Cao cấp lý luận chính trị», H2 a master's in
  «Luật hành chính» (for 6a), S4 «Chuyển đổi số» (for 3); X1, who has left, a course;
- for 2028: S3 a degree (not in 2027's plan).

Degree programmes are named as /dangky names them, by the catalogue's course. So 2027's plan
has 5 registrations of 5 officials (of 10), «Luật hành chính» at two levels (two groups), and
flags S3 (below the university standard with more than six years left on 01/01/2027, no degree
registered); S5 has six years left then, not more (2026's plan, counted from 27/11/2026, flags
her too); S2 registered a degree and is not flagged.
"""

from knowledge.vocabulary import CourseCategory
from storage.models import TrainingRegistration
from storage.repo import Repo

D, P, K = CourseCategory.DEGREE, CourseCategory.POLITICAL_THEORY, CourseCategory.KNOWLEDGE_UPDATE

# code, year, category, course, specialisation, study form, gap
REGISTRATIONS = [
    ("S1", 2027, D, "Đào tạo đại học", "Luật hành chính", "part_time", "1b"),
    ("S2", 2027, D, "Đào tạo đại học", "Quản lý nhà nước", "part_time", "7a"),
    ("L2", 2027, P, "Cao cấp lý luận chính trị", None, "full_time", None),
    ("H2", 2027, D, "Đào tạo thạc sĩ", "Luật hành chính", "part_time", "6a"),
    ("S4", 2027, K, "Chuyển đổi số", None, "online", "3"),
    ("X1", 2027, K, "Văn hóa công sở", None, "online", "3"),
    ("S3", 2028, D, "Đào tạo đại học", "Luật kinh tế", "part_time", "7a"),
]


async def register(app, rows=REGISTRATIONS) -> None:
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        for code, year, category, course, specialisation, form, gap in rows:
            official = await repo.officials.by_code(code)
            await repo.registrations.add(
                TrainingRegistration(
                    official_id=official.id,
                    year=year,
                    category=category,
                    course_name=course,
                    specialisation=specialisation,
                    study_form=form,
                    gap=gap,
                )
            )
