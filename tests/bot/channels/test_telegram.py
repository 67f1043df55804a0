"""Telegram end to end: the real channel (aiogram) against a fake Bot API on 127.0.0.1."""

import asyncio

import pytest

from bot.channels import base
from storage.repo import Repo
from tests.helpers.app import invite_code, serving
from tests.helpers.sample_form import install_form, reports

USER = 5550001


@pytest.fixture
async def polling(app, database, telegram):
    install_form(app)
    async with serving(
        app, database, telegram_bot_token=telegram.token, telegram_api_base=telegram.url
    ) as running:
        yield running


async def test_link_then_fill_a_form_with_buttons_and_typing(polling, app, telegram):
    code = await invite_code(app, "DEMO012")
    await telegram.say(USER, f"/start {code}")
    assert "Đã liên kết tài khoản với cán bộ" in await telegram.reply_to(USER, 0)

    await telegram.say(USER, "/thu")
    await telegram.reply_to(USER, 1)
    assert telegram.buttons(USER) == [
        ("Bình dân học vụ số", "bdhvs"),
        ("Lý luận chính trị", "llct"),
    ]
    # A text goes as JSON: the chat's number, the buttons an object (not form-encoded).
    (sent,) = [c for c in telegram.calls if c.method == "sendMessage"][-1:]
    assert sent.content_type == "application/json" and sent.params["chat_id"] == USER
    assert sent.params["reply_markup"]["inline_keyboard"][0][0]["text"] == "Bình dân học vụ số"
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
    await telegram.press(USER, dict(telegram.raw_buttons(USER))["✅ Xác nhận"])
    assert "Đã ghi nhận báo cáo." in await telegram.reply_to(USER, 7)
    assert (await reports(app))[0]["hours"] == 120


async def test_help_arrives_with_the_main_menu_as_buttons(polling, app, telegram):
    await telegram.say(USER, f"/start {await invite_code(app, 'DEMO013')}")
    await telegram.reply_to(USER, 0)
    await telegram.say(USER, "/help")
    assert "/toi — Xem hồ sơ của tôi" in await telegram.reply_to(USER, 1)
    assert ("👤 Hồ sơ của tôi", "/toi") in telegram.buttons(USER)
    await telegram.press(USER, "/toi")
    assert "(mã DEMO013)" in await telegram.reply_to(USER, 2)


async def test_command_menu_is_set_in_vietnamese(polling, telegram):
    (menu,) = telegram.called("setMyCommands")
    commands = {c["command"]: c["description"] for c in menu["commands"]}
    assert commands["toi"] == "Xem hồ sơ của tôi" and "moi" not in commands


async def test_long_reply_arrives_as_two_messages(app, database, telegram):
    lines = [f"Dòng {n:03d}: " + "nội dung khá dài để lấp đầy tin nhắn. " * 2 for n in range(60)]
    text = "\n".join(lines)
    assert 5000 <= len(text) <= 8000

    @app.conversation.router.command("dai", summary="help.help")
    async def long_reply(ctx):
        return text

    async with serving(
        app, database, telegram_bot_token=telegram.token, telegram_api_base=telegram.url
    ):
        await telegram.say(USER, "/dai")
        await telegram.wait_for(lambda: len(telegram.texts(USER)) >= 2)
        await telegram.settle()
    messages = telegram.texts(USER)
    assert len(messages) == 2 and all(len(m) <= 4096 for m in messages)
    assert "\n".join(messages).split("\n") == lines


