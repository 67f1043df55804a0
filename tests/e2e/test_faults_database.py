"""Fault: the database unavailable for a while (SQLite and PostgreSQL). Questions about the
plan are still answered from memory, writes are refused with "try again", nothing is
half-written, and afterwards the form carries on where it was; the deliverer outlives the
outage and sends what was queued, once. (SIGKILL mid-broadcast: test_crash.py.)
"""

import asyncio
import contextlib
import copy
import dataclasses
import itertools
import logging
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from bot.channels.telegram import TelegramChannel
from bot.delivery import Deliverer
from handlers.services.answers import reply_for
from handlers.texts import t
from handlers.types import Incoming
from storage import db
from storage.enums import DeliveryStatus
from storage.models import AuditEntry, ConversationState, CourseReport, Delivery
from storage.repo import Repo
from tests.helpers.app import Database

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)  # 27/11/2026 10:00 in Hanoi: daytime
QUESTION = "chỉ tiêu thạc sĩ đối với trưởng phòng"
DOWN = t("common.database_down")
_ids = itertools.count(1)


class Outage:
    """Makes the database unreachable while it is on: new connections are refused and every
    statement on a pooled one fails with the driver's OperationalError, as when the server
    stops or the network drops. `only` narrows it to statements matching a pattern (a fault
    in the middle of a transaction); `commit` makes the commit itself fail."""

    def __init__(self, engine):
        self.engine = engine
        self.down = False
        self.only: str | None = None
        self.commit = False
        self.times: int | None = None  # how many failures before it heals by itself
        self.failures = 0
        self._sync = engine.sync_engine
        event.listen(self._sync, "do_connect", self._on_connect)
        event.listen(self._sync, "before_cursor_execute", self._on_execute)
        event.listen(self._sync, "commit", self._on_commit)

    def _error(self, what: str) -> Exception:
        self.failures += 1
        if self.times is not None and self.failures >= self.times:
            self.down = False
        return self.engine.dialect.loaded_dbapi.OperationalError(f"simulated outage: {what}")

    def _on_connect(self, dialect, record, cargs, cparams):
        if self.down and self.only is None and not self.commit:
            raise self._error("connection refused")

    def _on_execute(self, conn, cursor, statement, parameters, context, executemany):
        if self.down and not self.commit and (self.only is None or re.search(self.only, statement)):
            raise self._error(statement.split()[0])

    def _on_commit(self, conn):
        if self.down and self.commit:
            # SQLAlchemy raises the driver's error from a failed COMMIT wrapped like this.
            raise OperationalError("COMMIT", None, self._error("commit"))

    async def start(
        self, *, only: str | None = None, commit: bool = False, times: int | None = None
    ) -> None:
        self.only, self.commit, self.times, self.failures = only, commit, times, 0
        self.down = True
        if only is None and not commit:
            await self.engine.dispose()  # pooled connections go: new ones are needed

    def stop(self) -> None:
        self.down = False

    @contextlib.asynccontextmanager
    async def during(self, **kwargs):
        await self.start(**kwargs)
        try:
            yield self
        finally:
            self.stop()

    def remove(self) -> None:
        event.remove(self._sync, "do_connect", self._on_connect)
        event.remove(self._sync, "before_cursor_execute", self._on_execute)
        event.remove(self._sync, "commit", self._on_commit)


@pytest.fixture
def outage(app):
    app.conversation.clock = lambda: NOW
    failing = Outage(app.engine)
    yield failing
    failing.stop()
    failing.remove()


class Person:
    """One Telegram user talking to the conversation core, as the channel would."""

    def __init__(self, app, user_id: str):
        self.app = app
        self.user_id = user_id
        self.last: Incoming | None = None

    async def say(self, text: str) -> str:
        self.last = Incoming(
            "telegram", self.user_id, self.user_id, text=text, update_id=f"f{next(_ids)}"
        )
        return await self.resend()

    async def resend(self) -> str:
        """The platform delivers the last update again (same update id)."""
        replies = await self.app.conversation.handle(self.last)
        return "\n\n".join(r.text for r in replies)


