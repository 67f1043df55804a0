"""Reporting completed courses and verifying them, through the console seam."""

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import insert, select

from handlers.types import Attachment, Incoming
from knowledge.vocabulary import EducationLevel, PoliticalTheoryLevel
from storage.enums import DeliveryStatus, ReportStatus, Role
from storage.models import AuditEntry, ConversationState, CourseReport, Delivery, Official
from storage.repo import Repo
from tests.helpers.app import Chat, chat_as

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)  # 27/11/2026, 10:00 in Hanoi
OFFICIAL = "DEMO010"  # Hoàng Minh Tuấn


@pytest.fixture(autouse=True)
def fixed_clock(app):
    app.conversation.clock = lambda: NOW


async def stored_reports(app) -> list[CourseReport]:
    async with app.sessionmaker() as session:
        return list(await session.scalars(select(CourseReport).order_by(CourseReport.id)))


async def official(app, code: str) -> Official:
    async with app.sessionmaker() as session:
        return await session.scalar(select(Official).where(Official.code == code))


async def report_bdhvs(chat: Chat) -> str:
    return await chat.send("/baocao", "1", "ki nang so co bn", "1", "hôm qua", "6", "bỏ qua", "1")


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


@pytest.mark.parametrize(
    "bad, problem",
    [
        ("32/13/2026", "Không có ngày 32/13/2026"),
        ("01/01/2027", "không thể ở tương lai"),
        ("tuần trước", "Ngày chưa đúng dạng"),
        ("12/12/1969", "trước năm 1970"),
    ],
)
async def test_bad_dates_are_refused_and_reasked(official_chat, bad, problem):
    await official_chat.send("/baocao", "1", "kỹ năng số cơ bản", "bỏ qua")
    out = await official_chat.send(bad)
    assert problem in out and "Ngày hoàn thành khóa học?" in out
    out = await official_chat.send("5/11/26")
    assert "Khóa học kéo dài bao nhiêu giờ?" in out


# The answers that walk through every step of a political-theory report, in order.
LLCT_STEPS = [
    ("/baocao", "Khóa học thuộc loại nào?"),
    ("4", "Tên khóa học là gì?"),  # Lý luận chính trị
    ("Lớp bồi dưỡng đảng viên mới", "Trình độ bạn đạt được sau khóa học?"),
    ("Sơ cấp", "Khóa học do đơn vị nào tổ chức"),
    ("Trung tâm chính trị", "Ngày hoàn thành khóa học?"),
    ("01/10/2026", "Khóa học kéo dài bao nhiêu giờ?"),
    ("40", "Gửi ảnh chụp giấy chứng nhận"),
    ("bỏ qua", "Vui lòng kiểm tra lại báo cáo khóa học"),
]


@pytest.mark.parametrize("depth", range(1, len(LLCT_STEPS)))
async def test_back_and_cancel_work_at_every_step(app, official_chat, depth):
    for message, _ in LLCT_STEPS[: depth + 1]:
        out = await official_chat.send(message)
    assert LLCT_STEPS[depth][1] in out
    out = await official_chat.send("/quaylai")
    assert LLCT_STEPS[depth - 1][1] in out
    out = await official_chat.send("/huy")
    assert "Đã hủy báo cáo khóa học" in out
    assert await stored_reports(app) == []


async def test_report_is_listed_then_verified_and_the_official_is_told(
    app, official_chat, admin_chat
):
    await report_bdhvs(official_chat)
    out = await official_chat.send("/khoahoc")
    assert "#1 · Kỹ năng số cơ bản · 26/11/2026 · ⏳ chờ duyệt" in out

    out = await admin_chat.send("/duyet")
    assert "Báo cáo #1 (không còn báo cáo nào khác chờ duyệt)" in out
    assert "Hoàng Minh Tuấn (DEMO010)" in out
    out = await admin_chat.send("1")  # ✅ Duyệt
    assert "Đã duyệt báo cáo #1 của Hoàng Minh Tuấn" in out
    assert "🔔 [DEMO010] ✅ Báo cáo #1 «Kỹ năng số cơ bản» của bạn đã được duyệt." in out
    assert "✅ đã duyệt" in await official_chat.send("/khoahoc")
    async with app.sessionmaker() as session:
        (delivery,) = await session.scalars(select(Delivery))
        assert delivery.status == DeliveryStatus.SENT and delivery.key == "report-reviewed:1"
    assert "Báo cáo #1: ✅ đã duyệt" in await admin_chat.send("/duyet_ok 1")  # twice: no harm


