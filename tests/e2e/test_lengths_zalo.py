"""Over-long values Zalo hands the bot, through the real Zalo channel: a display name is
shortened, a photo address too long to keep is refused at its step, the form going on. Run on
PostgreSQL too (TEST_DATABASE_URL), where these once failed the whole update."""

import pytest
from sqlalchemy import select

from storage.models import CourseReport
from storage.repo import Repo
from tests.helpers.app import invite_code, serving

USER = "zl-5550777"
LONG_URL = "https://f21-zpc.zdn.vn/jpg/" + "a1b2c3d4" * 130 + "/chung-nhan.jpg"  # 1,082


@pytest.fixture
async def polling(app, database, zalo):
    async with serving(app, database, zalo_bot_token=zalo.token, zalo_api_base=zalo.url) as running:
        yield running


async def say(zalo, message: dict) -> str:
    seen = len(zalo.texts(USER))
    await zalo.push(message)
    return await zalo.reply_to(USER, seen)


async def test_start_with_a_300_character_display_name_links(polling, app, zalo):
    name = ("Nguyễn Thị Minh Khai " * 15)[:300]
    start = zalo.message(USER, f"/start {await invite_code(app, 'DEMO012')}")
    start["message"]["from"]["display_name"] = name
    assert "Đã liên kết tài khoản với cán bộ" in await say(zalo, start)
    async with app.sessionmaker() as session:
        account = await Repo(session).accounts.find("zalo", USER)
    assert account.official.code == "DEMO012"
    assert len(account.display_name) == 200 and account.display_name.endswith("…")
    assert account.display_name.startswith("Nguyễn Thị Minh Khai Nguyễn")


async def test_a_certificate_photo_address_over_the_limit_is_refused_and_the_form_goes_on(
    polling, app, zalo
):
    assert len(LONG_URL) > 1000
    await say(zalo, zalo.message(USER, f"/start {await invite_code(app, 'DEMO012')}"))
    for text in ("/baocao", "1", "kỹ năng số cơ bản", "1", "hôm qua"):
        await say(zalo, zalo.message(USER, text))
    assert "Gửi ảnh chụp giấy chứng nhận" in await say(zalo, zalo.message(USER, "6"))

    photo = zalo.message(USER, None, event="message.image.received", photo_url=LONG_URL)
    out = await say(zalo, photo)
    assert "Ảnh này không lưu được" in out and "1000 ký tự" in out
    assert "Gửi ảnh chụp giấy chứng nhận" in out and "mã lỗi" not in out  # the same step

    short = "https://f21-zpc.zdn.vn/jpg/chung-nhan.jpg"
    out = await say(zalo, zalo.message(USER, None, event="message.image.received", photo_url=short))
    assert "• Khóa học: Kỹ năng số cơ bản" in out and "• Số giờ học: 6" in out  # kept
    assert "Đã nhận báo cáo #1" in await say(zalo, zalo.message(USER, "1"))
    async with app.sessionmaker() as session:
        (report,) = (await session.scalars(select(CourseReport))).all()
    assert report.certificate_url == short and report.hours == 6
