"""Questions the bot could not answer with confidence."""

from datetime import datetime

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import QuestionLog

_LOG = insert(QuestionLog.__table__)


class QuestionRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def log(
        self,
        platform: str,
        question: str,
        folded: str,
        score: float,
        suggested: list[str],
        *,
        linked: bool,
    ) -> None:
        # A prebuilt statement in this transaction: strangers' questions are often the
        # unanswered ones, and the ORM's unit of work cost more than the row (issue 20).
        await self.session.execute(
            _LOG,
            {
                "platform": platform,
                "question": question[:1000],
                "folded": folded,  # shortened by its column type, as is `suggested`
                "score": score,
                "suggested": ",".join(suggested) or None,
                "linked": linked,
            },
        )

    async def prune_strangers(self, before: datetime) -> int:
        """Delete questions asked by strangers before `before`; how many went."""
        result = await self.session.execute(
            delete(QuestionLog).where(
                QuestionLog.at < before,
                or_(QuestionLog.linked.is_(None), QuestionLog.linked.is_(False)),
            )
        )
        return result.rowcount

    async def most_frequent(
        self, since: datetime, limit: int = 10
    ) -> list[tuple[str, int, datetime]]:
        """(an example wording, how often, last asked) per question, most asked first."""
        rows = await self.session.execute(
            select(
                func.max(QuestionLog.question),
                func.count(),
                func.max(QuestionLog.at),
            )
            .where(QuestionLog.at >= since)
            .group_by(QuestionLog.folded)
            .order_by(func.count().desc(), func.max(QuestionLog.at).desc())
            .limit(limit)
        )
        return [tuple(row) for row in rows]
