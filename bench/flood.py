"""A flood from one stranger: MESSAGES messages of 4,000 characters from one account not linked
to any official, through the conversation core (what every Telegram and Zalo update goes
through), on a fresh SQLite database.

Prints, per configuration, the CPU the event loop spent (process time), how much the process's
resident memory grew (VmRSS), how many messages were answered and how many update rows
reached the database:
- "limits on": the defaults (RATE_LIMIT_STRANGER_PER_MINUTE=6): the flood all arrives within
  a minute, so after 6 answers and one note the rest costs an in-memory check each;
- "limits off" (0): every message is handled; the question-length cap keeps the 4,000
  characters out of the knowledge search.

Run: .venv/bin/python bench/flood.py [--messages 1000]
"""

import argparse
import asyncio
import dataclasses
import tempfile
import time
from pathlib import Path

from common import loadavg  # importing common puts the repository on sys.path
from sqlalchemy import func, select

from bot.app import open_app
from bot.config import Settings
from handlers.limits import MessageLimits
from handlers.types import Incoming
from storage.models import ProcessedUpdate

TEXT = ("cán bộ xã cần học trung cấp lý luận chính trị trong bao lâu thì đạt chuẩn " * 60)[:4000]


def _rss_kb() -> int:
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1])


async def flood(messages: int, limited: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{folder}/f.db")
        async with open_app(settings) as app:
            conversation = app.conversation
            if not limited:
                conversation.options = dataclasses.replace(
                    conversation.options, rate_limit_per_minute=0, rate_limit_stranger_per_minute=0
                )
            conversation.limits = MessageLimits()
            await conversation.handle(Incoming("zalo", "warm-up", "warm-up", text="xin chào"))
            rss = _rss_kb()
            cpu = time.process_time()
            answered = 0
            for number in range(messages):
                replies = await conversation.handle(
                    Incoming("zalo", "flooder", "flooder", text=TEXT, update_id=str(number))
                )
                answered += bool(replies)
            cpu = time.process_time() - cpu
            grown = _rss_kb() - rss
            async with app.sessionmaker() as session:
                rows = await session.scalar(select(func.count()).select_from(ProcessedUpdate))
    label = "limits on " if limited else "limits off"
    print(
        f"{label}: {messages} messages, CPU {cpu:.2f} s ({cpu / messages * 1000:.2f} ms each), "
        f"memory grew {grown / 1024:.1f} MB, answered {answered}, "
        f"update rows stored {rows}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    args = parser.parse_args()
    print(f"load average before: {loadavg()}")
    asyncio.run(flood(args.messages, limited=True))
    asyncio.run(flood(args.messages, limited=False))


if __name__ == "__main__":
    main()
