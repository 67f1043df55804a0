"""Builds the running bot from settings: database, migrations, conversation."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.config import Settings
from handlers.app import build_router
from handlers.context import Options
from handlers.conversation import Conversation
from handlers.jobs import Jobs
from handlers.periods import Calendar
from handlers.texts import t
from knowledge.answers import KnowledgeBase
from storage import db
from storage.backup import BackupError

log = logging.getLogger(__name__)


class DatabaseUnavailable(Exception):
    """The database cannot be reached or migrated; the message is one line for the operator."""


@dataclass
class App:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker
    conversation: Conversation


def options_from(settings: Settings) -> Options:
    return Options(
        timezone=settings.zone,
        invite_ttl=timedelta(days=settings.invite_ttl_days),
        telegram_username=settings.telegram_bot_username,
        calendar=Calendar(settings.eval_open_day, settings.eval_due_day, settings.reminder_days),
        excellent_share=settings.excellent_share,
        self_study_days=settings.self_study_days,
        knowledge_dir=settings.knowledge_dir,
        catch_up_days=settings.catch_up_days,
        quiet=settings.quiet,
        summaries_dir=settings.summaries_dir,
        rate_limit_per_minute=settings.rate_limit_per_minute,
        rate_limit_stranger_per_minute=settings.rate_limit_stranger_per_minute,
        retention_days=settings.retention_days,
        roster_max_bytes=settings.roster_max_bytes,
        roster_max_rows=settings.roster_max_rows,
        desk_url=settings.desk_url,
        desk_keep_days=settings.desk_keep_days,
        photos_by_link=frozenset() if settings.files_url else frozenset({"zalo"}),
    )


def safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@asynccontextmanager
async def open_app(
    settings: Settings, *, migrate: bool = True, **engine_kwargs
) -> AsyncIterator[App]:
    """Connect, bring the schema up to date and assemble the conversation."""
    if make_url(settings.database_url).get_backend_name() == "postgresql":
        engine_kwargs.setdefault("connect_args", {}).setdefault("timeout", 10)
    try:
        engine = db.create_engine(settings.database_url, **engine_kwargs)
    except OSError as error:
        raise DatabaseUnavailable(_unreachable(settings, error)) from None
    try:
        if migrate:
            try:
                await db.upgrade(engine)
            except BackupError as error:
                reason = backup_problem(error)
                raise DatabaseUnavailable(
                    t("backup.before_upgrade_failed", reason=reason)
                ) from None
            except (OSError, SQLAlchemyError) as error:
                raise DatabaseUnavailable(_unreachable(settings, error)) from None
        sessionmaker = db.sessionmaker(engine)
        # Each background job connects on its own, the way this engine did.
        jobs = Jobs(
            partial(db.create_engine, settings.database_url, **engine_kwargs),
            workers=settings.job_workers,
        )
        conversation = Conversation(
            sessionmaker,
            build_router(),
            options_from(settings),
            knowledge=KnowledgeBase(settings.knowledge_dir),
            transactions=db.transaction_slots(engine),
            jobs=jobs,
        )
        yield App(settings, engine, sessionmaker, conversation)
    finally:
        await engine.dispose()


def backup_problem(error: BackupError) -> str:
    return t(f"backup.{error.kind}", detail=error.detail)


def _unreachable(settings: Settings, error: Exception) -> str:
    # The driver's own message, first line only: SQLAlchemy appends SQL and a help link.
    cause = getattr(error, "orig", None) or error
    reason = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
    return f"Không kết nối được cơ sở dữ liệu {safe_url(settings.database_url)}: {reason}"
