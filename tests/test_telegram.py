"""Telegram end to end: the real channel (aiogram) against a fake Bot API on 127.0.0.1."""

import pytest

from handlers.linking import issue_invite
from storage.repo import Repo
from storage.types import utcnow
from tests.conftest import serving
from tests.sample_form import install_form, reports

USER = 5550001


async def invite_code(app, official_code: str, admin: bool = False) -> str:
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        official = await repo.officials.by_code(official_code)
        issued = await issue_invite(repo, official, now=utcnow(), ttl=app.conversation.options.invite_ttl,
                                    admin=admin, actor="test", telegram_username=None)
    return issued.code


@pytest.fixture
async def polling(app, database, telegram):
    install_form(app)
    async with serving(app, database, telegram_bot_token=telegram.token,
                       telegram_api_base=telegram.url) as running:
        yield running


async def test_link_then_fill_a_form_with_buttons_and_typing(polling, app, telegram):
    code = await invite_code(app, "DEMO012")
    await telegram.say(USER, f"/start {code}")
    assert "Đã liên kết tài khoản với cán bộ" in await telegram.reply_to(USER, 0)

    await telegram.say(USER, "/thu")
    await telegram.reply_to(USER, 1)
    assert telegram.buttons(USER) == [("Bình dân học vụ số", "bdhvs"), ("Lý luận chính trị", "llct")]
    await telegram.press(USER, "llct")
    assert "Tên khóa học là gì?" in await telegram.reply_to(USER, 2)
    assert telegram.called("answerCallbackQuery")
    await telegram.say(USER, "Trung cấp LLCT")
    await telegram.reply_to(USER, 3)
    await telegram.say(USER, "12/10/2026")
    await telegram.reply_to(USER, 4)
    await telegram.press(USER, "trung_cap")
    await telegram.reply_to(USER, 5)
    await telegram.say(USER, "120")
    summary = await telegram.reply_to(USER, 6)
    assert "• Trình độ: Trung cấp" in summary
    await telegram.press(USER, dict(telegram.buttons(USER))["✅ Xác nhận"])
    assert "Đã ghi nhận báo cáo." in await telegram.reply_to(USER, 7)
    assert (await reports(app))[0]["hours"] == 120
