"""The schema: migrations match the models, SQLite is set up safely, times stay UTC."""

import asyncio
import sqlite3
import threading
import time
from datetime import datetime, timedelta, timezone

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from storage import db
from storage.models import AuditEntry, Base


async def test_migrations_build_exactly_the_models(database):
    async with database.app() as app:
        async with app.engine.connect() as connection:
            diff = await connection.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata)
            )
        assert diff == []
        assert await db.current_revision(app.engine) == "0010"
    async with database.app() as app:  # upgrading again is a no-op
        assert await db.current_revision(app.engine) == "0010"


async def test_sqlite_connections_use_wal_foreign_keys_and_normal_sync(tmp_path):
    engine = db.create_engine(f"sqlite+aiosqlite:///{tmp_path}/sub/dir/x.db")
    try:
        async with engine.connect() as connection:
            assert (await connection.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"
            assert (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
            assert (await connection.exec_driver_sql("PRAGMA synchronous")).scalar() == 1  # NORMAL
    finally:
        await engine.dispose()


async def test_another_process_holding_the_sqlite_write_lock_does_not_stall_the_bot(tmp_path):
    # SQLite calls run on the event loop (storage.db.InlineSQLite), except the wait for the
    # write lock: a roster import from the command line holding it must not freeze the bot.
    path = tmp_path / "x.db"
    engine = db.create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with engine.begin() as connection:
            await connection.exec_driver_sql("CREATE TABLE notes (body TEXT)")
        other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        released = threading.Event()
        threading.Timer(1.0, lambda: (other.execute("COMMIT"), released.set())).start()

        async def write() -> None:
            async with engine.begin() as connection:
                await connection.exec_driver_sql("INSERT INTO notes VALUES ('after the lock')")

        writing = asyncio.create_task(write())
        ticks, started = 0, time.monotonic()
        while not released.is_set():
            await asyncio.sleep(0.05)
            ticks += 1
        await writing
        waited = time.monotonic() - started
        assert ticks >= waited / 0.05 * 0.5  # the loop kept turning while the write waited
        async with engine.connect() as connection:
            rows = (await connection.exec_driver_sql("SELECT body FROM notes")).scalars().all()
        assert rows == ["after the lock"]
        other.close()
    finally:
        await engine.dispose()


async def test_times_are_stored_and_read_back_in_utc(app):
    hanoi = timezone(timedelta(hours=7))
    written = datetime(2026, 7, 1, 8, 30, tzinfo=hanoi)
    async with app.sessionmaker() as session, session.begin():
        session.add(AuditEntry(at=written, actor="t", action="a", entity="e"))
    async with app.sessionmaker() as session:
        entry = (await session.execute(text("SELECT id FROM audit_log"))).scalar()
        read = await session.get(AuditEntry, entry)
    assert read.at == written and read.at.utcoffset() == timedelta(0)
    assert read.at.hour == 1
