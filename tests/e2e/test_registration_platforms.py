"""/dangky through the real Zalo and Telegram channels on their fake Bot API servers: on Zalo an
official registers typing numbers and text without diacritics; on Telegram by buttons, then
deletes it."""

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from storage.models import Official, TrainingRegistration
from storage.repo import Repo
from tests.helpers.app import serving

HANOI = timezone(timedelta(hours=7))
OPEN = datetime(2026, 10, 5, 10, 0, tzinfo=HANOI)  # the default window is open: for 2027
TELEGRAM_USER, ZALO_USER = 5550202, "zl-5550202"


def _ticking(app) -> None:
    """A clock inside the window that moves a minute each time it is read: each message comes
    after the one before (the same "1" twice at once would be a double send)."""
    now = [OPEN]

    def clock() -> datetime:
        now[0] += timedelta(minutes=1)
        return now[0]

    app.conversation.clock = clock


async def _link(app, channel: str, user: str) -> None:
    async with app.sessionmaker() as session, session.begin():
        official = await session.scalar(select(Official).where(Official.code == "DEMO010"))
        await Repo(session).accounts.link(official, channel, user, user, "Người thử")


async def _registrations(app) -> list[TrainingRegistration]:
    async with app.sessionmaker() as session:
        return list(await session.scalars(select(TrainingRegistration)))


async def test_an_official_registers_on_zalo_by_numbers_without_diacritics(app, database, zalo):
    _ticking(app)
    await _link(app, "zalo", ZALO_USER)
    async with serving(app, database, zalo_bot_token=zalo.token, zalo_api_base=zalo.url):

        async def say(text: str) -> str:
            seen = len(zalo.texts(ZALO_USER))
            await zalo.say(ZALO_USER, text)
            return await zalo.reply_to(ZALO_USER, seen)

        out = await say("/dangky")
        assert "Đăng ký đào tạo, bồi dưỡng năm 2027" in out and "6. Đào tạo chuyên môn" in out
        assert "1. Đào tạo đại học" in await say("6")
        assert "Chuyên ngành cụ thể" in await say("1")
        assert "2. Vừa làm vừa học" in await say("luat hanh chinh")
        # DEMO010 holds a master's: a bachelor's closes no gap of their road, so no target
        # is asked and the summary comes next.
        out = await say("2")
        assert "Chuyên ngành: luat hanh chinh" in out and "1. ✅ Xác nhận" in out
        out = await say("1")
        assert "✅ Đã đăng ký «Đào tạo đại học» cho năm 2027" in out
        # Numbers only: choice N deletes registration N, «Thêm đăng ký» comes after them.
        out = await say("/dangky")
        assert "\n1. 🗑 Xóa 1\n2. ➕ Thêm đăng ký" in out
        assert "Vui lòng kiểm tra lại yêu cầu xóa đăng ký" in await say("1")
        assert "Đã hủy" in await say("/huy")
    (registration,) = await _registrations(app)
    assert (registration.course_id, registration.specialisation) == (
        "dt-dai-hoc",
        "luat hanh chinh",
    )
    assert (registration.study_form, registration.year) == ("part_time", 2027)
    assert registration.gap is None


async def test_an_official_registers_and_deletes_on_telegram_by_buttons(app, database, telegram):
    _ticking(app)
    await _link(app, "telegram", str(TELEGRAM_USER))
    async with serving(
        app, database, telegram_bot_token=telegram.token, telegram_api_base=telegram.url
    ):

        async def say(text: str) -> str:
            seen = len(telegram.texts(TELEGRAM_USER))
            await telegram.say(TELEGRAM_USER, text)
            return await telegram.reply_to(TELEGRAM_USER, seen)

        async def press(label: str) -> str:
            (data,) = [d for text, d in telegram.raw_buttons(TELEGRAM_USER) if text == label]
            seen = len(telegram.texts(TELEGRAM_USER))
            await telegram.press(TELEGRAM_USER, data)
            return await telegram.reply_to(TELEGRAM_USER, seen)

        await say("/dangky")
        await press("Lý luận chính trị")
        first_course = telegram.raw_buttons(TELEGRAM_USER)[0][0]
        await press(first_course)
        out = await press("Tập trung")  # «Sơ cấp»: no gap of DEMO010's road, none asked
        assert "Hình thức học: Tập trung" in out
        out = await press("✅ Xác nhận")
        assert f"✅ Đã đăng ký «{first_course}» cho năm 2027" in out
        assert len(await _registrations(app)) == 1
        out = await say("/dangky")
        assert f"1. {first_course}" in out
        buttons = [text for text, _ in telegram.raw_buttons(TELEGRAM_USER)]
        assert buttons == ["🗑 Xóa 1", "➕ Thêm đăng ký"]
        out = await press("🗑 Xóa 1")
        assert "Vui lòng kiểm tra lại yêu cầu xóa đăng ký" in out
        out = await press("✅ Xác nhận")
        assert "🗑 Đã xóa đăng ký" in out
    assert await _registrations(app) == []
