"""The registration window: its days (defaults, typed, refused), /dangky before it opens
and a form or a deletion confirmed after it closed, and /handangky, by which admins set it."""

from datetime import date

import pytest
from sqlalchemy import select

from handlers.services.registration import (
    WindowDays,
    WindowInvalid,
    next_window,
    parse_window,
    study_form_label,
)
from handlers.texts import t
from storage.enums import Role
from storage.models import CommuneSetting, Official
from tests.helpers.app import chat_as
from tests.helpers.registration import (
    BEFORE,
    CLOSED,
    LAST_MINUTE,
    POLITICAL_THEORY,
    audit,
    registrations,
)

# -- the window -----------------------------------------------------------------------------


def test_the_default_window_is_october_to_mid_november_for_the_next_year():
    days = WindowDays()
    window = next_window(days, date(2026, 6, 5))
    assert (window.opens, window.closes, window.year) == (
        date(2026, 10, 1),
        date(2026, 11, 15),
        2027,
    )
    assert window.is_open(date(2026, 11, 15)) and not window.is_open(date(2026, 9, 30))
    after = next_window(days, date(2026, 11, 16))
    assert (after.opens, after.year) == (date(2027, 10, 1), 2028)


@pytest.mark.parametrize(
    "opens, closes, problem",
    [
        ("31/09", "15/11", "Không có ngày 31/09"),
        ("29/02", "15/03", "Không dùng ngày 29/02"),
        ("15/11", "01/10", "Ngày mở phải trước ngày đóng"),
        ("01/10", "01/10", "Ngày mở phải trước ngày đóng"),
        ("tháng 10", "15/11", "không phải một ngày dạng ngày/tháng"),
    ],
)
def test_a_window_that_is_no_window_is_refused_with_the_reason(opens, closes, problem):
    with pytest.raises(WindowInvalid, match=problem):
        parse_window(opens, closes)


def test_a_window_typed_as_day_and_month():
    assert parse_window("1/9", "30-09") == WindowDays((1, 9), (30, 9))
    assert study_form_label("part_time") == "Vừa làm vừa học"


# -- /dangky outside the window ---------------------------------------------------------------


async def test_outside_the_window_it_says_when_it_opens_and_for_which_year(clock, official_chat):
    clock[0] = BEFORE
    out = await official_chat.send("/dangky")
    assert "Đăng ký cho năm 2027 mở từ ngày 01/10/2026 đến hết ngày 15/11/2026." in out
    assert "Bạn muốn đăng ký" not in out


async def test_a_form_confirmed_after_the_window_closed_is_refused(app, clock, official_chat):
    clock[0] = LAST_MINUTE
    out = await official_chat.send("/dangky", *POLITICAL_THEORY[:-1])
    assert "Vui lòng kiểm tra lại đăng ký đào tạo" in out
    clock[0] = CLOSED
    out = await official_chat.send("xác nhận")
    assert "⛔ Đã hết thời gian đăng ký đào tạo, bồi dưỡng năm 2027" in out
    assert "liên hệ quản trị viên của xã" in out and "Ban Xây dựng Đảng" not in out
    assert await registrations(app) == []


async def test_a_deletion_confirmed_after_the_window_closed_is_refused(app, clock, official_chat):
    clock[0] = LAST_MINUTE
    await official_chat.send("/dangky", *POLITICAL_THEORY)
    out = await official_chat.send("/xoadangky 1")
    assert "Vui lòng kiểm tra lại yêu cầu xóa đăng ký" in out
    clock[0] = CLOSED
    out = await official_chat.send("xác nhận")
    assert "⛔ Đã hết thời gian" in out
    assert len(await registrations(app)) == 1


# -- /handangky ------------------------------------------------------------------------------


async def window_setting(app) -> dict | None:
    async with app.sessionmaker() as session:
        setting = await session.get(CommuneSetting, "registration_window")
        return None if setting is None else setting.value


async def test_admins_see_and_set_the_window_and_it_is_audited(app, clock, admin_chat):
    out = await admin_chat.send("/handangky")
    assert "từ 01/10 đến hết 15/11" in out and "Đang mở: đăng ký cho năm 2027" in out
    out = await admin_chat.send("/handangky 31/09 15/11")
    assert "Không có ngày 31/09" in out
    out = await admin_chat.send("/handangky 15/11 01/10")
    assert "Ngày mở phải trước ngày đóng" in out
    assert await window_setting(app) is None
    out = await admin_chat.send("/handangky 01/09 30/09")
    assert "✅ Đã đặt lại thời gian đăng ký" in out
    assert "Lần tới: đăng ký cho năm 2028, từ ngày 01/09/2027 đến hết ngày 30/09/2027" in out
    assert await window_setting(app) == {"opens": [1, 9], "closes": [30, 9]}
    (entry,) = await audit(app, "registration_window_set")
    assert entry.before == {"opens": [1, 10], "closes": [15, 11]} and entry.actor.endswith(
        "DEMO001"
    )
    # Officials now find the window closed (it closed on 30/09/2026).
    official = await chat_as(app, "DEMO010")
    assert "mở từ ngày 01/09/2027" in await official.send("/dangky")


async def test_moving_the_window_into_the_past_closes_it_now_and_says_so(app, clock, admin_chat):
    official = await chat_as(app, "DEMO010")
    await official.send("/dangky", *POLITICAL_THEORY)
    await (await chat_as(app, "DEMO012")).send("/dangky", *POLITICAL_THEORY)
    await official.send("/dangky them", "4", "2", "2", "xác nhận")
    out = await admin_chat.send("/handangky 01/09 30/09")
    assert "đăng ký đào tạo, bồi dưỡng năm 2027 đang mở nay đóng ngay" in out
    assert "có 2 cán bộ đã đăng ký (3 đăng ký)" in out
    assert out.count("\n> ") == 0 and "Thông tin đã đúng chưa?" not in out  # told, not asked
    out = await official.send("/dangky")
    assert "Hiện chưa đến" not in out
    assert "🎓 Đăng ký đào tạo, bồi dưỡng năm 2027 đã đóng (hạn cuối: ngày 30/09/2026)." in out
    assert "Bạn đã đăng ký cho năm 2027:\n1. Sơ cấp lý luận chính trị" in out
    assert out.rstrip().endswith(
        "Đăng ký cho năm 2028 mở từ ngày 01/09/2027 đến hết ngày 30/09/2027."
    )
    # Moving it within the open window says nothing of closing.
    await admin_chat.send("/handangky 01/10 15/11")
    assert "đóng ngay" not in await admin_chat.send("/handangky 01/10 20/11")


async def test_officials_and_unit_admins_may_not_set_the_window(app, clock, official_chat):
    out = await official_chat.send("/handangky 01/09 30/09")
    assert t("common.admin_only").split("\n")[0] in out
    async with app.sessionmaker() as session, session.begin():
        unit_admin = await session.scalar(select(Official).where(Official.code == "DEMO011"))
        unit_admin.role = Role.UNIT_ADMIN
    chat = await chat_as(app, "DEMO011")
    out = await chat.send("/handangky 01/09 30/09")
    assert t("common.admin_only").split("\n")[0] in out
    assert await window_setting(app) is None
    assert await audit(app, "registration_window_set") == []


async def test_help_lists_dangky_for_officials_and_handangky_for_admins(official_chat, admin_chat):
    out = await official_chat.send("/help")
    assert "/dangky" in out and "/handangky" not in out and "🎓 Đăng ký đào tạo" in out
    assert "/handangky" in await admin_chat.send("/help")
