"""The audit log: who changed or read what, when, and the values before and after."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry


class AuditRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def record(
        self,
        actor: str,
        action: str,
        entity: str,
        entity_id: Any = None,
        *,
        before: dict | None = None,
        after: dict | None = None,
        note: str | None = None,
    ) -> None:
        self.session.add(
            AuditEntry(
                actor=actor,
                action=action,
                entity=entity,
                entity_id=None if entity_id is None else str(entity_id),
                before=before,
                after=after,
                note=note,
            )
        )
