"""Queries on units and officials, and the writes a roster import makes."""

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChannelAccount, Official, Unit
from storage.types import Bounded, max_length


def text_limits() -> dict[str, int]:
    """The longest value each text column of an official takes ("unit": a unit's name).

    Read from the schema so that checking an imported file never drifts from the columns.
    """
    limits = {
        column.name: max_length(column)
        for column in Official.__table__.columns
        if isinstance(column.type, Bounded)
    }
    limits["unit"] = max_length(Unit.name)
    limits["unit_code"] = max_length(Unit.code)
    return limits


class OfficialRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def by_code(self, code: str) -> Official | None:
        return await self.session.scalar(
            select(Official).where(func.upper(Official.code) == code.strip().upper())
        )

    async def get(self, official_id: int) -> Official | None:
        return await self.session.get(Official, official_id)

    async def count(self) -> int:
        return await self.session.scalar(select(func.count()).select_from(Official))

    async def unit_by_code(self, code: str) -> Unit | None:
        return await self.session.scalar(select(Unit).where(Unit.code == code))

    async def all(self) -> list[Official]:
        """Every official, active or not, by code (their unit loaded with them)."""
        return list(await self.session.scalars(select(Official).order_by(Official.code)))

    async def names(
        self, unit_id: int | None = None, *, unlinked: bool = False, active: bool = False
    ) -> list[tuple[int, str, str]]:
        """(id, code, full name) of the officials of a unit (None: all), by code; only those
        with no messaging account linked yet (`unlinked`), only those still working
        (`active`). Light rows: a search folds the names, then loads the page it shows."""
        query = select(Official.id, Official.code, Official.full_name)
        if unit_id is not None:
            query = query.where(Official.unit_id == unit_id)
        if unlinked:
            query = query.where(~exists().where(ChannelAccount.official_id == Official.id))
        if active:
            query = query.where(Official.active)
        return [tuple(row) for row in await self.session.execute(query.order_by(Official.code))]

    async def by_ids(self, ids: list[int]) -> list[Official]:
        """These officials (their units loaded), by code; ids not found are left out."""
        if not ids:
            return []
        query = select(Official).where(Official.id.in_(ids)).order_by(Official.code)
        return list(await self.session.scalars(query))

    async def units(self) -> list[Unit]:
        return list(await self.session.scalars(select(Unit).order_by(Unit.code)))

    def add_unit(self, code: str, name: str) -> Unit:
        unit = Unit(code=code, name=name)
        self.session.add(unit)
        return unit

    def add(self, **fields) -> Official:
        official = Official(**fields)
        self.session.add(official)
        return official

    def change(self, official: Official, **fields) -> None:
        for name, value in fields.items():
            setattr(official, name, value)

    async def flush(self) -> None:
        """Send pending adds and changes now, so a conflict surfaces here and not at commit."""
        await self.session.flush()
