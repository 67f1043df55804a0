"""What the bot forgets, once a day (bot.scheduler): rows that only grow and are of no use
after a while.

- processed update ids, after UPDATE_IDS_KEPT: they only guard against a platform delivering
  the same update twice, which happens within hours;
- questions from strangers (accounts linked to no official), wrong invite codes typed, and
  conversation states untouched (a form abandoned that long is dropped, telling nobody),
  after RETENTION_DAYS;
- the web desk's files past their keep time (DESK_KEEP_DAYS, set on each when it was made),
  from the disk and the database; its login links once used or expired, and its sessions
  once ended or idle past IDLE (they can no longer be used).

The audit log, reports, evaluations, campaigns and deliveries are never touched here.
"""

from datetime import datetime, timedelta
from pathlib import Path

from handlers.context import Options
from handlers.services.desk import IDLE
from storage.repo import Repo

UPDATE_IDS_KEPT = timedelta(days=7)  # at most RETENTION_DAYS, whose least is 7


async def prune(repo: Repo, now: datetime, options: Options) -> dict[str, int]:
    """Delete what is past keeping; how many rows went, per table."""
    kept = now - timedelta(days=options.retention_days)
    files, links_and_sessions = await repo.desk.prune(now, now - IDLE)
    for path in files:
        Path(path).unlink(missing_ok=True)
    return {
        "processed_updates": await repo.conversations.prune_updates(now - UPDATE_IDS_KEPT),
        "question_log": await repo.questions.prune_strangers(kept),
        "link_failures": await repo.accounts.prune_failures(kept),
        "conversation_states": await repo.conversations.prune_states(kept),
        "desk_files": len(files),
        "desk_links_and_sessions": links_and_sessions,
    }
