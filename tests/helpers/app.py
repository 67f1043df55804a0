"""Using the app under test as people do: typing into the console as an official, running the
real channels (`python -m bot run`'s code), handing out invite codes."""

import asyncio
import dataclasses
import io
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from bot.app import App, open_app
from bot.channels.console import ConsoleChannel, link_console_user, run_console
from bot.config import Settings
from bot.delivery import Deliverer
from bot.runner import serve
from handlers.services.invites import issue_invite
from storage.repo import Repo
from storage.types import utcnow


@dataclass
class Database:
    """Where a test's data lives (the `database` fixture): a URL plus engine arguments (a
    private PostgreSQL schema)."""

    url: str
    engine_kwargs: dict = field(default_factory=dict)
    # A copy of a template already migrated to head: `app()` skips Alembic. False for databases
    # made some other way (a test's own `Database(...)`), which are migrated as the bot would.
    at_head: bool = False
    # The copy already holds the demo roster (the `app` fixture then does not seed it again).
    seeded: bool = False

    def settings(self, **overrides) -> Settings:
        return Settings(_env_file=None, database_url=self.url, **overrides)

    @asynccontextmanager
    async def app(self, **overrides) -> AsyncIterator[App]:
        settings = self.settings(**overrides)
        async with open_app(settings, migrate=not self.at_head, **self.engine_kwargs) as app:
            yield app


async def invite_code(app, official_code: str, admin: bool = False) -> str:
    """A fresh one-time invite code for the official."""
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        official = await repo.officials.by_code(official_code)
        issued = await issue_invite(
            repo,
            official,
            now=utcnow(),
            ttl=app.conversation.options.invite_ttl,
            admin=admin,
            actor="test",
            telegram_username=None,
        )
    return issued.code


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
        deliverer = Deliverer(
            self.app.sessionmaker,
            {"console": ConsoleChannel(stdout)},
            conversation.options,
            clock=lambda: conversation.clock(),
        )
        await run_console(self.app.conversation, self.user_id, stdin, stdout, deliverer.run_once)
        return stdout.getvalue()


async def chat_as(app: App, official_code: str) -> Chat:
    user_id = await link_console_user(app.conversation, official_code)
    assert user_id is not None, official_code
    return Chat(app, user_id)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@asynccontextmanager
async def serving(app: App, database: Database, **settings) -> AsyncIterator[App]:
    """Run the real channels (`python -m bot run`'s code) of `app` with these settings, on
    the test's `database` (the `database` fixture)."""
    # The HTTP server (webhooks, the desk) runs in every mode: each test on its own port.
    settings.setdefault("webhook_port", free_port())
    settings.setdefault("webhook_host", "127.0.0.1")
    # The channels run on the wall clock: a push (a review's notice, a reminder) would wait
    # for the morning whenever the suite runs in the quiet hours (21–7 in Vietnam, from 14:00
    # UTC). None here unless the test sets them; the app's pushes obey the same setting.
    settings.setdefault("quiet_hours", "0-0")
    app = dataclasses.replace(app, settings=database.settings(**settings))
    app.conversation.options = dataclasses.replace(
        app.conversation.options, quiet=app.settings.quiet
    )
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(app, stop, ready))
    await asyncio.wait(
        [task, asyncio.create_task(ready.wait())], return_when=asyncio.FIRST_COMPLETED, timeout=15
    )
    if task.done():
        task.result()  # raises what stopped it
    try:
        yield app
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)


def serve_task() -> asyncio.Task:
    """The task running `python -m bot run`'s code inside `serving(...)`."""
    (task,) = [
        t for t in asyncio.all_tasks() if getattr(t.get_coro(), "__qualname__", "") == "serve"
    ]
    return task
