"""Shared fixtures: a migrated database per test (SQLite, and PostgreSQL when
TEST_DATABASE_URL is set), the real app on it, and a console-channel chat helper."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import pytest
from sqlalchemy import text

from bot.app import App, open_app
from bot.config import Settings
from storage import db
from storage.demo import seed_demo
from tests.helpers import RUN_SLOW, TEST_DATABASE_URL
from tests.helpers.app import Chat, chat_as


def pytest_collection_modifyitems(config, items):
    if RUN_SLOW:
        return
    skip = pytest.mark.skip(reason="long variant: set RUN_SLOW=1 to run it (CI does)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@dataclass
class Database:
    """Where a test's data lives: a URL plus engine arguments (a private PostgreSQL schema)."""

    url: str
    engine_kwargs: dict = field(default_factory=dict)

    def settings(self, **overrides) -> Settings:
        return Settings(_env_file=None, database_url=self.url, **overrides)

    @asynccontextmanager
    async def app(self, **overrides) -> AsyncIterator[App]:
        async with open_app(self.settings(**overrides), **self.engine_kwargs) as app:
            yield app


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request, tmp_path) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        yield Database(f"sqlite+aiosqlite:///{tmp_path}/test.db")
        return
    if not TEST_DATABASE_URL:
        pytest.skip("PostgreSQL: set TEST_DATABASE_URL to run this test on PostgreSQL too")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = db.create_engine(TEST_DATABASE_URL)
    async with admin.begin() as connection:
        await connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield Database(
            TEST_DATABASE_URL,
            {"connect_args": {"server_settings": {"search_path": schema}}},
        )
    finally:
        async with admin.begin() as connection:
            await connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        await admin.dispose()


@pytest.fixture
async def app(database) -> AsyncIterator[App]:
    """The real app (migrated) on a database holding the demo roster."""
    async with database.app() as app:
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
