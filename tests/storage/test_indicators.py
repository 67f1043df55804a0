"""The indicator engine on a commune whose figures are known by construction
(tests/helpers/summary_data.py), for the whole commune and for each unit, on SQLite and PostgreSQL."""

from datetime import date

import pytest
from sqlalchemy import select

from knowledge import indicators
from knowledge.indicators import Basis, Spec, Status, status
from knowledge.targets import load_targets
from knowledge.vocabulary import CourseCategory, Rating
from storage.indicators import MEASURE_SQL, POPULATION_SQL
from storage.models import Unit
from storage.repo import Repo
from tests.helpers import summary_data as data

TARGETS = load_targets()


@pytest.fixture
async def commune(database, tmp_path):
    async with data.open_commune(database, tmp_path / "summaries") as app:
        yield app


async def basis_for(session, scope: str, as_of: date = data.TODAY) -> Basis:
    unit_id = None
    if scope != "commune":
        unit_id = (await session.scalar(select(Unit).where(Unit.code == scope))).id
    return Basis(
        as_of=as_of,
        period="2026Q3",
        period_due=date(2026, 10, 5),
        unit_id=unit_id,
        training_from=TARGETS.training_from,
        today=data.TODAY,
    )


@pytest.mark.parametrize("scope", ["commune", "UA", "UB"])
async def test_every_figure_is_exact(commune, scope):
    async with commune.sessionmaker() as session:
        figures = await Repo(session).indicators.tally(
            TARGETS.specs, await basis_for(session, scope)
        )
    found = {f.spec.key: (f.numerator, f.denominator, f.status.value) for f in figures}
    assert found == data.EXPECTED[scope]


@pytest.mark.parametrize("scope", ["commune", "UA"])
async def test_missing_lists_are_exact(commune, scope):
    specs = {spec.key: spec for spec in TARGETS.specs}
    async with commune.sessionmaker() as session:
        basis = await basis_for(session, scope)
        for key, expected in data.MISSING[scope].items():
            missing = await Repo(session).indicators.missing(specs[key], basis)
            assert {o.code for o in missing} == expected, key
        # Head counts and what cannot be measured have no one "missing".
        for key in ("1a", "5c", "5d"):
            assert await Repo(session).indicators.missing(specs[key], basis) == []


async def test_percentages_and_thresholds(commune):
    async with commune.sessionmaker() as session:
        figures = {
            f.spec.key: f
            for f in await Repo(session).indicators.tally(
                TARGETS.specs, await basis_for(session, "commune")
            )
        }
    assert round(figures["1b"].percentage, 1) == 33.3
    assert figures["6b"].percentage == 50 and figures["6b"].status == Status.MET  # ≥ 50
    assert figures["7b"].percentage == 80 and figures["7b"].status == Status.NOT_DUE  # > 80
    assert figures["5c"].percentage is None and figures["1a"].percentage is None


def test_status_follows_the_deadline():
    spec = Spec("x", "all", "equipped", threshold=100, deadline=date(2028, 12, 31))
    basis = Basis(date(2028, 12, 31), "2028Q4", date(2028, 12, 15))
    assert status(spec, 9, 10, basis) == Status.NOT_DUE  # on the deadline
    late = Basis(date(2029, 1, 1), "2028Q4", date(2028, 12, 15))
    assert status(spec, 9, 10, late) == Status.NOT_MET
    assert status(spec, 10, 10, late) == Status.MET
    assert status(spec, 0, 0, late) == Status.NO_POPULATION
    ratings = Spec("r", "all", "rating_at_least:tot", ">", 95)  # deadline: the period's
    assert (
        status(ratings, 19, 20, Basis(date(2028, 12, 10), "2028Q4", date(2028, 12, 15)))
        == Status.NOT_DUE
    )


async def test_training_before_the_plan_or_after_the_day_does_not_count(commune):
    async with commune.sessionmaker() as session:
        earlier = await basis_for(session, "commune", as_of=date(2026, 11, 26))
        figures = {
            f.spec.key: f for f in await Repo(session).indicators.tally(TARGETS.specs, earlier)
        }
        assert figures["3"].numerator == 3  # L3's course of 27/11 is not done yet on 26/11
        later = await basis_for(session, "commune", as_of=date(2026, 11, 28))
        figures = {
            f.spec.key: f for f in await Repo(session).indicators.tally(TARGETS.specs, later)
        }
        assert figures["3"].numerator == 5  # H1's course of 28/11 now counts
        assert figures["2a"].numerator == 3  # H1's 2025 course never does


