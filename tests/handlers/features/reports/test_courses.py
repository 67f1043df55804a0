"""/baocao's category and course steps, through the console seam: a course typed loosely
matched to the catalogue or checked with the official, a name far from every course kept as
typed, a catalogue level shown before it is stored, a course of another category refused,
numbers that are no choice not taken for names."""

from handlers.types import Incoming
from storage.enums import ReportStatus
from tests.helpers.reports import OFFICIAL, stored_reports


async def test_self_study_course_typed_loosely_matches_the_catalogue(app, official_chat):
    out = await official_chat.send("/baocao")
    assert "1. Bình dân học vụ số (tự học)" in out
    out = await official_chat.send("1")
    assert "1. Kỹ năng số cơ bản" in out  # the catalogue, as buttons
    out = await official_chat.send("ki nang so co bn")  # no diacritics, two typos
    assert "Nơi tổ chức" not in out and "Nền tảng Bình dân học vụ số" in out
    await official_chat.send("1", "hôm qua", "6", "bỏ qua")
    out = await official_chat.send("1")
    assert "✅ Đã nhận báo cáo #1: Kỹ năng số cơ bản, hoàn thành ngày 26/11/2026." in out
    (report,) = await stored_reports(app)
    assert report.course_id == "bdhvs-ky-nang-so" and report.hours == 6
    assert report.status == ReportStatus.PENDING and report.provider.startswith("Nền tảng")


async def test_a_close_but_unsure_name_is_checked_with_the_official(app, official_chat):
    await official_chat.send("/baocao", "1")
    out = await official_chat.send("an toan mang")
    assert "Có phải khóa «An toàn thông tin và an ninh mạng»?" in out
    out = await official_chat.send("2")  # no: keep what I typed
    assert "Khóa học do đơn vị nào tổ chức" in out
    await official_chat.send("Công an tỉnh", "05/11/2026", "bỏ qua", "bỏ qua", "1")
    (report,) = await stored_reports(app)
    assert report.course_name == "an toan mang" and report.course_id is None


async def test_a_name_far_from_every_course_is_kept_without_a_guess(app, official_chat):
    await official_chat.send("/baocao", "2")  # Cập nhật kiến thức
    out = await official_chat.send("Bồi dưỡng kỹ năng lãnh đạo quản lý cấp xã")
    assert "Có phải khóa" not in out and "Khóa học do đơn vị nào tổ chức" in out
    out = await official_chat.send("Huyện ủy", "hôm qua", "1 giờ", "bỏ qua")
    assert "• Khóa học: Bồi dưỡng kỹ năng lãnh đạo quản lý cấp xã" in out
    assert "• Số giờ học: 1" in out  # "1 giờ": one hour, where "1" alone is «Bỏ qua»
    await official_chat.send("1")
    (report,) = await stored_reports(app)
    assert report.course_name == "Bồi dưỡng kỹ năng lãnh đạo quản lý cấp xã"
    assert report.course_id is None and report.hours == 1


async def test_a_confirmed_guess_and_a_catalogue_level_are_shown_before_they_are_stored(
    app, official_chat
):
    await official_chat.send("/baocao", "1", "an toan mang")
    out = await official_chat.send("1", "bỏ qua", "hôm qua", "1", "1")  # yes; skip the rest
    assert "• Khóa học: An toàn thông tin và an ninh mạng" in out
    assert "• Nơi tổ chức: (bỏ qua)" in out and "• Số giờ học: (bỏ qua)" in out
    await official_chat.send("xác nhận")
    out = await official_chat.send(
        "/baocao", "4", "Cao cấp lý luận chính trị", "bỏ qua", "01/03/2026", "bỏ qua", "bỏ qua"
    )
    assert "• Trình độ đạt được: Cao cấp" in out  # from the catalogue, not asked
    await official_chat.send("1")
    first, second = await stored_reports(app)
    assert (first.course_name, first.provider, first.hours) == (
        "An toàn thông tin và an ninh mạng",
        None,
        None,
    )
    assert (second.course_id, second.level) == ("llct-cao-cap", "cao_cap")


