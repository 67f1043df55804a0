"""Sends the outbox: queued pushes go out through the channel of the official's account.

Per platform a global rate (Telegram about 25 messages a second) and at least one second
between messages to one chat; a 429 delays that one message by its `retry_after` (the others
carry on); a blocked user is recorded and never retried; network faults back off. Nothing
goes out in the quiet hours. Each push is read in a short transaction, sent outside it (no
database lock held during the network call), and its outcome written in another.
"""

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.channels.base import Channel, SendResult, SendStatus
from bot.health import ChannelState
from bot.redact import redact
from handlers.context import Options
from handlers.services.campaigns import next_allowed, still_wanted
from handlers.types import Choice, Reply
from storage.models import Delivery
from storage.repo import Repo
from storage.types import utcnow

log = logging.getLogger(__name__)

BATCH = 500
CONCURRENCY = 16  # sends in flight at once; the rate limiter paces them
INTERRUPTED_AFTER = timedelta(minutes=1)  # "sending" this long means its sender died


async def outbox_counts(sessionmaker: async_sessionmaker) -> dict:
    async with sessionmaker() as session:
        return await Repo(session).deliveries.counts(utcnow())


class RateLimiter:
    """At most `rate` sends in any second, evenly spaced, and `per_chat` seconds between two
    sends to one chat.

    A send happens inside `slot()`, one at a time: slots are spaced from start to start, and
    the next cannot begin before the body (the "sending" mark, then starting the request)
    has ended. So whatever delays a body (the database stalling on the mark) only delays the
    sends behind it and never releases them in a bunch that would cross the platform's
    limit; the last second's sends are counted from when each really started."""

    def __init__(self, rate: float, per_chat: float = 1.0, clock=time.monotonic):
        self.capacity = max(1, int(rate))
        self.interval = 1 / rate
        self.per_chat = per_chat
        self.clock = clock
        self.recent: deque[float] = deque()  # send times within the last second
        self.last = float("-inf")
        self.next_chat: dict[str, float] = {}
        self.turn = asyncio.Lock()  # one send being started at a time

    @contextlib.asynccontextmanager
    async def slot(self, chat_id: str):
        while True:  # this chat's pause outside the turn, so other chats go on meanwhile
            await self._until(self.next_chat.get(chat_id, float("-inf")))
            await self.turn.acquire()
            if self.next_chat.get(chat_id, float("-inf")) <= self.clock():
                break
            self.turn.release()  # another send to this chat got in first
        try:
            await self._until(self._rate_allows())
            self.last = self.clock()  # slots are spaced from start to start
            yield
        finally:
            now = self.clock()  # the send has started: count it from now
            self.recent.append(now)
            self.next_chat[chat_id] = max(self.next_chat.get(chat_id, now), now + self.per_chat)
            self.turn.release()

    async def hold(self, chat_id: str, seconds: float) -> None:
        """Keep this chat quiet for a while (after a 429), without slowing anyone else."""
        self.next_chat[chat_id] = max(self.next_chat.get(chat_id, 0.0), self.clock() + seconds)

    def _rate_allows(self) -> float:
        now = self.clock()
        while self.recent and now - self.recent[0] >= 1.0:
            self.recent.popleft()
        ready = self.last + self.interval
        if len(self.recent) >= self.capacity:
            ready = max(ready, self.recent[0] + 1.0)
        return ready

    async def _until(self, moment: float) -> None:
        while (wait := moment - self.clock()) > 0:
            await asyncio.sleep(wait)


