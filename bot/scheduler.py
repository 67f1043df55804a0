"""The one scheduler: plans campaigns every few minutes (SCHEDULER_INTERVAL) and once at
start-up (the catch-up sweep); prunes old rows once a day (handlers.services.retention).

APScheduler 3 runs a single job with a fixed id (`replace_existing`), coalescing missed runs
and forgiving late ones (`misfire_grace_time`). What to send lives in our own tables and is
planned idempotently (handlers.services.campaigns.plan), so a restart neither loses nor repeats a push.
Run it in one process only (`--role scheduler` or `all`).
"""

import logging
from collections.abc import Callable
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import async_sessionmaker

from handlers.context import Options
from handlers.services.campaigns import plan
from handlers.services.retention import prune
from storage.repo import Repo
from storage.types import utcnow

log = logging.getLogger(__name__)

JOB_ID = "plan-campaigns"
PRUNE_JOB_ID = "prune-old-rows"
PRUNE_EVERY_HOURS = 24


async def plan_once(
    sessionmaker: async_sessionmaker, options: Options, clock: Callable[[], datetime] = utcnow
) -> int:
    async with sessionmaker() as session, session.begin():
        queued = await plan(Repo(session), clock(), options)
    if queued:
        log.info("queued %d pushes", queued)
    return queued


async def _planning_round(
    sessionmaker: async_sessionmaker,
    options: Options,
    on_planned: Callable[[int | None, Exception | None], None],
) -> None:
    try:
        queued = await plan_once(sessionmaker, options)
    except Exception as error:  # logged by APScheduler; told to `status` as well
        on_planned(None, error)
        raise
    on_planned(queued, None)


async def prune_once(
    sessionmaker: async_sessionmaker, options: Options, clock: Callable[[], datetime] = utcnow
) -> dict[str, int]:
    async with sessionmaker() as session, session.begin():
        pruned = await prune(Repo(session), clock(), options)
    log.info(
        "pruned old rows: %s", ", ".join(f"{count} from {table}" for table, count in pruned.items())
    )
    return pruned


def start_scheduler(
    sessionmaker: async_sessionmaker,
    options: Options,
    every_seconds: int = 300,
    on_planned: Callable[[int | None, Exception | None], None] = lambda queued, error: None,
) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=options.timezone)
    scheduler.add_job(
        _planning_round,
        IntervalTrigger(seconds=every_seconds, timezone=options.timezone),
        args=(sessionmaker, options, on_planned),
        id=JOB_ID,
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=3600,
        next_run_time=datetime.now(options.timezone),  # the catch-up sweep at start-up
    )
    scheduler.add_job(
        prune_once,
        IntervalTrigger(hours=PRUNE_EVERY_HOURS, timezone=options.timezone),
        args=(sessionmaker, options),
        id=PRUNE_JOB_ID,
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=3600,
        next_run_time=datetime.now(options.timezone),  # a bot restarted daily still prunes
    )
    scheduler.start()
    return scheduler