async def test_a_verified_masters_degree_raises_the_education_level(app, admin_chat):
    graduate = await chat_as(app, "DEMO011")
    assert (await official(app, "DEMO011")).education_level == EducationLevel.DAI_HOC
    await graduate.send(
        "/baocao",
        "6",
        "thac sy quan ly cong",
        "4",
        "Đại học Luật",
        "15/06/2026",
        "bỏ qua",
        "bỏ qua",
        "1",
    )  # 4: Thạc sĩ
    out = await admin_chat.send("/duyet", "1")
    assert "Hồ sơ của cán bộ đã được cập nhật trình độ: Thạc sĩ." in out
    assert "🔔 [DEMO011]" in out and "Hồ sơ của bạn đã được cập nhật trình độ: Thạc sĩ." in out
    assert (await official(app, "DEMO011")).education_level == EducationLevel.THAC_SI
    async with app.sessionmaker() as session:
        raised = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "official_level_raised")
        )
    assert raised.before == {"education_level": "dai_hoc"}
    assert raised.after == {"education_level": "thac_si"}


async def test_a_verified_report_never_lowers_a_level(app, official_chat, admin_chat):
    assert (await official(app, OFFICIAL)).education_level == EducationLevel.THAC_SI
    await official_chat.send(
        "/baocao", "6", "đại học", "bỏ qua", "01/03/2010", "bỏ qua", "bỏ qua", "1"
    )
    out = await admin_chat.send("/duyet", "1")
    assert "Đã duyệt báo cáo #1" in out and "cập nhật trình độ" not in out
    assert (await official(app, OFFICIAL)).education_level == EducationLevel.THAC_SI


async def test_a_verified_political_theory_course_raises_that_level(app, official_chat, admin_chat):
    assert (await official(app, OFFICIAL)).political_theory_level == PoliticalTheoryLevel.TRUNG_CAP
    await official_chat.send(
        "/baocao", "4", "Cao cấp lý luận chính trị", "bỏ qua", "01/03/2026", "bỏ qua", "bỏ qua", "1"
    )
    await admin_chat.send("/duyet", "1")
    assert (await official(app, OFFICIAL)).political_theory_level == PoliticalTheoryLevel.CAO_CAP


async def test_rejection_needs_a_reason_which_the_official_receives(app, official_chat, admin_chat):
    await report_bdhvs(official_chat)
    await admin_chat.send("/duyet")
    out = await admin_chat.send("2")  # ❌ Từ chối
    assert "Vì sao từ chối báo cáo này?" in out
    assert "ghi rõ lý do" in await admin_chat.send("x")
    out = await admin_chat.send("Ảnh mờ. " * 100)  # 800 characters: refused, not cut
    assert "quá giới hạn 500 ký tự" in out and "Đã từ chối" not in out
    out = await admin_chat.send("Ảnh chứng nhận bị mờ", "1")
    assert "Đã từ chối báo cáo #1" in out
    assert "🔔 [DEMO010] ❌ Báo cáo #1" in out and "Lý do: Ảnh chứng nhận bị mờ" in out
    mine = await official_chat.send("/khoahoc")
    assert "❌ bị từ chối" in mine and "Lý do: Ảnh chứng nhận bị mờ" in mine


async def test_the_same_course_on_the_same_day_needs_a_second_confirmation(app, official_chat):
    await report_bdhvs(official_chat)
    out = await official_chat.send(
        "/baocao", "1", "kỹ năng số cơ bản", "1", "hôm qua", "bỏ qua", "bỏ qua", "1"
    )
    assert "Bạn đã báo cáo khóa này với cùng ngày hoàn thành (báo cáo #1" in out
    assert len(await stored_reports(app)) == 1
    await official_chat.send("1")
    assert len(await stored_reports(app)) == 2


