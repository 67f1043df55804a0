"""The SQL that computes the plan's indicators (knowledge/indicators.py): aggregates over the
active officials.

All the figures of a summary come from one SELECT of SUM(CASE …) columns over the officials,
joined to their reports (grouped per official) and the period's evaluation (`Sources`), so the
database does the counting however large the roster; the officials missing from one indicator
are a separate query, run only when names are asked for.
"""

from collections.abc import Callable
from datetime import date

from sqlalchemy import Select, and_, case, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from knowledge.indicators import Basis, Figure, Spec, categories, parse_measure, status
from knowledge.retirement import RULES, add_years, latest_birth_retiring_by
from knowledge.vocabulary import (
    EducationLevel,
    Gender,
    PoliticalTheoryLevel,
    PositionGroup,
    Rating,
)
from storage.enums import ReportStatus
from storage.models import CourseReport, Evaluation, Official

# The condition on an official of each population (knowledge.indicators.POPULATIONS).
POPULATION_SQL: dict[str, Callable[[], ColumnElement[bool]]] = {
    "all": lambda: true(),
    "leadership": lambda: Official.position_group == PositionGroup.LEADERSHIP,
    "vice_chairs": lambda: Official.is_vice_chair.is_(True),
    "unit_heads": lambda: Official.position_group == PositionGroup.UNIT_HEAD,
    "managers": lambda: Official.position_group.in_(
        (PositionGroup.LEADERSHIP, PositionGroup.UNIT_HEAD)
    ),
    "specialists": lambda: Official.position_group == PositionGroup.SPECIALIST,
    "major_mismatch": lambda: Official.major_fits_position.is_(False),
}


def _at_least(enum, value: str) -> list:
    floor = enum(value).rank
    return [member for member in enum if member.rank >= floor]


class Sources:
    """What measures read beside an official's record, joined once to the officials: for each
    set of course categories the specs name, whether the official has a VERIFIED report of
    one of them in the training window (one pass over the reports, grouped by official), and
    the period's evaluation (one per official and period). Probing the reports per official
    instead cost the whole province's /tonghop twice the time (bench/RESULTS.md)."""

    def __init__(self, basis: Basis, measures: list[str]):
        self.basis = basis
        category_sets = sorted(
            {
                arg
                for name, _, arg in (m.partition(":") for m in measures)
                if name == "verified_course"
            }
        )
        window = [
            CourseReport.status == ReportStatus.VERIFIED,
            CourseReport.completed_on <= basis.as_of,
        ]
        if basis.training_from is not None:
            window.append(CourseReport.completed_on >= basis.training_from)
        if basis.unit_id is not None:  # one unit: group its reports only
            window.append(
                CourseReport.official_id.in_(
                    select(Official.id).where(Official.unit_id == basis.unit_id)
                )
            )
        flags = [
            func.max(case((CourseReport.category.in_(categories(arg)), 1), else_=0)).label(
                f"set{number}"
            )
            for number, arg in enumerate(category_sets)
        ]
        self.trained = (
            (
                select(CourseReport.official_id, *flags)
                .where(*window)
                .group_by(CourseReport.official_id)
                .subquery("trained")
            )
            if flags
            else None
        )
        self._flags = {arg: f"set{number}" for number, arg in enumerate(category_sets)}

    def join(self, query):
        """`query` (FROM officials) with the reports' flags and the period's evaluation."""
        if self.trained is not None:
            query = query.outerjoin(self.trained, self.trained.c.official_id == Official.id)
        return query.outerjoin(
            Evaluation,
            and_(Evaluation.official_id == Official.id, Evaluation.period == self.basis.period),
        )

    def trained_in(self, arg: str) -> ColumnElement[bool]:
        return self.trained.c[self._flags[arg]] == 1  # NULL (no report at all): not met


def _rating_at_least(arg: str, sources: Sources) -> ColumnElement[bool]:
    # No evaluation for the period: NULL, so not met.
    rating = func.coalesce(Evaluation.confirmed_rating, Evaluation.proposed_rating)
    return rating.in_(_at_least(Rating, arg))


# The condition an official meets for each measure (knowledge.indicators.MEASURES).
MEASURE_SQL: dict[str, Callable[[str, Sources], ColumnElement[bool]]] = {
    "verified_course": lambda arg, sources: sources.trained_in(arg),
    "education_at_least": lambda arg, sources: Official.education_level.in_(
        _at_least(EducationLevel, arg)
    ),
    "political_theory_at_least": lambda arg, sources: Official.political_theory_level.in_(
        _at_least(PoliticalTheoryLevel, arg)
    ),
    "rating_at_least": _rating_at_least,
    "equipped": lambda arg, sources: Official.equipped_to_standard.is_(True),
    "female": lambda arg, sources: Official.gender == Gender.FEMALE,
    "ethnic_minority": lambda arg, sources: Official.ethnic_minority.is_(True),
}


