"""Faults, each simulated and recovered from:

a. the database unavailable for a while (SQLite and PostgreSQL): questions about the plan are
   still answered from memory, writes are refused with "try again", nothing is half-written,
   and afterwards the form carries on where it was; the deliverer outlives the outage and
   sends what was queued, once;
b. the platform API answering 5xx, timing out and rate limiting (429) for a while, in polling
   mode for Telegram and Zalo: the bot keeps running, backs off, and answers afterwards;
c. random bodies and spoofed secrets posted to both webhooks: refused (400/401/403), never
   a 500, and the server keeps serving.

(The SIGKILL-during-broadcast and multi-worker tests live elsewhere.)
"""

import asyncio
import contextlib
import dataclasses
import itertools
import json
import logging
import re
from datetime import datetime, timezone

import aiohttp
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from bot.channels.telegram import TelegramChannel
from bot.channels.zalo_api import ZaloApi
from bot.delivery import Deliverer
from handlers.questions import reply_for
from handlers.texts import t
from handlers.types import Incoming
from storage.enums import DeliveryStatus
from storage.models import AuditEntry, ConversationState, CourseReport, Delivery
from storage.repo import Repo
from tests.conftest import Database, free_port, serving

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)  # 27/11/2026 10:00 in Hanoi: daytime
QUESTION = "chỉ tiêu thạc sĩ đối với trưởng phòng"
DOWN = t("common.database_down")
_ids = itertools.count(1)


# -- a. the database unavailable ------------------------------------------------------------


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
        if self.down and not self.commit and (self.only is None
                                              or re.search(self.only, statement)):
            raise self._error(statement.split()[0])

    def _on_commit(self, conn):
        if self.down and self.commit:
            # SQLAlchemy raises the driver's error from a failed COMMIT wrapped like this.
            raise OperationalError("COMMIT", None, self._error("commit"))

    async def start(self, *, only: str | None = None, commit: bool = False,
                    times: int | None = None) -> None:
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
        self.last = Incoming("telegram", self.user_id, self.user_id, text=text,
                             update_id=f"f{next(_ids)}")
        return await self.resend()

    async def resend(self) -> str:
        """The platform delivers the last update again (same update id)."""
        replies = await self.app.conversation.handle(self.last)
        return "\n\n".join(r.text for r in replies)


async def linked(app, code: str = "DEMO010") -> Person:
    user_id = f"tg-{code}-{next(_ids)}"
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        await repo.accounts.link(await repo.officials.by_code(code), "telegram", user_id,
                                 user_id)
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


@pytest.mark.parametrize("fault", [
    {"only": r"^\s*INSERT INTO course_reports"},  # the report itself
    {"only": r"^\s*INSERT INTO audit_log"},  # after the report was inserted
    {"only": r"^\s*UPDATE conversation_states"},  # after report and audit: closing the form
    {"commit": True},  # everything flushed, then the commit fails
], ids=["report", "audit", "state", "commit"])
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


async def test_an_outage_in_the_middle_of_an_evaluation_loses_no_answer(app, outage):
    app.conversation.clock = lambda: datetime(2026, 6, 25, 3, 0, tzinfo=timezone.utc)
    official = await linked(app, "DEMO011")
    for answer in ("/danhgia", "9", "9", "5"):
        await official.say(answer)
    async with outage.during():
        assert await official.say("4") == DOWN
    state = await state_of(app, official)
    assert state.form == "danhgia" and len([k for k in state.answers if k.startswith("c_")]) == 3
    for answer in ("4", "10", "10", "9", "bỏ qua", "Chủ động", "không"):
        out = await official.say(answer)
    assert "tiêu chí chung 27 + nhiệm vụ 68,2 = 95,2/100" in out


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
            await repo.deliveries.enqueue(f"fault-test:{code}", official.id, f"Nhắc {code}",
                                          due_at=NOW)
    return chats


@pytest.fixture
async def sender(app, telegram):
    channel = TelegramChannel(app.conversation, telegram.token, api_base=telegram.url, menu=[],
                              request_timeout=5)
    clock = [NOW]
    deliverer = Deliverer(app.sessionmaker, {"telegram": channel}, app.conversation.options,
                          rates={"telegram": 50}, clock=lambda: clock[0])
    deliverer.clock_value = clock
    yield deliverer
    await channel.bot.session.close()


async def test_the_deliverer_outlives_an_outage_and_sends_each_push_once(
        app, outage, telegram, sender, caplog):
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
        app, outage, telegram, sender):
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
    proxied = Database(url.set(host="127.0.0.1", port=proxy.port)
                       .render_as_string(hide_password=False), database.engine_kwargs)
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


