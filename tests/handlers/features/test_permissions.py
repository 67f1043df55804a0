"""Taking access back and handing it out: /quyen in chat, new invites that replace an old phone,
and (in tests/bot/test_cli.py) `python -m bot account …`."""

import re

from sqlalchemy import select

from handlers.types import Incoming
from storage.enums import Role
from storage.models import AuditEntry, ChannelAccount, Delivery, Official
from tests.helpers.app import chat_as


async def says(app, channel: str, user: str, text: str) -> str:
    replies = await app.conversation.handle(Incoming(channel, user, user, text=text))
    return "\n".join(
        r.text + "".join(f"\n{n}. {c.label}" for n, c in enumerate(r.choices, 1)) for r in replies
    )


async def link(app, admin_chat, channel: str, user: str, code: str = "DEMO010") -> str:
    invite = await admin_chat.send(f"/moi {code}")
    out = await says(app, channel, user, "/start " + re.search(r"/start (\w{10})", invite)[1])
    assert "Đã liên kết" in out
    return invite


async def accounts(app, code: str = "DEMO010") -> list[tuple[str, str]]:
    async with app.sessionmaker() as session:
        rows = await session.scalars(
            select(ChannelAccount).join(ChannelAccount.official).where(Official.code == code)
        )
        return sorted((a.platform, a.external_user_id) for a in rows)


async def notices(app, code: str = "DEMO010") -> list[str]:
    async with app.sessionmaker() as session:
        official = await session.scalar(select(Official).where(Official.code == code))
        rows = await session.scalars(select(Delivery).where(Delivery.official_id == official.id))
        return [d.text for d in rows]


async def test_an_admin_unlinks_the_account_of_a_lost_phone(app, admin_chat):
    await link(app, admin_chat, "telegram", "t1")
    await link(app, admin_chat, "zalo", "z1")
    out = await admin_chat.send("/quyen DEMO010")
    assert "Hoàng Minh Tuấn (DEMO010)" in out and "• Telegram:" in out and "• Zalo:" in out
    assert "1. 🔓 Gỡ liên kết Telegram" in out and "2. 🔓 Gỡ liên kết Zalo" in out
    out = await admin_chat.send("1")
    assert "• Thao tác: 🔓 Gỡ liên kết Telegram · Hoàng Minh Tuấn (DEMO010)" in out
    out = await admin_chat.send("1")  # at once: a double send, not a yes
    assert "hai lần liên tiếp" in out and await accounts(app) == [
        ("telegram", "t1"),
        ("zalo", "z1"),
    ]
    out = await admin_chat.send("Xác nhận")
    assert "Đã gỡ liên kết Telegram của Hoàng Minh Tuấn" in out
    assert await accounts(app) == [("zalo", "z1")]
    assert "cần liên kết" in await says(app, "telegram", "t1", "/toi")  # the lost phone
    assert "Hoàng Minh Tuấn" in await says(app, "zalo", "z1", "/toi")
    assert any("Tài khoản Telegram của bạn đã được gỡ liên kết" in n for n in await notices(app))
    async with app.sessionmaker() as session:  # and the lost phone itself, while it can be
        here = await session.scalar(select(Delivery).where(Delivery.chat_id == "t1"))
    assert here.platform == "telegram" and "Tài khoản này đã được gỡ liên kết" in here.text
    async with app.sessionmaker() as session:
        unlinked = await session.scalar(select(AuditEntry).where(AuditEntry.action == "unlink"))
    assert unlinked.actor == "official:DEMO001" and unlinked.before["official"] == "DEMO010"


async def test_an_admin_grants_and_revokes_a_unit_admin(app, admin_chat):
    await link(app, admin_chat, "zalo", "z1")
    out = await admin_chat.send("/quyen DEMO010")
    assert "Quyền: Cán bộ" in out
    out = await admin_chat.send("Cấp quyền quản trị đơn vị", "Xác nhận")
    assert "Đã đổi quyền của Hoàng Minh Tuấn thành: Quản trị đơn vị." in out
    assert "Ủy ban Kiểm tra Đảng ủy" in await says(app, "zalo", "z1", "/tonghop")
    assert any("quyền quản trị đơn vị (Ủy ban Kiểm tra Đảng ủy)" in n for n in await notices(app))

    await admin_chat.send("/quyen DEMO010", "Thu hồi quyền quản trị (chỉ là cán bộ)", "1")
    assert "dành cho quản trị viên và quản trị viên đơn vị" in await says(
        app, "zalo", "z1", "/tonghop"
    )
    async with app.sessionmaker() as session:
        changes = list(
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "role_changed"))
        )
    assert [(c.before["role"], c.after["role"]) for c in changes] == [
        ("official", "unit_admin"),
        ("unit_admin", "official"),
    ]


