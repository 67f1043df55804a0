"""/lotrinh through the real Telegram and Zalo channels, on their fake Bot API servers: an
official below the university standard with more than six years left sees that gap first,
with a catalogue course."""

from datetime import date

from sqlalchemy import select

from knowledge.vocabulary import CourseCategory
from storage.enums import ReportStatus
from storage.models import CourseReport, Official
from storage.repo import Repo
from tests.helpers.app import serving

OFFICIAL = "DEMO030"  # specialist with trung cấp, born 1989
ADMIN = "DEMO001"


async def _link(app, channel: str, user: str, code: str = OFFICIAL) -> None:
    async with app.sessionmaker() as session, session.begin():
        official = await session.scalar(select(Official).where(Official.code == code))
        await Repo(session).accounts.link(official, channel, user, user, "Người thử")


async def _road(fake, user) -> str:
    seen = len(fake.texts(user))
    await fake.say(user, "/lotrinh")
    return await fake.reply_to(user, seen)


def _first_gap_is_the_degree(out: str) -> None:
    assert "1. Trình độ đại học (chỉ tiêu 7)" in out and "Đào tạo đại học" in out
    assert out.index("1. Trình độ đại học") < out.index("2. ")
    assert "Kế hoạch thực hiện NQ 05-NQ/TU, Mục II.2, chỉ tiêu (7)" in out


async def test_lotrinh_on_telegram(app, database, telegram):
    user = 5550201
    await _link(app, "telegram", str(user))
    async with serving(
        app, database, telegram_bot_token=telegram.token, telegram_api_base=telegram.url
    ):
        _first_gap_is_the_degree(await _road(telegram, user))


async def test_lotrinh_on_zalo(app, database, zalo):
    user = "zl-5550201"
    await _link(app, "zalo", user)
    async with serving(app, database, zalo_bot_token=zalo.token, zalo_api_base=zalo.url):
        out = await _road(zalo, user)
        _first_gap_is_the_degree(out)
        assert "1. 📝 Báo cáo khóa học" in out  # choices as numbered text


async def test_the_road_button_of_a_push_works_after_other_messages_on_telegram(
    app, database, telegram
):
    """The «🧭 Xem lộ trình» button on the notice of a verified report, pressed after the
    official has sent other messages: run as /lotrinh typed (held while a form is open);
    an older button with arguments is still refused."""
    official, admin = 5550202, 5550203
    await _link(app, "telegram", str(official))
    await _link(app, "telegram", str(admin), ADMIN)
    async with app.sessionmaker() as session, session.begin():
        dế = await session.scalar(select(Official).where(Official.code == OFFICIAL))
        session.add(
            CourseReport(
                official_id=dế.id,
                category=CourseCategory.DEGREE,
                course_name="Đại học Luật",
                completed_on=date(2026, 4, 1),
                level="dai_hoc",
                status=ReportStatus.PENDING,
            )
        )
    async with serving(
        app, database, telegram_bot_token=telegram.token, telegram_api_base=telegram.url
    ):
        await telegram.say(admin, "/duyet_ok 1")
        await telegram.wait_for(lambda: any("Báo cáo #1" in t for t in telegram.texts(official)))
        await telegram.settle()
        ((label, button),) = telegram.raw_buttons(official)
        assert label == "🧭 Xem lộ trình" and button.endswith("|/lotrinh")
        assert "👤" in await _say(telegram, official, "/toi")  # the push is no longer the latest
        out = await _press(telegram, official, button)
        assert "Lộ trình đạt chuẩn của" in out and "tin nhắn cũ" not in out
        # An older button with arguments changes nothing.
        question = button.split("|")[0]
        assert "tin nhắn cũ" in await _press(telegram, official, f"{question}|/caidat off")
        # In a form, the command waits as one typed would.
        await _say(telegram, official, "/baocao")
        out = await _press(telegram, official, button)
        assert "lệnh /lotrinh chưa chạy" in out and "Lộ trình đạt chuẩn" not in out


async def _say(fake, user, text: str) -> str:
    seen = len(fake.texts(user))
    await fake.say(user, text)
    return await fake.reply_to(user, seen)


async def _press(fake, user, data: str) -> str:
    seen = len(fake.texts(user))
    await fake.press(user, data)
    return await fake.reply_to(user, seen)
