"""/dangky's category and course steps: a course typed loosely or misspelt matched to the
catalogue and confirmed, degree programmes from the catalogue only, a category typed by a
short name, a course of another category refused with its category named."""

import pytest

from tests.helpers.app import chat_as
from tests.helpers.registration import numbered, registrations


async def test_a_course_typed_loosely_matches_the_catalogue(app, clock, official_chat):
    out = await official_chat.send("/dangky", "6", "dai hoc luat")
    assert "Có phải khóa «Đào tạo đại học»?" in out
    out = await official_chat.send("1")
    assert "Chuyên ngành cụ thể" in out
    await official_chat.send("Luật hành chính", "2", "Không gắn với chỉ tiêu nào")
    out = await official_chat.send("xác nhận")
    assert "✅ Đã đăng ký" in out
    (registration,) = await registrations(app)
    assert (registration.course_id, registration.course_name) == ("dt-dai-hoc", "Đào tạo đại học")
    assert registration.specialisation == "Luật hành chính"
    # A name the catalogue knows but for typos: taken as the catalogue names it.
    await official_chat.send(
        "/dangky them", "1", "ki nang so co bn", "3", "Không gắn với chỉ tiêu nào"
    )
    await official_chat.send("xác nhận")
    latest = (await registrations(app))[-1]
    assert (latest.course_id, latest.course_name) == ("bdhvs-ky-nang-so", "Kỹ năng số cơ bản")
    assert latest.specialisation is None  # asked for degree programmes only


async def test_a_guess_is_confirmed_by_a_word_as_well_as_its_number(app, clock, official_chat):
    out = await official_chat.send("/dangky", "llct", "trung cap")
    assert "Có phải khóa «Trung cấp lý luận chính trị»?" in out
    out = await official_chat.send("dung")  # «Đúng, là khóa đó», typed as Zalo users do
    assert "Bạn muốn học theo hình thức nào?" in out
    out = await official_chat.send("/huy", "/dangky", "llct", "trung cap")
    assert "Có phải khóa «Trung cấp lý luận chính trị»?" in out
    out = await official_chat.send("khong")  # «Không phải»: the name as typed
    assert "Bạn muốn học theo hình thức nào?" in out


async def test_a_degree_must_be_a_programme_of_the_catalogue(app, clock, official_chat):
    out = await official_chat.send("/dangky", "6", "Luat")
    assert "«Luat» không phải một chương trình đào tạo" in out
    assert "«Đào tạo đại học», «Đào tạo thạc sĩ», «Đào tạo tiến sĩ»" in out
    assert "Chuyên ngành (ví dụ: Luật, Quản lý đất đai) sẽ hỏi ở bước tiếp theo" in out
    assert numbered(out)[:3] == ["1. Đào tạo đại học", "2. Đào tạo thạc sĩ", "3. Đào tạo tiến sĩ"]
    out = await official_chat.send("thac si")
    assert "Chuyên ngành cụ thể" in out
    out = await official_chat.send("/quaylai", "dai hoc luat", "2")  # «Không phải»
    assert "chỉ chọn được một trong các chương trình: «Đào tạo đại học»" in out
    assert "Gõ /quaylai để chọn lại chương trình" in out
    out = await official_chat.send("/quaylai", "2")
    assert "Chuyên ngành cụ thể" in out
    await official_chat.send("Luật", "1", "xác nhận")
    (registration,) = await registrations(app)
    assert (registration.course_id, registration.specialisation) == ("dt-thac-si", "Luật")