async def test_photos_and_documents_in_and_out(app, database, telegram, tmp_path):
    picture = tmp_path / "bieu-do.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)

    @app.conversation.router.command("anh", summary="help.help")
    async def echo(ctx):
        from handlers.types import Attachment, Reply

        seen = ", ".join(f"{a.kind}:{a.file_id}" for a in ctx.incoming.attachments)
        return Reply(
            f"Đã nhận {seen}", attachment=Attachment("photo", path=str(picture), name="bieu-do.png")
        )

    async with serving(
        app, database, telegram_bot_token=telegram.token, telegram_api_base=telegram.url
    ):
        photo = [
            {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90},
            {"file_id": "big", "file_unique_id": "b", "width": 900, "height": 900},
        ]
        await telegram.push(telegram.message(USER, None, caption="/anh", photo=photo))
        await telegram.wait_for(lambda: telegram.called("sendPhoto"))
        document = {"file_id": "doc1", "file_unique_id": "d", "file_name": "chung-chi.pdf"}
        await telegram.push(telegram.message(USER, None, caption="/anh", document=document))
        await telegram.wait_for(lambda: len(telegram.called("sendPhoto")) == 2)
    assert telegram.texts(USER) == ["Đã nhận photo:big", "Đã nhận document:doc1"]
    sent = telegram.called("sendPhoto")[0]
    assert sent["photo"]["filename"] == "bieu-do.png" and sent["photo"]["size"] == 108
    uploads = {c.content_type for c in telegram.calls if c.method == "sendPhoto"}
    assert uploads == {"multipart/form-data"}  # a file goes as aiogram uploads it


async def test_a_file_past_telegrams_upload_limit_is_explained_not_sent(
    app, database, telegram, tmp_path
):
    workbook = tmp_path / "tong-hop.xlsx"
    with workbook.open("wb") as handle:  # sparse: 50 MB + 1 byte without writing them
        handle.truncate(50_000_001)

    @app.conversation.router.command("to", summary="help.help")
    async def big(ctx):
        from handlers.types import Attachment, Reply

        return Reply(
            "Đã xuất.",
            attachment=Attachment("document", path=str(workbook), name="tong-hop-toan-xa.xlsx"),
        )

    async with serving(
        app, database, telegram_bot_token=telegram.token, telegram_api_base=telegram.url
    ):
        await telegram.say(USER, "/to")
        await telegram.wait_for(lambda: telegram.texts(USER))
        await telegram.settle()
    (text,) = telegram.texts(USER)
    assert text.startswith(
        "Đã xuất.\n\n(Tệp «tong-hop-toan-xa.xlsx» nặng 50,1 MB, quá giới hạn 50 MB"
    )
    assert "/xuat MÃ_ĐƠN_VỊ" in text
    assert not telegram.called("sendDocument")


async def test_group_chats_and_edits_are_ignored(polling, telegram):
    await telegram.push(telegram.message(USER, "/help", chat_type="group"))
    edited = telegram.message(USER, "/help")
    await telegram.push(telegram.update(edited_message=edited["message"]))
    await telegram.say(USER, "/start")
    await telegram.reply_to(USER, 0)
    assert len(telegram.called("sendMessage")) == 1  # only the private /start


async def test_platform_faults_are_retried_and_the_bot_keeps_serving(app, database, telegram):
    telegram.fail("setMyCommands", 500)
    telegram.fail("getUpdates", 502, 502)
    telegram.fail("sendMessage", 500, ("sleep", 0.2))
    async with serving(
        app, database, telegram_bot_token=telegram.token, telegram_api_base=telegram.url
    ):
        await telegram.say(USER, "/start")
        assert "Xin chào" in await telegram.reply_to(USER, 0, timeout=20)
        await telegram.say(USER, "/help")
        assert "Các lệnh" in await telegram.reply_to(USER, 1)


async def test_proactive_send_reports_what_happened(app, database, telegram):
    from bot.channels.base import SendStatus
    from bot.channels.telegram import TelegramChannel
    from handlers.types import Reply

    channel = TelegramChannel(
        app.conversation, telegram.token, api_base=telegram.url, menu=[], request_timeout=1
    )
    await channel.start(None)
    try:
        assert (await channel.send("777", Reply("Nhắc việc"))).status is SendStatus.SENT
        assert telegram.texts(777) == ["Nhắc việc"]

        telegram.fail("sendMessage", ("error", 403, "Forbidden: bot was blocked by the user"))
        assert (await channel.send("777", Reply("x"))).status is SendStatus.BLOCKED

        telegram.fail("sendMessage", ("error", 400, "Bad Request: chat not found"))
        assert (await channel.send("778", Reply("x"))).status is SendStatus.BLOCKED

        telegram.fail(
            "sendMessage", ("error", 429, "Too Many Requests: retry after 90", {"retry_after": 90})
        )
        result = await channel.send("777", Reply("x"))
        assert result.status is SendStatus.RETRY_AFTER and result.retry_after == 90

        telegram.fail("sendMessage", 502, 502, 502)
        assert (await channel.send("777", Reply("x"))).status is SendStatus.FAILED
    finally:
        await channel.stop()


