"""The outbox of pushed messages: queued in the same transaction as the change they announce."""

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import insert
from storage.enums import DeliveryStatus
from storage.models import ChannelAccount, Delivery
from storage.types import utcnow

QUEUED_FLAG = "outbox_queued"  # set in a session's info when it queued a push
MAX_ATTEMPTS = 5
BACKOFF = timedelta(minutes=1)  # doubled after each failed attempt


class DeliveryRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def enqueue(
        self,
        key: str,
        official_id: int,
        text: str,
        choices: list[tuple[str, str]] = (),
        due_at: datetime | None = None,
        campaign_id: int | None = None,
        condition: str | None = None,
        to: tuple[str, str] | None = None,
    ) -> bool:
        """Queue a message unless one with this key exists; True if it was queued now. It goes
        to the official's linked accounts, or with `to` (platform, chat id) to that chat."""
        result = await self.session.execute(
            insert(self.session, Delivery)
            .values(
                key=key,
                official_id=official_id,
                text=text,
                choices=[list(c) for c in choices],
                status=DeliveryStatus.QUEUED,
                due_at=due_at or utcnow(),
                campaign_id=campaign_id,
                condition=condition,
                platform=to[0] if to else None,
                chat_id=to[1] if to else None,
                attempts=0,
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["key"])
        )
        if result.rowcount == 1:
            self.session.info[QUEUED_FLAG] = True  # the sender is woken once this commits
        return result.rowcount == 1

    async def keys_starting(self, prefix: str) -> set[str]:
        """The keys of the pushes queued (or sent) under `prefix`: who already has one."""
        rows = await self.session.scalars(
            select(Delivery.key).where(Delivery.key.startswith(prefix, autoescape=True))
        )
        return set(rows)

    async def due(
        self, now: datetime, platforms: Collection[str], limit: int = 100
    ) -> list[Delivery]:
        """Queued pushes due now that a sender with these platforms can send: addressed to
        one of them, or to an official with an account on one of them, or with no account
        at all (recorded as blocked). Those only another platform can reach stay queued for
        a process that has it."""
        accounts = select(ChannelAccount.id).where(
            ChannelAccount.official_id == Delivery.official_id
        )
        reachable = or_(
            Delivery.platform.in_(platforms),
            and_(
                Delivery.platform.is_(None),
                or_(
                    accounts.where(ChannelAccount.platform.in_(platforms)).exists(),
                    ~accounts.exists(),
                ),
            ),
        )
        rows = await self.session.scalars(
            select(Delivery)
            .where(Delivery.status == DeliveryStatus.QUEUED, Delivery.due_at <= now, reachable)
            .order_by(Delivery.due_at, Delivery.id)
            .limit(limit)
        )
        return list(rows)

    async def settle_interrupted(self, before: datetime) -> int:
        """Pushes left "sending" by a process that died mid-send, before `before`.

        The platform may or may not have received them, and there is no asking it; they are
        counted as sent (at most once: a duplicate would be worse than the rare lost one,
        and only the one push in flight at the moment of the crash is in doubt)."""
        result = await self.session.execute(
            update(Delivery)
            .where(Delivery.status == DeliveryStatus.SENDING, Delivery.sent_at < before)
            .values(
                status=DeliveryStatus.SENT,
                last_error="outcome unknown: the sender stopped while sending",
            )
        )
        return result.rowcount

    async def counts(self, now: datetime) -> dict:
        """The outbox at a glance: waiting and due, waiting for later, being sent, failed for
        good, and since when the oldest due push has waited."""
        waiting = Delivery.status == DeliveryStatus.QUEUED
        row = (
            await self.session.execute(
                select(
                    func.count().filter(waiting, Delivery.due_at <= now),
                    func.count().filter(waiting, Delivery.due_at > now),
                    func.count().filter(Delivery.status == DeliveryStatus.SENDING),
                    func.count().filter(Delivery.status == DeliveryStatus.FAILED),
                    func.min(Delivery.due_at).filter(waiting, Delivery.due_at <= now),
                )
            )
        ).one()
        oldest = row[4]
        return {
            "due": row[0],
            "later": row[1],
            "sending": row[2],
            "failed": row[3],
            "oldest_due_at": oldest.isoformat() if oldest else None,
        }

    async def get(self, delivery_id: int) -> Delivery | None:
        return await self.session.get(Delivery, delivery_id)

    async def claim(self, delivery_id: int, now: datetime) -> bool:
        """Take a due push for sending; False when another sender has it already.

        One conditional update, so of any number of senders (two processes, a restarted
        one) exactly one gets it: on PostgreSQL a second UPDATE of the row waits for the
        first to commit and then finds the status changed; SQLite runs one writer at a time.
        Written just before the platform call, so a crash from then on is not re-sent after
        a restart (see `settle_interrupted`)."""
        result = await self.session.execute(
            update(Delivery)
            .where(
                Delivery.id == delivery_id,
                Delivery.status == DeliveryStatus.QUEUED,
                Delivery.due_at <= now,
            )
            .values(status=DeliveryStatus.SENDING, sent_at=now)
        )
        return result.rowcount == 1

    async def drop(self, delivery_id: int) -> None:
        """No longer wanted when its turn came (the official already submitted); left alone
        if another sender has taken it meanwhile."""
        await self.session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, Delivery.status == DeliveryStatus.QUEUED)
            .values(status=DeliveryStatus.DROPPED)
        )

    async def record_attempt(
        self,
        delivery_id: int,
        now: datetime,
        *,
        error: str | None = None,
        gone: bool = False,
        retry_after: float | None = None,
    ) -> None:
        """One try's outcome: sent (no `error`), the person `gone` (never retried), or
        failed: queued again after `retry_after` seconds (a rate limit) or a doubling backoff,
        until MAX_ATTEMPTS."""
        delivery = await self.get(delivery_id)
        delivery.attempts += 1
        delivery.last_error = error
        if error is None:
            delivery.status, delivery.sent_at = DeliveryStatus.SENT, now
        elif gone:
            delivery.status = DeliveryStatus.BLOCKED
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
        else:
            wait = (
                timedelta(seconds=retry_after)
                if retry_after is not None
                else BACKOFF * 2 ** (delivery.attempts - 1)
            )
            delivery.status, delivery.due_at = DeliveryStatus.QUEUED, now + wait
