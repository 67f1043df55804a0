"""Engine creation and schema migration."""

import sqlite3
from functools import partial
from pathlib import Path

import aiosqlite

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
BUSY_TIMEOUT = 30  # seconds SQLite waits for another process's write lock


class InlineSQLite(aiosqlite.Connection):
    """An aiosqlite connection that runs calls on the event loop instead of its own thread.

    aiosqlite hands every call (cursor, execute, fetch, close: ~20 an update) to its thread and
    back; measured, the hand-overs cost half the CPU of handling an update (bench/RESULTS.md,
    section 1). The bot holds one SQLite connection, so nothing else could use the database
    while a call runs anyway, and SQLite answers from its page cache in microseconds. The calls
    that may wait for another process (a roster import from the command line, say) still go
    through the thread, so that wait never blocks the loop: BEGIN IMMEDIATE, which takes the
    write lock up front (see `_sqlite_begin`; in WAL mode nothing else waits for a lock), and
    the PRAGMAs at connect, which may need it to switch the journal mode."""

    async def _execute(self, fn, *args, **kwargs):
        if args and isinstance(args[0], str) and args[0].startswith(("BEGIN", "PRAGMA")):
            return await super()._execute(fn, *args, **kwargs)
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)


async def _connect_inline(database: str) -> InlineSQLite:
    # Used from the loop's thread and from aiosqlite's: one call at a time, so this is safe.
    connector = partial(sqlite3.connect, database, timeout=BUSY_TIMEOUT, check_same_thread=False)
    connection = InlineSQLite(connector, iter_chunk_size=64)
    connection._thread.daemon = True  # as SQLAlchemy sets it for aiosqlite: exit never waits
    return await connection


def create_engine(url: str | URL, **kwargs) -> AsyncEngine:
    """An async engine; SQLite files get their folder, one connection, WAL and foreign keys."""
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
            # SQLite takes one writer at a time: with one connection, updates queue for it in
            # asyncio instead of sleeping in SQLite's busy handler while the lock sits idle
            # (measured: bench/RESULTS.md, section 1).
            kwargs.setdefault("pool_size", 1)
            kwargs.setdefault("max_overflow", 0)
            kwargs.setdefault("async_creator", partial(_connect_inline, url.database))
        else:
            kwargs.setdefault("connect_args", {}).setdefault("timeout", BUSY_TIMEOUT)
    engine = create_async_engine(url, **kwargs)
    if url.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy's "begin" event open transactions instead of the driver (see below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT * 1000}")
    cursor.close()


def _sqlite_begin(connection) -> None:
    # A deferred transaction that reads, then writes, fails at once with "database is locked"
    # when another connection wrote in between; taking the write lock up front makes
    # concurrent updates wait their turn (busy_timeout) instead.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def insert(session: AsyncSession, table):
    """An INSERT of this database's dialect, which knows ON CONFLICT DO NOTHING."""
    dialect = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    return dialect(table)


def sessionmaker(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply migrations up to `revision` over this engine's own connection."""

    def run(connection) -> None:
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)

    async with engine.begin() as connection:
        await connection.run_sync(run)


async def current_revision(engine: AsyncEngine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda c: MigrationContext.configure(c).get_current_revision()
        )