async def linked(app, code: str = "DEMO010") -> Person:
    user_id = f"tg-{code}-{next(_ids)}"
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        await repo.accounts.link(await repo.officials.by_code(code), "telegram", user_id, user_id)
    return Person(app, user_id)


async def count(app, model, *where) -> int:
    async with app.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def state_of(app, person: Person) -> ConversationState:
    async with app.sessionmaker() as session:
        return await session.get(ConversationState, ("telegram", person.user_id))


async def reach_confirmation(person: Person) -> str:
    """A Bình dân học vụ số course reported up to its confirmation."""
    for message in ("/baocao", "1", "ki nang so co bn", "1", "hôm qua", "6", "bỏ qua"):
        out = await person.say(message)
    assert "Vui lòng kiểm tra lại báo cáo khóa học" in out
    return out


async def test_during_an_outage_questions_are_answered_and_writes_wait(app, outage):
    official = await linked(app)
    assert "Tên khóa học là gì?" in await official.say("/baocao") + await official.say("1")
    offline_answer = reply_for(app.conversation.knowledge, QUESTION)[0].text
    assert "25%" in offline_answer

    reader = await linked(app, "DEMO012")
    assert await reader.say(QUESTION) == offline_answer

    async with outage.during():
        assert await reader.say(QUESTION) == offline_answer  # the plan, from memory
        assert await reader.say("chi tieu thac si truong phong") == offline_answer
        assert await reader.say("1") == DOWN  # picking an option needs the database
        stranger = Person(app, "tg-stranger")
        assert await stranger.say(QUESTION) == offline_answer  # anyone may ask
        assert await stranger.say("/help") == DOWN
        # In the middle of a form what one types is an answer to its step: to try again.
        assert await official.say("ki nang so co bn") == DOWN
        failed = official.last
        for command in ("/toi", "/baocao", "/khoahoc", "/huy", "/start ABCDEFGHJK"):
            assert await official.say(command) == DOWN, command
        assert outage.failures >= 10

    # The form carries on where it was: the answer refused during the outage is taken now,
    # and its redelivery (the claim of its update id was rolled back too) is handled.
    official.last = failed
    assert "Khóa học do đơn vị nào tổ chức" in await official.resend()
    state = await state_of(app, official)
    assert state.form == "baocao" and state.answers["course"]["id"] == "bdhvs-ky-nang-so"
    assert await official.resend() == ""  # and only once


async def test_a_confirmation_refused_during_an_outage_writes_nothing_then_works(app, outage):
    official = await linked(app)
    await reach_confirmation(official)
    async with outage.during():
        assert await official.say("1") == DOWN  # ✅ Xác nhận
        assert await official.say("1") == DOWN  # tried again, still down
    assert await count(app, CourseReport) == 0
    assert await count(app, AuditEntry, AuditEntry.action == "report_created") == 0
    state = await state_of(app, official)
    assert state.form == "baocao" and state.step == 8  # still at the confirmation

    assert "✅ Đã nhận báo cáo #" in await official.say("1")
    assert await count(app, CourseReport) == 1
    assert await count(app, AuditEntry, AuditEntry.action == "report_created") == 1
    assert "✅ Đã nhận báo cáo" not in await official.say("1")  # the form is closed
    assert await count(app, CourseReport) == 1


