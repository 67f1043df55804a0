"""Queries on self-evaluations."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Evaluation, Official


class EvaluationRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def of(self, official_id: int, period: str) -> Evaluation | None:
        return await self.session.scalar(
            select(Evaluation).where(
                Evaluation.official_id == official_id, Evaluation.period == period
            )
        )

    async def get(self, evaluation_id: int) -> Evaluation | None:
        return await self.session.get(Evaluation, evaluation_id)

    async def save(self, evaluation: Evaluation) -> Evaluation:
        self.session.add(evaluation)
        await self.session.flush()
        return evaluation

    async def for_period(self, period: str, unit_id: int | None = None) -> list[Evaluation]:
        query = (
            select(Evaluation)
            .join(Official, Official.id == Evaluation.official_id)
            .where(Evaluation.period == period)
            .order_by(Official.unit_id, Official.full_name)
        )
        if unit_id is not None:
            query = query.where(Official.unit_id == unit_id)
        return list(await self.session.scalars(query))

    async def submitted(self, official_id: int, period: str) -> bool:
        return await self.of(official_id, period) is not None

    async def periods(self) -> list[str]:
        """The periods anyone has submitted an evaluation for."""
        return list(await self.session.scalars(select(Evaluation.period).distinct()))