async def test_webhook_checks_the_secret_and_processes_each_update_once(app, database, telegram):
    import aiohttp

    from tests.helpers.app import free_port

    port = free_port()
    async with serving(
        app,
        database,
        telegram_bot_token=telegram.token,
        telegram_api_base=telegram.url,
        webhook_base_url="https://bot.example.vn",
        webhook_secret="s3cret-token-123",
        webhook_host="127.0.0.1",
        webhook_port=port,
    ):
        (registered,) = telegram.called("setWebhook")
        assert registered["url"] == "https://bot.example.vn/webhook/telegram"
        assert registered["secret_token"] == "s3cret-token-123"
        url = f"http://127.0.0.1:{port}/webhook/telegram"
        good = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token-123"}
        update = telegram.message(USER, "/start")
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with http.post(url, json=update, headers=headers) as response:
                    assert response.status in (401, 403)
            for _ in range(2):  # Telegram redelivers when it misses our answer
                async with http.post(url, json=update, headers=good) as response:
                    assert response.status == 200
            await telegram.reply_to(USER, 0)
            async with http.post(url, data=b"{not json", headers=good) as response:
                assert 400 <= response.status < 500
            async with http.post(url, json=telegram.message(USER, "/help"), headers=good) as r:
                assert r.status == 200
            await telegram.reply_to(USER, 1)
    assert len(telegram.texts(USER)) == 2  # /start once, /help once


async def test_invites_made_in_telegram_carry_the_bots_deep_link(polling, app, telegram):
    await telegram.say(USER, f"/start {await invite_code(app, 'DEMO014', admin=True)}")
    await telegram.reply_to(USER, 0)
    await telegram.say(USER, "/moi DEMO020")
    assert "https://t.me/canbo_test_bot?start=" in await telegram.reply_to(USER, 1)


async def test_typing_is_shown_only_while_a_reply_is_slow(polling, app, telegram, monkeypatch):
    await telegram.say(USER, "/help")
    await telegram.reply_to(USER, 0)
    assert not telegram.called("sendChatAction")  # answered at once: no indicator needed
    monkeypatch.setattr(base, "TYPING_AFTER", 0)  # now every reply counts as slow
    await telegram.say(USER, "/help")
    await telegram.reply_to(USER, 1)
    await telegram.wait_for(lambda: telegram.called("sendChatAction"))
    assert telegram.called("sendChatAction") == [{"chat_id": USER, "action": "typing"}]


async def test_no_typing_indicator_while_the_bot_is_behind(polling, app, telegram, monkeypatch):
    monkeypatch.setattr(base, "TYPING_AFTER", 0)  # every reply counts as slow…
    monkeypatch.setattr(base, "BUSY", 0)  # …and one update in hand counts as a backlog
    await telegram.say(USER, "/help")
    assert "Các lệnh" in await telegram.reply_to(USER, 0)
    await asyncio.sleep(0.2)
    assert not telegram.called("sendChatAction")


async def test_one_users_quick_messages_are_answered_in_order(polling, app, telegram, monkeypatch):
    # The typing indicator is slow here; it must not let the second message overtake the first.
    monkeypatch.setattr(base, "TYPING_AFTER", 0)  # every update shows "typing…"
    telegram.fail("sendChatAction", ("sleep", 0.3), ("sleep", 0.0))
    await telegram.push(telegram.message(USER, "/thu"))
    await telegram.push(telegram.message(USER, "2"))
    await telegram.wait_for(lambda: len(telegram.texts(USER)) >= 2)
    first, second = telegram.texts(USER)[:2]
    assert "Chọn loại khóa học:" in first and "Tên khóa học là gì?" in second