# -- b. the platform API failing, in polling mode -------------------------------------------

TG_USER, ZL_USER = 5550101, "zl-5550101"
TOO_MANY = ("error", 429, "Too Many Requests: retry after 1", {"retry_after": 1})


def serve_task() -> asyncio.Task:
    """The task running `python -m bot run`'s code inside `serving(...)`."""
    (task,) = [t for t in asyncio.all_tasks()
               if getattr(t.get_coro(), "__qualname__", "") == "serve"]
    return task


async def faults_used(fake, method: str, then: float = 0.0) -> None:
    """Wait until the faults queued for `method` were all served, then `then` seconds more:
    a slow answer the client gave up on is still being made, and the fake hands the next
    update to it (after its sleep, within its 0.5 s long poll), where it would be lost."""
    for _ in range(1800):
        if not fake._faults[method]:
            break
        await asyncio.sleep(0.05)
    assert not fake._faults[method], f"{method} faults not reached"
    await asyncio.sleep(then)


@pytest.fixture
def quick_timeouts(monkeypatch):
    """Client timeouts of a second or two, so a slow platform is a timeout within a test:
    Telegram's long poll of 1 s with a 1 s request timeout (aiogram then gives getUpdates
    2 s), Zalo's calls capped at 1 s."""
    from aiogram import Dispatcher

    import bot.runner

    start_polling = Dispatcher.start_polling

    async def quick_polling(self, *bots, **kwargs):
        return await start_polling(self, *bots, **{"polling_timeout": 1, **kwargs})

    class QuickTelegramChannel(TelegramChannel):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **{**kwargs, "request_timeout": 1})

    class QuickZaloApi(ZaloApi):
        async def call(self, method, payload=None, *, timeout=None, retries=None):
            return await super().call(method, payload, timeout=min(timeout or 1.0, 1.0),
                                      retries=retries)

    monkeypatch.setattr(Dispatcher, "start_polling", quick_polling)
    monkeypatch.setattr(bot.runner, "TelegramChannel", QuickTelegramChannel)
    monkeypatch.setattr(bot.runner, "ZaloApi", QuickZaloApi)


async def test_telegram_polling_rides_out_429_and_5xx_then_answers(app, database, telegram):
    telegram.fail("getUpdates", TOO_MANY, 502)
    telegram.fail("sendMessage", TOO_MANY, 503)
    async with serving(app, database, telegram_bot_token=telegram.token,
                       telegram_api_base=telegram.url):
        await faults_used(telegram, "getUpdates")
        await telegram.say(TG_USER, "/start")
        assert "Xin chào" in await telegram.reply_to(TG_USER, 0, timeout=30)
        assert not serve_task().done()
        await telegram.say(TG_USER, "/help")
        assert "Các lệnh" in await telegram.reply_to(TG_USER, 1)
    assert len(telegram.texts(TG_USER)) == 2  # each once, after the 429 and the 503


async def test_telegram_polling_survives_get_updates_timing_out(app, database, telegram,
                                                                quick_timeouts):
    telegram.fail("getUpdates", ("sleep", 3))  # the client gives up after 2 s
    async with serving(app, database, telegram_bot_token=telegram.token,
                       telegram_api_base=telegram.url):
        await faults_used(telegram, "getUpdates", then=3.8)
        assert not serve_task().done()
        await telegram.say(TG_USER, "/start")
        assert "Xin chào" in await telegram.reply_to(TG_USER, 0, timeout=20)
    assert len(telegram.texts(TG_USER)) == 1


async def test_zalo_polling_rides_out_429_and_a_timeout_then_answers(app, database, zalo,
                                                                        quick_timeouts):
    zalo.fail("getUpdates", ("error", 429, "Too many requests", {"retry_after": 1}),
              ("sleep", 1.5))  # the client gives up after 1 s
    zalo.fail("sendMessage", ("error", 429, "Too many requests", {"retry_after": 1}), 500)
    async with serving(app, database, zalo_bot_token=zalo.token, zalo_api_base=zalo.url):
        await faults_used(zalo, "getUpdates", then=2.3)
        assert not serve_task().done()
        await zalo.say(ZL_USER, "/start")
        assert "Xin chào" in await zalo.reply_to(ZL_USER, 0, timeout=30)
        assert zalo.received["getUpdates"] >= 3  # two failed, then the one that delivered
    assert len(zalo.texts(ZL_USER)) == 1
    assert zalo.received["sendMessage"] == 3  # 429, 500, then sent


