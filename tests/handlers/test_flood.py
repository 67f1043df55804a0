"""Floods: one account sending far more than a person types gets a few answers, one polite
note, then silence until its minute passes; nothing of it reaches the database."""

import itertools

import pytest
from sqlalchemy import func, select

from handlers.limits import MessageLimits
from handlers.texts import t
from handlers.types import Incoming
from storage.models import ProcessedUpdate, QuestionLog
from storage.repo import Repo
from tests.helpers.app import chat_as, invite_code

SLOW_DOWN = t("common.slow_down")
QUESTION = "lịch thi đấu bóng đá tuần này"  # not in the plan: logged for admins when handled
UPDATE_IDS = itertools.count()


@pytest.fixture
def clock(app) -> list[float]:
    """The limits' clock, in seconds; tests move it."""
    now = [1000.0]
    app.conversation.limits = MessageLimits(clock=lambda: now[0])
    return now


async def _send(app, channel: str, user: str, count: int, text: str = QUESTION) -> list[str]:
    """What `user` got back for each of `count` messages: the replies' texts joined, or ""."""
    got = []
    for _ in range(count):
        replies = await app.conversation.handle(
            Incoming(channel, user, user, text=text, update_id=str(next(UPDATE_IDS)))
        )
        got.append("\n".join(reply.text for reply in replies))
    return got


async def _count(app, model) -> int:
    async with app.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_a_stranger_flooding_gets_six_answers_one_note_then_silence(app, clock):
    got = await _send(app, "zalo", "stranger1", 50)

    answered = [text for text in got if text and text != SLOW_DOWN]
    assert len(answered) == 6
    assert got[6] == SLOW_DOWN and got.count(SLOW_DOWN) == 1
    assert got[7:] == [""] * 43
    # Only what was answered touched the database.
    assert await _count(app, ProcessedUpdate) == 6
    assert await _count(app, QuestionLog) == 6


async def test_after_the_minute_the_stranger_is_answered_again(app, clock):
    await _send(app, "zalo", "stranger2", 10)
    clock[0] += 30
    assert await _send(app, "zalo", "stranger2", 1) == [""]  # still inside the minute
    clock[0] += 31
    (again,) = await _send(app, "zalo", "stranger2", 1)
    assert again and again != SLOW_DOWN


async def test_a_linked_official_has_the_higher_limit(app, clock):
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        official = await repo.officials.by_code("DEMO010")
        await repo.accounts.link(official, "telegram", "4242", "4242", "Tuấn")

    got = await _send(app, "telegram", "4242", 25, text="/toi")

    assert all("Hoàng Minh Tuấn" in text for text in got[:20])
    assert got[20] == SLOW_DOWN and got[21:] == [""] * 4


async def test_the_console_is_never_limited(app, clock):
    chat = await chat_as(app, "DEMO010")
    out = await chat.send(*["/toi"] * 30)
    assert out.count("Hoàng Minh Tuấn (mã DEMO010)") == 30 and SLOW_DOWN not in out


async def test_memory_stays_bounded_however_many_strangers_write(app, clock):
    app.conversation.limits = MessageLimits(capacity=10, clock=lambda: clock[0])
    for number in range(30):
        (reply,) = await _send(app, "zalo", f"many{number}", 1, text="/help")
        assert reply  # every newcomer is answered
    assert len(app.conversation.limits) == 10
    clock[0] += 61  # a quiet minute: the idle are forgotten
    await _send(app, "zalo", "one-more", 1, text="/help")
    assert len(app.conversation.limits) == 1


async def test_a_very_long_question_is_refused_without_searching_or_logging(app, clock):
    pasted = " ".join([QUESTION] * 130)  # 3,899 characters: under the message limit
    (reply,) = await _send(app, "zalo", "paster", 1, text=pasted)
    assert reply.startswith("Câu hỏi dài quá (3899 ký tự)") and "dưới 500 ký tự" in reply
    assert await _count(app, QuestionLog) == 0


async def test_a_stranger_who_links_gets_the_officials_limit_at_once(app, clock):
    code = await invite_code(app, "DEMO010")
    await _send(app, "zalo", "newcomer", 3)
    (linked,) = await _send(app, "zalo", "newcomer", 1, text=f"/start {code}")
    assert "Hoàng Minh Tuấn" in linked

    got = await _send(app, "zalo", "newcomer", 17, text="/toi")  # 21 this minute in all
    assert got[:16] != [""] * 16 and SLOW_DOWN not in got[:16]
    assert got[16] == SLOW_DOWN


async def test_a_stranger_flooding_with_oversized_messages_is_silenced_as_soon(app, clock):
    got = await _send(app, "zalo", "paster2", 10, text="x" * 5000)
    assert [text.startswith("Tin nhắn quá dài") for text in got[:6]] == [True] * 6
    assert got[6:] == [SLOW_DOWN, "", "", ""]
