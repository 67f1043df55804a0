"""Shared fixtures: a migrated database per test (SQLite, and PostgreSQL when
TEST_DATABASE_URL is set), the real app on it, and a console-channel chat helper."""

import asyncio
import dataclasses
import io
import os
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import pytest
from sqlalchemy import text

from bot.app import App, open_app
from bot.channels.console import ConsoleChannel, link_console_user, run_console
from bot.config import Settings
from bot.delivery import Deliverer
from bot.runner import serve
from storage import db
from storage.demo import seed_demo

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
RUN_SLOW = os.environ.get("RUN_SLOW") == "1"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


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


class Chat:
    """One person typing into the console channel; `send` returns what the console printed."""

    def __init__(self, app: App, user_id: str):
        self.app = app
        self.user_id = user_id

    async def send(self, *messages: str) -> str:
        stdout = io.StringIO()
        stdin = io.StringIO("".join(m + "\n" for m in messages))
        # Pushes due to any console account are printed too, as `make run` prints them.
        conversation = self.app.conversation
        deliverer = Deliverer(self.app.sessionmaker, {"console": ConsoleChannel(stdout)},
                              conversation.options, clock=lambda: conversation.clock())
        await run_console(self.app.conversation, self.user_id, stdin, stdout, deliverer.run_once)
        return stdout.getvalue()


async def chat_as(app: App, official_code: str) -> Chat:
    user_id = await link_console_user(app.conversation, official_code)
    assert user_id is not None, official_code
    return Chat(app, user_id)


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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@asynccontextmanager
async def serving(app: App, database: Database, **settings) -> AsyncIterator[App]:
    """Run the real channels (`python -m bot run`'s code) of `app` with these settings."""
    app = dataclasses.replace(app, settings=database.settings(**settings))
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(app, stop, ready))
    await asyncio.wait([task, asyncio.create_task(ready.wait())],
                       return_when=asyncio.FIRST_COMPLETED, timeout=15)
    if task.done():
        task.result()  # raises what stopped it
    try:
        yield app
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)


def serve_task() -> asyncio.Task:
    """The task running `python -m bot run`'s code inside `serving(...)`."""
    (task,) = [t for t in asyncio.all_tasks()
               if getattr(t.get_coro(), "__qualname__", "") == "serve"]
    return task