@pytest.mark.slow
async def test_both_channels_through_a_long_burst_of_mixed_faults(app, database, telegram, zalo,
                                                                  quick_timeouts):
    burst = [502, TOO_MANY, ("sleep", 3), 500, TOO_MANY, 503, ("sleep", 2.5), 429, 500]
    telegram.fail("getUpdates", *burst)
    # Zalo's poller doubles its pause after each failure (1, 2, 4, 8 s…): a shorter burst.
    zalo.fail("getUpdates", 502, ("error", 429, "Too many requests", {"retry_after": 5}),
              ("sleep", 2), 500)
    telegram.fail("setMyCommands", 500)
    telegram.fail("sendChatAction", 502, ("sleep", 3))
    zalo.fail("sendChatAction", 502, ("sleep", 3))
    telegram.fail("sendMessage", TOO_MANY, 500, ("sleep", 0.5), TOO_MANY)
    zalo.fail("sendMessage", ("error", 429, "Too many requests", {"retry_after": 1}), 502,
              ("sleep", 0.5))
    async with serving(app, database, telegram_bot_token=telegram.token,
                       telegram_api_base=telegram.url, zalo_bot_token=zalo.token,
                       zalo_api_base=zalo.url):
        await asyncio.gather(faults_used(telegram, "getUpdates", then=3.8),
                             faults_used(zalo, "getUpdates", then=3.8))
        assert not serve_task().done()
        for n in range(3):
            await telegram.say(TG_USER + n, "/start")
            await zalo.say(f"{ZL_USER}-{n}", "/start")
        for n in range(3):
            assert "Xin chào" in await telegram.reply_to(TG_USER + n, 0, timeout=60)
            assert "Xin chào" in await zalo.reply_to(f"{ZL_USER}-{n}", 0, timeout=60)
        assert not serve_task().done()
    for n in range(3):
        assert len(telegram.texts(TG_USER + n)) == 1
        assert len(zalo.texts(f"{ZL_USER}-{n}")) == 1


# -- c. random bodies and spoofed secrets on the webhooks -----------------------------------

SECRET = "s3cret-token-123"
HEADERS = {"telegram": "X-Telegram-Bot-Api-Secret-Token", "zalo": "X-Bot-Api-Secret-Token"}
REFUSED = {"telegram": 401, "zalo": 403}


@dataclasses.dataclass
class Webhooks:
    port: int
    http: aiohttp.ClientSession

    async def post(self, channel: str, body: bytes, secret: str | None) -> int:
        headers = {HEADERS[channel]: secret} if secret is not None else {}
        async with self.http.post(f"http://127.0.0.1:{self.port}/webhook/{channel}", data=body,
                                  headers=headers,
                                  timeout=aiohttp.ClientTimeout(total=10)) as response:
            return response.status

    async def healthy(self) -> bool:
        async with self.http.get(f"http://127.0.0.1:{self.port}/healthz") as response:
            return response.status == 200 and await response.text() == "ok"


@pytest.fixture
async def webhooks(app, database, telegram, zalo):
    port = free_port()
    async with serving(app, database, telegram_bot_token=telegram.token,
                       telegram_api_base=telegram.url, zalo_bot_token=zalo.token,
                       zalo_api_base=zalo.url, webhook_base_url=f"http://127.0.0.1:{port}",
                       webhook_secret=SECRET, webhook_host="127.0.0.1", webhook_port=port), \
            aiohttp.ClientSession() as http:
        yield Webhooks(port, http)


json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                 max_size=4),
    max_leaves=12,
)
anything = st.one_of(json_value, st.text(max_size=20), st.integers(), st.none())


def mostly(valid):
    """Usually a value of the right shape, sometimes anything at all."""
    return st.integers(0, 15).flatmap(lambda roll: anything if roll == 0 else valid)


def fields(required: dict, optional: dict | None = None):
    return st.fixed_dictionaries({k: mostly(v) for k, v in required.items()},
                                 optional={k: mostly(v) for k, v in (optional or {}).items()})


telegram_user = fields({"id": st.integers(-2**40, 2**40), "is_bot": st.booleans(),
                        "first_name": st.text(max_size=40)})
telegram_message = fields(
    {"message_id": st.integers(-5, 2**40), "date": st.integers(0, 2**33),
     "chat": fields({"id": st.integers(-2**40, 2**40),
                     "type": st.sampled_from(["private", "private", "group", "x"])}),
     "from": telegram_user},
    {"text": st.text(max_size=200), "caption": st.text(max_size=50),
     "photo": st.lists(fields({"file_id": st.text(max_size=20),
                               "file_unique_id": st.text(max_size=5),
                               "width": st.integers(0, 5000), "height": st.integers(0, 5000)}),
                       max_size=3),
     "document": fields({"file_id": st.text(max_size=20), "file_unique_id": st.text(max_size=5)},
                        {"file_name": st.text(max_size=30)})})
