"""Queries behind the admins' summaries: who has not submitted, the figures the charts draw,
and the rows of the Excel export (streamed, so a large roster never sits in memory)."""

from collections.abc import AsyncIterator, Sequence
from datetime import date

from sqlalchemy import Row, and_, extract, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from knowledge.indicators import Basis, Spec, categories, parse_measure
from knowledge.vocabulary import CourseCategory, Rating
from storage.enums import ReportStatus
from storage.indicators import POPULATION_SQL, candidate_condition, in_scope
from storage.models import CourseReport, Evaluation, Official, Unit

STREAM_BATCH = 2000


class SummaryRepo:
    """The summaries' queries, within one session."""

    def __init__(self, session: AsyncSession):
        self.session = session

    async def count_in_scope(self, unit_id: int | None) -> int:
        return int(
            await self.session.scalar(
                select(func.count()).select_from(Official).where(in_scope(unit_id))
            )
        )

    async def not_submitted(self, period: str, unit_id: int | None) -> list[Official]:
        """Active officials in scope with no self-evaluation for `period`, by unit and name."""
        submitted = (
            select(Evaluation.id)
            .where(Evaluation.official_id == Official.id, Evaluation.period == period)
            .exists()
        )
        query = (
            select(Official)
            .where(in_scope(unit_id), not_(submitted))
            .order_by(Official.unit_id, Official.full_name, Official.code)
        )
        return list(await self.session.scalars(query))

    async def rating_counts(
        self, periods: list[str], unit_id: int | None
    ) -> dict[str, dict[Rating, int]]:
        """For each period, how many officials in scope got each rating (confirmed, else
        proposed). Those with no evaluation are not counted here: total − sum of the counts."""
        rating = func.coalesce(Evaluation.confirmed_rating, Evaluation.proposed_rating)
        query = (
            select(Evaluation.period, rating, func.count())
            .join(Official, Official.id == Evaluation.official_id)
            .where(in_scope(unit_id), Evaluation.period.in_(periods))
            .group_by(Evaluation.period, rating)
        )
        counts: dict[str, dict[Rating, int]] = {period: {} for period in periods}
        for period, value, number in await self.session.execute(query):
            counts[period][Rating(value)] = int(number)
        return counts

    async def verified_by_month(
        self, since: date, until: date, unit_id: int | None, specs: Sequence[Spec]
    ) -> dict[tuple[int, int], dict[CourseCategory, int]]:
        """Verified course reports by the month they were completed ((year, month) → category →
        count), only those the `verified_course` specs count: of their categories, by officials
        of their populations. A target's chart then draws its own training, not another's."""
        counted = [
            and_(
                CourseReport.category.in_(categories(parse_measure(spec.measure)[1])),
                POPULATION_SQL[spec.population](),
            )
            for spec in specs
            if spec.trains
        ]
        if not counted:
            return {}
        year = extract("year", CourseReport.completed_on)
        month = extract("month", CourseReport.completed_on)
        query = (
            select(year, month, CourseReport.category, func.count())
            .join(Official, Official.id == CourseReport.official_id)
            .where(
                in_scope(unit_id),
                CourseReport.status == ReportStatus.VERIFIED,
                CourseReport.completed_on >= since,
                CourseReport.completed_on <= until,
                or_(*counted),
            )
            .group_by(year, month, CourseReport.category)
        )
        counts: dict[tuple[int, int], dict[CourseCategory, int]] = {}
        for y, m, category, number in await self.session.execute(query):
            counts.setdefault((int(y), int(m)), {})[CourseCategory(category)] = int(number)
        return counts

    async def verified_by_category(
        self, since: date, until: date, unit_id: int | None
    ) -> tuple[dict[CourseCategory, tuple[int, int]], int]:
        """VERIFIED course reports of the active officials in scope completed from `since` to
        `until`: for each category (reports, officials who have one), and how many officials
        have any (one who took several categories is counted once there)."""
        window = (
            CourseReport.status == ReportStatus.VERIFIED,
            CourseReport.completed_on >= since,
            CourseReport.completed_on <= until,
            in_scope(unit_id),
        )
        query = (
            select(
                CourseReport.category,
                func.count(),
                func.count(func.distinct(CourseReport.official_id)),
            )
            .join(Official, Official.id == CourseReport.official_id)
            .where(*window)
            .group_by(CourseReport.category)
        )
        counts = {
            CourseCategory(category): (int(reports), int(officials))
            for category, reports, officials in await self.session.execute(query)
        }
        people = await self.session.scalar(
            select(func.count(func.distinct(CourseReport.official_id)))
            .join(Official, Official.id == CourseReport.official_id)
            .where(*window)
        )
        return counts, int(people or 0)

    # -- the export's rows ------------------------------------------------------------------------
    # Plain rows of the columns the workbook shows (no ORM objects: a province's export runs to a
    # million rows), streamed in batches so memory stays flat.

    async def stream_officials(
        self, basis: Basis, standard: str, years: int, rules: dict
    ) -> AsyncIterator[Row]:
        """Each active official in scope, with `unit` (name) and `candidate` (for a degree)."""
        candidate = candidate_condition(basis, standard, years, rules).label("candidate")
        query = (
            select(
                Official.code,
                Official.full_name,
                Official.gender,
                Official.birth_date,
                Official.ethnicity,
                Official.ethnic_minority,
                Unit.name.label("unit"),
                Official.title,
                Official.position_group,
                Official.is_vice_chair,
                Official.education_level,
                Official.major,
                Official.major_fits_position,
                Official.political_theory_level,
                Official.state_management_level,
                Official.equipped_to_standard,
                candidate,
            )
            .outerjoin(Unit, Unit.id == Official.unit_id)
            .where(in_scope(basis.unit_id))
            .order_by(Unit.code, Official.full_name, Official.code)
        )
        async for row in self._stream(query):
            yield row

    async def stream_courses(self, basis: Basis) -> AsyncIterator[Row]:
        """Course reports (all but withdrawn ones) of the officials in scope, completed within the
        plan's training period (from `training_from`, when set, to the as-of day); the status
        column lets the reader filter verified ones."""
        window = CourseReport.completed_on <= basis.as_of
        if basis.training_from is not None:
            window = and_(window, CourseReport.completed_on >= basis.training_from)
        query = (
            select(
                Official.code,
                Official.full_name,
                Unit.name.label("unit"),
                CourseReport.category,
                CourseReport.course_name,
                CourseReport.provider,
                CourseReport.completed_on,
                CourseReport.hours,
                CourseReport.level,
                CourseReport.status,
            )
            .join(Official, Official.id == CourseReport.official_id)
            .outerjoin(Unit, Unit.id == Official.unit_id)
            .where(in_scope(basis.unit_id), CourseReport.status != ReportStatus.WITHDRAWN, window)
            .order_by(
                Unit.code,
                Official.full_name,
                Official.code,
                CourseReport.completed_on,
                CourseReport.id,
            )
        )
        async for row in self._stream(query):
            yield row

    async def stream_course_counts(self, basis: Basis) -> AsyncIterator[Row]:
        """Each active official in scope with the number of their VERIFIED course reports of
        each category completed within the plan's training period (from `training_from`, when
        set, to the as-of day): rows (code, full_name, unit, category, count), one per
        official and category, the rows of one official together, in the order of the other
        lists; an official with none has one row with category and count None. The reports
        are grouped first, then joined to the officials (one pass over the reports' index)."""
        window = CourseReport.completed_on <= basis.as_of
        if basis.training_from is not None:
            window = and_(window, CourseReport.completed_on >= basis.training_from)
        if basis.unit_id is not None:  # one unit's reports only, not the whole set's
            window = and_(
                window,
                CourseReport.official_id.in_(select(Official.id).where(in_scope(basis.unit_id))),
            )
        counts = (
            select(
                CourseReport.official_id,
                CourseReport.category,
                func.count().label("count"),
            )
            .where(CourseReport.status == ReportStatus.VERIFIED, window)
            .group_by(CourseReport.official_id, CourseReport.category)
            .subquery()
        )
        query = (
            select(
                Official.code,
                Official.full_name,
                Unit.name.label("unit"),
                counts.c.category,
                counts.c.count,
            )
            .outerjoin(Unit, Unit.id == Official.unit_id)
            .outerjoin(counts, counts.c.official_id == Official.id)
            .where(in_scope(basis.unit_id))
            .order_by(Unit.code, Official.full_name, Official.code, counts.c.category)
        )
        async for row in self._stream(query):
            yield row

    async def stream_evaluations(self, basis: Basis) -> AsyncIterator[Row]:
        """Every official in scope with their evaluation for the basis's period (None columns
        when they have not submitted)."""
        query = (
            select(
                Official.code,
                Official.full_name,
                Unit.name.label("unit"),
                Evaluation.id.label("evaluation"),
                Evaluation.total_points,
                Evaluation.proposed_rating,
                Evaluation.confirmed_rating,
                Evaluation.submitted_at,
                Evaluation.tasks_assigned,
                Evaluation.tasks_completed,
                Evaluation.tasks_on_time,
                Evaluation.tasks_quality,
                Evaluation.disciplined,
                Evaluation.degenerated,
            )
            .outerjoin(Unit, Unit.id == Official.unit_id)
            .outerjoin(
                Evaluation,
                and_(Evaluation.official_id == Official.id, Evaluation.period == basis.period),
            )
            .where(in_scope(basis.unit_id))
            .order_by(Unit.code, Official.full_name, Official.code)
        )
        async for row in self._stream(query):
            yield row

    async def _stream(self, query) -> AsyncIterator[Row]:
        """The rows of `query`, fetched a batch at a time. Taken by the batch from the async
        result: each step of its row-by-row iteration crosses into SQLAlchemy's greenlet,
        which cost more than writing the row does."""
        result = await self.session.stream(query.execution_options(yield_per=STREAM_BATCH))
        async for batch in result.partitions():
            for row in batch:
                yield row
