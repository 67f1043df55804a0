"""Deleting a registration (/xoadangky N, or /dangky's «Xóa N»): named as listed, by number
on Zalo, and /xoadangky without a number."""

from datetime import timedelta

from handlers.types import Incoming
from tests.helpers.registration import (
    POLITICAL_THEORY,
    registrations,
    zalo_says,
)


async def test_deleting_names_the_registration_as_listed(app, clock, official_chat):
    await official_chat.send("/dangky", "6", "1", "Luật", "2", "xác nhận")
    await official_chat.send("/dangky them", "6", "1", "Quản lý đất đai", "2", "xác nhận")
    out = await official_chat.send("/xoadangky 2")
    assert "Vui lòng kiểm tra lại yêu cầu xóa đăng ký:" in out
    assert "Đào tạo đại học (Đào tạo chuyên môn; chuyên ngành Quản lý đất đai" in out


async def test_on_zalo_choice_n_deletes_registration_n(app, clock, official_chat):
    await official_chat.send("/dangky", *POLITICAL_THEORY)
    await official_chat.send("/dangky them", "2", "Pháp luật về đất đai", "3")
    await official_chat.send("Không gắn với chỉ tiêu nào", "xác nhận")
    await zalo_says(app, "/huy")  # links the Zalo account
    (listed,) = await app.conversation.handle(Incoming("zalo", "z10", "z10", text="/dangky"))
    # Zalo numbers the choices in this order: «2» is «Xóa 2».
    assert [c.label for c in listed.choices] == ["🗑 Xóa 1", "🗑 Xóa 2", "➕ Thêm đăng ký"]
    out = await zalo_says(app, "2")
    assert "Vui lòng kiểm tra lại yêu cầu xóa đăng ký" in out and "Pháp luật về đất đai" in out
    clock[0] += timedelta(seconds=30)
    assert "🗑 Đã xóa đăng ký «Pháp luật về đất đai»" in await zalo_says(app, "1")
    assert [r.course_name for r in await registrations(app)] == ["Sơ cấp lý luận chính trị"]


async def test_xoadangky_without_a_number_says_how_to_use_it(app, clock, official_chat):
    out = await official_chat.send("/xoadangky")
    assert "Cách dùng: /xoadangky SỐ" in out and "gõ /dangky để đăng ký" in out
    assert "Không có đăng ký số đó" not in out
    await official_chat.send("/dangky", *POLITICAL_THEORY)
    out = await official_chat.send("/xoadangky")
    assert "Cách dùng: /xoadangky SỐ" in out and "1. Sơ cấp lý luận chính trị" in out
    assert "Vui lòng kiểm tra lại" not in out
    assert "Không có đăng ký số đó" in await official_chat.send("/xoadangky 5")
    assert len(await registrations(app)) == 1
