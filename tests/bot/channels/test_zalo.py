"""Zalo end to end: the real channel (long polling and webhook) against a fake Zalo Bot API.

Zalo has no buttons: choices arrive as numbered lines and are answered with their number.
"""

import asyncio
from contextlib import asynccontextmanager

import aiohttp
import pytest

from bot.channels import base
from bot.channels.base import SendStatus
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_api import ZaloApi
from handlers.types import Attachment, Choice, Reply
from storage.repo import Repo
from tests.helpers.app import free_port, invite_code, serving
from tests.helpers.sample_form import install_form, reports

USER = "zl-5550001"
OTHER = "zl-5550002"
SECRET = "s3cret-token-123"
FORBIDDEN = "s3cret-token-124"


async def zalo_account(app, user_id: str):
    async with app.sessionmaker() as session:
        return await Repo(session).accounts.find("zalo", user_id)


@pytest.fixture
async def polling(app, database, zalo):
    install_form(app)
    async with serving(app, database, zalo_bot_token=zalo.token, zalo_api_base=zalo.url) as running:
        yield running


@pytest.fixture
async def channel(app, zalo):
    """A Zalo channel built by hand, with a short client timeout and backoff."""
    channel = ZaloChannel(
        app.conversation, ZaloApi(zalo.token, api_base=zalo.url, timeout=0.5, backoff=0.05)
    )
    yield channel
    await channel.stop()