def measure_condition(measure: str, sources: Sources) -> ColumnElement[bool]:
    name, arg = parse_measure(measure)
    return MEASURE_SQL[name](arg, sources)


def in_scope(unit_id: int | None) -> ColumnElement[bool]:
    """The active officials, of one unit or (None) of the whole commune."""
    condition = Official.active.is_(True)
    if unit_id is not None:
        condition = and_(condition, Official.unit_id == unit_id)
    return condition


def _count_where(condition: ColumnElement[bool]):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def tally_query(specs: list[Spec], basis: Basis) -> Select:
    """One row: for each spec, its population's count, then how many of them meet it."""
    sources = Sources(basis, [spec.measure for spec in specs if spec.measure])
    columns = []
    for spec in specs:
        population = POPULATION_SQL[spec.population]()
        columns.append(_count_where(population))
        measure = measure_condition(spec.measure, sources) if spec.measure else None
        met = and_(population, measure) if measure is not None else population
        columns.append(_count_where(met))
    return sources.join(select(*columns).select_from(Official)).where(in_scope(basis.unit_id))


def _retires_after(day: date, rules: dict) -> ColumnElement[bool]:
    """Officials whose statutory retirement date falls after `day` (birth date known)."""
    return or_(
        *(
            and_(
                Official.gender == gender,
                Official.birth_date > latest_birth_retiring_by(day, gender, rules),
            )
            for gender in Gender
        )
    )


def candidate_condition(basis: Basis, standard: str, years: int, rules: dict):
    return and_(
        in_scope(basis.unit_id),
        _below_standard(standard),
        _retires_after(add_years(basis.as_of, years), rules),
    )


def _below_standard(standard: str) -> ColumnElement[bool]:
    """Below the `standard` education level; no recorded level counts as below it."""
    below = [level for level in EducationLevel if level.rank < EducationLevel(standard).rank]
    return or_(Official.education_level.in_(below), Official.education_level.is_(None))


class IndicatorRepo:
    """The indicators' figures and the officials behind them."""

    def __init__(self, session: AsyncSession):
        self.session = session

    async def tally(self, specs: list[Spec], basis: Basis) -> list[Figure]:
        """Every spec's numerator and denominator, in one query."""
        row = (await self.session.execute(tally_query(specs, basis))).one()
        figures = []
        for number, spec in enumerate(specs):
            denominator, numerator = int(row[2 * number]), int(row[2 * number + 1])
            if not spec.measure:
                numerator = 0
            figures.append(
                Figure(spec, numerator, denominator, status(spec, numerator, denominator, basis))
            )
        return figures

    async def missing(self, spec: Spec, basis: Basis) -> list[Official]:
        """The officials of the spec's population who do not meet its measure, by unit and
        name."""
        if not spec.measure or spec.count:
            return []  # a head count has no one "missing"
        # Not NOT(measure): a level that is NULL (none recorded) makes `level IN (…)` NULL,
        # and NOT NULL is NULL too, which would hide exactly those officials.
        sources = Sources(basis, [spec.measure])
        unmet = case((measure_condition(spec.measure, sources), 0), else_=1) == 1
        query = (
            sources.join(select(Official))
            .where(in_scope(basis.unit_id), POPULATION_SQL[spec.population](), unmet)
            .order_by(Official.unit_id, Official.full_name, Official.code)
        )
        return list(await self.session.scalars(query))

    async def degree_candidates(
        self,
        basis: Basis,
        standard: str = "dai_hoc",
        years: int = 6,
        rules: dict = RULES,
    ) -> list[Official]:
        """Plan III.2.d: officials below the `standard` education level with more than
        `years` of service left (to be sent to university). No recorded level counts as
        below it."""
        query = (
            select(Official)
            .where(candidate_condition(basis, standard, years, rules))
            .order_by(Official.unit_id, Official.full_name, Official.code)
        )
        return list(await self.session.scalars(query))

    async def count_degree_candidates(
        self,
        basis: Basis,
        standard: str = "dai_hoc",
        years: int = 6,
        rules: dict = RULES,
    ) -> int:
        query = (
            select(func.count())
            .select_from(Official)
            .where(candidate_condition(basis, standard, years, rules))
        )
        return int(await self.session.scalar(query))

    async def count_undated_below_standard(self, basis: Basis, standard: str = "dai_hoc") -> int:
        """Below the `standard` education level with no birth date recorded: whether Mục
        III.2.d sends them to university (more than six years left) cannot be told."""
        query = (
            select(func.count())
            .select_from(Official)
            .where(
                in_scope(basis.unit_id), _below_standard(standard), Official.birth_date.is_(None)
            )
        )
        return int(await self.session.scalar(query))
