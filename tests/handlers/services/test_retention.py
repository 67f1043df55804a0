"""Retention: the scheduler's daily prune removes what is past keeping (old update ids,
strangers' questions, wrong invite codes, abandoned conversation states) and nothing else."""

import logging
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from bot.scheduler import prune_once
from handlers.types import Incoming
from storage.models import (
    AuditEntry,
    ConversationState,
    CourseReport,
    Delivery,
    LinkFailure,
    ProcessedUpdate,
    QuestionLog,
)
from storage.repo import Repo
from storage.types import utcnow
from tests.helpers.app import chat_as
from tests.helpers.sample_form import install_form

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)
OLD = NOW - timedelta(days=91)  # past RETENTION_DAYS (90 by default)
RECENT = NOW - timedelta(days=6)  # within every retention period


def _question(at: datetime, linked: bool | None, text: str) -> QuestionLog:
    return QuestionLog(at=at, platform="zalo", question=text, folded=text, score=0.1, linked=linked)


async def _rows(app, model, column=None) -> list:
    async with app.sessionmaker() as session:
        if column is None:
            return [await session.scalar(select(func.count()).select_from(model))]
        return sorted(await session.scalars(select(column)))


async def test_prune_removes_only_what_is_past_keeping(app, caplog):
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        official = await repo.officials.by_code("DEMO010")
        session.add_all(
            [
                ProcessedUpdate(
                    platform="zalo", update_id="8-days", processed_at=NOW - timedelta(days=8)
                ),
                ProcessedUpdate(platform="zalo", update_id="6-days", processed_at=RECENT),
                _question(OLD, False, "old stranger"),
                _question(OLD, None, "old, asked before askers were recorded"),
                _question(OLD, True, "old official"),
                _question(RECENT, False, "recent stranger"),
                LinkFailure(platform="zalo", external_user_id="guess", at=OLD),
                LinkFailure(platform="zalo", external_user_id="guess", at=RECENT),
                ConversationState(
                    platform="zalo",
                    external_user_id="gone",
                    form="baocao",
                    step=2,
                    answers={"name": "Tin học"},
                    choices=[],
                    updated_at=OLD,
                ),
                ConversationState(
                    platform="zalo",
                    external_user_id="here",
                    step=0,
                    answers={},
                    choices=[],
                    updated_at=RECENT,
                ),
                AuditEntry(at=OLD, actor="official:DEMO001", action="verify", entity="report"),
            ]
        )
        await repo.deliveries.enqueue("old-push", official.id, "Nhắc việc", due_at=OLD)
        await session.flush()
        await session.execute(Delivery.__table__.update().values(created_at=OLD))
    kept = {model: await _rows(app, model) for model in (AuditEntry, CourseReport, Delivery)}

    with caplog.at_level(logging.INFO, logger="bot.scheduler"):
        await prune_once(app.sessionmaker, app.conversation.options, clock=lambda: NOW)

    assert await _rows(app, ProcessedUpdate, ProcessedUpdate.update_id) == ["6-days"]
    assert await _rows(app, QuestionLog, QuestionLog.question) == [
        "old official",
        "recent stranger",
    ]
    assert await _rows(app, LinkFailure, LinkFailure.at) == [RECENT]
    assert await _rows(app, ConversationState, ConversationState.external_user_id) == ["here"]
    # Audit log, reports and the outbox are never pruned, however old.
    assert {model: await _rows(app, model) for model in kept} == kept
    assert (
        "pruned old rows: 1 from processed_updates, 2 from question_log, "
        "1 from link_failures, 1 from conversation_states"
    ) in caplog.text


async def test_a_form_abandoned_for_months_is_gone_and_the_user_starts_afresh(app):
    install_form(app)
    chat = await chat_as(app, "DEMO010")
    await chat.send("/thu", "1")  # the sample form, waiting for a course name

    later = utcnow() + timedelta(days=91)
    await prune_once(app.sessionmaker, app.conversation.options, clock=lambda: later)

    out = await chat.send("Khóa học ngắn")  # now a question, not the form's answer
    assert "Ngày hoàn thành" not in out


async def test_a_shorter_retention_is_honoured(app):
    async with app.sessionmaker() as session, session.begin():
        session.add_all(
            [
                _question(NOW - timedelta(days=31), False, "a month old"),
                _question(NOW - timedelta(days=29), False, "four weeks old"),
            ]
        )
    options = app.conversation.with_options(retention_days=30).options

    await prune_once(app.sessionmaker, options, clock=lambda: NOW)

    assert await _rows(app, QuestionLog, QuestionLog.question) == ["four weeks old"]


async def test_questions_asked_in_chat_outlive_retention_only_for_officials(app):
    question = "lịch thi đấu bóng đá tuần này"  # not in the plan: logged for admins
    await app.conversation.handle(Incoming("zalo", "z-stranger", "z-stranger", text=question))
    await (await chat_as(app, "DEMO010")).send(question + " nhé")

    later = utcnow() + timedelta(days=91)
    await prune_once(app.sessionmaker, app.conversation.options, clock=lambda: later)

    assert await _rows(app, QuestionLog, QuestionLog.question) == [question + " nhé"]
