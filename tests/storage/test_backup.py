"""The backup taken before a migration changes an existing database: the operator can always go
back to the data as it was before an upgrade."""

import logging
import shutil
import sqlite3
import subprocess
from contextlib import closing

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.app import DatabaseUnavailable
from storage import db
from tests.helpers import TEST_DATABASE_URL
from tests.helpers.app import Database
from tests.helpers.procs import fresh_database

HEAD = ScriptDirectory.from_config(db.alembic_config()).get_current_head()
PREVIOUS = ScriptDirectory.from_config(db.alembic_config()).get_revision(HEAD).down_revision
UNIT = "INSERT INTO units (code, name, active) VALUES ('XA', 'Xã Sì Lở Lầu', true)"


async def at_previous_revision(url: str, **engine_kwargs):
    """An engine on a database migrated to the revision before head, holding one unit."""
    engine = db.create_engine(url, **engine_kwargs)
    await db.upgrade(engine, PREVIOUS)
    async with engine.begin() as connection:
        await connection.execute(text(UNIT))
    return engine


async def test_an_older_sqlite_database_is_backed_up_before_it_is_migrated(tmp_path, caplog):
    path = tmp_path / "data" / "canbo.db"
    backups = tmp_path / "data" / "backups"
    engine = await at_previous_revision(f"sqlite+aiosqlite:///{path}")
    try:
        assert not backups.exists()  # a new database: nothing to lose
        with caplog.at_level(logging.INFO, logger="storage.db"):
            taken = await db.upgrade(engine)
        assert await db.current_revision(engine) == HEAD
        assert await db.upgrade(engine) is None  # at head: nothing changes, no backup
    finally:
        await engine.dispose()

    # Beside the database, in backups/, named as taken before the upgrade from PREVIOUS.
    assert list(backups.iterdir()) == [taken]
    assert taken.name.endswith(f"-truoc-nang-cap-{PREVIOUS}.db")
    assert str(taken) in caplog.text
    assert taken.stat().st_mode & 0o777 == 0o600
    with closing(sqlite3.connect(taken)) as copy:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchall() == [(PREVIOUS,)]
        assert copy.execute("SELECT code, name FROM units").fetchall() == [("XA", "Xã Sì Lở Lầu")]


async def test_no_migration_without_a_backup(tmp_path):
    """The bot does not start on a schema it could not back up; the operator reads why."""
    path = tmp_path / "data" / "canbo.db"
    engine = await at_previous_revision(f"sqlite+aiosqlite:///{path}")
    await engine.dispose()
    (tmp_path / "data" / "backups").write_text("a file where the backups folder should be")

    database = Database(f"sqlite+aiosqlite:///{path}")
    with pytest.raises(
        DatabaseUnavailable,
        match="Không nâng cấp lược đồ cơ sở dữ liệu vì chưa "
        "sao lưu được bản hiện có: Không ghi được",
    ):
        async with database.app():
            pass
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (PREVIOUS,)
        ]


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="PostgreSQL: set TEST_DATABASE_URL")
@pytest.mark.skipif(not shutil.which("pg_restore"), reason="needs pg_dump and pg_restore")
async def test_an_older_postgresql_database_is_backed_up_before_it_is_migrated(tmp_path):
    async with fresh_database(TEST_DATABASE_URL) as url:
        engine = await at_previous_revision(url)
        try:
            taken = await db.upgrade(engine, backup_dir=tmp_path / "backups")
        finally:
            await engine.dispose()
        assert taken.name.endswith(f"-truoc-nang-cap-{PREVIOUS}.dump")
        assert taken.stat().st_mode & 0o777 == 0o600

        # Restored into an empty database: the rows and the revision from before the upgrade.
        async with fresh_database(TEST_DATABASE_URL) as other:
            libpq = make_url(other).set(drivername="postgresql")
            subprocess.run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--dbname",
                    libpq.render_as_string(hide_password=False),
                    str(taken),
                ],
                check=True,
            )
            engine = db.create_engine(other)
            try:
                async with engine.connect() as connection:
                    units = (await connection.execute(text("SELECT code FROM units"))).all()
                assert units == [("XA",)]
                assert await db.current_revision(engine) == PREVIOUS
            finally:
                await engine.dispose()
