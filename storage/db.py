"""Engine creation and schema migration."""

import asyncio
import logging
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
from sqlalchemy.pool import QueuePool

from storage import backup

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
BUSY_TIMEOUT = 30  # seconds SQLite waits for another process's write lock
PG_POOL = 10  # PostgreSQL connections a process keeps (and as many more for a burst)
# Statements that may have to wait for that lock: BEGIN IMMEDIATE, and at connect the switch to
# WAL (a fresh database file).
WAITS_FOR_LOCK = ("BEGIN", "PRAGMA journal_mode")
READ_ONLY = "canbo_read_only"  # an execution option: the transaction only reads (`read_only`)


class InlineSQLite(aiosqlite.Connection):
    """An aiosqlite connection whose calls run on the event loop instead of its own thread.

    aiosqlite hands every call (cursor, execute, fetch, close: ~20 an update) to its thread and
    back; measured, the hand-overs cost half the CPU of handling an update (bench/RESULTS.md,
    section 1). The bot holds one SQLite connection, so nothing else could use the database
    while a call runs anyway, and SQLite answers from its page cache in microseconds.

    The one wait is for the write lock another process holds (a roster import from the command
    line, say): every transaction takes it up front (BEGIN IMMEDIATE, see `_sqlite_begin`), and
    in WAL mode nothing else waits for a lock. SQLite's own busy handler would sleep on the
    loop, so the connection has none and BEGIN is retried with asyncio sleeps instead, for up
    to BUSY_TIMEOUT (as is the switch to WAL at connect). Running only BEGIN on the thread
    would not be safe: a cancelled caller would leave the thread using the connection while
    the loop goes on with it."""

    @property
    def sqlite(self) -> sqlite3.Connection:
        """The sqlite3 connection itself: statements on it run in whatever transaction is
        open, with none of aiosqlite's or SQLAlchemy's layers (`storage.driver`)."""
        if self._connection is None:
            raise ValueError("Connection closed")
        return self._connection

    async def _execute(self, fn, *args, **kwargs):
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        if not (args and isinstance(args[0], str) and args[0].startswith(WAITS_FOR_LOCK)):
            return fn(*args, **kwargs)
        loop = asyncio.get_running_loop()
        deadline, pause = loop.time() + BUSY_TIMEOUT, 0.002
        while True:
            try:
                return fn(*args, **kwargs)
            except sqlite3.OperationalError as error:
                busy = error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY  # extended code
                if not busy or loop.time() > deadline:
                    raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.1)


async def _connect_inline(database: str) -> InlineSQLite:
    # Autocommit in the driver: `_sqlite_begin` opens transactions. No busy handler (above).
    connector = partial(
        sqlite3.connect, database, timeout=0, isolation_level=None, check_same_thread=False
    )
    connection = InlineSQLite(connector, iter_chunk_size=64)
    connection._thread.daemon = True  # as SQLAlchemy sets it for aiosqlite: exit never waits
    return await connection


def create_engine(url: str | URL, **kwargs) -> AsyncEngine:
    """An async engine; SQLite files get their folder, one connection (InlineSQLite), WAL and
    foreign keys."""
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
            # SQLite takes one writer at a time: with one connection, updates queue for it in
            # asyncio instead of polling for SQLite's lock while it sits idle between retries
            # (measured: bench/RESULTS.md, section 1).
            kwargs.setdefault("pool_size", 1)
            kwargs.setdefault("max_overflow", 0)
        kwargs.setdefault("async_creator", partial(_connect_inline, url.database or ":memory:"))
    else:
        # Updates take these in turn (`transaction_slots`); SQLAlchemy's default 5 held them
        # back at 300 updates/s (bench/RESULTS.md, section 1).
        kwargs.setdefault("pool_size", PG_POOL)
    engine = create_async_engine(url, **kwargs)
    if url.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


def transaction_slots(engine: AsyncEngine) -> int:
    """How many updates may hold a connection at once: the pool's size, its overflow left to
    the outbox and the scheduler."""
    pool = engine.sync_engine.pool
    return pool.size() if isinstance(pool, QueuePool) else 1


def _sqlite_connect(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # SQLite's advice for WAL (and Rails' default): the log is synced at checkpoints, not at
    # every commit. A crash of the bot loses nothing; a power cut can lose the last seconds of
    # writes, never the file's integrity. The sync at every commit cost 0.25 ms of CPU an update
    # and held the loop while it ran (bench/RESULTS.md, section 1).
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection) -> None:
    # A deferred transaction that reads, then writes, fails at once with "database is locked"
    # when another connection wrote in between; taking the write lock up front makes
    # concurrent updates wait their turn (InlineSQLite retries it) instead. A transaction
    # that only reads needs no lock: in WAL mode it reads a snapshot while others write.
    read_only = connection.get_execution_options().get(READ_ONLY)
    statement = "BEGIN" if read_only else "BEGIN IMMEDIATE"
    try:  # at once on the sqlite3 connection: the lock is almost always free
        connection.connection.driver_connection.sqlite.execute(statement)
    except sqlite3.OperationalError:  # taken: wait for it, or fail as SQLAlchemy reports it
        connection.exec_driver_sql(statement)


def read_only(engine: AsyncEngine) -> AsyncEngine:
    """The engine for transactions that only read. On SQLite they take no write lock, so a
    long one (a large export) never holds back the updates that write meanwhile."""
    return engine.execution_options(**{READ_ONLY: True})


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


async def upgrade(
    engine: AsyncEngine, revision: str = "head", backup_dir: Path | None = None
) -> Path | None:
    """Apply migrations up to `revision` over this engine's own connection.

    A database that holds data at an older revision is backed up first (into `backup_dir`,
    by default the data folder's `backups/`), so an operator can go back to the version before
    the upgrade; the backup's path is logged and returned. Without a backup nothing is
    migrated (`backup.BackupError`), except on PostgreSQL without `pg_dump`, which is logged:
    such servers keep their own backups."""
    taken = None
    current = await current_revision(engine)
    if current is not None and current != _resolve(revision):
        taken = await _backup_before(engine, current, backup_dir)

    def run(connection) -> None:
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)

    async with engine.begin() as connection:
        await connection.run_sync(run)
    return taken


def _resolve(revision: str) -> str | None:
    """The revision id `revision` ("head", "0005") stands for."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    found = script.get_revision(revision)
    return found.revision if found else None


async def _backup_before(engine: AsyncEngine, current: str, directory: Path | None) -> Path | None:
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return None  # nothing outlives the process
    directory = directory or backup.default_directory(url)
    suffix = f"{backup.BEFORE_UPGRADE}-{current}"
    try:
        taken = await asyncio.to_thread(backup.take, url, directory, suffix=suffix)
    except backup.BackupError as error:
        if error.kind != "no_pg_dump":
            raise
        log.warning("migrating from %s without a backup: pg_dump is not installed", current)
        return None
    log.info("database backed up before migrating from %s: %s", current, taken.path)
    return taken.path


async def current_revision(engine: AsyncEngine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda c: MigrationContext.configure(c).get_current_revision()
        )
