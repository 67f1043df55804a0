"""Queries on course reports."""

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from knowledge.vocabulary import attained_level
from storage.enums import ReportStatus
from storage.models import CourseReport

LIVE = (ReportStatus.PENDING, ReportStatus.VERIFIED)  # reports that still count


class ReportRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, report: CourseReport) -> CourseReport:
        attained_level(report.category, report.level)  # a level of another category: ValueError
        self.session.add(report)
        await self.session.flush()
        return report

    async def get(self, report_id: int) -> CourseReport | None:
        return await self.session.get(CourseReport, report_id)

    async def same_course(
        self, official_id: int, course_name: str, completed_on: date
    ) -> CourseReport | None:
        """A live report of this official with the same course name (any case) and date."""
        return await self.session.scalar(
            select(CourseReport).where(
                CourseReport.official_id == official_id,
                func.lower(CourseReport.course_name) == course_name.lower(),
                CourseReport.completed_on == completed_on,
                CourseReport.status.in_(LIVE),
            )
        )

    async def of_official(self, official_id: int, limit: int = 10) -> list[CourseReport]:
        rows = await self.session.scalars(
            select(CourseReport)
            .where(CourseReport.official_id == official_id)
            .order_by(CourseReport.created_at.desc(), CourseReport.id.desc())
            .limit(limit)
        )
        return list(rows)

    async def next_pending(self, after_id: int = 0) -> CourseReport | None:
        """The oldest pending report after `after_id` (to skip past ones already looked at)."""
        return await self.session.scalar(
            select(CourseReport)
            .where(CourseReport.status == ReportStatus.PENDING, CourseReport.id > after_id)
            .order_by(CourseReport.id)
            .limit(1)
        )

    async def count_pending(self) -> int:
        return await self.session.scalar(
            select(func.count())
            .select_from(CourseReport)
            .where(CourseReport.status == ReportStatus.PENDING)
        )

    async def review(
        self,
        report: CourseReport,
        status: ReportStatus,
        reviewer_id: int,
        now: datetime,
        note: str | None = None,
    ) -> None:
        report.status = status
        report.reviewed_by_id = reviewer_id
        report.reviewed_at = now
        report.review_note = note
        await self.session.flush()
