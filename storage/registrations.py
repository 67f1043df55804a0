"""Annual training registrations (plan III.2.d) and the settings admins choose from chat."""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CommuneSetting, Official, TrainingRegistration
from storage.types import utcnow


class RegistrationRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def for_year(self, year: int, unit_id: int | None = None) -> list[TrainingRegistration]:
        """The registrations for training in `year` of active officials, by unit and name."""
        query = (
            select(TrainingRegistration)
            .join(Official, Official.id == TrainingRegistration.official_id)
            .where(TrainingRegistration.year == year, Official.active.is_(True))
            .order_by(Official.unit_id, Official.full_name, Official.id, TrainingRegistration.id)
        )
        if unit_id is not None:
            query = query.where(Official.unit_id == unit_id)
        return list(await self.session.scalars(query))

    async def of_official(self, official_id: int, year: int) -> list[TrainingRegistration]:
        """One official's registrations for `year`, in the order they were made."""
        rows = await self.session.scalars(
            select(TrainingRegistration)
            .where(
                TrainingRegistration.official_id == official_id,
                TrainingRegistration.year == year,
            )
            .order_by(TrainingRegistration.id)
        )
        return list(rows)

    async def get(self, registration_id: int) -> TrainingRegistration | None:
        return await self.session.get(TrainingRegistration, registration_id)

    async def add(self, registration: TrainingRegistration) -> TrainingRegistration:
        self.session.add(registration)
        await self.session.flush()
        return registration

    async def delete(self, registration: TrainingRegistration) -> None:
        await self.session.delete(registration)
        await self.session.flush()

    async def registered(self, official_id: int, year: int) -> bool:
        """Whether the official has registered anything for `year` (reminders skip them)."""
        found = await self.session.scalar(
            select(TrainingRegistration.id)
            .where(
                TrainingRegistration.official_id == official_id,
                TrainingRegistration.year == year,
            )
            .limit(1)
        )
        return found is not None


class SettingRepo:
    """Commune settings, each a small JSON value under a key."""

    def __init__(self, session: AsyncSession):
        self.session = session

    async def get(self, key: str) -> dict[str, Any] | None:
        setting = await self.session.get(CommuneSetting, key)
        return None if setting is None else setting.value

    async def set(self, key: str, value: dict[str, Any], updated_by: str) -> None:
        setting = await self.session.get(CommuneSetting, key)
        now: datetime = utcnow()
        if setting is None:
            self.session.add(
                CommuneSetting(key=key, value=value, updated_by=updated_by, updated_at=now)
            )
        else:
            setting.value = value
            setting.updated_by = updated_by
            setting.updated_at = now
        await self.session.flush()
