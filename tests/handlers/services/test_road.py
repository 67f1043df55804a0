"""The road agrees with the summaries: whoever /chitieu lists as missing an indicator has that
gap on their road, and nobody else; the whole commune's roads take one reports query."""

from datetime import date

from sqlalchemy import event, select

from handlers.services.road import roads_of
from knowledge.indicators import Basis
from knowledge.targets import load_targets
from knowledge.vocabulary import CourseCategory, EducationLevel, PositionGroup
from storage.enums import ReportStatus
from storage.models import CourseReport, Official
from storage.repo import Repo

TODAY = date(2026, 5, 4)
TARGETS = load_targets()


async def test_roads_agree_with_the_indicators_missing_lists(app):
    async with app.sessionmaker() as session, session.begin():
        officials = list(await session.scalars(select(Official).order_by(Official.id)))
        for number, official in enumerate(officials[:12]):
            category = [CourseCategory.JOB_POSITION, CourseCategory.KNOWLEDGE_UPDATE][number % 2]
            status = ReportStatus.VERIFIED if number % 3 else ReportStatus.PENDING
            session.add(
                CourseReport(
                    official_id=official.id,
                    category=category,
                    course_name="Khóa",
                    completed_on=date(2026, 2, 1),
                    status=status,
                )
            )
    async with app.sessionmaker() as session:
        repo = Repo(session)
        statements = []
        event.listen(
            session.bind.sync_engine,
            "before_cursor_execute",
            lambda *args: statements.append(args[2]),
        )
        roads = await roads_of(repo, officials, app.conversation.knowledge, TODAY)
        selects = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
        assert len(selects) == 1  # the reports of all 40, at once
        basis = Basis(
            as_of=TODAY, period="2026Q2", period_due=TODAY, training_from=date(2026, 1, 1)
        )
        for step in TARGETS.road:
            spec = TARGETS.indicator(step.key).spec
            missing = {o.id for o in await repo.indicators.missing(spec, basis)}
            with_gap = {i for i, road in roads.items() if step.key in {g.key for g in road.gaps}}
            assert with_gap == missing, step.key
        candidates = await repo.indicators.degree_candidates(basis)
        assert {i for i, road in roads.items() if road.degree_candidate} == {
            o.id for o in candidates
        }


async def test_every_gap_of_the_commune_has_a_name_for_the_training_plan(app):
    """A registration names the gap it closes by key; the plan shows the key's name, so no
    gap any official can have (Mục III.2.d's university step, self-study) is left unnamed."""
    async with app.sessionmaker() as session, session.begin():
        officials = list(await session.scalars(select(Official).order_by(Official.id)))
        head = next(o for o in officials if o.position_group == PositionGroup.UNIT_HEAD)
        head.education_level = EducationLevel.CAO_DANG  # below the standard: III.2.d's step
        roads = await roads_of(Repo(session), officials, app.conversation.knowledge, TODAY)
    keys = {gap.key for road in roads.values() for gap in road.gaps}
    assert {"university", "self_study"} <= keys
    titles = TARGETS.step_titles
    assert keys <= set(titles)
    assert titles["university"] == "Trình độ đại học (Mục III.2.d)"
