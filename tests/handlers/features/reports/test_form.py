"""/baocao's other steps, through the console seam: dates and hours refused and asked again,
/quaylai and /huy at every step, the certificate (a photo, on Zalo too; a file at another
step), the same course on the same day, a form an older version left inconsistent."""

import pytest

from handlers.types import Attachment, Incoming
from storage.models import ConversationState
from storage.repo import Repo
from tests.helpers.app import chat_as
from tests.helpers.reports import OFFICIAL, report_bdhvs, stored_reports


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


async def test_the_same_course_on_the_same_day_needs_a_second_confirmation(app, official_chat):
    await report_bdhvs(official_chat)
    out = await official_chat.send(
        "/baocao", "1", "kỹ năng số cơ bản", "1", "hôm qua", "bỏ qua", "bỏ qua", "1"
    )
    assert "Bạn đã báo cáo khóa này với cùng ngày hoàn thành (báo cáo #1" in out
    assert len(await stored_reports(app)) == 1
    await official_chat.send("1")
    assert len(await stored_reports(app)) == 2


async def test_a_course_whose_name_has_vietnamese_capitals_is_known_as_reported(app, official_chat):
    """«Ứng dụng trí tuệ nhân tạo…»: the names are compared with Vietnamese case folded (on
    SQLite, lower() folds only ASCII, and the second report went through unwarned)."""
    steps = ["/baocao", "1", "tri tue nhan tao", "1", "hôm qua", "6", "bỏ qua", "1"]
    assert "Đã nhận báo cáo #1: Ứng dụng trí tuệ nhân tạo" in await official_chat.send(*steps)
    out = await official_chat.send(*steps)
    assert "Bạn đã báo cáo khóa này với cùng ngày hoàn thành (báo cáo #1" in out
    assert len(await stored_reports(app)) == 1


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
