"""The conversation core seen from outside: commands, help, bad input, redelivery, errors."""

import asyncio
import logging
import re

from sqlalchemy import func, select

from handlers.types import Incoming
from storage import db
from storage.models import AuditEntry, ChannelAccount, ConversationState
from tests.helpers.app import Chat
from tests.helpers.sample_form import install_form


async def test_help_depends_on_who_asks(app, admin_chat, official_chat):
    guest = await Chat(app, "guest").send("/help")
    assert "/start MÃ_MỜI" in guest and "Bạn chưa liên kết tài khoản" in guest
    assert "/toi" not in guest and "/moi" not in guest

    official = await official_chat.send("/help")
    assert "/toi — Xem hồ sơ của tôi" in official and "/moi" not in official

    admin = await admin_chat.send("/help")
    assert "Dành cho quản trị viên:" in admin and "/moi MÃ_CB" in admin


async def test_profile_shows_the_linked_officials_record(official_chat):
    out = await official_chat.send("/toi")
    assert "Hoàng Minh Tuấn (mã DEMO010)" in out
    assert "Chủ nhiệm Ủy ban Kiểm tra" in out and "Ủy ban Kiểm tra Đảng ủy" in out
    assert re.search(r"Ngày sinh: \d\d/\d\d/\d{4}", out)
    assert "Đã liên kết: Bảng điều khiển" in out


async def test_unknown_commands_get_a_helpful_reply(official_chat):
    assert "Không có lệnh /xyz. Gõ /help" in await official_chat.send("/xyz")
    assert "Có phải bạn muốn gõ /toi?" in await official_chat.send("/tio")
    assert "Có phải bạn muốn gõ /help?" in await official_chat.send("/hepl")


async def test_command_with_bot_suffix_and_capitals(official_chat):
    assert "Hoàng Minh Tuấn" in await official_chat.send("/TOI@canbo_bot")


async def test_empty_and_oversized_messages(app, official_chat):
    assert "chưa nhận được nội dung" in await official_chat.send("   ")
    install_form(app)
    await official_chat.send("/thu", "1")
    out = await official_chat.send("x" * 5000)
    assert "Tin nhắn quá dài (5000 ký tự)" in out
    out = await official_chat.send("Khóa học ngắn")  # the form carried on where it was
    assert "Ngày hoàn thành" in out


async def test_redelivered_update_is_ignored(app):
    install_form(app)
    first = Incoming("telegram", "42", "42", text="/thu", update_id="1001")
    assert await app.conversation.handle(first)
    assert await app.conversation.handle(first) == []
    pick = Incoming("telegram", "42", "42", text="1", update_id="1002")
    await app.conversation.handle(pick)
    assert await app.conversation.handle(pick) == []
    async with app.sessionmaker() as session:
        state = await session.get(ConversationState, ("telegram", "42"))
    assert state.step == 1 and state.answers == {"category": "bdhvs"}


async def test_an_id_too_long_for_any_platform_or_not_printable_is_ignored(app, caplog):
    huge = "9" * 65  # no Telegram or Zalo id is this long; the columns hold 64
    for incoming in (
        Incoming("telegram", huge, huge, text="/help", update_id="1"),
        Incoming("zalo", "u", "u", text="/help", update_id=huge),
        # a NUL (PostgreSQL cannot store it) or another control character: no real id has one
        Incoming("zalo", "a\x00b", "a\x00b", text="/help", update_id="2"),
        Incoming("zalo", "u", "u", text="/help", update_id="3\u202e"),
    ):
        with caplog.at_level(logging.WARNING):
            assert await app.conversation.handle(incoming) == []
    assert "longer than 64 characters" in caplog.text
    async with app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(ConversationState)) == 0
    assert "Các lệnh" in await Chat(app, "9" * 64).send("/help")  # 64 is still fine


async def test_a_failure_apologises_with_a_reference_and_writes_nothing(app, caplog):
    @app.conversation.router.command("hong", summary="help.help")
    async def broken(ctx):
        await ctx.repo.audit.record(ctx.actor, "half_written", "test")
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR):
        out = await Chat(app, "u1").send("/hong")
    reference = re.search(r"mã lỗi: ([0-9A-F]{8})", out).group(1)
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and logged[0].exc_info[0] is RuntimeError
    async with app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(AuditEntry)) == 0
    assert "Không có lệnh" in await Chat(app, "u1").send("/khong")  # still serving


async def test_button_press_is_the_same_as_typing_the_option(app):
    install_form(app)
    await app.conversation.handle(Incoming("telegram", "7", "7", text="/thu"))
    replies = await app.conversation.handle(Incoming("telegram", "7", "7", choice="llct"))
    assert "Tên khóa học" in replies[0].text
    # A button this question did not offer (from an older message) does nothing.
    replies = await app.conversation.handle(Incoming("telegram", "7", "7", choice="/huy"))
    assert "tin nhắn cũ" in replies[0].text and "Tên khóa học" in replies[0].text
    replies = await app.conversation.handle(Incoming("telegram", "7", "7", text="/huy"))
    assert "Đã hủy" in replies[0].text


