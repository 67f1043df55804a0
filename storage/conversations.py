"""Conversation state per platform user, and the update ids already handled."""

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import insert
from storage.models import ConversationState, ProcessedUpdate


class ConversationRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def state(self, platform: str, external_user_id: str) -> ConversationState:
        """The user's state row, created (in this transaction) on first contact."""
        state = await self.session.get(ConversationState, (platform, external_user_id))
        if state is None:
            state = ConversationState(
                platform=platform,
                external_user_id=external_user_id,
                step=0,
                answers={},
                choices=[],
                question=0,
            )
            self.session.add(state)
        return state

    async def claim_update(self, platform: str, update_id: str) -> bool:
        """Record an update id; False when it was recorded before (a redelivery)."""
        # On the table, not the mapped class: an ORM insert costs more than the statement.
        result = await self.session.execute(
            insert(self.session, ProcessedUpdate.__table__)
            .values(platform=platform, update_id=update_id)
            .on_conflict_do_nothing()
        )
        return result.rowcount == 1

    async def prune_updates(self, before: datetime) -> int:
        """Forget the update ids handled before `before`; how many went."""
        result = await self.session.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < before)
        )
        return result.rowcount

    async def prune_states(self, before: datetime) -> int:
        """Delete the states untouched since before `before` (an abandoned form with them):
        the user starts afresh, as on first contact; how many went."""
        result = await self.session.execute(
            delete(ConversationState).where(ConversationState.updated_at < before)
        )
        return result.rowcount