async def test_a_photo_that_fails_does_not_hold_back_the_card_after_it(app, database, telegram):
    from datetime import date

    from sqlalchemy import select

    from knowledge.vocabulary import CourseCategory
    from storage.models import CourseReport, Official

    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        admin = await repo.officials.by_code("DEMO001")
        await repo.accounts.link(admin, "telegram", str(USER), str(USER))
        official = await session.scalar(select(Official).where(Official.code == "DEMO010"))
        session.add(
            CourseReport(
                official_id=official.id,
                category=CourseCategory.DIGITAL_SELF_STUDY,
                course_name="Kỹ năng số cơ bản",
                completed_on=date(2026, 11, 1),
                certificate_kind="photo",
                certificate_file_id="AgAC-gone",
                certificate_platform="telegram",
            )
        )
    telegram.fail("sendPhoto", ("error", 400, "Bad Request: wrong file identifier"))
    async with serving(
        app, database, telegram_bot_token=telegram.token, telegram_api_base=telegram.url
    ):
        await telegram.say(USER, "/duyet")
        out = await telegram.reply_to(USER, 1)  # the photo's caption, then the card
    assert "⚠️ Chưa gửi được tệp/ảnh «chung-nhan-1»" in out and "Báo cáo #1" in out
    assert ("✅ Duyệt", "/duyet_ok 1") in telegram.buttons(USER)


async def test_a_button_of_an_older_message_does_nothing_even_with_the_same_value(
    app, database, telegram
):
    from datetime import date

    from sqlalchemy import func, select

    from knowledge.vocabulary import CourseCategory
    from storage.models import Campaign, CourseReport, Official

    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        await repo.accounts.link(
            await repo.officials.by_code("DEMO001"), "telegram", str(USER), str(USER)
        )
        official = await session.scalar(select(Official).where(Official.code == "DEMO010"))
        session.add_all(
            [
                CourseReport(
                    official_id=official.id,
                    course_name=f"Khóa {n}",
                    category=CourseCategory.JOB_POSITION,
                    completed_on=date(2026, 11, n),
                )
                for n in (1, 2)
            ]
        )
    async with serving(
        app, database, telegram_bot_token=telegram.token, telegram_api_base=telegram.url
    ):

        async def say(text: str) -> str:
            seen = len(telegram.texts(USER))
            await telegram.say(USER, text)
            return await telegram.reply_to(USER, seen)

        async def press(data: str) -> str:
            seen = len(telegram.texts(USER))
            await telegram.press(USER, data)
            return await telegram.reply_to(USER, seen)

        # Card #1, "Để sau", card #2; then "Duyệt" on card #1's message.
        assert "Báo cáo #1" in await say("/duyet")
        first_card = dict(telegram.raw_buttons(USER))
        assert "Báo cáo #2" in await press(first_card["⏭ Để sau, xem báo cáo khác"])
        out = await press(first_card["✅ Duyệt"])
        assert "tin nhắn cũ" in out and "Đã duyệt" not in out
        # Two announcements at their confirmation: A's «Xác nhận» pressed while B's is shown.
        await say("/thongbao_moi")
        for answer in ("1", "Thông báo A gửi mọi người", "1"):
            await say(answer)
        confirm_a = dict(telegram.raw_buttons(USER))["✅ Xác nhận"]
        await say("/huy")
        await say("/thongbao_moi")
        for answer in ("1", "Thông báo B gửi mọi người", "1"):
            await say(answer)
        out = await press(confirm_a)
        assert "tin nhắn cũ" in out and "Thông báo B" in out  # B's summary again, unsent
        async with app.sessionmaker() as session:
            assert (
                await session.scalar(
                    select(func.count())
                    .select_from(Campaign)
                    .where(Campaign.kind == "announcement")
                )
                == 0
            )
            statuses = {r.status for r in await session.scalars(select(CourseReport))}
        assert statuses == {"pending"}