async def test_an_older_buttons_command_without_arguments_runs_as_typed(app, official_chat):
    """A button of an older message whose value is a command with no arguments ("/help",
    "/lotrinh" on a push) does what typing it does; with arguments it is refused."""
    await official_chat.send("/caidat")  # offers "/caidat off": the latest question's
    user = official_chat.user_id

    async def press(value: str, question: int | None = 1) -> str:
        incoming = Incoming("console", user, user, choice=value, question=question)
        return "\n".join(r.text for r in await app.conversation.handle(incoming))

    assert "/toi — Xem hồ sơ của tôi" in await press("/help", question=0)
    assert "tin nhắn cũ" in await press("/duyet_ok 12", question=0)
    assert "tin nhắn cũ" in await press("bdhvs", question=0)
    # In a form, it waits like a typed command; /huy and /quaylai of an older message never
    # act on the form open now.
    install_form(app)
    await official_chat.send("/thu")
    out = await press("/toi", question=0)
    assert "lệnh /toi chưa chạy" in out and "Chọn loại khóa học" in out
    out = await press("/huy", question=0)
    assert "tin nhắn cũ" in out and "Đã hủy" not in out


async def test_free_text_outside_a_form_gets_guidance(official_chat):
    assert "/help" in await official_chat.send("xin chào")


async def test_updates_take_database_turns_in_the_order_they_came(app):
    # The pool's own queue lets a newcomer take a freed connection ahead of those waiting;
    # under a burst some officials waited 10 s while others were answered at once.
    slots = db.transaction_slots(app.engine)
    users = [str(900 + n) for n in range(slots + 3)]
    entered, done = [], {user: asyncio.Event() for user in users}

    @app.conversation.router.command("cho", summary="help.help")
    async def hold(ctx):
        entered.append(ctx.incoming.user_id)
        await done[ctx.incoming.user_id].wait()
        return "Xong."

    async def entries(count: int) -> list[str]:
        for _ in range(500):
            if len(entered) >= count:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)  # and no more than that
        return entered

    handling = []
    try:
        for user in users:
            handling.append(
                asyncio.create_task(
                    app.conversation.handle(Incoming("telegram", user, user, text="/cho"))
                )
            )
            await asyncio.sleep(0.01)
        # as many as the pool holds; they start together, so their order is the connections'
        assert sorted(await entries(slots)) == users[:slots]
        for freed, waiting in zip(users, users[slots:], strict=False):
            done[freed].set()  # one turn ends: the longest waiting takes it
            assert (await entries(len(entered) + 1))[-1] == waiting
    finally:
        for event in done.values():
            event.set()
        replies = await asyncio.gather(*handling)
    assert sorted(entered) == users and all(r[0].text == "Xong." for r in replies)


async def test_unknown_commands_suggest_only_what_this_user_may_use(app, official_chat):
    assert "Có phải bạn muốn" not in await official_chat.send("/duyet_no")
    install_form(app)
    out = await official_chat.send("/thu", "/abc")
    assert "Không có lệnh /abc" in out and "chưa chạy" not in out and "Chọn loại khóa học" in out


async def test_odd_arguments_of_the_summaries_are_explained(admin_chat):
    assert "Gõ /chitieu kèm số chỉ tiêu" in await admin_chat.send("/chitieu -1")
    assert "«1900Q1» không phải một quý" in await admin_chat.send("/chuanop 1900Q1")


async def test_a_slash_is_a_slash_however_it_is_typed(app, official_chat):
    install_form(app)
    await official_chat.send("/thu", "1")
    assert "Đã hủy" in await official_chat.send("／huy")  # a full-width slash
    await official_chat.send("/thu", "1")
    assert "Đã hủy" in await official_chat.send("/ huy")


async def test_a_command_typed_in_words_is_suggested_joined(official_chat):
    out = await official_chat.send("/lo trinh")
    assert "Không có lệnh /lo trinh. Có phải bạn muốn gõ /lotrinh?" in out
    assert "Có phải bạn muốn gõ /dangky?" in await official_chat.send("/dang ky")
    assert "Có phải bạn muốn gõ /lotrinh?" in await official_chat.send("/Lộ Trình của tôi")
    # Only what this user may use: no admin's command to an official.
    assert "/baocaodinhky" not in await official_chat.send("/bao cao dinh ky")


async def test_reminders_go_to_the_chat_last_written_from(app, official_chat):
    """The account's chat follows the official whether they ask a question (answered without
    reading the account) or run a command."""

    async def chat_of() -> str:
        async with app.sessionmaker() as session:
            return await session.scalar(
                select(ChannelAccount.chat_id).where(
                    ChannelAccount.external_user_id == official_chat.user_id
                )
            )

    async def send(text: str, chat: str, update_id: str):
        return await app.conversation.handle(
            Incoming("console", official_chat.user_id, chat, text=text, update_id=update_id)
        )

    (answer,) = await send("bdhvs la gi", "group-1", "c1")
    assert "Nguồn" in answer.text and await chat_of() == "group-1"
    (profile,) = await send("/toi", "group-2", "c2")
    assert "Hoàng Minh Tuấn" in profile.text and await chat_of() == "group-2"