class Deliverer:
    def __init__(
        self,
        sessionmaker: async_sessionmaker,
        channels: dict[str, Channel],
        options: Options | None = None,
        *,
        rates: dict[str, float] | None = None,
        limiters: dict | None = None,
        clock: Callable[[], datetime] = utcnow,
    ):
        self.sessionmaker = sessionmaker
        self.channels = channels
        self.options = options or Options()
        # Shared limiters (Redis, several processes) may be given; else one per platform here.
        self.limiters = limiters or {
            name: RateLimiter((rates or {}).get(name, 25)) for name in channels
        }
        self.clock = clock
        # Set to stop taking new pushes: those in flight finish, the rest stay queued for the
        # next start. A graceful restart so neither repeats nor drops a push.
        self.stopping = asyncio.Event()

    async def run(
        self, stop: asyncio.Event, interval: float = 2, wake: asyncio.Event | None = None
    ) -> None:
        """Send rounds until `stop`: every `interval` seconds, and at once when `wake` is set
        (something was just queued in this process)."""
        self.stopping = stop
        wake = wake or asyncio.Event()
        while not stop.is_set():
            wake.clear()
            try:
                if await self.run_once() >= BATCH:
                    continue  # a full round: more may be due, go straight on
            except Exception:  # the loop must outlive a database hiccup
                log.exception("delivery round failed")
            waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())]
            await asyncio.wait(waits, timeout=interval, return_when=asyncio.FIRST_COMPLETED)
            for waiting in waits:
                waiting.cancel()

    async def run_once(self) -> int:
        """Send what is due now; returns how many pushes were attempted."""
        now = self.clock()
        if next_allowed(now, self.options) != now:
            return 0  # quiet hours: everything waits for the morning
        async with self.sessionmaker() as session, session.begin():
            repo = Repo(session)
            await repo.deliveries.settle_interrupted(now - INTERRUPTED_AFTER)
            due = [d.id for d in await repo.deliveries.due(now, self._online(), BATCH)]
        slots = asyncio.Semaphore(CONCURRENCY)

        async def deliver(delivery_id: int) -> None:
            async with slots:
                if not self.stopping.is_set():
                    await self._deliver(delivery_id)

        await asyncio.gather(*(deliver(i) for i in due))
        return len(due)

    async def _deliver(self, delivery_id: int) -> None:
        async with self.sessionmaker() as session:
            repo = Repo(session)
            delivery = await repo.deliveries.get(delivery_id)
            wanted = await still_wanted(repo, delivery)
            chats, elsewhere = await self._chats(repo, delivery)
        if not wanted:  # recorded after the read above has let go of the database
            return await self._record(delivery_id, None)
        if elsewhere and not chats:
            return  # only a platform this process lacks reaches them: left for one that has it
        reply = Reply(
            delivery.text, tuple(Choice(label, value) for label, value in delivery.choices)
        )
        result = SendResult(SendStatus.BLOCKED, detail="no linked account")
        claimed = False
        for platform, chat_id in chats:
            limiter = self.limiters[platform]
            async with limiter.slot(chat_id):
                if self.stopping.is_set() and not claimed:
                    return  # still queued: the next start sends it
                if not claimed and not await self._claim(delivery_id):
                    return  # another sender has it
                claimed = True
                sent = await self._offered(reply, platform, chat_id)
                # Started within the slot; awaited outside it, so sends overlap.
                sending = asyncio.ensure_future(self.channels[platform].send(chat_id, sent))
            result = await sending
            if result.status is SendStatus.RETRY_AFTER:
                await limiter.hold(chat_id, result.retry_after or 1)
            if result.status is not SendStatus.BLOCKED:
                break
        if not chats and not await self._claim(delivery_id):
            return  # another sender recorded it
        await self._record(delivery_id, result)

    async def _offered(self, reply: Reply, platform: str, chat_id: str) -> Reply:
        """A push with choices becomes the chat's latest question, so its button, its number
        or its label picks one as an answer's would; in the middle of a form it goes without
        them (only the form's question can be answered there)."""
        if not reply.choices:
            return reply
        choices = [[c.label, c.value] for c in reply.choices]
        async with self.sessionmaker() as session, session.begin():
            question = await Repo(session).conversations.offer_pushed(platform, chat_id, choices)
        if question is None:  # a form is open: its own choices stay the ones to pick
            return dataclasses.replace(reply, choices=())
        return dataclasses.replace(reply, question=question)

    async def _chats(self, repo: Repo, delivery: Delivery) -> tuple[list[tuple[str, str]], bool]:
        """(platform, chat id) to try in turn: the one chat a push is addressed to, or the
        official's linked accounts, the most recently linked first (the messenger they use
        now); those of platforms this process does not run are left out, and said to be
        there (True)."""
        if delivery.platform is not None:
            chats = [(delivery.platform, delivery.chat_id)]
        else:
            accounts = sorted(
                await repo.accounts.of_official(delivery.official_id),
                key=lambda a: a.linked_at,
                reverse=True,
            )
            chats = [(a.platform, a.chat_id) for a in accounts]
        online = self._online()
        ours = [(platform, chat) for platform, chat in chats if platform in online]
        return ours, len(ours) < len(chats)

    def _online(self) -> list[str]:
        """The platforms to send through now: a channel whose platform cannot be reached (at
        start, or its polling failing) is left out, and its pushes wait for it unspent,
        instead of using up their tries and failing for good; an official with another
        account gets theirs there."""
        return [
            name
            for name, channel in self.channels.items()
            if getattr(channel, "health", None) is None
            or channel.health.state != ChannelState.RETRYING
        ]

    async def _claim(self, delivery_id: int) -> bool:
        async with self.sessionmaker() as session, session.begin():
            return await Repo(session).deliveries.claim(delivery_id, self.clock())

    async def _record(self, delivery_id: int, result: SendResult | None) -> None:
        """Write the outcome; `None` means the push was no longer wanted."""
        async with self.sessionmaker() as session, session.begin():
            deliveries = Repo(session).deliveries
            if result is None:
                await deliveries.drop(delivery_id)
            else:
                await deliveries.record_attempt(
                    delivery_id,
                    self.clock(),
                    error=None if result.ok else redact(result.detail or result.status.value),
                    gone=result.status is SendStatus.BLOCKED,
                    retry_after=(
                        (result.retry_after or 1)
                        if result.status is SendStatus.RETRY_AFTER
                        else None
                    ),
                )
