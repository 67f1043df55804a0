"""Past one machine: Redis keeps one user's updates in order across worker processes, and
shares the send rate between the processes that push.

A worker that receives an update appends it to the user's list in Redis before it answers
the platform, so the list holds the updates in the order they arrived; whichever worker holds
the user's Redis lock then handles the list from the front, one update at a time.
"""

import asyncio
import contextlib
import dataclasses
import itertools
import json
import logging
import time
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis

from bot.channels.base import Inbox, Inflight
from handlers.types import Attachment, Incoming

log = logging.getLogger(__name__)

LOCK_SECONDS = 60  # a worker that dies holding a user's lock frees it after this long


def dump(incoming: Incoming) -> str:
    return json.dumps(dataclasses.asdict(incoming), ensure_ascii=False)


def load(raw: bytes | str) -> Incoming:
    data = json.loads(raw)
    data["attachments"] = tuple(Attachment(**a) for a in data["attachments"])
    return Incoming(**data)


def redis_inbox(redis: Redis) -> Inbox:
    """A platform channel's `inbox`: each user's updates queued in Redis, in order."""
    return lambda handle, inflight: RedisInbox(redis, handle, inflight).submit


class RedisInbox:
    def __init__(
        self,
        redis: Redis,
        handle: Callable[[Incoming], Awaitable[None]],
        inflight: Inflight,
        prefix: str = "canbo",
    ):
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
                async with _renewed(lock):
                    while (raw := await self.redis.lpop(queue)) is not None:
                        await self.handle(load(raw))
            finally:
                await lock.release()
            # An update pushed after our last pop but before the release found the lock
            # taken; look once more so it is not left waiting.
            if not await self.redis.llen(queue):
                return


@contextlib.asynccontextmanager
async def _renewed(lock):
    """Keep the lock from expiring while the handling runs (a roster import can take longer
    than LOCK_SECONDS): its time is set back to LOCK_SECONDS every third of it. Only a worker
    that dies stops renewing, and then its lock frees itself as before."""

    async def renew() -> None:
        while True:
            await asyncio.sleep(LOCK_SECONDS / 3)
            await lock.reacquire()

    renewing = asyncio.create_task(renew())
    try:
        yield
    finally:
        renewing.cancel()
        await asyncio.gather(renewing, return_exceptions=True)


# Reserve the next send slot (times in ms): `interval` after the last slot, at most `capacity`
# sends started within any second (KEYS[3]: when each started), and `per_chat` apart for one
# chat. A chat not free by then reserves nothing: the answer is minus the moment it is free
# (so one chat's pause never holds back the others).
_RESERVE = """
local now, interval, per_chat, capacity = tonumber(ARGV[1]), tonumber(ARGV[2]),
  tonumber(ARGV[3]), tonumber(ARGV[4])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - 1000)
if redis.call('ZCARD', KEYS[3]) >= capacity then
  local oldest = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')[2]
  slot = math.max(slot, tonumber(oldest) + 1000)
end
local chat = tonumber(redis.call('GET', KEYS[2]) or '0')
if chat > slot then
  return tostring(-chat)
end
redis.call('SET', KEYS[1], slot + interval, 'PX', 60000)
redis.call('SET', KEYS[2], slot + per_chat, 'PX', 60000)
return tostring(slot)
"""


class RedisRateLimiter:
    """The RateLimiter of bot.delivery with its state in Redis, shared by every process.

    As there, a chat's pause is waited outside the process's turn, and inside it the next
    slot is reserved, waited for, and the body (the "sending" mark, then the request's start)
    runs before this process reserves another: a stalled body delays the sends behind it
    instead of letting them go out in a bunch past the platform's limit. The last second's
    sends are counted from when each really started (a sorted set), in every process."""

    def __init__(
        self, redis: Redis, platform: str, rate: float, per_chat: float = 1.0, prefix: str = "canbo"
    ):
        self.redis = redis
        self.key = f"{prefix}:rate:{platform}"
        self.starts = f"{self.key}:started"  # when each send of the last second started
        self.interval_ms = 1000 / rate
        self.capacity = max(1, int(rate))
        self.per_chat_ms = per_chat * 1000
        self.reserve = redis.register_script(_RESERVE)
        self.turn = asyncio.Lock()  # one send of this process being started at a time
        self.sends = itertools.count()

    @contextlib.asynccontextmanager
    async def slot(self, chat_id: str):
        while True:
            await self.turn.acquire()
            try:
                slot = await self._reserve(chat_id)
            except BaseException:  # Redis unreachable, or we are cancelled
                self.turn.release()
                raise
            if slot >= 0:
                break
            self.turn.release()
            await _sleep_until(-slot)  # the chat's pause, outside the turn
        try:
            await _sleep_until(slot)
            yield
        finally:
            try:  # the send has started: count it from now
                started = time.time() * 1000
                await self.redis.zadd(self.starts, {f"{started}:{next(self.sends)}": started})
                await self.redis.pexpire(self.starts, 2000)
            finally:
                self.turn.release()

    async def _reserve(self, chat_id: str) -> float:
        return float(
            await self.reserve(
                keys=[self.key, f"{self.key}:{chat_id}", self.starts],
                args=[time.time() * 1000, self.interval_ms, self.per_chat_ms, self.capacity],
            )
        )

    async def hold(self, chat_id: str, seconds: float) -> None:
        """Keep this chat quiet for a while (after a 429), in every process."""
        await self.redis.set(
            f"{self.key}:{chat_id}",
            time.time() * 1000 + seconds * 1000,
            px=int(seconds * 1000) + 60000,
        )


async def _sleep_until(moment_ms: float) -> None:
    if (wait := moment_ms / 1000 - time.time()) > 0:
        await asyncio.sleep(wait)
