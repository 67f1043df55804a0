"""Two workers sharing a user's Redis queue: a handling that outlasts the lock's time keeps
the lock, so the user's next update is never handled alongside it."""

import asyncio
import uuid

import pytest

from bot import scaleout
from bot.channels.base import Inflight
from bot.scaleout import RedisInbox
from handlers.types import Incoming
from tests.helpers import REDIS_URL


@pytest.fixture
async def redis():
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except OSError:
        await client.aclose()
        pytest.skip("needs Redis on 127.0.0.1:6379")
    yield client
    await client.aclose()


async def test_a_handling_longer_than_the_lock_is_never_joined_by_another(redis, monkeypatch):
    monkeypatch.setattr(scaleout, "LOCK_SECONDS", 0.6)  # the handling below takes 2 s
    running, overlaps, handled = set(), [], []

    async def handle(incoming: Incoming) -> None:
        if running:
            overlaps.append(incoming.text)
        running.add(incoming.text)
        await asyncio.sleep(2 if incoming.text == "import" else 0.05)
        running.discard(incoming.text)
        handled.append(incoming.text)

    prefix = f"t{uuid.uuid4().hex}"
    workers = [Inflight(), Inflight()]
    first, second = (RedisInbox(redis, handle, inflight, prefix) for inflight in workers)

    def update(text: str) -> Incoming:
        return Incoming(channel="zalo", user_id="u1", chat_id="u1", text=text)

    await first.submit(update("import"))
    await asyncio.sleep(1.2)  # twice the lock's time: it would have expired unrenewed
    await second.submit(update("câu hỏi"))  # the other worker takes the next update
    for inflight in workers:
        await inflight.drain()
    await asyncio.sleep(0.3)
    for inflight in workers:
        await inflight.drain()
    assert overlaps == []
    assert handled == ["import", "câu hỏi"]
