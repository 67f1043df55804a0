"""A broadcast through the real outbox: an announcement to every official, planned by the
scheduler's code (bot.scheduler.plan_once) and sent by the Deliverer (bot/delivery.py) with the
real TelegramChannel, in the bot's own process (`python -m bot run`), against a local fake
Telegram server that answers 429 (retry_after 1) to any message beyond 30 within one second,
as Telegram does. (The bot also plans today's calendar pushes at start: on a day with some
due, those are sent too, through the same rate limit.)

Prints the achieved rate, the 429s, the longest pauses and the total time.

Run: .venv/bin/python bench/broadcast.py [--count 10000] [--rate 25]
     [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test]
"""

import argparse
import asyncio
import logging
import time
from datetime import datetime, timezone

from common import BenchTelegram, bot_process, database, loadavg, seed_officials
from sqlalchemy import func, select

from bot.scheduler import plan_once
from handlers.context import Options
from storage import db
from storage.enums import CampaignKind
from storage.models import Campaign, Delivery
from storage.repo import Repo

# Planned as of a day with no calendar push due (no evaluation window, no monthly nudge), so
# the announcement is the only campaign, whatever day the benchmark runs.
PLAN_AT = datetime(2026, 2, 2, 3, 0, tzinfo=timezone.utc)
TEXT = "📣 Thông báo: Hội nghị trực tuyến quán triệt Nghị quyết 05 lúc 8 giờ sáng thứ Hai."


async def statuses(sessionmaker) -> dict[str, int]:
    async with sessionmaker() as session:
        rows = await session.execute(
            select(Delivery.status, func.count()).group_by(Delivery.status)
        )
        return {status.value: n for status, n in rows}


def busiest_second(times: list[float]) -> int:
    most, start = 0, 0
    for end, moment in enumerate(times):
        while times[start] <= moment - 1:
            start += 1
        most = max(most, end - start + 1)
    return most


async def main(args) -> None:
    backend = "PostgreSQL" if args.database_url else "SQLite (temporary file)"
    print(f"broadcast: {args.count} officials, configured {args.rate:g} messages/s, {backend}")
    print(f"load average before: {loadavg()}")
    async with database(args.database_url, "bench_broadcast") as url:
        started = time.monotonic()
        await seed_officials(url, args.count)
        print(
            f"seeded {args.count} officials with Telegram accounts in "
            f"{time.monotonic() - started:.1f} s"
        )
        engine = db.create_engine(url)
        sessionmaker = db.sessionmaker(engine)
        options = Options(quiet=(0, 0))  # no quiet hours: the benchmark runs at any hour
        async with sessionmaker() as session, session.begin():
            await Repo(session).campaigns.add(
                Campaign(
                    key="announcement:bench",
                    kind=CampaignKind.ANNOUNCEMENT,
                    text=TEXT,
                    audience={"who": "all"},
                    send_at=PLAN_AT,
                    created_by="bench",
                )
            )
        started = time.monotonic()
        queued = await plan_once(sessionmaker, options, clock=lambda: PLAN_AT)
        print(f"planned: {queued} deliveries queued in {time.monotonic() - started:.1f} s")

        # The bot in its own process (`python -m bot run`, role all, TELEGRAM_RATE=rate): its
        # Deliverer sends what was planned. The fake answers in this process, so a pause in
        # one cannot bunch up the other's clock.
        fake = await BenchTelegram(limit=30).start()
        async with bot_process(url, fake, telegram_rate=args.rate) as bot:
            began = time.monotonic()
            last_note = began
            while True:
                await asyncio.sleep(1)
                left = await statuses(sessionmaker)
                if not left.get("queued") and not left.get("sending"):
                    break
                if time.monotonic() - last_note >= 60:
                    last_note = time.monotonic()
                    sent = sum(len(v) for v in fake.sent.values())
                    print(
                        f"  … {sent} sent after {last_note - began:.0f} s, "
                        f"429s so far {fake.refused}"
                    )
            print(
                f"bot process: CPU {bot.cpu_seconds():.1f} s, RSS {bot.status('VmRSS') / 1024:.0f} MB"
            )
        await fake.stop()

        times = sorted(t for chat in fake.sent.values() for t in chat)
        span = times[-1] - times[0]
        gaps = sorted((b - a for a, b in zip(times, times[1:], strict=False)), reverse=True)
        twice = sum(len(v) > 1 for v in fake.sent.values())
        print(
            f"sent {len(times)} messages to {len(fake.sent)} chats ({twice} chats twice); "
            f"429 answers: {fake.refused}"
        )
        print(
            f"achieved rate: {len(times) / span:.2f} messages/s (messages / (last send - "
            f"first send) = {len(times)} / {span:.1f} s), "
            f"{100 * (len(times) / span / args.rate - 1):+.1f}% against {args.rate:g}/s"
        )
        print(
            f"busiest 1-second window: {busiest_second(times)} messages; longest pauses "
            f"between two sends: {', '.join(f'{g:.2f} s' for g in gaps[:5])}"
        )
        print(
            f"total time from the bot's start to the last send: "
            f"{times[-1] - began:.1f} s; outbox now {await statuses(sessionmaker)}"
        )
        print(f"load average after: {loadavg()}")
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=25, help="TELEGRAM_RATE to configure")
    parser.add_argument("--database-url", help="PostgreSQL server (default: SQLite temp file)")
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(parser.parse_args()))