callback_query = fields({"id": st.text(max_size=10), "from": telegram_user,
                         "chat_instance": st.text(max_size=5), "data": st.text(max_size=80)},
                        {"message": telegram_message})
update_id = st.integers(-2**40, 2**40)
telegram_update = st.one_of(
    fields({"update_id": update_id, "message": telegram_message}),
    fields({"update_id": update_id, "callback_query": callback_query}),
    fields({"update_id": update_id}, {"edited_message": telegram_message}),
)
zalo_id = st.from_regex(r"[0-9]{1,20}", fullmatch=True) | st.text(min_size=1, max_size=80)
zalo_message = fields(
    {"from": fields({"id": zalo_id},
                    {"display_name": st.text(max_size=40), "first_name": st.text(max_size=40)}),
     "chat": fields({}, {"id": zalo_id,
                         "chat_type": st.sampled_from(["PRIVATE", "PRIVATE", "GROUP", "x"])}),
     "message_id": zalo_id},
    {"date": st.integers(), "text": st.text(max_size=200), "caption": st.text(max_size=50),
     "photo_url": st.text(max_size=50), "photo": st.text(max_size=50)})
zalo_update = fields({"message": zalo_message}, {
    "event_name": st.sampled_from(["message.text.received", "message.image.received",
                                   "message.sticker.received", "user.follow"])})
zalo_body = zalo_update | st.builds(lambda u: {"ok": True, "result": u}, zalo_update)


def encoded(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


body = st.one_of(
    st.binary(max_size=2000),
    json_value.map(encoded),
    telegram_update.map(encoded),
    zalo_body.map(encoded),
    st.text(max_size=300).map(lambda s: s.encode("utf-8", "surrogatepass")),
)
secret = st.one_of(
    st.just(SECRET), st.just(SECRET), st.none(), st.just(""),
    st.sampled_from([SECRET.upper(), SECRET + " ", " " + SECRET, SECRET[:-1], SECRET + "4"]),
    st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=64),
)
NASTY = [
    b"[" * 100_000,  # json.loads: RecursionError, not ValueError
    b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    b"\xff\xfe\x00\x00",  # not UTF-8
    b"null", b"[]", b"0", b'"update"', b"{}",
    b'{"update_id": "NaN"}', b'{"update_id": 1e999}', b'{"update_id": NaN}',
    b'{"message": {"from": {"id": {"nested": [1, 2, 3]}}, "text": "/start"}}',
    b"x" * (1024 * 1024 + 10),  # more than aiohttp's default body limit
]


async def _post_everywhere(webhooks, payload: bytes, given_secret: str | None) -> None:
    for channel in ("telegram", "zalo"):
        status = await webhooks.post(channel, payload, given_secret)
        if given_secret is not None and given_secret.strip() == SECRET:  # HTTP trims spaces
            assert status in (200, 400, 413), (channel, status, payload[:200])
        else:
            assert status == REFUSED[channel], (channel, status, given_secret)
    assert await webhooks.healthy()


@pytest.mark.filterwarnings("ignore:Detected unknown update type")
@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(payload=body, given_secret=secret)
@example(payload=NASTY[0], given_secret=SECRET)
@example(payload=NASTY[1], given_secret=SECRET)
async def test_random_bodies_and_secrets_are_refused_never_a_500(webhooks, payload,
                                                                 given_secret):
    await _post_everywhere(webhooks, payload, given_secret)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:Detected unknown update type")
@settings(max_examples=600, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(payload=body, given_secret=secret)
async def test_random_bodies_and_secrets_are_refused_never_a_500_long(webhooks, payload,
                                                                      given_secret):
    await _post_everywhere(webhooks, payload, given_secret)


@pytest.mark.filterwarnings("ignore:Detected unknown update type")
async def test_after_garbage_on_both_webhooks_a_real_update_is_answered(webhooks, telegram,
                                                                        zalo):
    for payload in NASTY:
        for given_secret in (SECRET, "wrong-secret-123", None):
            await _post_everywhere(webhooks, payload, given_secret)
    good = json.dumps(telegram.message(TG_USER, "/start")).encode()
    assert await webhooks.post("telegram", good, SECRET) == 200
    assert "Xin chào" in await telegram.reply_to(TG_USER, 0)
    good = json.dumps(zalo.message(ZL_USER, "/start")).encode()
    assert await webhooks.post("zalo", good, SECRET) == 200
    assert "Xin chào" in await zalo.reply_to(ZL_USER, 0)
    assert not serve_task().done()
