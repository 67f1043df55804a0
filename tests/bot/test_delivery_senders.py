"""Whatever is started, each push goes out once, and only through a process that can reach
its official: two senders over one outbox, a sender without the official's platform, the
console chat on a database that serves real users."""

import asyncio
import itertools
from datetime import datetime, timezone

from sqlalchemy import select

from bot.channels.base import SENT, SendResult
from bot.delivery import Deliverer
from bot.health import ChannelHealth
from knowledge.vocabulary import Gender, PositionGroup
from storage import db
from storage.enums import DeliveryStatus
from storage.models import Delivery, Official
from storage.repo import Repo
from tests.helpers.procs import run

DAYTIME = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)  # 10:00 in Hanoi
KEYS = itertools.count()


class CountingChannel:
    """A channel that records each send and takes a little while, as a network call does."""

    def __init__(self, name: str, sent: list):
        self.name, self.sent = name, sent

    async def send(self, chat_id, reply) -> SendResult:
        self.sent.append((self.name, chat_id, reply.text))
        await asyncio.sleep(0.01)
        return SENT


async def link_and_queue(app, accounts: dict[str, list[str]]) -> None:
    """Link each official (by code) on the given platforms and queue one push for them."""
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        for code, platforms in accounts.items():
            official = await repo.officials.by_code(code)
            for platform in platforms:
                await repo.accounts.link(
                    official, platform, f"{platform}-{code}", f"{platform}-{code}"
                )
            await repo.deliveries.enqueue(
                f"test:{next(KEYS)}", official.id, f"Tin {code}", due_at=DAYTIME
            )


async def statuses(app) -> list[DeliveryStatus]:
    async with app.sessionmaker() as session:
        return list(await session.scalars(select(Delivery.status).order_by(Delivery.id)))


def deliverer(sessionmaker, app, channels) -> Deliverer:
    return Deliverer(
        sessionmaker, {c.name: c for c in channels}, app.conversation.options, clock=lambda: DAYTIME
    )


async def test_two_senders_over_one_outbox_send_each_push_once(app, database):
    codes = [f"DEMO{n:03d}" for n in range(2, 22)]  # 20 pushes
    await link_and_queue(app, {code: ["telegram"] for code in codes})
    sent: list = []
    # The second sender has its own engine: another process, as far as the database knows.
    other = db.create_engine(database.url, **database.engine_kwargs)
    try:
        first = deliverer(app.sessionmaker, app, [CountingChannel("telegram", sent)])
        second = deliverer(db.sessionmaker(other), app, [CountingChannel("telegram", sent)])
        await asyncio.gather(first.run_once(), second.run_once(), first.run_once())
    finally:
        await other.dispose()
    assert sorted(chat for _, chat, _ in sent) == sorted(f"telegram-{c}" for c in codes)
    assert set(await statuses(app)) == {DeliveryStatus.SENT}


async def test_a_push_only_another_platform_reaches_stays_queued(app):
    await link_and_queue(
        app,
        {
            "DEMO002": ["zalo"],
            "DEMO003": ["telegram"],
            "DEMO004": ["zalo", "telegram"],
            "DEMO005": [],
        },
    )
    sent: list = []
    telegram_only = deliverer(app.sessionmaker, app, [CountingChannel("telegram", sent)])
    await telegram_only.run_once()
    assert sorted(chat for _, chat, _ in sent) == ["telegram-DEMO003", "telegram-DEMO004"]
    # DEMO002 (Zalo only) waits for a process with Zalo; DEMO005 has no account at all.
    assert await statuses(app) == [
        DeliveryStatus.QUEUED,
        DeliveryStatus.SENT,
        DeliveryStatus.SENT,
        DeliveryStatus.BLOCKED,
    ]

    await deliverer(app.sessionmaker, app, [CountingChannel("zalo", sent)]).run_once()
    assert sent[-1] == ("zalo", "zalo-DEMO002", "Tin DEMO002")
    assert len(sent) == 3
    assert set(await statuses(app)) == {DeliveryStatus.SENT, DeliveryStatus.BLOCKED}


async def test_a_platform_that_cannot_be_reached_costs_its_pushes_no_tries(app):
    await link_and_queue(app, {"DEMO002": ["telegram", "zalo"], "DEMO003": ["zalo"]})
    sent: list = []
    zalo = CountingChannel("zalo", sent)
    zalo.health = ChannelHealth()
    zalo.health.failed(OSError("unreachable"), 5)  # its platform is down
    sender = deliverer(app.sessionmaker, app, [CountingChannel("telegram", sent), zalo])
    await sender.run_once()
    # DEMO002's newest account is Zalo's; with Zalo down it goes by Telegram instead.
    assert sent == [("telegram", "telegram-DEMO002", "Tin DEMO002")]
    async with app.sessionmaker() as session:
        waiting = (await session.scalars(select(Delivery).order_by(Delivery.id))).all()
    assert [(d.status, d.attempts) for d in waiting] == [
        (DeliveryStatus.SENT, 1),
        (DeliveryStatus.QUEUED, 0),
    ]  # not a try spent

    zalo.health.online("long polling", "bot")  # back
    await sender.run_once()
    assert sent[-1] == ("zalo", "zalo-DEMO003", "Tin DEMO003")


async def test_console_chat_on_a_real_database_leaves_pushes_queued(app, database):
    if not database.url.startswith("sqlite"):
        return  # the command line is run against the SQLite file; once is enough
    await link_and_queue(app, {"DEMO002": ["telegram"], "DEMO003": ["zalo"], "DEMO004": []})
    async with app.sessionmaker() as session, session.begin():
        session.add(
            Official(
                code="CB100",
                full_name="Nguyễn Văn Thật",
                gender=Gender.MALE,
                position_group=PositionGroup.SPECIALIST,
            )
        )  # a real roster
    before = await _deliveries(app)

    result = run("chat", "--user", "DEMO001", stdin="/help\n", env={"DATABASE_URL": database.url})
    assert result.returncode == 0, result.stderr
    after = await _deliveries(app)
    assert [(d.key, d.status, d.attempts) for d in after] == [
        (d.key, DeliveryStatus.QUEUED, 0) for d in before
    ]  # nothing planned, nothing sent
    async with app.sessionmaker() as session:  # and no console account left behind
        assert await Repo(session).accounts.find("console", "DEMO001") is None


async def _deliveries(app) -> list[Delivery]:
    async with app.sessionmaker() as session:
        return list(await session.scalars(select(Delivery).order_by(Delivery.id)))
