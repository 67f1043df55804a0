"""The training registration window's pushes: a notice to all when it opens, reminders 7 and
1 days before it closes to those who have not registered, each once, in the window admins set
(read from the database)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.channels.base import SENT, SendResult
from bot.delivery import Deliverer
from bot.scheduler import plan_once
from handlers.types import Reply
from knowledge.vocabulary import CourseCategory
from storage.enums import DeliveryStatus
from storage.models import CommuneSetting, Delivery, Official, TrainingRegistration
from tests.helpers.app import chat_as

HANOI = timezone(timedelta(hours=7))
CODES = ["DEMO002", "DEMO003", "DEMO004", "DEMO005", "DEMO006"]
OPENED = "Đã mở đăng ký đào tạo, bồi dưỡng năm 2027"


def at(day: str, clock: str) -> datetime:
    return datetime.strptime(f"{day} {clock}", "%d/%m/%Y %H:%M").replace(tzinfo=HANOI)


@dataclass
class Recorder:
    name: str = "console"
    sent: list[tuple[str, str]] = field(default_factory=list)

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        self.sent.append((chat_id, reply.text))
        return SENT

    def got(self, words: str) -> list[str]:
        return sorted(chat for chat, text in self.sent if words in text)

    def registration(self) -> list[str]:
        """The texts of the registration pushes (the evaluation's go out too)."""
        return [text for _, text in self.sent if "đăng ký đào tạo" in text]


@pytest.fixture
async def autumn(app):
    now = [at("30/09/2026", "10:00")]
    app.conversation.clock = lambda: now[0]
    for code in CODES:
        await chat_as(app, code)
    async with app.sessionmaker() as session, session.begin():  # DEMO006 turned nudges off
        official = await session.scalar(select(Official).where(Official.code == "DEMO006"))
        official.nudges = False
    recorder = Recorder()
    deliverer = Deliverer(
        app.sessionmaker,
        {"console": recorder},
        app.conversation.options,
        rates={"console": 1000},
        clock=lambda: now[0],
    )

    async def plan(moment: datetime) -> None:
        now[0] = moment
        await plan_once(app.sessionmaker, app.conversation.options, clock=lambda: moment)

    async def tick(moment: datetime) -> None:
        await plan(moment)
        await deliverer.run_once()

    return recorder, plan, tick


async def register(app, code: str, year: int = 2027) -> None:
    async with app.sessionmaker() as session, session.begin():
        official = await session.scalar(select(Official).where(Official.code == code))
        session.add(
            TrainingRegistration(
                official_id=official.id,
                year=year,
                category=CourseCategory.POLITICAL_THEORY,
                course_name="Trung cấp lý luận chính trị",
                study_form="part_time",
            )
        )


async def test_the_window_opens_and_those_not_registered_are_reminded_once(app, autumn):
    recorder, plan, tick = autumn
    await tick(at("01/10/2026", "07:59"))
    assert recorder.got(OPENED) == []
    await tick(at("01/10/2026", "08:01"))
    assert recorder.got(OPENED) == ["DEMO002", "DEMO003", "DEMO004", "DEMO005"]  # not DEMO006
    assert "đến hết ngày 15/11/2026" in recorder.registration()[0]

    await register(app, "DEMO002")
    await tick(at("08/11/2026", "08:01"))  # 7 days before 15/11
    assert recorder.got("Còn 7 ngày") == ["DEMO003", "DEMO004", "DEMO005"]

    # The 1-day reminder is queued; DEMO003 registers before it goes out: it is dropped.
    await plan(at("14/11/2026", "08:01"))
    await register(app, "DEMO003")
    await tick(at("14/11/2026", "08:02"))
    assert recorder.got("Còn 1 ngày") == ["DEMO004", "DEMO005"]
    async with app.sessionmaker() as session:
        statuses = {d.key: d.status for d in await session.scalars(select(Delivery))}
    dropped = [key for key, status in statuses.items() if status == DeliveryStatus.DROPPED]
    assert len(dropped) == 1 and dropped[0].startswith("registration-reminder:2027:1:")

    # Planning again, as a restarted scheduler would, queues nothing new.
    before = len(recorder.registration())
    for moment in (at("14/11/2026", "09:00"), at("15/11/2026", "12:00"), at("20/11/2026", "08:01")):
        await tick(moment)
    assert len(recorder.registration()) == before


async def test_the_window_admins_set_is_the_one_pushed(app, autumn):
    recorder, plan, tick = autumn
    async with app.sessionmaker() as session, session.begin():
        session.add(
            CommuneSetting(
                key="registration_window",
                value={"opens": [1, 9], "closes": [30, 9]},
                updated_by="test",
            )
        )
    await tick(at("01/09/2026", "08:01"))
    assert len(recorder.got(OPENED)) == 4
    assert "đến hết ngày 30/09/2026" in recorder.registration()[0]
    await tick(at("23/09/2026", "08:01"))
    assert len(recorder.got("Còn 7 ngày")) == 4
    await tick(at("01/10/2026", "08:01"))  # the default's first day: nothing any more
    await tick(at("08/11/2026", "08:01"))
    assert len(recorder.registration()) == 8
