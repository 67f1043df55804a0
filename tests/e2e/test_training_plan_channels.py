"""/kehoachdaotao through the real channels against the fake platforms: on Telegram the
workbook arrives as a document after the background job; on Zalo (which takes no files) the
reply carries a one-time desk link that logs in and downloads it."""

import dataclasses
import io
import re

import aiohttp
from openpyxl import load_workbook

from knowledge.vocabulary import CourseCategory
from tests.helpers import plan_data
from tests.helpers.app import free_port, invite_code, serving

TELEGRAM_ADMIN = 6500001
ZALO_ADMIN = "zl-6500002"
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/desk/login/\S+)")
ONE = [("DEMO010", 2027, CourseCategory.DEGREE, "Đại học Luật", "Luật", "part_time", "7a")]


async def test_on_telegram_the_plan_arrives_as_a_document(app, database, telegram, tmp_path):
    app = dataclasses.replace(
        app, conversation=app.conversation.with_options(summaries_dir=tmp_path)
    )
    await plan_data.register(app, ONE)
    async with serving(
        app, database, telegram_bot_token=telegram.token, telegram_api_base=telegram.url
    ):
        await telegram.say(TELEGRAM_ADMIN, f"/start {await invite_code(app, 'DEMO001', True)}")
        await telegram.reply_to(TELEGRAM_ADMIN, 0)
        await telegram.say(TELEGRAM_ADMIN, "/kehoachdaotao 2027")
        (document,) = await telegram.wait_for(lambda: telegram.called("sendDocument"), 30)
        texts = telegram.texts(TELEGRAM_ADMIN)
    assert any("🗓 Kế hoạch đào tạo, bồi dưỡng năm 2027 — Toàn xã" in m for m in texts)
    assert any("1 đăng ký của 1/" in m for m in texts)
    assert int(document["chat_id"]) == TELEGRAM_ADMIN
    assert document["document"]["filename"] == "ke-hoach-dao-tao-2027-toan-xa.xlsx"


async def test_on_zalo_the_plan_comes_with_a_desk_link(app, database, zalo, tmp_path):
    port = free_port()
    conversation = app.conversation.with_options(
        desk_url=f"http://127.0.0.1:{port}", summaries_dir=tmp_path / "summaries"
    )
    app = dataclasses.replace(app, conversation=conversation)
    await plan_data.register(app, ONE)
    async with serving(
        app, database, zalo_bot_token=zalo.token, zalo_api_base=zalo.url, webhook_port=port
    ):
        await zalo.say(ZALO_ADMIN, f"/start {await invite_code(app, 'DEMO001', admin=True)}")
        assert "Đã liên kết" in await zalo.reply_to(ZALO_ADMIN, 0)
        await zalo.say(ZALO_ADMIN, "/kehoachdaotao 2027")
        await zalo.wait_for(lambda: any("📥" in m for m in zalo.texts(ZALO_ADMIN)), 30)
        ready = next(m for m in zalo.texts(ZALO_ADMIN) if "📥" in m)
        assert ready.startswith("📎 Kế hoạch đào tạo, bồi dưỡng năm 2027 — Toàn xã")
        (link,) = LINK.findall(ready)
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as client, client.post(link) as opened:
            assert opened.status == 200
            content = await opened.read()
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Tổng hợp", "Theo đơn vị", "Cần cử đi học"]
