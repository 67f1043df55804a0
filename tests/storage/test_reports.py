"""Reviewing a report is one conditional UPDATE: two admins acting on the same report at the
same moment cannot both verify or reject it."""

from datetime import date

import pytest
from sqlalchemy import update

from knowledge.vocabulary import CourseCategory
from storage.enums import ReportStatus
from storage.models import CourseReport
from storage.repo import Repo
from storage.types import utcnow


async def test_a_report_reviewed_by_someone_else_meanwhile_is_left_as_they_left_it(app, database):
    if database.url.startswith("sqlite"):
        pytest.skip("SQLite runs one writing transaction at a time: two reviews cannot overlap")
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        official = await repo.officials.by_code("DEMO010")
        report = await repo.reports.add(
            CourseReport(
                official_id=official.id,
                category=CourseCategory.DIGITAL_SELF_STUDY,
                course_name="Kỹ năng số cơ bản",
                completed_on=date(2026, 11, 20),
            )
        )
        admin = await repo.officials.by_code("DEMO001")
    async with app.sessionmaker() as mine, mine.begin():
        seen = await Repo(mine).reports.get(report.id)  # pending, as the page showed it
        async with app.sessionmaker() as theirs, theirs.begin():
            await theirs.execute(
                update(CourseReport)
                .where(CourseReport.id == report.id)
                .values(status=ReportStatus.REJECTED, review_note="Sai ngày")
            )
        changed = await Repo(mine).reports.review(seen, ReportStatus.VERIFIED, admin.id, utcnow())
        assert changed is False
        assert (seen.status, seen.review_note) == (ReportStatus.REJECTED, "Sai ngày")
