"""End-to-end throughput: simulated officials talk to the real bot (`python -m bot run`, webhook
mode, its own process) through a local fake Telegram Bot API server.

Each user reports a course with /baocao (8 messages) and asks 2 questions about the plan, each
message sent after the previous reply arrived. Two phases, each with its own N users:
  saturation  all N users start at once and never pause: the most the bot can take;
  paced       the same, but the users together start at most R messages a second (--rates):
              the latency an official sees while the bot handles that load.
Latency is from the POST to the webhook until the reply's last message reaches the fake
server's sendMessage. Updates/s counts handled updates over the phase's wall time.

Run: .venv/bin/python bench/e2e.py [--users 500] [--rates 300,100]
     [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test]
(PostgreSQL: a fresh database is created on that server and dropped afterwards.)
"""

import argparse
import asyncio
import gc
import sys
import time

import aiohttp
from common import (
    BenchTelegram,
    bot_process,
    calendar_pushes_sent,
    calibrate,
    count,
    cpu_self,
    database,
    drive,
    loadavg,
    ms,
    percentile,
    seed_officials,
)

REPORT = ["/baocao", "1", "kỹ năng số cơ bản", "1", "hôm qua", "6", "bỏ qua", "1"]
QUESTIONS = ["chỉ tiêu thạc sĩ trưởng phòng", "bdhvs là gì"]
SCRIPT = REPORT + QUESTIONS
FAILED = ("hệ thống vừa gặp sự cố", "tạm gián đoạn")  # the apology texts


def report(name: str, run, users: int, cpu: float, harness: float) -> None:
    lat = run.latencies
    print(
        f"{name}: {len(lat)} updates from {users} users in {run.seconds:.1f} s = "
        f"{run.rate:.0f} updates/s"
    )
    print(
        f"  latency p50 {ms(percentile(lat, 0.5))}, p90 {ms(percentile(lat, 0.9))}, "
        f"p99 {ms(percentile(lat, 0.99))}, max {ms(max(lat))}; timeouts {run.timeouts}"
    )
    print(
        f"  bot process CPU {cpu:.1f} s = {100 * cpu / run.seconds:.0f}% of one core, "
        f"{1000 * cpu / len(lat):.2f} ms per update; this harness (fake server and users) "
        f"{100 * harness / run.seconds:.0f}%; load average now {loadavg()}"
    )


async def main(args) -> None:
    backend = "PostgreSQL" if args.database_url else "SQLite (temporary file)"
    print(f"e2e: {args.users} users x {len(SCRIPT)} messages per phase, webhook mode, {backend}")
    print(f"load average before: {loadavg()}")
    async with database(args.database_url, "bench_e2e") as url:
        (warm,) = await seed_officials(url, 1, first_user=700_000_000, unit="WARM")
        phases = {"saturation": None} | {f"paced at {rate:g}/s": rate for rate in args.rates}
        users = {
            name: await seed_officials(url, args.users, 800_000_000 + n * 1_000_000, unit=f"P{n}")
            for n, name in enumerate(phases)
        }
        fake = await BenchTelegram().start()
        try:
            async with bot_process(url, fake, role=args.role, profile=args.profile) as bot:
                print(f"bot pid {bot.pid} started; RSS {bot.status('VmRSS') / 1024:.0f} MB")
                await calendar_pushes_sent(url)
                connector = aiohttp.TCPConnector(limit=40)  # Telegram's default max_connections
                async with aiohttp.ClientSession(connector=connector) as http:
                    counts = await calibrate(http, bot, fake, warm, SCRIPT)
                    print(f"messages per reply, by step: {counts} (one user, as warm-up)")
                    for n, (name, rate) in enumerate(phases.items()):
                        scripts = {u: SCRIPT for u in users[name]}
                        replies = {u: counts for u in users[name]}
                        # This process (fake server, users) must not stall the measure: what
                        # it holds so far is kept out of its garbage collector's full passes,
                        # which took up to 230 ms by the last phase and delayed replies' arrival.
                        gc.collect()
                        gc.freeze()
                        cpu, own = bot.cpu_seconds(), cpu_self()
                        run = await drive(http, bot, fake, scripts, replies, rate)
                        report(name, run, args.users, bot.cpu_seconds() - cpu, cpu_self() - own)
                        reports = await count(
                            url,
                            "SELECT count(*) FROM course_reports r JOIN officials o "
                            "ON o.id = r.official_id JOIN units u ON u.id = o.unit_id "
                            "WHERE u.code = :unit",
                            unit=f"P{n}",
                        )
                        print(f"  course reports stored: {reports}/{args.users}")
                        await asyncio.sleep(1)
                print(
                    f"bot RSS at the end {bot.status('VmRSS') / 1024:.0f} MB "
                    f"(peak {bot.status('VmHWM') / 1024:.0f} MB)"
                )
            texts = [p["text"] for p in fake.called("sendMessage")]
            failed = sum(any(f in t for f in FAILED) for t in texts)
            print(
                f"replies sent: {len(texts)}, of which apologies for a failure: {failed}; "
                f"pushes queued during the run: "
                f"{await count(url, 'SELECT count(*) FROM deliveries')}"
            )
        finally:
            await fake.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument(
        "--rates",
        type=lambda v: [float(r) for r in v.split(",") if r],
        default=[300, 100],
        help="paced phases: messages/s offered, e.g. 300,100 ('' for none)",
    )
    parser.add_argument("--database-url", help="PostgreSQL server (default: SQLite temp file)")
    parser.add_argument("--role", default="all", choices=["all", "web"])
    parser.add_argument("--profile", metavar="FILE", help="run the bot under cProfile into FILE")
    started = time.monotonic()
    asyncio.run(main(parser.parse_args()))
    print(f"total bench time {time.monotonic() - started:.0f} s", file=sys.stderr)