async def test_a_course_of_another_category_is_refused(app, official_chat):
    await official_chat.send("/baocao", "4")  # Lý luận chính trị
    # A button left on an older message, for a degree course.
    (reply,) = await app.conversation.handle(
        Incoming("console", OFFICIAL, OFFICIAL, choice="c:dt-tien-si")
    )
    assert "tin nhắn cũ" in reply.text and "Tên khóa học" in reply.text
    # Its id typed: just a name, not in the catalogue; the level is one of political theory's.
    out = await official_chat.send("c:dt-tien-si")
    assert "Trình độ bạn đạt được" in out and "Tiến sĩ" not in out and "1. Sơ cấp" in out


async def test_a_degree_typed_with_its_field_keeps_the_field(app, official_chat):
    out = await official_chat.send("/baocao", "6", "Thạc sĩ Luật")
    assert "Có phải khóa «Đào tạo thạc sĩ»?" in out
    out = await official_chat.send("1", "bỏ qua", "01/06/2026", "bỏ qua", "bỏ qua")
    assert "• Khóa học: Thạc sĩ Luật" in out and "• Trình độ đạt được: Thạc sĩ" in out
    await official_chat.send("1")
    (report,) = await stored_reports(app)
    assert (report.course_name, report.course_id, report.level) == (
        "Thạc sĩ Luật",
        "dt-thac-si",
        "thac_si",
    )


async def test_a_confirmed_guess_typed_with_a_slip_is_stored_under_the_catalogue_name(
    app, official_chat
):
    out = await official_chat.send("/baocao", "6", "dai hco")
    assert "Có phải khóa «Đào tạo đại học»?" in out
    out = await official_chat.send("1", "bỏ qua", "01/06/2026", "bỏ qua", "bỏ qua")
    assert "• Khóa học: Đào tạo đại học" in out
    await official_chat.send("1")
    (report,) = await stored_reports(app)
    assert (report.course_name, report.course_id) == ("Đào tạo đại học", "dt-dai-hoc")


async def test_a_degree_reported_under_political_theory_is_refused_before_its_levels(
    app, official_chat
):
    # Else «Cử nhân chính trị», a political theory level, could be picked for a law degree.
    out = await official_chat.send("/baocao", "4", "dai hoc luat")
    assert "«dai hoc luat» là khóa «Đào tạo đại học»" in out and "(số 6)" in out
    assert "Trình độ" not in out.split("\n> ")[-1]
    out = await official_chat.send("/quaylai", "6", "dai hoc luat", "1")
    assert "Trình độ đạt được" in out or "Khóa học do đơn vị nào" in out


async def test_a_number_that_is_no_choice_is_not_taken_for_a_name(app, official_chat):
    out = await official_chat.send("/baocao", "8", "8")  # «Khác» lists two courses
    assert "Không có lựa chọn «8»" in out and "Tên khóa học là gì?" in out
    out = await official_chat.send("/baocao")
    assert "đang điền" in out  # still at the same question, nothing stored
    assert await stored_reports(app) == []


async def test_an_abbreviation_that_fits_several_courses_asks_the_level(official_chat):
    out = await official_chat.send("/baocao", "4", "llct")
    assert "Có phải khóa" not in out and "Trình độ bạn đạt được" in out


async def test_number_like_answers_are_no_course_names(app, official_chat):
    await official_chat.send("/baocao", "4")  # four political-theory courses on offer
    for typed in ("2.5", "#2", "số 2", "1 2", "5"):
        out = await official_chat.send(typed)
        assert f"Không có lựa chọn «{typed}»" in out, typed
    out = await official_chat.send("02")  # a leading zero: still option 2
    assert "Khóa học do đơn vị nào tổ chức" in out
