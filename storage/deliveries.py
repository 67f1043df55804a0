"""The outbox of pushed messages: queued in the same transaction as the change they announce."""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import insert
from storage.enums import DeliveryStatus
from storage.models import Delivery
from storage.types import utcnow

QUEUED_FLAG = "outbox_queued"  # set in a session's info when it queued a push


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

    async def due(self, now: datetime, limit: int = 100) -> list[Delivery]:
        rows = await self.session.scalars(
            select(Delivery)
            .where(Delivery.status == DeliveryStatus.QUEUED, Delivery.due_at <= now)
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
            .values(status=DeliveryStatus.SENT,
                    last_error="outcome unknown: the sender stopped while sending")
        )
        return result.rowcount

    async def for_official(self, official_id: int) -> list[Delivery]:
        rows = await self.session.scalars(
            select(Delivery).where(Delivery.official_id == official_id).order_by(Delivery.id)
        )
        return list(rows)
