"""Migration 0008 on a database holding self-evaluations from before it: Mẫu 01's quality count
is filled from the completed count, the grounds are false, nothing else changes; downgrading
takes the new columns away and keeps the rows. On SQLite, and on PostgreSQL when
TEST_DATABASE_URL is set."""

from contextlib import asynccontextmanager
from datetime import datetime, timezone

import pytest
from alembic import command
from sqlalchemy import inspect, text

from knowledge.vocabulary import Gender, PositionGroup
from storage import db
from storage.models import Official
from tests.helpers import TEST_DATABASE_URL
from tests.helpers.procs import fresh_database

SUBMITTED = datetime(2026, 6, 25, 3, 0, tzinfo=timezone.utc)
# An evaluation written by the form before 0008: 10 assigned, 9 completed, 8 on time.
OLD_EVALUATION = text(
    "INSERT INTO evaluations (official_id, period, criteria, general_points, tasks_assigned,"
    " tasks_completed, tasks_on_time, task_points, total_points, proposed_rating, status,"
    " submitted_at, updated_at) VALUES (:official, '2026Q2', '{}', 27, 10, 9, 8, 61.2, 88.2,"
    " 'tot', 'submitted', :at, :at)"
)
NEW_COLUMNS = {"tasks_quality", "disciplined", "degenerated"}


@asynccontextmanager
async def engine_on(kind: str, tmp_path):
    if kind == "sqlite":
        engine = db.create_engine(f"sqlite+aiosqlite:///{tmp_path}/old.db")
        try:
            yield engine
        finally:
            await engine.dispose()
        return
    if not TEST_DATABASE_URL:
        pytest.skip("PostgreSQL: set TEST_DATABASE_URL to run this test on PostgreSQL too")
    async with fresh_database(TEST_DATABASE_URL) as url:
        engine = db.create_engine(url)
        try:
            yield engine
        finally:
            await engine.dispose()


async def downgrade(engine, revision: str) -> None:
    def run(connection) -> None:
        cfg = db.alembic_config()
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)

    async with engine.begin() as connection:
        await connection.run_sync(run)


async def columns(engine) -> set[str]:
    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda c: {column["name"] for column in inspect(c).get_columns("evaluations")}
        )


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_0008_fills_quality_from_completed_and_goes_back(kind, tmp_path):
    async with engine_on(kind, tmp_path) as engine:
        await db.upgrade(engine, "0007")
        async with db.sessionmaker(engine)() as session, session.begin():
            official = Official(
                code="A1",
                full_name="Cán bộ A1",
                gender=Gender.FEMALE,
                position_group=PositionGroup.SPECIALIST,
            )
            session.add(official)
            await session.flush()
            await session.execute(OLD_EVALUATION, {"official": official.id, "at": SUBMITTED})
        assert not NEW_COLUMNS & await columns(engine)

        await db.upgrade(engine, "0008", backup_dir=tmp_path / "backups")
        async with engine.connect() as connection:
            row = (
                await connection.execute(
                    text(
                        "SELECT tasks_completed, tasks_on_time, tasks_quality, disciplined,"
                        " degenerated, task_points, total_points FROM evaluations"
                    )
                )
            ).one()
        assert tuple(row) == (9, 8, 9, False, False, 61.2, 88.2)

        await downgrade(engine, "0007")
        assert not NEW_COLUMNS & await columns(engine)
        async with engine.connect() as connection:
            kept = (
                await connection.execute(
                    text("SELECT tasks_completed, total_points FROM evaluations")
                )
            ).one()
        assert tuple(kept) == (9, 88.2)
        assert await db.current_revision(engine) == "0007"
