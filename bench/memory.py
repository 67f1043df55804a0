"""Memory of the bot process: `python -m bot run` (webhook mode, a Telegram token, against a
local fake Telegram server) idle after start, then after 10,000 updates (questions about the
plan, /help and /toi from 1,000 linked officials, each user's messages one after another).

RSS is VmRSS from /proc/<pid>/status (peak: VmHWM). Also prints what importing each of the
heavy libraries costs in a fresh interpreter, to show where the idle figure comes from.

Run: .venv/bin/python bench/memory.py [--users 1000] [--messages 10] [--rounds 1]
     [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test]
"""

import argparse
import asyncio
import subprocess
import sys
import time

import aiohttp
from common import (
    ROOT,
    BenchTelegram,
    bot_process,
    calibrate,
    database,
    drive,
    loadavg,
    seed_officials,
)

MESSAGES = [
    "/help",
    "chỉ tiêu thạc sĩ trưởng phòng",
    "bdhvs là gì",
    "/toi",
    "kế hoạch thực hiện đến năm nào",
    "phó chủ tịch cần llct gì",
    "ai chịu trách nhiệm bồi dưỡng cán bộ",
    "lương cán bộ xã bao nhiêu",
    "khi nào đánh giá xếp loại quý",
    "cho em hỏi vtvl là gì ạ",
]
IMPORTS = [  # each measured alone in a fresh interpreter
    ("python alone", "pass"),
    ("sqlalchemy + asyncpg + aiosqlite", "import sqlalchemy.ext.asyncio, asyncpg, aiosqlite"),
    ("aiogram, plain import", "import aiogram"),
    ("aiogram, as the bot imports it", "import bot.channels"),
    ("matplotlib (pyplot; when a chart is drawn)", "import matplotlib.pyplot"),
    ("openpyxl (when a roster is read)", "import openpyxl"),
    ("knowledge base loaded", "from knowledge.answers import KnowledgeBase; KnowledgeBase()"),
    ("handlers (every feature)", "import handlers.app"),
    ("bot.runner (what a start imports)", "import bot.runner"),
]
RSS = "import re; print(re.search(r'VmRSS:\\s+(\\d+)', open('/proc/self/status').read())[1])"


def mb(kb: int) -> str:
    return f"{kb / 1024:.0f} MB"


def import_costs() -> None:
    print("RSS of a fresh interpreter after importing (each alone):")
    for name, code in IMPORTS:
        out = subprocess.run(
            [sys.executable, "-c", f"{code}\n{RSS}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        print(f"  {name:34} {mb(int(out.split()[-1]))}")


async def main(args) -> None:
    backend = "PostgreSQL" if args.database_url else "SQLite (temporary file)"
    total = args.users * args.messages
    print(
        f"memory: bot process, webhook mode, {backend}; {total} updates from {args.users} "
        f"users; load average {loadavg()}"
    )
    async with database(args.database_url, "bench_memory") as url:
        (warm,) = await seed_officials(url, 1, first_user=700_000_000, unit="WARM")
        users = await seed_officials(url, args.users)
        fake = await BenchTelegram().start()
        try:
            async with bot_process(url, fake) as bot:
                await asyncio.sleep(args.settle)
                idle = bot.status("VmRSS")
                print(
                    f"idle, {args.settle:g} s after start: RSS {mb(idle)} "
                    f"(peak so far {mb(bot.status('VmHWM'))})"
                )
                script = (MESSAGES * (args.messages // len(MESSAGES) + 1))[: args.messages]
                connector = aiohttp.TCPConnector(limit=40)
                async with aiohttp.ClientSession(connector=connector) as http:
                    counts = await calibrate(http, bot, fake, warm, script)
                    samples: list[int] = []

                    async def sample() -> None:
                        while True:
                            samples.append(bot.status("VmRSS"))
                            await asyncio.sleep(0.5)

                    for round_ in range(1, args.rounds + 1):
                        samples.clear()
                        sampler = asyncio.create_task(sample())
                        run = await drive(
                            http,
                            bot,
                            fake,
                            {u: script for u in users},
                            {u: counts for u in users},
                        )
                        sampler.cancel()
                        print(
                            f"round {round_}: {len(run.latencies)} updates handled in "
                            f"{run.seconds:.1f} s ({run.rate:.0f}/s), timeouts "
                            f"{run.timeouts}; highest RSS sampled {mb(max(samples))}"
                        )
                        await asyncio.sleep(args.settle)
                        after = bot.status("VmRSS")
                        print(
                            f"  {args.settle:g} s later: RSS {mb(after)} "
                            f"({(after - idle) / 1024:+.0f} MB against idle), peak VmHWM "
                            f"{mb(bot.status('VmHWM'))}"
                        )
        finally:
            await fake.stop()
    import_costs()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=10, help="per user")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="send the updates this many times (growth between rounds: a leak?)",
    )
    parser.add_argument("--settle", type=float, default=5, help="seconds to wait before reading")
    parser.add_argument("--database-url", help="PostgreSQL server (default: SQLite temp file)")
    started = time.monotonic()
    asyncio.run(main(parser.parse_args()))
    print(f"total bench time {time.monotonic() - started:.0f} s", file=sys.stderr)