@pytest.mark.parametrize(
    "typed, category",
    [
        ("dao tao chuyen mon", "Đào tạo chuyên môn (đại học, thạc sĩ, tiến sĩ)"),
        ("dai hoc", "Đào tạo chuyên môn (đại học, thạc sĩ, tiến sĩ)"),
        ("LLCT", "Lý luận chính trị"),
        ("cap nhat kien thuc", "Cập nhật kiến thức (pháp luật, CNTT, chuyển đổi số…)"),
        ("binh dan hoc vu so", "Bình dân học vụ số (tự học)"),
    ],
)
async def test_a_category_typed_without_its_brackets_or_by_a_short_name(
    app, clock, official_chat, typed, category
):
    await official_chat.send("/dangky", typed, "/quaylai")  # back to the category step
    out = await official_chat.send(typed)
    assert "Khóa học nào?" in out, typed
    await official_chat.send("/huy")
    # /baocao has the same category step.
    out = await official_chat.send("/baocao", typed)
    assert "Chọn trong danh sách hoặc gõ tên khóa học" in out.split("\n> ")[-1], typed


async def test_a_misspelt_course_confirmed_is_stored_under_the_catalogue_name(
    app, clock, official_chat
):
    out = await official_chat.send("/dangky", "6", "dai hco")
    assert "Có phải khóa «Đào tạo đại học»?" in out
    out = await official_chat.send("1", "Luật", "1")
    assert "• Khóa học: Đào tạo đại học" in out and "dai hco" not in out
    out = await official_chat.send("xác nhận")
    assert "✅ Đã đăng ký «Đào tạo đại học» cho năm 2027" in out
    (registration,) = await registrations(app)
    assert (registration.course_id, registration.course_name) == ("dt-dai-hoc", "Đào tạo đại học")
    assert registration.specialisation == "Luật"


@pytest.mark.parametrize("typed", ["dai hoc", "Đào tạo đại học", "ĐÀO TẠO ĐẠI HỌC"])
async def test_the_suggested_course_typed_at_the_guess_is_taken_as_yes(
    app, clock, official_chat, typed
):
    await official_chat.send("/dangky", "6", "dai hco")
    out = await official_chat.send(typed)
    assert "Chuyên ngành cụ thể" in out and "Vui lòng chọn" not in out
    out = await official_chat.send("Luật", "1")
    assert "• Khóa học: Đào tạo đại học" in out


async def test_a_course_of_another_category_is_refused_naming_its_category(app, clock):
    chat = await chat_as(app, "DEMO024")  # below Trung cấp LLCT: target 7 is on their road
    out = await chat.send("/dangky", "4", "dai hoc")
    assert (
        "«dai hoc» là khóa «Đào tạo đại học», thuộc loại «Đào tạo chuyên môn (đại học, thạc sĩ,"
        " tiến sĩ)»" in out
    )
    assert "gõ /quaylai rồi chọn loại" in out and "(số 6)" in out
    assert "Khóa học nào?" in out.split("\n> ")[-1]  # asked again: the category is kept
    assert "Bạn muốn học theo hình thức nào?" in await chat.send("2")  # Trung cấp LLCT
    await chat.send("/huy")
    # As told: back to the category, the degree one.
    await chat.send("/dangky", "4", "dai hoc")
    out = await chat.send("/quaylai", "/quaylai", "6", "dai hoc")
    assert "Chuyên ngành cụ thể" in out
    assert await registrations(app) == []


@pytest.mark.parametrize(
    ("category", "typed", "name"),
    [
        ("4", "dai hoc luat", "Đào tạo đại học"),  # a degree with its field, under LLCT
        ("4", "dh luat", "Đào tạo đại học"),
        ("2", "thac si kinh te", "Đào tạo thạc sĩ"),  # under knowledge updates
        ("6", "cu nhan chinh tri", "Cử nhân chính trị"),  # not «cử nhân», a degree's alias
    ],
)
async def test_a_course_of_another_category_with_a_field_added_is_refused(
    app, clock, category, typed, name
):
    chat = await chat_as(app, "DEMO024")
    out = await chat.send("/dangky", category, typed)
    assert f"«{typed}» là khóa «{name}»" in out, out
    assert "Khóa học nào?" in out.split("\n> ")[-1]  # asked again: the category is kept
    assert await registrations(app) == []
