"""Shared fixtures: a migrated database per test (SQLite, and PostgreSQL when
TEST_DATABASE_URL is set), copied from a template migrated once a session, the real app on
it, and a console-channel chat helper."""

import asyncio
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from bot.app import App
from storage import db
from storage.demo import seed_demo
from tests.helpers import RUN_SLOW, TEST_DATABASE_URL
from tests.helpers.app import Chat, Database, chat_as, free_port

# Bot processes started by tests keep their status files apart from a bot a developer runs
# in this folder (which would otherwise count as "another bot running").
os.environ.setdefault("STATE_DIR", tempfile.mkdtemp(prefix="canbo-state-"))
# Every `run` serves HTTP (webhooks, the web desk): bot processes started by tests listen on
# the loopback and on a port of this test session, not on a developer's running bot's 8080.
os.environ["WEBHOOK_HOST"] = "127.0.0.1"
os.environ.setdefault("WEBHOOK_PORT", str(free_port()))


def pytest_collection_modifyitems(config, items):
    if RUN_SLOW:
        return
    skip = pytest.mark.skip(reason="long variant: set RUN_SLOW=1 to run it (CI does)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


# Migrating a fresh database for every test, and seeding the demo roster into it, was a fixed
# cost of every database test. Instead it is done once a session and each test gets a copy:
# - SQLite: template files (migrated; migrated plus the demo roster), copied to tmp_path.
# - PostgreSQL: each test still gets a private schema (in TEST_DATABASE_URL's database, on
#   `search_path`), but instead of Alembic and `seed_demo` it replays the statements they ran
#   once in a scratch schema: about 0.1 s instead of about 0.25 s. A template DATABASE per test
#   (CREATE DATABASE ... TEMPLATE) was tried and measured slower: it copies the whole
#   database, system catalogs included (~7.5 MB), and waits for the disk, 0.1-0.4 s a test.
# The session fixtures are sync and use asyncio.run (pytest-asyncio's loops are
# function-scoped; no loop runs while a sync fixture is set up), built on first use only.


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory) -> dict[bool, Path]:
    """Template files by `seeded`: migrated, and migrated plus the demo roster."""

    async def build(path: Path, *, migrate: bool, seed: bool) -> None:
        engine = db.create_engine(f"sqlite+aiosqlite:///{path}")
        try:
            if migrate:
                await db.upgrade(engine)
            if seed:
                async with db.sessionmaker(engine)() as session, session.begin():
                    await seed_demo(session)
        finally:
            await engine.dispose()  # closing the last connection checkpoints the WAL

    folder = tmp_path_factory.mktemp("templates")
    empty, demo = folder / "empty.db", folder / "demo.db"
    asyncio.run(build(empty, migrate=True, seed=False))
    shutil.copyfile(empty, demo)
    asyncio.run(build(demo, migrate=False, seed=True))
    for path in (empty, demo):  # tests copy the main file alone
        assert not Path(f"{path}-wal").exists(), f"{path}: WAL not checkpointed"
    return {False: empty, True: demo}


Statements = list[tuple[str, Any]]  # SQL as sent to the driver, with its parameters


@pytest.fixture(scope="session")
def postgresql_statements() -> dict[str, Statements] | None:
    """What migrating a fresh schema ("migrate"), then seeding the demo roster ("seed") sends
    to PostgreSQL, recorded in a scratch schema that is dropped at once."""
    if not TEST_DATABASE_URL:
        return None
    scratch = f"canbo_tpl_{os.getpid()}"
    recorded: dict[str, Statements] = {"migrate": [], "seed": []}

    async def record() -> None:
        admin = db.create_engine(TEST_DATABASE_URL)
        engine = db.create_engine(TEST_DATABASE_URL, **_on_schema(scratch))
        into = recorded["migrate"]

        def keep(_connection, _cursor, sql, parameters, _context, _executemany) -> None:
            into.append((sql, parameters))

        event.listen(engine.sync_engine, "before_cursor_execute", keep)
        try:
            async with admin.begin() as connection:
                await connection.execute(text(f"CREATE SCHEMA {scratch}"))
            await db.upgrade(engine)
            into = recorded["seed"]
            async with db.sessionmaker(engine)() as session, session.begin():
                await seed_demo(session)
        finally:
            await engine.dispose()
            async with admin.begin() as connection:
                await connection.execute(text(f"DROP SCHEMA IF EXISTS {scratch} CASCADE"))
            await admin.dispose()

    asyncio.run(record())
    # Names are unqualified (the schema comes from search_path), so the statements replay into
    # any schema; one naming the scratch schema would not.
    assert not [sql for part in recorded.values() for sql, _ in part if scratch in sql]
    return recorded


def _on_schema(schema: str) -> dict:
    """Engine arguments for a connection whose unqualified names are in `schema`."""
    return {"connect_args": {"server_settings": {"search_path": schema}}}


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(
    request, tmp_path, sqlite_templates, postgresql_statements
) -> AsyncIterator[Database]:
    """A private, migrated database; with the demo roster when the test uses `app`."""
    seeded = "app" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(sqlite_templates[seeded], path)
        yield Database(f"sqlite+aiosqlite:///{path}", at_head=True, seeded=seeded)
        return
    if not TEST_DATABASE_URL:
        pytest.skip("PostgreSQL: set TEST_DATABASE_URL to run this test on PostgreSQL too")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    statements = postgresql_statements["migrate"]
    if seeded:
        statements = statements + postgresql_statements["seed"]
    admin = db.create_engine(TEST_DATABASE_URL)
    async with admin.begin() as connection:  # one transaction: one commit to wait for
        await connection.execute(text(f"CREATE SCHEMA {schema}"))
        await connection.execute(text(f"SET LOCAL search_path TO {schema}"))
        for sql, parameters in statements:
            await connection.exec_driver_sql(sql, parameters)
    try:
        yield Database(TEST_DATABASE_URL, _on_schema(schema), at_head=True, seeded=seeded)
    finally:
        async with admin.begin() as connection:
            await connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        await admin.dispose()


@pytest.fixture
async def app(database) -> AsyncIterator[App]:
    """The real app (migrated) on a database holding the demo roster."""
    async with database.app() as app:
        if not database.seeded:
            async with app.sessionmaker() as session, session.begin():
                await seed_demo(session)
        yield app


@pytest.fixture
async def empty_app(database) -> AsyncIterator[App]:
    """The real app (migrated) on a database with nobody in it."""
    async with database.app() as app:
        yield app


@pytest.fixture
async def admin_chat(app) -> Chat:
    return await chat_as(app, "DEMO001")


@pytest.fixture
async def official_chat(app) -> Chat:
    return await chat_as(app, "DEMO010")


@pytest.fixture
async def telegram():
    from tests.helpers.fake_telegram import FakeTelegram

    fake = await FakeTelegram().start()
    yield fake
    await fake.stop()


@pytest.fixture
async def zalo():
    from tests.helpers.fake_zalo import FakeZalo

    fake = await FakeZalo().start()
    yield fake
    await fake.stop()
