"""Past one machine: two webhook workers and one scheduler, sharing PostgreSQL and Redis.

The test plays the reverse proxy: it spreads each user's updates over both workers (and sends
some twice, as a platform does when it misses an answer). No update may be handled twice, each
user's messages must be handled in order, and each push must be delivered once.
"""

import asyncio
from datetime import datetime, timezone

import aiohttp
import pytest
from sqlalchemy import func, select

from storage import db
from storage.enums import CampaignKind
from storage.models import Campaign, ChannelAccount, CourseReport, Official
from tests.helpers import REDIS_URL, TEST_DATABASE_URL
from tests.helpers.app import free_port
from tests.helpers.procs import bot_env, cli, fresh_database, start_bot, stop_bot

SECRET = "s3cret-token-123"
USERS = {7001 + n: f"DEMO{n + 2:03d}" for n in range(6)}  # Telegram user → official
REPORT = ["/baocao", "1", "kỹ năng số cơ bản", "1", "hôm qua", "6", "bỏ qua", "1"]
EXPECTED = [  # what each reply must contain, in order
    "Khóa học thuộc loại nào?",
    "Tên khóa học là gì?",
    "Khóa học do đơn vị nào tổ chức",
    "Ngày hoàn thành khóa học?",
    "Khóa học kéo dài bao nhiêu giờ?",
    "Gửi ảnh chụp giấy chứng",
    "Vui lòng kiểm tra lại báo cáo khóa học",
    "Đã nhận báo cáo",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs PostgreSQL: set TEST_DATABASE_URL"),
]


async def redis_ready() -> bool:
    from redis.asyncio import Redis

    redis = Redis.from_url(REDIS_URL)
    try:
        await redis.flushdb()
        return True
    except OSError:
        return False
    finally:
        await redis.aclose()


async def link_users(url: str) -> None:
    engine = db.create_engine(url)
    async with engine.begin() as connection:
        for user, code in USERS.items():
            official_id = (
                await connection.execute(select(Official.id).where(Official.code == code))
            ).scalar_one()
            await connection.execute(
                ChannelAccount.__table__.insert().values(
                    platform="telegram",
                    external_user_id=str(user),
                    chat_id=str(user),
                    official_id=official_id,
                    linked_at=datetime.now(timezone.utc),
                )
            )
    await engine.dispose()


async def test_two_workers_and_one_scheduler(telegram, tmp_path):
    if not await redis_ready():
        pytest.skip("needs Redis on 127.0.0.1:6379")
    async with fresh_database(TEST_DATABASE_URL) as url:
        ports = [free_port(), free_port()]
        common = dict(
            database_url=url,
            telegram_bot_token=telegram.token,
            telegram_api_base=telegram.url,
            redis_url=REDIS_URL,
            webhook_secret=SECRET,
            scheduler_interval=2,
            telegram_rate=25,
            quiet_hours="0-0",
        )  # no quiet hours: the test runs at any time of day
        await cli("demo-data", env=bot_env(**common))
        await link_users(url)
        workers = [
            await start_bot(
                "--role",
                "web",
                env=bot_env(
                    **common,
                    webhook_base_url=f"http://127.0.0.1:{port}",
                    webhook_host="127.0.0.1",
                    webhook_port=port,
                ),
                log=tmp_path / f"web{n}.log",
            )
            for n, port in enumerate(ports)
        ]
        scheduler = await start_bot(
            "--role", "scheduler", env=bot_env(**common), log=tmp_path / "scheduler.log"
        )
        try:
            async with aiohttp.ClientSession() as http:
                await wait_healthy(http, ports)
                await asyncio.wait_for(
                    telegram.wait_for(lambda: len(telegram.called("getMe")) >= 3), 30
                )
                await asyncio.gather(
                    *(report_course(http, telegram, ports, user) for user in USERS)
                )

            for user in USERS:
                replies = telegram.texts(user)
                assert len(replies) == len(EXPECTED), (user, replies)  # nothing handled twice
                for reply, expected in zip(replies, EXPECTED, strict=True):
                    assert expected in reply, (user, replies)  # and in order
            assert await count(url, CourseReport) == len(USERS)

            await announce(url)
            await telegram.wait_for(
                lambda: all(any("Họp giao ban" in t for t in telegram.texts(u)) for u in USERS), 30
            )
            await asyncio.sleep(3)  # the scheduler plans again: nothing may go out twice
            for user in USERS:
                assert sum("Họp giao ban" in t for t in telegram.texts(user)) == 1
        finally:
            for process in (*workers, scheduler):
                assert await stop_bot(process) == 0
        for n in range(2):
            assert "running as web" in (tmp_path / f"web{n}.log").read_text()
        assert "running as scheduler" in (tmp_path / "scheduler.log").read_text()


async def wait_healthy(http: aiohttp.ClientSession, ports: list[int]) -> None:
    for _ in range(150):
        try:
            statuses = []
            for port in ports:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    statuses.append(response.status)
            if statuses == [200] * len(ports):
                return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.2)
    raise AssertionError("workers did not start")


async def report_course(http, telegram, ports, user: int) -> None:
    """One official's messages in quick succession, spread over both workers, some twice."""
    for number, message in enumerate(REPORT):
        update = telegram.message(user, message)
        targets = [ports[number % 2]]
        if number % 3 == 0:
            targets.append(ports[(number + 1) % 2])  # a redelivery, to the other worker
        for port in targets:
            async with http.post(
                f"http://127.0.0.1:{port}/webhook/telegram",
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            ) as r:
                assert r.status == 200
    # Sent in quick succession: the replies must still come in order, once each.
    await telegram.wait_for(lambda: len(telegram.texts(user)) >= len(REPORT), 60)


async def announce(url: str) -> None:
    engine = db.create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(
            Campaign.__table__.insert().values(
                key="announcement:test",
                kind=CampaignKind.ANNOUNCEMENT.value,
                text="📣 Thông báo: Họp giao ban sáng thứ Hai",
                audience={"who": "all"},
                send_at=datetime.now(timezone.utc),
                created_by="test",
                created_at=datetime.now(timezone.utc),
            )
        )
    await engine.dispose()


async def count(url: str, model) -> int:
    engine = db.create_engine(url)
    async with engine.connect() as connection:
        value = (await connection.execute(select(func.count()).select_from(model))).scalar_one()
    await engine.dispose()
    return value
