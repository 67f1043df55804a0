"""What the bot forgets, once a day (bot.scheduler): rows that only grow and are of no use
after a while.

- processed update ids, after UPDATE_IDS_KEPT: they only guard against a platform delivering
  the same update twice, which happens within hours;
- questions from strangers (accounts linked to no official), wrong invite codes typed, and
  conversation states untouched (a form abandoned that long is dropped, telling nobody),
  after RETENTION_DAYS.

The audit log, reports, evaluations, campaigns and deliveries are never touched here.
"""

from datetime import datetime, timedelta

from handlers.context import Options
from storage.repo import Repo

UPDATE_IDS_KEPT = timedelta(days=7)  # at most RETENTION_DAYS, whose least is 7


async def prune(repo: Repo, now: datetime, options: Options) -> dict[str, int]:
    """Delete what is past keeping; how many rows went, per table."""
    kept = now - timedelta(days=options.retention_days)
    return {
        "processed_updates": await repo.conversations.prune_updates(now - UPDATE_IDS_KEPT),
        "question_log": await repo.questions.prune_strangers(kept),
        "link_failures": await repo.accounts.prune_failures(kept),
        "conversation_states": await repo.conversations.prune_states(kept),
    }
