"""A course-report-like form used to exercise the form engine; registered only in tests."""

import asyncio
from datetime import date, datetime, timezone

from sqlalchemy import select

from handlers import forms
from handlers.forms import Form, Invalid, Step
from handlers.router import Access
from handlers.types import Choice
from storage.models import AuditEntry

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)  # 10:00 on 27/11/2026 in Hanoi


def parse_date(text, ctx):
    try:
        day = datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise Invalid("Ngày chưa đúng dạng dd/mm/yyyy, ví dụ 05/11/2026.") from None
    if day > ctx.local_now.date():
        raise Invalid("Ngày hoàn thành không thể ở tương lai.")
    return day.isoformat()


async def slow_text(text, ctx):
    await asyncio.sleep(0.02)  # lets a second message race this one if nothing serialises them
    if not text:
        raise Invalid("Vui lòng nhập tên khóa học.")
    return text


def parse_hours(text, ctx):
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 1000:
        raise Invalid("Số giờ phải là số từ 1 đến 1000.")
    return int(text)


async def record(ctx, answers):
    await ctx.repo.audit.record(ctx.actor, "test_report", "form", after=answers)
    return "Đã ghi nhận báo cáo."


COURSE_FORM = Form(
    name="test_course",
    title="báo cáo khóa học",
    steps=(
        Step(
            "category",
            "Loại",
            "Chọn loại khóa học:",
            choices=(Choice("Bình dân học vụ số", "bdhvs"), Choice("Lý luận chính trị", "llct")),
        ),
        Step("course", "Khóa học", "Tên khóa học là gì?", parse=slow_text),
        Step(
            "date",
            "Ngày hoàn thành",
            "Ngày hoàn thành (dd/mm/yyyy)?",
            parse=parse_date,
            show=lambda v: date.fromisoformat(v).strftime("%d/%m/%Y"),
        ),
        Step(
            "level",
            "Trình độ",
            "Trình độ đạt được?",
            choices=(Choice("Trung cấp", "trung_cap"), Choice("Cao cấp", "cao_cap")),
            when=lambda ctx: ctx.state.answers.get("category") == "llct",
        ),
        Step(
            "hours",
            "Số giờ",
            "Học bao nhiêu giờ?",
            parse=parse_hours,
            optional=True,
            takes_numbers=True,
        ),
    ),
    submit=record,
    access=Access.ANYONE,  # the tests fill it in as unlinked users too
)


def install_form(app):
    router = app.conversation.router
    router.form(COURSE_FORM)

    @router.command("thu", summary="help.help")
    async def open_form(ctx):
        return await forms.start(ctx, COURSE_FORM)

    app.conversation.clock = lambda: NOW


async def reports(app) -> list[dict]:
    """What the sample form submitted, as stored."""
    async with app.sessionmaker() as session:
        rows = await session.scalars(select(AuditEntry).where(AuditEntry.action == "test_report"))
        return [row.after for row in rows]
