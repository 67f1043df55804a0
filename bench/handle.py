"""The conversation's own cost of one message, in process: `Conversation.handle` called directly,
no platform and no HTTP (issue 20).

bench/cost.py measures whole processes against a fake Bot API, and on this VM its figures move
by ±30 % between runs; a change of a tenth in the conversation's own work drowns in that. Here
the same workloads run through the conversation alone, as `python -m bot run` assembles it
(`bot.app.open_app`, SQLite file), and the CPU time of this process is all the conversation's:

  linked     cost.py's questions, from linked officials;
  strangers  the same from accounts linked to nobody, each a first contact;
  form       the 8 steps of /baocao (bench/e2e.py), ending in a stored report.

Each workload runs --repeats times over its own users; every run is printed, then the median.

Run: .venv/bin/python bench/handle.py [--users 300] [--repeats 3]
    [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test]
"""

import argparse
import asyncio
import gc
import statistics
import time
from itertools import count

from common import database, seed_officials
from cost import QUESTIONS
from e2e import FAILED, REPORT

from bot.app import open_app
from bot.config import Settings
from handlers.types import Incoming

PLATFORM = "zalo"
LINKED = 800_000_000
STRANGERS = 700_000_000


async def run(app, users: list[str], script: list[str], updates: count) -> tuple[float, int]:
    """Each user sends the script, one message after another; (CPU ms a message, apologies)."""
    failed = 0
    gc.collect()
    started = time.process_time()
    for user in users:
        for text in script:
            incoming = Incoming(PLATFORM, user, user, text, update_id=str(next(updates)))
            for reply in await app.conversation.handle(incoming):
                failed += any(part in reply.text for part in FAILED)
    spent = time.process_time() - started
    return spent / (len(users) * len(script)) * 1000, failed


async def main(args) -> None:
    async with database(args.database_url, prefix="handle") as url:
        settings = Settings(
            _env_file=None,
            database_url=url,
            rate_limit_per_minute=0,
            rate_limit_stranger_per_minute=0,
        )
        workloads = {"linked": QUESTIONS, "strangers": QUESTIONS, "form": REPORT}
        groups = {name: [] for name in workloads}
        for repeat in range(args.repeats + 1):  # the first round warms up, uncounted
            for n, name in enumerate(("linked", "form")):
                first = LINKED + (repeat * 2 + n) * args.users
                groups[name].append(
                    await seed_officials(url, args.users, first, f"U{repeat}{n}", PLATFORM)
                )
            first = STRANGERS + repeat * args.users
            groups["strangers"].append([str(first + n) for n in range(args.users)])
        updates = count(1)
        async with open_app(settings, migrate=False) as app:
            print(f"{app.engine.dialect.name}, {args.users} users a run, CPU ms a message:")
            for name, script in workloads.items():
                await run(app, groups[name][0], script, updates)
                figures = []
                for users in groups[name][1:]:
                    spent, failed = await run(app, users, script, updates)
                    figures.append(spent)
                    if failed:
                        print(f"  {name}: {failed} apologies for a failure")
                shown = ", ".join(f"{spent:.3f}" for spent in figures)
                print(f"  {name:<10} {shown}  (median {statistics.median(figures):.3f})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--database-url")
    asyncio.run(main(parser.parse_args()))