@pytest.mark.parametrize(
    "fault",
    [
        {"only": r"^\s*INSERT INTO course_reports"},  # the report itself
        {"only": r"^\s*INSERT INTO audit_log"},  # after the report was inserted
        {"only": r"^\s*UPDATE conversation_states"},  # after report and audit: closing the form
        {"commit": True},  # everything flushed, then the commit fails
    ],
    ids=["report", "audit", "state", "commit"],
)
async def test_a_transaction_failing_midway_leaves_nothing_half_written(app, outage, fault):
    official = await linked(app)
    await reach_confirmation(official)
    async with outage.during(times=1, **fault):
        assert await official.say("1") == DOWN
    assert outage.failures == 1
    assert await count(app, CourseReport) == 0
    assert await count(app, AuditEntry, AuditEntry.action == "report_created") == 0
    assert (await state_of(app, official)).step == 8
    assert "✅ Đã nhận báo cáo #" in await official.say("1")
    assert await count(app, CourseReport) == 1
    assert await count(app, AuditEntry, AuditEntry.action == "report_created") == 1


async def test_no_connection_free_in_time_is_an_outage_not_a_failure(app):
    # Another process holding SQLite's write lock keeps the bot's one connection waiting (the
    # outbox's round, say); the next update waits for the pool, and when it gives up the user
    # is told to try again, as in any outage, not given an error with a reference.
    if app.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's pool of one connection")
    engine = db.create_engine(app.engine.url, pool_timeout=0.2)
    conversation = copy.copy(app.conversation)
    conversation.sessionmaker = db.sessionmaker(engine)
    official = await linked(dataclasses.replace(app, conversation=conversation))
    try:
        async with engine.connect():  # the one connection, held
            assert await official.say("/baocao") == DOWN
        assert await official.say("/baocao") != DOWN
        assert (await state_of(app, official)).form == "baocao"
    finally:
        await engine.dispose()


async def test_an_outage_in_the_middle_of_an_evaluation_loses_no_answer(app, outage):
    app.conversation.clock = lambda: datetime(2026, 6, 25, 3, 0, tzinfo=timezone.utc)
    official = await linked(app, "DEMO011")
    for answer in ("/danhgia", "9", "9", "5"):
        await official.say(answer)
    async with outage.during():
        assert await official.say("4") == DOWN
    state = await state_of(app, official)
    assert state.form == "danhgia" and len([k for k in state.answers if k.startswith("c_")]) == 3
    for answer in ("4", "10", "10", "9", "9", "bỏ qua", "Chủ động", "không", "2", "2"):
        out = await official.say(answer)
    assert "tiêu chí chung 27 + nhiệm vụ 66,5 = 93,5/100" in out


# The deliverer --------------------------------------------------------------------------


async def queue_pushes(app, codes: list[str]) -> dict[str, int]:
    """One push to each official's Telegram chat; their chat ids."""
    chats = {}
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        for code in codes:
            official = await repo.officials.by_code(code)
            chats[code] = 8000 + official.id
            await repo.accounts.link(official, "telegram", f"push-{code}", str(chats[code]))
            await repo.deliveries.enqueue(
                f"fault-test:{code}", official.id, f"Nhắc {code}", due_at=NOW
            )
    return chats


@pytest.fixture
async def sender(app, telegram):
    channel = TelegramChannel(
        app.conversation, telegram.token, api_base=telegram.url, menu=[], request_timeout=5
    )
    clock = [NOW]
    deliverer = Deliverer(
        app.sessionmaker,
        {"telegram": channel},
        app.conversation.options,
        rates={"telegram": 50},
        clock=lambda: clock[0],
    )
    deliverer.clock_value = clock
    yield deliverer
    await channel.bot.session.close()


async def test_the_deliverer_outlives_an_outage_and_sends_each_push_once(
    app, outage, telegram, sender, caplog
):
    chats = await queue_pushes(app, [f"DEMO{n:03d}" for n in range(2, 8)])
    async with outage.during():
        with pytest.raises(OperationalError):
            await sender.run_once()
        stop = asyncio.Event()
        with caplog.at_level(logging.ERROR, logger="bot.delivery"):
            loop = asyncio.create_task(sender.run(stop, interval=0.05))
            await asyncio.sleep(0.5)  # a few rounds fail while the database is down
            assert not loop.done()
        assert "delivery round failed" in caplog.text
        assert not telegram.called("sendMessage")
    # The same loop, still running, sends everything once the database is back.
    await telegram.wait_for(lambda: len(telegram.called("sendMessage")) == len(chats))
    await asyncio.sleep(0.3)  # a few more rounds: nothing goes twice
    stop.set()
    await asyncio.wait_for(loop, 10)
    for code, chat in chats.items():
        assert telegram.texts(chat) == [f"Nhắc {code}"]
    async with app.sessionmaker() as session:
        statuses = {d.status for d in await session.scalars(select(Delivery))}
    assert statuses == {DeliveryStatus.SENT}