async def test_a_pending_report_can_be_withdrawn(app, official_chat, admin_chat):
    await report_bdhvs(official_chat)
    out = await official_chat.send("/khoahoc", "1")  # ↩️ Rút báo cáo #1
    assert "Vui lòng kiểm tra lại yêu cầu rút báo cáo" in out and "Đã rút" not in out
    out = await official_chat.send("xác nhận")
    assert "Đã rút báo cáo #1" in out
    assert "Không có báo cáo nào đang chờ duyệt" in await admin_chat.send("/duyet")
    assert "không tìm thấy" in (await admin_chat.send("/rut 1")).lower()  # not the admin's


async def test_certificate_photo_reaches_the_reviewer(app, admin_chat):
    await chat_as(app, OFFICIAL)  # console account of the official

    async def send(text="", attachments=()):
        return await app.conversation.handle(
            Incoming("console", OFFICIAL, OFFICIAL, text=text, attachments=attachments)
        )

    for message in ("/baocao", "1", "kỹ năng số cơ bản", "1", "hôm nay", "3"):
        await send(message)
    photo = Attachment("photo", file_id="AgACAgQ-cert")
    replies = await send("", (photo,))
    assert "Vui lòng kiểm tra lại" in replies[0].text and "đã gửi kèm" in replies[0].text
    await send("1")
    out = await admin_chat.send("/duyet")
    assert "Giấy chứng nhận của báo cáo #1\n[Tệp:" in out and "Giấy chứng nhận: có" in out
    (report,) = await stored_reports(app)
    assert report.certificate_file_id == "AgACAgQ-cert" and report.certificate_kind == "photo"


async def test_a_unit_admin_reviews_the_reports_of_their_own_unit_only(app, official_chat):
    """As on the web desk: DEMO011 (unit admin of UBKT) sees and verifies DEMO010's report
    (UBKT), never DEMO020's (MTTQ), by /duyet, «Để sau», /duyet N or a typed /duyet_ok N."""
    async with app.sessionmaker() as session, session.begin():
        (await Repo(session).officials.by_code("DEMO011")).role = Role.UNIT_ADMIN
    await report_bdhvs(await chat_as(app, "DEMO020"))  # #1, MTTQ
    await report_bdhvs(official_chat)  # #2, UBKT
    unit_admin = await chat_as(app, "DEMO011")
    out = await unit_admin.send("/duyet")
    assert "Báo cáo #2 (không còn báo cáo nào khác chờ duyệt)" in out and "DEMO020" not in out
    out = await unit_admin.send("/duyet 1")
    assert "đơn vị khác" in out and "Báo cáo #2" in out
    assert "đơn vị khác" in await unit_admin.send("/duyet_ok 1")
    assert "đơn vị khác" in await unit_admin.send("/tuchoi 1")
    assert "Đã duyệt báo cáo #2" in await unit_admin.send("/duyet_ok 2")
    assert "Không có báo cáo nào đang chờ duyệt" in await unit_admin.send("/duyet")
    assert [r.status for r in await stored_reports(app)] == [
        ReportStatus.PENDING,
        ReportStatus.VERIFIED,
    ]


async def test_nobody_reviews_their_own_report(app, admin_chat):
    """DEMO011, unit admin of UBKT, reported a course: listed for them, marked, but verified
    or rejected by another admin only."""
    async with app.sessionmaker() as session, session.begin():
        (await Repo(session).officials.by_code("DEMO011")).role = Role.UNIT_ADMIN
    unit_admin = await chat_as(app, "DEMO011")
    await report_bdhvs(unit_admin)  # #1
    out = await unit_admin.send("/duyet")
    assert "Báo cáo #1" in out and "Đây là báo cáo của chính bạn" in out
    assert "/duyet_ok 1" not in out and "/tuchoi 1" not in out
    refusal = "Bạn không tự duyệt báo cáo của mình được; hãy nhờ quản trị viên khác."
    assert refusal in await unit_admin.send("/duyet_ok 1")
    assert refusal in await unit_admin.send("/tuchoi 1")
    async with app.sessionmaker() as session:
        assert list(await session.scalars(select(Delivery))) == []
        assert (
            list(
                await session.scalars(
                    select(AuditEntry).where(
                        AuditEntry.action.in_(["report_verified", "report_rejected"])
                    )
                )
            )
            == []
        )
    assert [r.status for r in await stored_reports(app)] == [ReportStatus.PENDING]
    assert "Đã duyệt báo cáo #1" in await admin_chat.send("/duyet_ok 1")


