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
    DeskFile,
    DeskLink,
    DeskSession,
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


async def test_the_desks_files_past_keeping_and_spent_links_and_sessions_go(app, tmp_path):
    """Files of the web desk go from the disk and the database once past their keep time;
    login links once used or expired, sessions once ended or idle past eight hours."""
    old_file, new_file = tmp_path / "old.xlsx", tmp_path / "new.xlsx"
    for path in (old_file, new_file):
        path.write_bytes(b"PK")
    async with app.sessionmaker() as session, session.begin():
        official = await Repo(session).officials.by_code("DEMO001")

        def kept(name: str, path, expires_at) -> DeskFile:
            return DeskFile(
                key=name,
                official_id=official.id,
                kind="workbook",
                title=name,
                name=path.name,
                path=str(path),
                status="ready",
                created_at=expires_at - timedelta(days=7),
                expires_at=expires_at,
            )

        def link(name: str, expires_at, used_at=None) -> DeskLink:
            return DeskLink(
                token_hash=name, official_id=official.id, expires_at=expires_at, used_at=used_at
            )

        def browser(name: str, last_seen_at, ended_at=None) -> DeskSession:
            return DeskSession(
                token_hash=name,
                official_id=official.id,
                csrf_token="x",
                created_at=last_seen_at,
                last_seen_at=last_seen_at,
                ended_at=ended_at,
            )

        session.add_all(
            [
                kept("expired", old_file, NOW - timedelta(seconds=1)),
                kept("kept", new_file, NOW + timedelta(days=1)),
                link("used", NOW + timedelta(minutes=5), used_at=NOW - timedelta(minutes=1)),
                link("expired", NOW - timedelta(minutes=1)),
                link("unused", NOW + timedelta(minutes=5)),
                browser("ended", NOW - timedelta(hours=1), ended_at=NOW - timedelta(minutes=30)),
                browser("idle", NOW - timedelta(hours=8, minutes=1)),
                browser("live", NOW - timedelta(hours=7)),
            ]
        )

    pruned = await prune_once(app.sessionmaker, app.conversation.options, clock=lambda: NOW)

    assert await _rows(app, DeskFile, DeskFile.key) == ["kept"]
    assert not old_file.exists() and new_file.exists()
    assert await _rows(app, DeskLink, DeskLink.token_hash) == ["unused"]
    assert await _rows(app, DeskSession, DeskSession.token_hash) == ["live"]
    assert pruned["desk_files"] == 1 and pruned["desk_links_and_sessions"] == 4
