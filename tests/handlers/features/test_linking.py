"""Linking a messaging account to an official with a one-time invite code."""

import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from storage.enums import Role
from storage.models import ChannelAccount, InviteCode, Official
from tests.helpers.app import Chat

T0 = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)


def code_in(output: str) -> str:
    return re.search(r"/start ([A-Z2-9]{10})", output).group(1)


async def linked_official(app, user_id: str) -> str | None:
    async with app.sessionmaker() as session:
        account = await session.scalar(
            select(ChannelAccount).where(ChannelAccount.external_user_id == user_id)
        )
        return account.official.code if account else None


async def test_valid_code_links_once(app, admin_chat):
    app.conversation.clock = lambda: T0
    code = code_in(await admin_chat.send("/moi DEMO005"))
    newcomer = Chat(app, "zalo-user-1")
    assert "cần liên kết" in await newcomer.send("/toi")

    out = await newcomer.send(f"/start {code}")
    assert "Đã liên kết tài khoản với cán bộ Trần Thị Hạnh (mã DEMO005)" in out
    assert await linked_official(app, "zalo-user-1") == "DEMO005"
    assert "Trần Thị Hạnh" in await newcomer.send("/toi")

    intruder = Chat(app, "someone-else")
    assert "đã được sử dụng" in await intruder.send(f"/start {code}")
    assert await linked_official(app, "someone-else") is None
    async with app.sessionmaker() as session:
        invite = await session.scalar(select(InviteCode))
        assert invite.used_at == T0 and invite.code_hash != code  # only the hash is stored


async def test_codes_are_forgiving_about_case_and_spaces(app, admin_chat):
    code = code_in(await admin_chat.send("/moi DEMO007"))
    typed = f"{code[:5].lower()} {code[5:]}"
    assert "Đã liên kết" in await Chat(app, "u7").send(f"/start {typed}")


async def test_expired_code_is_refused(app, admin_chat):
    app.conversation.clock = lambda: T0
    code = code_in(await admin_chat.send("/moi DEMO005"))
    app.conversation.clock = lambda: T0 + timedelta(days=7, seconds=1)
    assert "hết hạn" in await Chat(app, "late").send(f"/start {code}")
    assert await linked_official(app, "late") is None


async def test_wrong_codes_are_throttled(app, admin_chat):
    now = [T0]
    app.conversation.clock = lambda: now[0]
    code = code_in(await admin_chat.send("/moi DEMO008"))
    guesser = Chat(app, "guesser")
    for _ in range(5):
        assert "Mã mời không đúng" in await guesser.send("/start AAAAAAAAAA")
    out = await guesser.send(f"/start {code}")  # even the right code waits now
    assert "sai mã quá nhiều lần" in out and "15 phút" in out
    assert await linked_official(app, "guesser") is None

    assert "Mã mời không đúng" in await Chat(app, "other").send("/start AAAAAAAAAA")

    now[0] = T0 + timedelta(minutes=16)
    assert "Đã liên kết" in await guesser.send(f"/start {code}")


async def test_admin_code_grants_admin(app, admin_chat):
    code = code_in(await admin_chat.send("/moi DEMO006 admin"))
    newcomer = Chat(app, "new-admin")
    out = await newcomer.send(f"/start {code}")
    assert "quyền quản trị viên" in out
    assert "Dành cho quản trị viên:" in await newcomer.send("/help")
    assert "Mã mời cho" in await newcomer.send("/moi DEMO009")
    async with app.sessionmaker() as session:
        official = await session.scalar(select(Official).where(Official.code == "DEMO006"))
        assert official.role == Role.ADMIN


async def test_only_admins_create_codes(app, official_chat):
    assert "chỉ dành cho quản trị viên" in await official_chat.send("/moi DEMO005")
    assert "cần liên kết" in await Chat(app, "stranger").send("/moi DEMO005")
    async with app.sessionmaker() as session:
        assert (await session.scalars(select(InviteCode))).all() == []


async def test_start_without_code_explains_linking(app, official_chat):
    assert "/start MÃ_MỜI" in await Chat(app, "stranger").send("/start")
    assert "đã được liên kết" in await official_chat.send("/start")


async def test_unknown_official_in_invite(admin_chat):
    assert "Không tìm thấy cán bộ" in await admin_chat.send("/moi XYZ999")
    assert "Cách dùng" in await admin_chat.send("/moi")


async def test_deactivated_official_loses_access(app, official_chat):
    async with app.sessionmaker() as session, session.begin():
        official = await session.scalar(select(Official).where(Official.code == "DEMO010"))
        official.active = False
    assert "ngừng công tác" in await official_chat.send("/toi")


async def test_the_invite_says_when_it_expires_to_the_minute(app, admin_chat):
    app.conversation.clock = lambda: T0  # 10:00 on 27/11/2026 in Hanoi
    assert "Hiệu lực đến 04/12/2026 10:00" in await admin_chat.send("/moi DEMO005")


async def test_the_same_start_sent_twice_is_not_an_error(app, admin_chat):
    code = code_in(await admin_chat.send("/moi DEMO005"))
    newcomer = Chat(app, "twice")
    assert "Đã liên kết" in await newcomer.send(f"/start {code}")
    again = await newcomer.send(f"/start {code}")
    assert "đã được liên kết" in again and "đã được sử dụng" not in again
    assert "đã được sử dụng" in await Chat(app, "someone").send(f"/start {code}")
