"""Past one machine: Redis keeps one user's updates in order across worker processes, and
shares the send rate between the processes that push.

A worker that receives an update appends it to the user's list in Redis before it answers
the platform, so the list holds the updates in the order they arrived; whichever worker holds
the user's Redis lock then handles the list from the front, one update at a time.
"""

import asyncio
import contextlib
import dataclasses
import json
import logging
import time
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis

from bot.channels.base import Inflight
from handlers.types import Attachment, Incoming

log = logging.getLogger(__name__)

LOCK_SECONDS = 60  # a worker that dies holding a user's lock frees it after this long


def dump(incoming: Incoming) -> str:
    return json.dumps(dataclasses.asdict(incoming), ensure_ascii=False)


def load(raw: bytes | str) -> Incoming:
    data = json.loads(raw)
    data["attachments"] = tuple(Attachment(**a) for a in data["attachments"])
    return Incoming(**data)


class RedisInbox:
    def __init__(self, redis: Redis, handle: Callable[[Incoming], Awaitable[None]],
                 inflight: Inflight, prefix: str = "canbo"):
        self.redis = redis
        self.handle = handle
        self.inflight = inflight
        self.prefix = prefix

    async def submit(self, incoming: Incoming) -> None:
        """Queue the update in arrival order (awaited before answering the platform), then
        make sure someone is handling this user's queue."""
        queue = f"{self.prefix}:inbox:{incoming.channel}:{incoming.user_id}"
        await self.redis.rpush(queue, dump(incoming))
        self.inflight.spawn(self._drain(queue))

    async def _drain(self, queue: str) -> None:
        while True:
            lock = self.redis.lock(f"{queue}:lock", timeout=LOCK_SECONDS, blocking=False)
            if not await lock.acquire():
                return  # another worker is on it and will find our update
            try:
                while (raw := await self.redis.lpop(queue)) is not None:
                    await self.handle(load(raw))
            finally:
                await lock.release()
            # An update pushed after our last pop but before the release found the lock
            # taken; look once more so it is not left waiting.
            if not await self.redis.llen(queue):
                return


# Reserve the next send slot: overall `interval` apart, `per_chat` apart for one chat.
_RESERVE = """
local any = tonumber(redis.call('GET', KEYS[1]) or '0')
local chat = tonumber(redis.call('GET', KEYS[2]) or '0')
local slot = math.max(tonumber(ARGV[1]), any, chat)
redis.call('SET', KEYS[1], slot + tonumber(ARGV[2]), 'PX', 60000)
redis.call('SET', KEYS[2], slot + tonumber(ARGV[3]), 'PX', 60000)
return tostring(slot)
"""


class RedisRateLimiter:
    """The RateLimiter of bot.delivery with its state in Redis, shared by every process."""

    def __init__(self, redis: Redis, platform: str, rate: float, per_chat: float = 1.0,
                 prefix: str = "canbo"):
        self.redis = redis
        self.key = f"{prefix}:rate:{platform}"
        self.interval_ms = 1000 / rate
        self.per_chat_ms = per_chat * 1000
        self.reserve = redis.register_script(_RESERVE)

    @contextlib.asynccontextmanager
    async def slot(self, chat_id: str):
        """Reserves the next free slot in Redis and sleeps until it; the body sends."""
        await self._wait(chat_id)
        yield

    async def _wait(self, chat_id: str) -> None:
        now_ms = time.time() * 1000
        slot = float(await self.reserve(
            keys=[self.key, f"{self.key}:{chat_id}"],
            args=[now_ms, self.interval_ms, self.per_chat_ms],
        ))
        if slot > now_ms:
            await asyncio.sleep((slot - now_ms) / 1000)

    async def hold(self, chat_id: str, seconds: float) -> None:
        """Keep this chat quiet for a while (after a 429), in every process."""
        await self.redis.set(f"{self.key}:{chat_id}", time.time() * 1000 + seconds * 1000,
                             px=int(seconds * 1000) + 60000)