async def test_six_years_left_around_birthdays_and_for_both_genders(commune):
    async with commune.sessionmaker() as session:
        on_the_eve = await basis_for(session, "commune", as_of=date(2026, 11, 27))
        found = await Repo(session).indicators.degree_candidates(on_the_eve)
        assert [o.code for o in found] == ["S2", "S3", "S5"]
        assert await Repo(session).indicators.count_degree_candidates(on_the_eve) == 3
        # On 28/11/2026 S2 (a man, 62 on 28/11/2032) and S5 (a woman, 59 on 28/11/2032)
        # have exactly six years left, not more; S3, a man born the same day as S5, retires
        # at 62 in 2035.
        on_the_day = await basis_for(session, "commune", as_of=date(2026, 11, 28))
        assert [o.code for o in await Repo(session).indicators.degree_candidates(on_the_day)] == [
            "S3"
        ]
        unit_b = await basis_for(session, "UB")
        assert [o.code for o in await Repo(session).indicators.degree_candidates(unit_b)] == [
            "S3",
            "S5",
        ]


async def test_chart_queries(commune):
    async with commune.sessionmaker() as session:
        counts = await Repo(session).summaries.rating_counts(["2026Q2", "2026Q3"], None)
        assert counts["2026Q3"] == {
            Rating.XUAT_SAC: 2,
            Rating.TOT: 2,
            Rating.HOAN_THANH: 2,
            Rating.KHONG_HOAN_THANH: 1,
        }
        assert counts["2026Q2"] == {Rating.TOT: 1}
        late = await Repo(session).summaries.not_submitted("2026Q3", None)
        assert [o.code for o in late] == ["S2", "S4", "S5"]


def _specs(number: int) -> list[Spec]:
    return [indicator.spec for indicator in TARGETS.get(number).indicators]


async def test_the_training_chart_counts_what_its_target_counts(commune):
    async with commune.sessionmaker() as session:
        queries = Repo(session).summaries

        async def by_month(specs, unit_id=None):
            return await queries.verified_by_month(date(2025, 12, 1), data.TODAY, unit_id, specs)

        C = CourseCategory
        # Target 2: job-position training only (H1's of 2025 is in the window asked; X1 left).
        assert await by_month(_specs(2)) == {
            (2025, 12): {C.JOB_POSITION: 1},
            (2026, 2): {C.JOB_POSITION: 1},
            (2026, 3): {C.JOB_POSITION: 1},
            (2026, 4): {C.JOB_POSITION: 1},
        }
        # Target 3: knowledge updates and digital self-study (H1's of 28/11 is after the day).
        assert await by_month(_specs(3)) == {
            (2026, 4): {C.KNOWLEDGE_UPDATE: 1},
            (2026, 5): {C.KNOWLEDGE_UPDATE: 1},
            (2026, 9): {C.DIGITAL_SELF_STUDY: 1},
            (2026, 11): {C.DIGITAL_SELF_STUDY: 1},
        }
        # Target 1: degrees of those whose major does not fit (S1's; S2's is pending).
        assert await by_month(_specs(1)) == {(2026, 6): {C.DEGREE: 1}}
        # Its population too: of the job-position courses, the leadership's only (L1's).
        leaders = Spec("x", "leadership", "verified_course:job_position")
        assert await by_month([leaders]) == {(2026, 3): {C.JOB_POSITION: 1}}
        assert await by_month(_specs(4)) == {}  # no training measure: nothing to count
        unit_b = (await session.scalar(select(Unit).where(Unit.code == "UB"))).id
        assert await by_month(_specs(2), unit_b) == {(2026, 4): {C.JOB_POSITION: 1}}


def test_every_measure_and_population_of_the_plan_has_its_sql():
    assert set(MEASURE_SQL) == set(indicators.MEASURES)
    assert set(POPULATION_SQL) == set(indicators.POPULATIONS)
