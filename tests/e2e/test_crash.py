"""The sender killed with SIGKILL in the middle of a broadcast and restarted: every
recipient gets the message exactly once (checked against the fake server's log)."""

import asyncio
import os
import signal
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from storage import db
from storage.enums import CampaignKind
from storage.models import Campaign, ChannelAccount, Official
from tests.helpers import TEST_DATABASE_URL
from tests.helpers.procs import bot_env, cli, fresh_database, start_bot, stop_bot

RECIPIENTS = 30
TEXT = "📣 Thông báo: kiểm tra"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs PostgreSQL: set TEST_DATABASE_URL"),
]


async def prepare(url: str) -> None:
    """Link the first officials to Telegram chats and announce to all of them."""
    engine = db.create_engine(url)
    now = datetime.now(timezone.utc)
    async with engine.begin() as connection:
        ids = (
            (await connection.execute(select(Official.id).order_by(Official.id).limit(RECIPIENTS)))
            .scalars()
            .all()
        )
        for official_id in ids:
            await connection.execute(
                ChannelAccount.__table__.insert().values(
                    platform="telegram",
                    external_user_id=str(8000 + official_id),
                    chat_id=str(8000 + official_id),
                    official_id=official_id,
                    linked_at=now,
                )
            )
        await connection.execute(
            Campaign.__table__.insert().values(
                key="announcement:crash",
                kind=CampaignKind.ANNOUNCEMENT.value,
                text=TEXT,
                audience={"who": "all"},
                send_at=now,
                created_by="test",
                created_at=now,
            )
        )
    await engine.dispose()


async def test_killed_mid_broadcast_then_restarted_sends_each_once(telegram, tmp_path):
    async with fresh_database(TEST_DATABASE_URL) as url:
        env = bot_env(
            database_url=url,
            telegram_bot_token=telegram.token,
            telegram_api_base=telegram.url,
            telegram_rate=10,
            scheduler_interval=1,
            quiet_hours="0-0",
        )
        await cli("demo-data", env=env)
        await prepare(url)

        first = await start_bot("--role", "scheduler", env=env, log=tmp_path / "first.log")
        killed = asyncio.Event()

        def announced() -> list[str]:
            # The announcement's sends only: on days a self-evaluation window is open, the
            # scheduler also pushes its opening to everyone (a calendar campaign).
            return [str(p["chat_id"]) for p in telegram.called("sendMessage") if p["text"] == TEXT]

        def kill_at_the_tenth(method: str, params: dict) -> None:
            sends = len(announced())
            if (
                method == "sendMessage"
                and params.get("text") == TEXT
                and sends == 9
                and not killed.is_set()
            ):
                os.kill(first.pid, signal.SIGKILL)  # while the tenth is being received
                killed.set()

        telegram.before_answer = kill_at_the_tenth
        await asyncio.wait_for(killed.wait(), 60)
        await first.wait()
        assert first.returncode == -signal.SIGKILL

        second = await start_bot("--role", "scheduler", env=env, log=tmp_path / "second.log")
        try:
            chats = {str(8000 + n) for n in range(1, RECIPIENTS + 1)}
            await telegram.wait_for(lambda: set(announced()) >= chats, 60)
            await asyncio.sleep(3)  # another planning round or two: still nothing twice
        finally:
            assert await stop_bot(second) == 0
        assert sorted(announced()) == sorted(chats)  # every recipient exactly once
