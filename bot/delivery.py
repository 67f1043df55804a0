"""Sends the outbox: queued pushes go out through the channel of the official's account.

Each push is read in a short transaction, sent outside it (no database lock held during the
network call), and its outcome written in another: sent; blocked (no reachable account);
retried later on a rate limit or a transient fault; failed after MAX_ATTEMPTS.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.channels.base import Channel, SendResult, SendStatus
from handlers.types import Choice, Reply
from storage.enums import DeliveryStatus
from storage.models import Delivery
from storage.repo import Repo
from storage.types import utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF = timedelta(minutes=1)  # doubled after each failed attempt


class Deliverer:
    def __init__(
        self,
        sessionmaker: async_sessionmaker,
        channels: dict[str, Channel],
        clock: Callable[[], datetime] = utcnow,
    ):
        self.sessionmaker = sessionmaker
        self.channels = channels
        self.clock = clock

    async def run(self, stop: asyncio.Event, interval: float = 5) -> None:
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:  # the loop must outlive a database hiccup
                log.exception("delivery round failed")
            with contextlib.suppress(TimeoutError):  # the pause between rounds
                await asyncio.wait_for(stop.wait(), interval)

    async def run_once(self) -> int:
        """Send what is due now; returns how many pushes were attempted."""
        async with self.sessionmaker() as session:
            due = await Repo(session).deliveries.due(self.clock())
        for delivery in due:
            await self._deliver(delivery.id)
        return len(due)

    async def _deliver(self, delivery_id: int) -> None:
        async with self.sessionmaker() as session:
            repo = Repo(session)
            delivery = await session.get(Delivery, delivery_id)
            accounts = [a for a in await repo.accounts.of_official(delivery.official_id)
                        if a.platform in self.channels]
        # The most recently linked account first: the messenger the official uses now.
        accounts.sort(key=lambda a: a.linked_at, reverse=True)
        reply = Reply(delivery.text, tuple(Choice(label, value) for label, value in delivery.choices))
        result = SendResult(SendStatus.BLOCKED, detail="no linked account")
        for account in accounts:
            result = await self.channels[account.platform].send(account.chat_id, reply)
            if result.status is not SendStatus.BLOCKED:
                break
        await self._record(delivery_id, result)

    async def _record(self, delivery_id: int, result: SendResult) -> None:
        now = self.clock()
        async with self.sessionmaker() as session, session.begin():
            delivery = await session.get(Delivery, delivery_id)
            delivery.attempts += 1
            delivery.last_error = None if result.ok else (result.detail or result.status.value)
            if result.ok:
                delivery.status, delivery.sent_at = DeliveryStatus.SENT, now
            elif result.status is SendStatus.BLOCKED:
                delivery.status = DeliveryStatus.BLOCKED
            elif delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = DeliveryStatus.FAILED
            elif result.status is SendStatus.RETRY_AFTER:
                delivery.due_at = now + timedelta(seconds=result.retry_after or 1)
            else:
                delivery.due_at = now + BACKOFF * 2 ** (delivery.attempts - 1)
