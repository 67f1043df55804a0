"""The push sender against a fake Telegram Bot API: rate, one message a second per chat,
429 retry_after honoured, a blocked user recorded and not retried."""

import asyncio
import itertools
import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import select, text

from bot.channels.telegram import TelegramChannel
from bot.delivery import Deliverer
from bot.scaleout import RedisRateLimiter
from storage.enums import DeliveryStatus
from storage.models import Delivery
from storage.repo import Repo
from tests.helpers import REDIS_URL

RATE = 20  # messages a second, configured for this test
DAYTIME = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)  # 10:00 in Hanoi: not quiet hours
KEYS = itertools.count()


@pytest.fixture
async def channel(app, telegram):
    channel = TelegramChannel(
        app.conversation, telegram.token, api_base=telegram.url, menu=[], request_timeout=5
    )
    yield channel
    await channel.bot.session.close()


async def queue(app, pushes: list[tuple[str, str]]) -> None:
    """Link DEMO officials to Telegram chats and queue one push per (code, text)."""
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        for code, text in pushes:
            official = await repo.officials.by_code(code)
            if await repo.accounts.find("telegram", code) is None:
                await repo.accounts.link(official, "telegram", code, str(9000 + official.id))
            await repo.deliveries.enqueue(f"test:{next(KEYS)}", official.id, text, due_at=DAYTIME)


async def deliveries(app) -> list[Delivery]:
    async with app.sessionmaker() as session:
        return list(await session.scalars(select(Delivery).order_by(Delivery.id)))


@pytest.fixture(params=["local", "redis"])
async def limiters(request):
    """The send rate kept in this process, or in Redis (shared by processes; skipped where
    no Redis listens), each with a fresh key."""
    if request.param == "local":
        yield None
        return
    from redis.asyncio import Redis

    redis = Redis.from_url(REDIS_URL)
    try:
        await redis.ping()
    except OSError:
        await redis.aclose()
        pytest.skip("needs Redis on 127.0.0.1:6379")
    yield {"telegram": RedisRateLimiter(redis, "telegram", RATE, prefix=f"t{uuid.uuid4().hex}")}
    await redis.aclose()


def sender(app, channel, limiters=None) -> Deliverer:
    return Deliverer(
        app.sessionmaker,
        {"telegram": channel},
        app.conversation.options,
        rates={"telegram": RATE},
        limiters=limiters,
        clock=lambda: DAYTIME,
    )


async def test_the_rate_and_one_message_a_second_per_chat(app, telegram, channel, limiters):
    pushes = [(f"DEMO{n:03d}", f"Tin {n}") for n in range(2, 32)]  # 30 officials
    pushes += [("DEMO002", "Tin thêm 1"), ("DEMO002", "Tin thêm 2")]
    await queue(app, pushes)
    await sender(app, channel, limiters).run_once()

    calls = [c for c in telegram.calls if c.method == "sendMessage"]
    assert len(calls) == 32
    times = sorted(c.at for c in calls)
    for first in range(len(times)):  # any one-second window holds at most RATE (+1 at its edge)
        inside = [t for t in times[first:] if t - times[first] < 1.0]
        assert len(inside) <= RATE + 1
    busiest = sorted(c.at for c in calls if str(c.params["chat_id"]) == "9002")  # DEMO002
    assert len(busiest) == 3
    assert all(b - a >= 0.95 for a, b in zip(busiest, busiest[1:], strict=False))
    assert {d.status for d in await deliveries(app)} == {DeliveryStatus.SENT}


async def test_a_database_stall_before_a_send_does_not_bunch_the_sends(
    app, telegram, channel, limiters, monkeypatch
):
    # While the 5th push is marked "sending", the outbox is locked for 0.8 s (on SQLite, a
    # checkpoint's fsync, say): the pushes behind it wait, then go on at the rate, not all at
    # once as they did when each send's slot was booked before its mark.
    deliverer = sender(app, channel, limiters)
    mark, marks = deliverer._claim, itertools.count(1)

    async def slow_fifth(delivery_id):
        if next(marks) == 5:
            async with app.sessionmaker() as session, session.begin():
                if session.bind.dialect.name == "postgresql":
                    await session.execute(text("LOCK TABLE deliveries IN EXCLUSIVE MODE"))
                await session.execute(text("SELECT 1"))  # SQLite: the write lock is taken
                await asyncio.sleep(0.8)
        return await mark(delivery_id)

    monkeypatch.setattr(deliverer, "_claim", slow_fifth)
    await queue(app, [(f"DEMO{n:03d}", f"Tin {n}") for n in range(2, 32)])
    await deliverer.run_once()

    times = sorted(c.at for c in telegram.calls if c.method == "sendMessage")
    assert len(times) == 30
    assert max(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.7  # the stall
    for first in range(len(times)):  # before, the 16 sends in flight went out together
        assert len([t for t in times[first:] if t - times[first] < 0.25]) <= RATE * 0.25 + 2


async def test_429_is_waited_out_and_403_is_blocked_for_good(app, telegram, channel):
    deliverer = sender(app, channel)
    await queue(app, [("DEMO002", "Nhắc việc")])
    telegram.fail(
        "sendMessage", ("error", 429, "Too Many Requests: retry after 1", {"retry_after": 1})
    )
    await deliverer.run_once()
    (first,) = [c for c in telegram.calls if c.method == "sendMessage"]
    assert first.params["text"] == "Nhắc việc"  # sent once, after waiting the second out
    assert (await deliveries(app))[0].status == DeliveryStatus.SENT

    await queue(app, [("DEMO003", "Thông báo mới")])
    telegram.fail("sendMessage", ("error", 403, "Forbidden: bot was blocked by the user"))
    await deliverer.run_once()
    await deliverer.run_once()  # a blocked user is not tried again
    blocked = (await deliveries(app))[1]
    assert blocked.status == DeliveryStatus.BLOCKED and blocked.attempts == 1
    assert "blocked" in blocked.last_error
    assert len([c for c in telegram.calls if c.method == "sendMessage"]) == 1
