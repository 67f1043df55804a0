"""What the tests of reporting completed courses (tests/handlers/features/reports/) share:
the moment they run at, the official who reports, the stored reports, one report made."""

from datetime import datetime, timezone

from sqlalchemy import select

from storage.models import CourseReport, Official
from tests.helpers.app import Chat

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)  # 27/11/2026, 10:00 in Hanoi
OFFICIAL = "DEMO010"  # Hoàng Minh Tuấn


async def stored_reports(app) -> list[CourseReport]:
    async with app.sessionmaker() as session:
        return list(await session.scalars(select(CourseReport).order_by(CourseReport.id)))


async def official(app, code: str) -> Official:
    async with app.sessionmaker() as session:
        return await session.scalar(select(Official).where(Official.code == code))


async def report_bdhvs(chat: Chat) -> str:
    return await chat.send("/baocao", "1", "ki nang so co bn", "1", "hôm qua", "6", "bỏ qua", "1")