async def test_nobody_changes_their_own_role_and_only_admins_change_any(
    app, admin_chat, official_chat
):
    out = await admin_chat.send("/quyen DEMO001")
    assert "Cấp quyền" not in out and "Thu hồi" not in out
    assert "chỉ dành cho quản trị viên" in await official_chat.send("/quyen DEMO001")
    assert "Cách dùng: /quyen MÃ_CB" in await admin_chat.send("/quyen")
    assert "Không tìm thấy cán bộ có mã XYZ" in await admin_chat.send("/quyen XYZ")
    async with app.sessionmaker() as session:
        admin = await session.scalar(select(Official).where(Official.code == "DEMO001"))
    assert admin.role == Role.ADMIN


async def test_a_new_invite_replaces_the_old_phone_only_when_it_is_used(app, admin_chat):
    await link(app, admin_chat, "telegram", "old-phone")
    await link(app, admin_chat, "zalo", "z1")
    invite = await admin_chat.send("/moi DEMO010")
    assert "đang liên kết Telegram, Zalo" in invite
    assert "Hoàng Minh Tuấn" in await says(app, "telegram", "old-phone", "/toi")  # until used
    code = re.search(r"/start (\w{10})", invite)[1]
    out = await says(app, "telegram", "new-phone", f"/start {code}")
    assert "Tài khoản Telegram liên kết trước đây với hồ sơ này đã được gỡ liên kết" in out
    assert await accounts(app) == [("telegram", "new-phone"), ("zalo", "z1")]
    assert "cần liên kết" in await says(app, "telegram", "old-phone", "/toi")


async def test_quyen_only_shows_and_each_change_is_confirmed(app, admin_chat):
    await admin_chat.send("/quyen DEMO010")
    out = await admin_chat.send("/moi DEMO011")  # looking opened nothing to finish
    assert "Mã mời cho" in out
    out = await admin_chat.send("/quyen_doi DEMO010 role:official")  # what it already is
    assert "Không làm được thay đổi này" in out


async def test_someone_elses_code_on_a_linked_account_changes_nothing(app, admin_chat):
    await link(app, admin_chat, "zalo", "z1")  # DEMO010
    code = re.search(r"/start (\w{10})", await admin_chat.send("/moi DEMO011"))[1]
    out = await says(app, "zalo", "z1", f"/start {code}")
    assert "đang liên kết với hồ sơ cán bộ Hoàng Minh Tuấn" in out
    assert "Hoàng Minh Tuấn" in await says(app, "zalo", "z1", "/toi")
    assert "Đã liên kết tài khoản với cán bộ Pờ Thị Xuân" in await says(
        app, "telegram", "t9", f"/start {code}"
    )  # the code still works for its owner


async def test_a_change_confirmed_after_another_admin_changed_the_role_is_refused(app, admin_chat):
    async with app.sessionmaker() as session, session.begin():
        (await session.scalar(select(Official).where(Official.code == "DEMO002"))).role = Role.ADMIN
    other = await chat_as(app, "DEMO002")
    await admin_chat.send("/quyen DEMO010", "Cấp quyền quản trị viên")  # at the confirmation
    await other.send("/quyen DEMO010", "Cấp quyền quản trị đơn vị")
    assert "thành: Quản trị viên" in await admin_chat.send("xác nhận")
    out = await other.send("xác nhận")  # its card said "Cán bộ"; it is no longer so
    assert "Không làm được thay đổi này" in out
    async with app.sessionmaker() as session:
        official = await session.scalar(select(Official).where(Official.code == "DEMO010"))
    assert official.role == Role.ADMIN


async def test_an_admin_changes_nothing_of_their_own_record_in_chat(app, admin_chat):
    out = await admin_chat.send("/quyen DEMO001")
    assert "Đây là hồ sơ của bạn" in out and "Gỡ liên kết" not in out
    assert "Không làm được thay đổi này" in await admin_chat.send(
        "/quyen_doi DEMO001 unlink:console"
    )
