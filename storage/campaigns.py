"""Campaigns (pushes to many officials) and who receives each."""

from datetime import date, datetime

from sqlalchemy import and_, delete, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from knowledge.vocabulary import CourseCategory
from storage.db import insert
from storage.enums import CampaignKind, DeliveryStatus, ReportStatus
from storage.models import (
    Campaign,
    ChannelAccount,
    CourseReport,
    Delivery,
    Evaluation,
    Official,
    TrainingRegistration,
)
from storage.types import utcnow


class CampaignRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def ensure(
        self,
        key: str,
        kind: CampaignKind,
        text: str,
        audience: dict,
        send_at: datetime,
        created_by: str = "system",
    ) -> None:
        """Create the campaign unless one with this key exists (planning twice is harmless)."""
        await self.session.execute(
            insert(self.session, Campaign)
            .values(
                key=key,
                kind=kind,
                text=text,
                audience=audience,
                send_at=send_at,
                created_by=created_by,
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["key"])
        )

    async def get(self, campaign_id: int) -> Campaign | None:
        return await self.session.get(Campaign, campaign_id)

    async def delete(self, campaign: Campaign) -> None:
        """A campaign none of whose deliveries has been tried, and those deliveries."""
        await self.session.execute(delete(Delivery).where(Delivery.campaign_id == campaign.id))
        await self.session.delete(campaign)
        await self.session.flush()

    async def add(self, campaign: Campaign) -> Campaign:
        self.session.add(campaign)
        await self.session.flush()
        return campaign

    async def announced_since(self, created_by: str, since: datetime) -> list[Campaign]:
        """The announcements `created_by` made from `since` on, latest first."""
        rows = await self.session.scalars(
            select(Campaign)
            .where(
                Campaign.kind == CampaignKind.ANNOUNCEMENT,
                Campaign.created_by == created_by,
                Campaign.created_at >= since,
            )
            .order_by(Campaign.created_at.desc(), Campaign.id.desc())
        )
        return list(rows)

    async def ready(self, now: datetime) -> list[Campaign]:
        """Campaigns whose time has come and whose deliveries are not queued yet."""
        rows = await self.session.scalars(
            select(Campaign)
            .where(Campaign.send_at <= now, Campaign.expanded_at.is_(None))
            .order_by(Campaign.send_at)
        )
        return list(rows)

    async def recipients(
        self, audience: dict, official_id: int | None = None, *, linked: bool = True
    ) -> list[int]:
        """Ids of the active officials with a linked account that `audience` describes:
        {"who": "all" | "unit" | "group" | "not_submitted" | "no_self_study" |
        "not_registered", "unit_id", "group", "period", "since", "year"}, and "optional": true to skip those who turned nudges off.
        With `official_id`: that official, if the audience includes them. With `linked` off:
        those with no linked account too (whom the campaign cannot reach yet)."""
        query = select(Official.id).where(Official.active.is_(True))
        if linked:
            query = query.where(exists().where(ChannelAccount.official_id == Official.id))
        if official_id is not None:
            query = query.where(Official.id == official_id)
        who = audience.get("who", "all")
        if audience.get("unit_id"):
            query = query.where(Official.unit_id == audience["unit_id"])
        if who == "group":
            query = query.where(Official.position_group == audience["group"])
        if who == "not_submitted":
            query = query.where(
                ~exists().where(
                    Evaluation.official_id == Official.id, Evaluation.period == audience["period"]
                )
            )
        if who == "no_self_study":
            query = query.where(
                ~exists().where(
                    CourseReport.official_id == Official.id,
                    CourseReport.category == CourseCategory.DIGITAL_SELF_STUDY,
                    CourseReport.status.in_((ReportStatus.PENDING, ReportStatus.VERIFIED)),
                    CourseReport.completed_on >= date.fromisoformat(audience["since"]),
                )
            )
        if who == "not_registered":
            query = query.where(
                ~exists().where(
                    TrainingRegistration.official_id == Official.id,
                    TrainingRegistration.year == audience["year"],
                )
            )
        if audience.get("optional"):
            query = query.where(Official.nudges.is_(True))
        return list(await self.session.scalars(query.order_by(Official.id)))

    async def expanded(
        self, keys: list[str], kind: CampaignKind, since: datetime
    ) -> list[Campaign]:
        """Campaigns already sent out: those with these keys, and those of `kind` sent since
        `since` (not after now: a scheduled one goes to whoever is linked when it is due)."""
        rows = await self.session.scalars(
            select(Campaign)
            .where(
                Campaign.expanded_at.is_not(None),
                or_(Campaign.key.in_(keys), and_(Campaign.kind == kind, Campaign.send_at >= since)),
            )
            .order_by(Campaign.send_at, Campaign.id)
        )
        return list(rows)

    async def recent(self, limit: int = 5) -> list[Campaign]:
        rows = await self.session.scalars(
            select(Campaign).order_by(Campaign.send_at.desc(), Campaign.id.desc()).limit(limit)
        )
        return list(rows)

    async def progress(self, campaign_id: int, now: datetime) -> dict[str, int]:
        """How many of the campaign's deliveries are in each status; those queued are split
        into "queued" (due now), "later" (not tried yet, held for the end of the quiet hours)
        and "retry" (tried, waiting to be tried again)."""
        waiting = (Delivery.due_at > now).label("waiting")
        tried = (Delivery.attempts > 0).label("tried")
        rows = await self.session.execute(
            select(Delivery.status, waiting, tried, func.count())
            .where(Delivery.campaign_id == campaign_id)
            .group_by(Delivery.status, waiting, tried)
        )
        counts: dict[str, int] = {}
        for status, waiting, tried, count in rows:
            name = status.value
            if status in (DeliveryStatus.QUEUED, DeliveryStatus.SENDING):
                name = "retry" if waiting and tried else "later" if waiting else "queued"
            counts[name] = counts.get(name, 0) + count
        return counts
