"""Queries on units and officials."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Official, Unit


class OfficialRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def by_code(self, code: str) -> Official | None:
        return await self.session.scalar(
            select(Official).where(func.upper(Official.code) == code.strip().upper())
        )

    async def count(self) -> int:
        return await self.session.scalar(select(func.count()).select_from(Official))

    async def unit_by_code(self, code: str) -> Unit | None:
        return await self.session.scalar(select(Unit).where(Unit.code == code))
