"""/lotrinh through the real Telegram and Zalo channels, on their fake Bot API servers: an
official below the university standard with more than six years left sees that gap first,
with a catalogue course."""

from sqlalchemy import select

from storage.models import Official
from storage.repo import Repo
from tests.helpers.app import serving

OFFICIAL = "DEMO030"  # specialist with trung cấp, born 1989


async def _link(app, channel: str, user: str) -> None:
    async with app.sessionmaker() as session, session.begin():
        official = await session.scalar(select(Official).where(Official.code == OFFICIAL))
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