async def test_only_admins_review_and_only_linked_officials_report(app, official_chat):
    assert "chỉ dành cho quản trị viên" in await official_chat.send("/duyet")
    assert "chỉ dành cho quản trị viên" in await official_chat.send("/duyet_ok 1")
    assert "chỉ dành cho quản trị viên" in await official_chat.send("/tuchoi 1")
    stranger = Chat(app, "stranger")
    assert "cần liên kết tài khoản" in await stranger.send("/baocao")
    assert "cần liên kết tài khoản" in await stranger.send("/khoahoc")


# -- what is confirmed is what is stored; category, course and level agree ------------------


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


async def test_a_form_left_inconsistent_by_an_older_version_cannot_be_submitted(app, official_chat):
    await official_chat.send("/baocao")
    async with app.sessionmaker() as session, session.begin():
        state = await session.get(ConversationState, ("console", OFFICIAL))
        state.step = 8  # the confirmation, with what the old form let through
        state.answers = {
            "category": "political_theory",
            "level": "tien_si",
            "course": {"id": "dt-tien-si", "name": "Đào tạo tiến sĩ"},
            "completed_on": "2026-11-01",
        }
        state.choices = [["✅ Xác nhận", "__confirm__"], ["↩️ Quay lại", "/quaylai"]]
    out = await official_chat.send("1")
    assert "thuộc loại khác" in out and "mã lỗi" not in out
    assert await stored_reports(app) == []


async def test_a_stored_report_that_does_not_agree_is_shown_and_can_only_be_rejected(
    app, official_chat, admin_chat
):
    async with app.sessionmaker() as session, session.begin():  # as the old form stored it
        await session.execute(
            insert(CourseReport).values(
                official_id=(await official(app, OFFICIAL)).id,
                category="political_theory",
                course_id="dt-tien-si",
                course_name="Đào tạo tiến sĩ",
                level="tien_si",
                completed_on=date(2026, 10, 1),
                status="pending",
                created_at=NOW,
            )
        )
    await report_bdhvs(official_chat)
    out = await admin_chat.send("/duyet")
    assert "Báo cáo #1 (còn 1 báo cáo khác chờ duyệt)" in out
    assert "trình độ «tien_si» không thuộc loại «Lý luận chính trị»" in out
    assert "✅ Duyệt" not in out and "1. ❌ Từ chối" in out
    assert "Không duyệt được báo cáo #1" in await admin_chat.send("/duyet_ok 1")
    out = await admin_chat.send("1", "Sai loại khóa học, báo cáo lại", "1")
    assert "Đã từ chối báo cáo #1" in out
    assert "Đã duyệt báo cáo #2" in await admin_chat.send("/duyet", "1")
    first, second = await stored_reports(app)
    assert (first.status, second.status) == (ReportStatus.REJECTED, ReportStatus.VERIFIED)


async def test_the_review_card_counts_the_others_waiting(app, official_chat, admin_chat):
    for _ in range(3):
        await official_chat.send(
            "/baocao",
            "3",
            "Bồi dưỡng theo yêu cầu vị trí việc làm",
            "bỏ qua",
            "hôm qua",
            "8",
            "bỏ qua",
            "1",
            "1",
        )
    assert "Báo cáo #1 (còn 2 báo cáo khác chờ duyệt)" in await admin_chat.send("/duyet")


async def test_the_certificate_is_asked_as_a_photo_on_zalo(app):
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        await repo.accounts.link(await repo.officials.by_code(OFFICIAL), "zalo", "z1", "z1")
    for text in ("/baocao", "1", "kỹ năng số cơ bản", "1", "hôm qua"):
        await app.conversation.handle(Incoming("zalo", "z1", "z1", text=text))
    (reply,) = await app.conversation.handle(Incoming("zalo", "z1", "z1", text="4"))
    assert "Gửi ảnh chụp giấy chứng nhận nếu có." in reply.text and "tệp" not in reply.text


async def test_hours_with_a_sign_or_other_digits_are_refused(official_chat):
    await official_chat.send("/baocao", "2", "Pháp luật về đất đai", "bỏ qua", "hôm qua")
    for typed in ("-5", "+3", "１２", "5 ngày"):
        out = await official_chat.send(typed)
        assert "Số giờ phải là một số" in out, typed
    assert "Gửi ảnh chụp giấy chứng nhận" in await official_chat.send("12 giờ")


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


