"""Conversation state per platform user, and the update ids already handled."""

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import insert
from storage.models import ChannelAccount, ConversationState, ProcessedUpdate
from storage.types import utcnow

QUESTIONS = 100_000  # question numbers wrap around here (as handlers.conversation numbers them)


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

    async def offer_pushed(
        self, platform: str, chat_id: str, choices: list[list[str]]
    ) -> int | None:
        """A push with choices is the latest question of the account chatting in `chat_id`,
        unless a form is open there: its choices are the ones "1" or a label then picks, under
        a new question number (returned; None when a form is open or the chat is unknown).
        One conditional UPDATE, so a form opened meanwhile keeps its own choices."""
        user = await self.session.scalar(
            select(ChannelAccount.external_user_id).where(
                ChannelAccount.platform == platform, ChannelAccount.chat_id == chat_id
            )
        )
        if user is None:
            return None
        await self.session.execute(  # first contact: a state with no form open
            insert(self.session, ConversationState.__table__)
            .values(
                platform=platform,
                external_user_id=user,
                step=0,
                answers={},
                choices=[],
                question=0,
                updated_at=utcnow(),
            )
            .on_conflict_do_nothing()
        )
        where = (
            ConversationState.platform == platform,
            ConversationState.external_user_id == user,
            ConversationState.form.is_(None),
        )
        result = await self.session.execute(
            update(ConversationState)
            .where(*where)
            .values(choices=choices, question=(ConversationState.question + 1) % QUESTIONS)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return None
        return await self.session.scalar(select(ConversationState.question).where(*where))

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
