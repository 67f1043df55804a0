"""/dangky, the form, through the console seam with the clock set: registering, listing and
adding, the specialisation asked of degree programmes, the same course twice in a year
refused (a repeat made meanwhile on Zalo too)."""

from datetime import timedelta

import pytest

from knowledge.vocabulary import CourseCategory
from tests.helpers.registration import (
    CLOSED,
    POLITICAL_THEORY,
    audit,
    numbered,
    registrations,
    zalo_says,
)


async def test_register_two_delete_one_then_closed(app, clock, official_chat):
    out = await official_chat.send("/dangky")
    assert "Đăng ký đào tạo, bồi dưỡng năm 2027" in out and "15/11/2026" in out
    assert "1. Bình dân học vụ số (tự học)" in out and "6. Đào tạo chuyên môn" in out
    out = await official_chat.send(*POLITICAL_THEORY)
    assert "✅ Đã đăng ký «" in out and "cho năm 2027" in out
    assert "đến hết ngày 15/11/2026" in out
    out = await official_chat.send("/dangky")
    assert "1. " in out and "Vừa làm vừa học" in out
    assert numbered(out)[-2:] == ["1. 🗑 Xóa 1", "2. ➕ Thêm đăng ký"]
    out = await official_chat.send("2")  # «Thêm đăng ký»
    assert "Bạn muốn đăng ký loại đào tạo" in out
    out = await official_chat.send(
        "2", "Pháp luật về đất đai", "3", "Không gắn với chỉ tiêu nào", "xác nhận"
    )
    assert "✅ Đã đăng ký «Pháp luật về đất đai» cho năm 2027" in out
    first, second = await registrations(app)
    assert first.category == CourseCategory.POLITICAL_THEORY and first.course_id
    assert (second.category, second.study_form) == (CourseCategory.KNOWLEDGE_UPDATE, "online")
    assert first.year == second.year == 2027 and first.gap is None
    out = await official_chat.send("/dangky")
    assert "2. Pháp luật về đất đai" in out
    assert numbered(out)[-3:] == ["1. 🗑 Xóa 1", "2. 🗑 Xóa 2", "3. ➕ Thêm đăng ký"]
    out = await official_chat.send("2")  # «Xóa 2»: only asks to confirm
    assert "Vui lòng kiểm tra lại yêu cầu xóa đăng ký" in out and "Pháp luật về đất đai" in out
    assert len(await registrations(app)) == 2
    out = await official_chat.send("xác nhận")
    assert "🗑 Đã xóa đăng ký «Pháp luật về đất đai» cho năm 2027" in out
    assert [r.id for r in await registrations(app)] == [first.id]
    assert len(await audit(app, "registration_created")) == 2
    assert len(await audit(app, "registration_deleted")) == 1

    clock[0] = CLOSED  # after the window: shown, no longer changed
    out = await official_chat.send("/dangky")
    assert "Đăng ký cho năm 2028 mở từ ngày 01/10/2027" in out
    assert "Bạn đã đăng ký cho năm 2027:" in out and "1. " in out
    out = await official_chat.send("/xoadangky 1")
    assert "Đăng ký cho năm 2028 mở từ ngày 01/10/2027" in out
    out = await official_chat.send("/dangky them")
    assert "Bạn muốn đăng ký" not in out
    assert [r.id for r in await registrations(app)] == [first.id]


async def test_the_same_course_twice_in_a_year_is_refused(app, clock, official_chat):
    await official_chat.send("/dangky", "6", "1", "Luật", "2", "xác nhận")
    # Said as soon as the specialisation is typed, which is asked again.
    out = await official_chat.send("/dangky them", "6", "dai hoc", "luật ")
    assert "Bạn đã đăng ký chương trình và chuyên ngành này cho năm 2027: 1. Đào tạo đại học" in out
    assert "chuyên ngành Luật" in out and "Chuyên ngành cụ thể" in out
    # Another specialisation is another registration.
    out = await official_chat.send("Quản lý đất đai", "2", "xác nhận")
    assert "✅ Đã đăng ký «Đào tạo đại học»" in out
    # A name typed, not from the catalogue, compared case and diacritics aside.
    await official_chat.send("/dangky them", "2", "Pháp luật về đất đai", "3")
    await official_chat.send("Không gắn với chỉ tiêu nào", "xác nhận")
    out = await official_chat.send("/dangky them", "2", "phap luat ve dat dai", "1")
    assert "Bạn đã đăng ký khóa này cho năm 2027: 3. Pháp luật về đất đai" in out
    assert [r.specialisation for r in await registrations(app)] == [
        "Luật",
        "Quản lý đất đai",
        None,
    ]


async def test_a_repeat_made_meanwhile_is_refused_at_the_confirmation(app, clock, official_chat):
    await official_chat.send("/dangky", "4", "1", "2")  # at the summary, not confirmed
    await zalo_says(app, "/dangky", "4", "1", "1")  # the same official, on Zalo
    clock[0] += timedelta(seconds=30)  # a «1» read before sent, not the same «1» twice
    out = await zalo_says(app, "1")
    assert "✅ Đã đăng ký «Sơ cấp lý luận chính trị»" in out
    out = await official_chat.send("xác nhận")
    assert "Bạn đã đăng ký khóa này cho năm 2027: 1. Sơ cấp lý luận chính trị" in out
    assert len(await registrations(app)) == 1


async def test_a_number_is_no_specialisation(app, clock, official_chat):
    out = await official_chat.send("/dangky", "6", "1", "2")
    assert "«2» không phải một chuyên ngành" in out and "Chuyên ngành cụ thể" in out
    out = await official_chat.send("Luật")
    assert "Bạn muốn học theo hình thức nào?" in out
    # Nor is a course name without a letter, where a name may be typed.
    out = await official_chat.send("/huy", "/dangky", "2", "...")
    assert "«...» chưa phải tên khóa học" in out


@pytest.mark.parametrize("typed", ["", "   "])
async def test_a_blank_specialisation_is_asked_for_plainly(app, clock, official_chat, typed):
    out = await official_chat.send("/dangky", "6", "1", typed)
    assert "Vui lòng gõ tên chuyên ngành bạn muốn học" in out
    assert "«»" not in out and "không phải một chuyên ngành" not in out
    assert "Chuyên ngành cụ thể" in out.split("\n> ")[-1]