async def test_a_push_sent_as_the_database_goes_down_is_not_sent_again(
    app, outage, telegram, sender
):
    """The platform took the message, then the outcome could not be written: the push must
    not go out twice (the deliverer marks it 'sending' before the call)."""
    chats = await queue_pushes(app, ["DEMO002"])
    channel = sender.channels["telegram"]
    real_send = channel.send

    async def send_then_fail(chat_id, reply):
        result = await real_send(chat_id, reply)
        await outage.start()  # the database goes away right after the platform said ok
        return result

    channel.send = send_then_fail
    with pytest.raises(OperationalError):
        await sender.run_once()
    outage.stop()
    channel.send = real_send
    assert telegram.texts(chats["DEMO002"]) == ["Nhắc DEMO002"]
    for minutes in (0, 2, 10):  # later rounds, also after a "sending" push is settled
        sender.clock_value[0] = NOW.replace(minute=minutes)
        await sender.run_once()
    assert telegram.texts(chats["DEMO002"]) == ["Nhắc DEMO002"]
    async with app.sessionmaker() as session:
        (delivery,) = await session.scalars(select(Delivery))
    assert delivery.status == DeliveryStatus.SENT


class TcpProxy:
    """A TCP relay on 127.0.0.1 in front of PostgreSQL: `stop` drops every connection and
    refuses new ones (the network or the server gone), `start` brings it back on its port."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self._server.close()
        await self._server.wait_closed()
        for writer in list(self._links):
            writer.transport.abort()
        self._links.clear()

    async def _relay(self, reader, writer) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._links.update((writer, upstream_writer))

        async def pipe(source, sink):
            with contextlib.suppress(OSError, asyncio.CancelledError):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            sink.transport.abort()

        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))
        self._links.difference_update((writer, upstream_writer))


async def test_postgresql_going_away_behind_a_proxy_and_coming_back(database):
    """The same outage for real: the connections to PostgreSQL break and new ones are refused
    for a while (a TCP proxy stopped), then it is back."""
    from sqlalchemy.engine import make_url

    from storage.demo import seed_demo

    if not database.url.startswith("postgresql"):
        pytest.skip("a TCP proxy in front of PostgreSQL: PostgreSQL only")
    url = make_url(database.url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    proxied = Database(
        url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False),
        database.engine_kwargs,
    )
    try:
        async with proxied.app() as app:
            async with app.sessionmaker() as session, session.begin():
                await seed_demo(session)
            app.conversation.clock = lambda: NOW
            official, reader = await linked(app), await linked(app, "DEMO012")
            offline_answer = reply_for(app.conversation.knowledge, QUESTION)[0].text
            await reader.say(QUESTION)  # pooled connections exist when the proxy goes
            await official.say("/baocao")
            await official.say("1")

            await proxy.stop()
            assert await reader.say(QUESTION) == offline_answer
            assert await official.say("ki nang so co bn") == DOWN
            failed = official.last
            assert await official.say("/toi") == DOWN
            await asyncio.sleep(0.5)
            await proxy.start()

            official.last = failed
            assert "Khóa học do đơn vị nào tổ chức" in await official.resend()
            for message in ("1", "hôm qua", "6", "bỏ qua"):
                await official.say(message)
            assert "✅ Đã nhận báo cáo #1" in await official.say("1")
            assert await count(app, CourseReport) == 1
    finally:
        await proxy.stop()