class Webhook:
    def __init__(self, http: aiohttp.ClientSession, url: str):
        self.http = http
        self.url = url

    async def post(
        self,
        update=None,
        *,
        secret: str | None = SECRET,
        data: bytes | None = None,
        timeout: float = 5,
    ) -> int:
        """POST like Zalo does; the status answered. Times out rather than hang on a slow answer."""
        headers = {"X-Bot-Api-Secret-Token": secret} if secret is not None else {}
        async with self.http.post(
            self.url,
            json=None if data else update,
            data=data,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as response:
            return response.status


@asynccontextmanager
async def webhook(app, database, zalo):
    """The bot in webhook mode. Leaving the block stops it after the updates in flight finish,
    so what was (not) sent can be checked afterwards without waiting for anything."""
    port = free_port()
    async with (
        serving(
            app,
            database,
            zalo_bot_token=zalo.token,
            zalo_api_base=zalo.url,
            webhook_base_url=f"http://127.0.0.1:{port}",
            webhook_secret=SECRET,
            webhook_host="127.0.0.1",
            webhook_port=port,
        ),
        aiohttp.ClientSession() as http,
    ):
        yield Webhook(http, f"http://127.0.0.1:{port}/webhook/zalo")


# -- long polling ------------------------------------------------------------------------


async def test_link_then_fill_a_form_answering_choices_by_number(polling, app, zalo):
    code = await invite_code(app, "DEMO012")
    await zalo.say(USER, f"/start {code}")
    assert "Đã liên kết tài khoản với cán bộ" in await zalo.reply_to(USER, 0)
    assert (await zalo_account(app, USER)).official.code == "DEMO012"

    await zalo.say(USER, "/thu")
    question = await zalo.reply_to(USER, 1)
    assert "Chọn loại khóa học:" in question
    assert "\n1. Bình dân học vụ số\n2. Lý luận chính trị" in question  # one message
    await zalo.say(USER, "2")
    assert "Tên khóa học là gì?" in await zalo.reply_to(USER, 2)
    await zalo.say(USER, "Bồi dưỡng LLCT")
    assert "Ngày hoàn thành" in await zalo.reply_to(USER, 3)
    await zalo.say(USER, "12/10/2026")
    level = await zalo.reply_to(USER, 4)
    assert "Trình độ đạt được?" in level and "\n1. Trung cấp\n2. Cao cấp" in level
    await zalo.say(USER, "2")
    assert "Học bao nhiêu giờ?" in await zalo.reply_to(USER, 5)
    await zalo.say(USER, "40")
    summary = await zalo.reply_to(USER, 6)
    assert "• Loại: Lý luận chính trị" in summary and "• Trình độ: Cao cấp" in summary
    assert "\n1. ✅ Xác nhận\n2. ↩️ Quay lại\n3. ❌ Hủy" in summary
    await zalo.say(USER, "1")
    assert "Đã ghi nhận báo cáo." in await zalo.reply_to(USER, 7)

    assert await reports(app) == [
        {
            "category": "llct",
            "course": "Bồi dưỡng LLCT",
            "date": "2026-10-12",
            "level": "cao_cap",
            "hours": 40,
        }
    ]
    assert {c["chat_id"] for c in zalo.called("sendMessage")} == {USER}


async def test_a_long_reply_is_cut_on_line_ends_into_three_messages(app, database, zalo):
    lines = ["Báo cáo dài:"] + [
        f"Dòng {n:03d}: nội dung báo cáo của xã".ljust(50, ".") for n in range(1, 89)
    ]
    text = "\n".join(lines)
    assert len(text) == 4500

    @app.conversation.router.command("dai", summary="help.help")
    async def long_reply(ctx):
        return text

    async with serving(app, database, zalo_bot_token=zalo.token, zalo_api_base=zalo.url):
        await zalo.say(USER, "/dai")
        await zalo.wait_for(lambda: len(zalo.texts(USER)) >= 3)
    # Stopping let the reply finish: these are all the messages it became.
    messages = zalo.texts(USER)
    assert len(messages) == 3
    assert all(len(m) <= 2000 for m in messages)
    assert "\n".join(messages) == text  # every line, in order, none cut in two


async def test_quick_messages_are_handled_in_the_order_sent(polling, zalo, monkeypatch):
    # Before 4f7499d the typing indicator was awaited first, and "Bồi dưỡng LLCT" overtook "2".
    monkeypatch.setattr(base, "TYPING_AFTER", 0)  # every update shows "typing…"
    await zalo.say(USER, "/thu")
    await zalo.reply_to(USER, 0)
    zalo.fail("sendChatAction", ("sleep", 1))  # the typing indicator of "2" is slow
    await zalo.say(USER, "2")
    await zalo.wait_for(lambda: zalo.received["sendChatAction"] == 2)
    await zalo.say(USER, "Bồi dưỡng LLCT")  # typed while "2" is still on its way
    await zalo.reply_to(USER, 2)
    first, second = zalo.texts(USER)[1:]
    assert "Tên khóa học là gì?" in first  # "2" picked Lý luận chính trị
    assert "Ngày hoàn thành" in second  # the course name was taken


# -- webhook -----------------------------------------------------------------------------


async def test_webhook_is_registered_with_the_secret(app, database, zalo):
    async with webhook(app, database, zalo) as hook:
        (registered,) = zalo.called("setWebhook")
        assert registered == {"url": hook.url, "secret_token": SECRET}
        assert not zalo.called("deleteWebhook") and not zalo.received["getUpdates"]


async def test_webhook_refuses_a_wrong_or_missing_secret(app, database, zalo):
    async with webhook(app, database, zalo) as hook:
        assert await hook.post(zalo.message(USER, "/start"), secret=FORBIDDEN) == 403
        assert await hook.post(zalo.message(USER, "/start"), secret=None) == 403
        assert await hook.post(zalo.message(USER, "/start"), secret="") == 403
    assert not zalo.called("sendChatAction") and not zalo.called("sendMessage")


async def test_webhook_answers_at_once_and_handles_raw_and_wrapped_bodies(app, database, zalo):
    release = asyncio.Event()

    @app.conversation.router.command("cham", summary="help.help")
    async def slow(ctx):
        await release.wait()
        return f"Xong cho {ctx.incoming.user_id}."

    async with webhook(app, database, zalo) as hook:
        raw = zalo.message(USER, "/cham")
        assert set(raw) == {"event_name", "message"}
        assert await hook.post(raw) == 200  # while the conversation is still busy
        wrapped = {"ok": True, "result": zalo.message(OTHER, "/cham")}
        assert await hook.post(wrapped) == 200
        assert not zalo.called("sendMessage")
        release.set()
        assert await zalo.reply_to(USER, 0) == f"Xong cho {USER}."
        assert await zalo.reply_to(OTHER, 0) == f"Xong cho {OTHER}."


async def test_webhook_redelivery_is_answered_once(app, database, zalo):
    update = zalo.message(USER, "/start")
    async with webhook(app, database, zalo) as hook:
        assert await hook.post(update) == 200
        assert await hook.post(update) == 200  # Zalo retries when it misses our answer
        await zalo.reply_to(USER, 0)
    assert len(zalo.texts(USER)) == 1


async def test_webhook_rejects_malformed_json_and_keeps_serving(app, database, zalo):
    async with webhook(app, database, zalo) as hook:
        assert await hook.post(data=b'{"event_name": "message.text.received", ') == 400
        assert await hook.post(data=b"\xff\xfe not text") == 400
        assert await hook.post(zalo.message(USER, "/start")) == 200
        assert "Xin chào" in await zalo.reply_to(USER, 0)
    assert len(zalo.called("sendMessage")) == 1


async def test_webhook_ignores_other_events_and_group_chats(app, database, zalo):
    follow = {"event_name": "user.follow", "follower": {"id": OTHER}}
    follow_with_message = zalo.message(OTHER, "/start", event="user.follow")
    group = zalo.message(OTHER, "/start", chat_type="GROUP")
    async with webhook(app, database, zalo) as hook:
        for update in (follow, follow_with_message, group, [], {"ok": True}, {"message": 1}):
            assert await hook.post(update) == 200
        assert await hook.post(data=b"null") == 200
        await hook.post(zalo.message(USER, "/start"))
        await zalo.reply_to(USER, 0)
    assert [c["chat_id"] for c in zalo.called("sendMessage")] == [USER]


async def test_webhook_answers_a_sticker_politely(app, database, zalo):
    sticker = zalo.message(
        USER, None, event="message.sticker.received", sticker="https://zalo.example/sticker/42.png"
    )
    async with webhook(app, database, zalo) as hook:
        assert await hook.post(sticker) == 200
        assert "chưa nhận được nội dung" in await zalo.reply_to(USER, 0)


async def test_webhook_takes_first_name_and_a_missing_event_name(app, database, zalo):
    code = await invite_code(app, "DEMO014")
    update = zalo.message(USER, f"/start {code}", event=None, name_field="first_name")
    assert "event_name" not in update and "display_name" not in update["message"]["from"]
    async with webhook(app, database, zalo) as hook:
        assert await hook.post(update) == 200
        assert "Đã liên kết tài khoản với cán bộ" in await zalo.reply_to(USER, 0)
    account = await zalo_account(app, USER)
    assert account.official.code == "DEMO014"
    assert account.display_name == f"Người dùng {USER}" and account.chat_id == USER


async def test_webhook_passes_a_photo_to_the_conversation(app, database, zalo):
    async with webhook(app, database, zalo) as hook:
        # Outside a form a photo is an ordinary message (not an empty one, not a crash).
        photo = zalo.message(
            USER, None, event="message.image.received", photo_url="https://zalo.example/photo/1.jpg"
        )
        assert await hook.post(photo) == 200
        reply = await zalo.reply_to(USER, 0)
        assert reply and "sự cố" not in reply and "chưa nhận được nội dung" not in reply

        seen = []

        async def look(ctx):
            seen.append((ctx.incoming.text, ctx.incoming.attachments))
            return "Đã nhận ảnh."

        app.conversation.router.fallback = look
        captioned = zalo.message(
            USER,
            None,
            event="message.image.received",
            photo_url="https://zalo.example/photo/2.jpg",
            caption="Lớp học",
        )
        assert await hook.post(captioned) == 200
        assert await zalo.reply_to(USER, 1) == "Đã nhận ảnh."
    assert seen == [("Lớp học", (Attachment("photo", url="https://zalo.example/photo/2.jpg"),))]


# -- platform faults ---------------------------------------------------------------------


async def test_polling_recovers_after_get_updates_fails(app, database, zalo):
    zalo.fail("getUpdates", 500, 500)
    async with serving(app, database, zalo_bot_token=zalo.token, zalo_api_base=zalo.url):
        await zalo.say(USER, "/start")
        assert "Xin chào" in await zalo.reply_to(USER, 0)
        assert zalo.received["getUpdates"] >= 3  # two failed, then the one that delivered


async def test_a_failed_send_message_is_retried(polling, zalo):
    zalo.fail("sendMessage", 500)
    await zalo.say(USER, "/start")
    assert "Xin chào" in await zalo.reply_to(USER, 0)
    assert zalo.received["sendMessage"] == 2
    assert len(zalo.texts(USER)) == 1


async def test_a_send_slower_than_the_client_timeout_is_retried(channel, zalo):
    await channel.start(None)
    zalo.fail("sendMessage", ("sleep", 2))
    await zalo.say(USER, "/start")
    await zalo.wait_for(lambda: zalo.texts(USER))
    # What arrived is the retry: the slow first attempt was still being answered.
    assert zalo.received["sendMessage"] == 2
    assert "Xin chào" in zalo.texts(USER)[0]


# -- proactive sending -------------------------------------------------------------------


async def test_proactive_send_reports_what_happened(channel, zalo):
    result = await channel.send(USER, Reply("Nhắc việc: nộp báo cáo tháng."))
    assert result.status is SendStatus.SENT and result.ok
    assert zalo.texts(USER) == ["Nhắc việc: nộp báo cáo tháng."]

    zalo.fail("sendMessage", ("error", 403, "user blocked"))
    result = await channel.send(USER, Reply("x"))
    assert result.status is SendStatus.BLOCKED and result.detail == "user blocked"

    zalo.fail("sendMessage", ("error", 429, "Too many requests", {"retry_after": 60}))
    result = await channel.send(USER, Reply("x"))
    assert result.status is SendStatus.RETRY_AFTER and result.retry_after == 60

    assert zalo.received["sendMessage"] == 3  # neither was tried again
    assert zalo.texts(USER) == ["Nhắc việc: nộp báo cáo tháng."]


async def test_proactive_send_fails_after_repeated_502s(channel, zalo):
    zalo.fail("sendMessage", 502, 502, 502)
    result = await channel.send(USER, Reply("x"))
    assert result.status is SendStatus.FAILED and not result.ok
    assert zalo.received["sendMessage"] == 3 and not zalo.texts(USER)


async def test_proactive_send_pauses_only_between_attempts(channel, zalo, monkeypatch):
    import bot.channels.base

    pauses = []

    async def pause(seconds):
        pauses.append(seconds)

    monkeypatch.setattr(bot.channels.base.asyncio, "sleep", pause)
    zalo.fail("sendMessage", 502, 502, 502)
    assert (await channel.send(USER, Reply("x"))).status is SendStatus.FAILED
    assert pauses == [0.5, 1.0]  # backoff between the three attempts, none after the last


async def test_proactive_send_of_choices_and_attachments(channel, zalo):
    menu = Reply("Chọn việc:", (Choice("Hồ sơ", "/toi"), Choice("Trợ giúp", "/help")))
    assert (await channel.send(USER, menu)).ok
    assert zalo.texts(USER) == ["Chọn việc:\n1. Hồ sơ\n2. Trợ giúp"]

    photo = Attachment("photo", url="https://example.vn/bieu-do.png")
    assert (await channel.send(USER, Reply("Biểu đồ", attachment=photo))).ok
    assert zalo.called("sendPhoto") == [{"chat_id": USER, "photo": photo.url}]

    document = Attachment("document", path="/srv/bao-cao.pdf", name="bao-cao.pdf")
    assert (await channel.send(USER, Reply("Báo cáo", attachment=document))).ok
    assert "tệp «bao-cao.pdf» chưa gửi được ở đây" in zalo.texts(USER)[-1]


async def test_a_file_kept_on_the_desk_is_sent_as_its_link(channel, zalo):
    """Zalo takes no documents, and photos by a public URL only: a file kept on the web desk
    goes as its one-time link, said where to find it after the link has expired."""
    link = "https://ban-lam-viec.example.vn/desk/login/abc123"
    workbook = Attachment("document", path="/srv/tong-hop.xlsx", name="tong-hop.xlsx", link=link)
    assert (await channel.send(USER, Reply("📎 Tệp Excel", attachment=workbook))).ok
    assert zalo.texts(USER)[-1] == (
        "📎 Tệp Excel\n\n📥 Zalo không cho trợ lý gửi tệp. Tệp «tong-hop.xlsx» đã có trên bàn "
        "làm việc web, mục «Tải về»: mở liên kết dưới đây để đăng nhập và tải về (liên kết "
        f"dùng một lần, trong 10 phút).\n{link}\nQuá 10 phút, gõ /web để lấy liên kết mới; "
        "tệp được giữ ở mục «Tải về» 7 ngày."
    )
    chart = Attachment("photo", path="/srv/bieu-do.png", name="bieu-do.png", link=link)
    assert (await channel.send(USER, Reply("Biểu đồ", attachment=chart))).ok
    assert "ảnh «bieu-do.png» được để ở bàn làm việc web" in zalo.texts(USER)[-1]
    assert link in zalo.texts(USER)[-1] and not zalo.called("sendPhoto")
