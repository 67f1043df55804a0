"""A typed answer longer than the column it goes to is refused at its step, saying the limit,
and the form keeps every earlier answer; the limits are the columns' own."""

from sqlalchemy import select

from handlers.features.reports import REPORT_FORM
from handlers.types import Attachment, Incoming
from storage.models import ConversationState, CourseReport
from storage.repo import Repo
from storage.types import max_length

OFFICIAL = "DEMO010"


async def stored(app) -> list[CourseReport]:
    async with app.sessionmaker() as session:
        return list(await session.scalars(select(CourseReport)))


async def test_an_overlong_provider_is_refused_and_the_report_goes_on(app, official_chat):
    await official_chat.send("/baocao", "2", "Pháp luật về đất đai")
    out = await official_chat.send("Trung tâm bồi dưỡng chính trị huyện " * 10)
    assert "«Nơi tổ chức» dài 359 ký tự, quá giới hạn 300 ký tự" in out
    assert "Khóa học do đơn vị nào tổ chức" in out  # asked again
    out = await official_chat.send("Trung tâm bồi dưỡng chính trị huyện", "hôm qua", "4", "bỏ qua")
    assert "• Khóa học: Pháp luật về đất đai" in out  # the earlier answer kept
    await official_chat.send("1")
    (report,) = await stored(app)
    assert report.provider == "Trung tâm bồi dưỡng chính trị huyện"


async def test_an_overlong_course_name_is_refused_with_the_columns_limit(official_chat):
    await official_chat.send("/baocao", "2")
    out = await official_chat.send("Bồi dưỡng " * 31)
    assert "«Khóa học» dài 309 ký tự, quá giới hạn 300 ký tự" in out
    assert "Tên khóa học là gì" in out


def test_typed_steps_take_their_limits_from_the_columns():
    steps = {step.key: step for step in reversed(REPORT_FORM.steps)}  # the first of a key
    assert steps["provider"].max_length == max_length(CourseReport.provider) == 300
    assert steps["course"].max_length == max_length(CourseReport.course_name)


async def test_a_certificate_file_id_over_the_limit_is_refused_at_its_step(app):
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        await repo.accounts.link(await repo.officials.by_code(OFFICIAL), "telegram", "t1", "t1")

    async def send(text="", attachments=()):
        (reply,) = await app.conversation.handle(
            Incoming("telegram", "t1", "t1", text=text, attachments=attachments)
        )
        return reply.text

    for text in ("/baocao", "1", "kỹ năng số cơ bản", "1", "hôm qua", "6"):
        await send(text)
    out = await send(attachments=(Attachment("document", file_id="B" * 301, name="cn.pdf"),))
    assert "Tệp này không lưu được" in out and "300 ký tự" in out
    assert "Gửi ảnh chụp giấy chứng nhận" in out
    out = await send(attachments=(Attachment("document", file_id="BQACAgQ", name="cn.pdf"),))
    assert "• Giấy chứng nhận: đã gửi kèm" in out


def test_what_the_bot_itself_writes_fits_its_columns(app):
    # Not typed by anyone, so refused by no step: the catalogue (the operator may edit it),
    # the forms' names, the platforms' names.
    catalogue = app.conversation.knowledge.courses.courses
    for column, values in (
        (CourseReport.course_id, [c.id for c in catalogue]),
        (CourseReport.course_name, [c.name for c in catalogue]),
        (CourseReport.provider, [c.provider or "" for c in catalogue]),
        (CourseReport.level, [c.level or "" for c in catalogue]),
        (ConversationState.form, list(app.conversation.router.forms)),
        (CourseReport.certificate_platform, ["telegram", "zalo", "console"]),
    ):
        longest = max(values, key=len)
        assert len(longest) <= max_length(column), (column, longest)
