"""Queries on course reports."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Row, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from knowledge.vocabulary import CourseCategory, attained_level
from storage.enums import ReportStatus
from storage.models import CourseReport, Official

LIVE = (ReportStatus.PENDING, ReportStatus.VERIFIED)  # reports that still count


# Every /baocao submit asks this: the official's live reports completed that day (a few at
# most), as three columns rather than reports, which come with their official and unit joined,
# and the statement built once; together those were most of the submit's CPU
# (bench/RESULTS.md, section 8). The names are compared here: SQLite's lower() folds only
# ASCII, so «Đào tạo» and «đào tạo» were not the same course there.
_SAME_DAY = select(CourseReport.id, CourseReport.status, CourseReport.course_name).where(
    CourseReport.official_id == bindparam("official"),
    CourseReport.completed_on == bindparam("on"),
    CourseReport.status.in_(LIVE),
)


class LiveReports(NamedTuple):
    """An official's live reports of one category, level and status."""

    category: CourseCategory
    level: str | None
    verified: bool  # False: pending
    latest: date  # the latest completion among them


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
    ) -> Row[tuple[int, ReportStatus, str]] | None:
        """The `id` and `status` of a live report of this official with the same course name
        (any case) and date, or None."""
        rows = await self.session.execute(_SAME_DAY, {"official": official_id, "on": completed_on})
        name = course_name.casefold()
        return next((row for row in rows if row.course_name.casefold() == name), None)

    async def of_official(self, official_id: int, limit: int = 10) -> list[CourseReport]:
        rows = await self.session.scalars(
            select(CourseReport)
            .where(CourseReport.official_id == official_id)
            .order_by(CourseReport.created_at.desc(), CourseReport.id.desc())
            .limit(limit)
        )
        return list(rows)

    async def live_by_official(
        self, official_ids: Sequence[int], since: date, until: date
    ) -> dict[int, list[LiveReports]]:
        """The pending and verified reports completed from `since` to `until` of these
        officials, grouped by category, level and status, with the latest completion of each
        group: what an official's road reads (handlers.services.road). One query."""
        if not official_ids:
            return {}
        rows = await self.session.execute(
            select(
                CourseReport.official_id,
                CourseReport.category,
                CourseReport.level,
                CourseReport.status,
                func.max(CourseReport.completed_on),
            )
            .where(
                CourseReport.official_id.in_(list(official_ids)),
                CourseReport.status.in_(LIVE),
                CourseReport.completed_on >= since,
                CourseReport.completed_on <= until,
            )
            .group_by(
                CourseReport.official_id,
                CourseReport.category,
                CourseReport.level,
                CourseReport.status,
            )
        )
        found: dict[int, list[LiveReports]] = {}
        for official_id, category, level, status, latest in rows:
            found.setdefault(official_id, []).append(
                LiveReports(category, level, status == ReportStatus.VERIFIED, latest)
            )
        return found

    async def next_pending(
        self, after_id: int = 0, unit_id: int | None = None
    ) -> CourseReport | None:
        """The oldest pending report after `after_id` (to skip past ones already looked at),
        of the officials of one unit if `unit_id` is given."""
        query = select(CourseReport).where(
            CourseReport.status == ReportStatus.PENDING, CourseReport.id > after_id
        )
        return await self.session.scalar(
            _in_unit(query, unit_id).order_by(CourseReport.id).limit(1)
        )

    async def count_pending(self, unit_id: int | None = None) -> int:
        """Pending reports, of the officials of one unit if `unit_id` is given."""
        return await self.session.scalar(
            _in_unit(
                select(func.count())
                .select_from(CourseReport)
                .where(CourseReport.status == ReportStatus.PENDING),
                unit_id,
            )
        )

    async def pending(self, unit_id: int | None = None, limit: int = 50) -> list[CourseReport]:
        """The oldest pending reports, of the officials of one unit if `unit_id` is given."""
        query = select(CourseReport).where(CourseReport.status == ReportStatus.PENDING)
        rows = await self.session.scalars(
            _in_unit(query, unit_id).order_by(CourseReport.id).limit(limit)
        )
        return list(rows)

    async def review(
        self,
        report: CourseReport,
        status: ReportStatus,
        reviewer_id: int,
        now: datetime,
        note: str | None = None,
    ) -> bool:
        """Verify or reject a report that is still pending; False (nothing changed) if it is
        not, e.g. another admin has just reviewed it or its official withdrawn it. One
        conditional UPDATE, so two reviewers at the same moment cannot both succeed."""
        result = await self.session.execute(
            update(CourseReport)
            .where(CourseReport.id == report.id, CourseReport.status == ReportStatus.PENDING)
            .values(status=status, reviewed_by_id=reviewer_id, reviewed_at=now, review_note=note)
        )
        await self.session.refresh(report)
        return result.rowcount == 1


def _in_unit(query, unit_id: int | None):
    if unit_id is None:
        return query
    officials = select(Official.id).where(Official.unit_id == unit_id)
    return query.where(CourseReport.official_id.in_(officials))