async def test_a_file_sent_at_another_step_is_said_to_be_unused(app, official_chat):
    await chat_as(app, OFFICIAL)
    for text in ("/baocao", "1", "kỹ năng số cơ bản", "1", "hôm qua"):
        await official_chat.send(text)
    (reply,) = await app.conversation.handle(
        Incoming(
            "console",
            OFFICIAL,
            OFFICIAL,
            text="8",
            attachments=(Attachment("document", file_id="pdf1", name="chung-nhan.pdf"),),
        )
    )
    assert "chưa được lưu" in reply.text and "Gửi ảnh chụp giấy chứng nhận" in reply.text


async def test_duyet_with_a_number_opens_that_report_and_later_moves_on(
    app, official_chat, admin_chat
):
    for _ in range(3):
        await official_chat.send(
            "/baocao",
            "3",
            "Bồi dưỡng theo yêu cầu vị trí việc làm",
            "bỏ qua",
            "hôm qua",
            "8",
            "bỏ qua",
            "1",
            "1",
        )
    assert "Báo cáo #2" in await admin_chat.send("/duyet 2")
    out = await admin_chat.send("3")  # ⏭ Để sau
    assert "Báo cáo #3" in out
    assert "Báo cáo #1" in await admin_chat.send("3")  # from the oldest again
    out = await admin_chat.send("/duyet 9")
    assert "Không tìm thấy báo cáo này" in out and "Báo cáo #1" in out
    out = await admin_chat.send("9")  # no such choice: said so, and the card stays
    assert "Không có lựa chọn «9»" in out and "1. ✅ Duyệt" in out
    assert "Đã duyệt báo cáo #1" in await admin_chat.send("1")
    await admin_chat.send("/duyet_ok 2", "/duyet_ok 3")
    out = await admin_chat.send("/duyet")
    assert "Không có báo cáo nào đang chờ duyệt" in out


async def test_a_report_of_someone_no_longer_serving_says_so(app, official_chat, admin_chat):
    await report_bdhvs(official_chat)
    async with app.sessionmaker() as session, session.begin():
        (await session.scalar(select(Official).where(Official.code == OFFICIAL))).active = False
    assert "ngừng công tác" in await admin_chat.send("/duyet")
    out = await admin_chat.send("2", "Đã chuyển công tác", "1")
    assert "Lý do: Đã chuyển công tác" in out and "/baocao" not in out.split("Lý do:")[-1]


async def test_a_number_that_is_no_choice_is_not_taken_for_a_name(app, official_chat):
    out = await official_chat.send("/baocao", "8", "8")  # «Khác» lists two courses
    assert "Không có lựa chọn «8»" in out and "Tên khóa học là gì?" in out
    out = await official_chat.send("/baocao")
    assert "đang điền" in out  # still at the same question, nothing stored
    assert await stored_reports(app) == []


async def test_an_abbreviation_that_fits_several_courses_asks_the_level(official_chat):
    out = await official_chat.send("/baocao", "4", "llct")
    assert "Có phải khóa" not in out and "Trình độ bạn đạt được" in out


async def test_invisible_characters_are_not_stored(app, official_chat):
    await official_chat.send(
        "/baocao",
        "2",
        "Pháp\u200b luật\u202e đất đai\u200f",
        "2",
        "bỏ qua",
        "hôm qua",
        "bỏ qua",
        "bỏ qua",
        "1",
    )  # 2: my name
    (report,) = await stored_reports(app)
    assert report.course_name == "Pháp luật đất đai"


async def test_number_like_answers_are_no_course_names(app, official_chat):
    await official_chat.send("/baocao", "4")  # four political-theory courses on offer
    for typed in ("2.5", "#2", "số 2", "1 2", "5"):
        out = await official_chat.send(typed)
        assert f"Không có lựa chọn «{typed}»" in out, typed
    out = await official_chat.send("02")  # a leading zero: still option 2
    assert "Khóa học do đơn vị nào tổ chức" in out


async def test_withdrawing_offers_no_step_to_go_back_to(app, official_chat):
    await report_bdhvs(official_chat)
    out = await official_chat.send("/rut 1")
    assert "1. ✅ Xác nhận\n  2. ❌ Hủy" in out and "Quay lại" not in out
