"""The cost of one message: canbo-bot against a bare echo bot on the same fake server (issue 20).

How to run: .venv/bin/python bench/cost.py [--users 100] [--messages 5]
    [--platforms telegram,zalo] [--modes polling,webhook] [--workloads linked,strangers,form]
    [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test] [--profile DIR]

For each platform (Telegram, Zalo) and mode (long polling, webhook), in one run: first a bare
echo bot (bench/echo_telegram.py on aiogram, bench/echo_zalo.py on plain aiohttp), then
canbo-bot (`python -m bot run`, LOG_LEVEL=WARNING, SQLite temporary file unless
--database-url), each in its own process against a fresh recording fake Bot API server
(tests/helpers/fake_*.py). N users each send K messages, the next once the reply has
arrived. canbo-bot's workloads:
  linked     questions about the plan, typed as officials type them on a phone (no
             diacritics, abbreviations), from officials whose accounts are linked;
  strangers  the same questions from accounts linked to nobody, each a first contact;
  form       the /baocao steps of bench/e2e.py, each step counted as one message.
How many messages each step gets back (a welcome, a long answer cut in two) is calibrated on one
warm-up user of the same kind first, as bench/e2e.py does; the calendar pushes canbo-bot
queues at start-up are let out before any of it. The echo bots run on the bot's event loop
(uvloop where installed); their workload is repeated for --echo-seconds so that their small
CPU time is read within a few per cent (the kernel counts it in 10 ms ticks). The fake
Telegram hands getUpdates every queued update (up to 100) as Telegram does; Zalo gives one a
call.
CPU per message: the process's user+system CPU (/proc/<pid>/stat) over the workload, divided
by the messages sent to it; the ratio is to the echo bot of the same platform and mode. Goals
(issue 20): at most 2x the echo's on Telegram, 3x on Zalo.

With --profile DIR canbo-bot runs under cProfile (bench/profiled.py: the main thread's CPU
time, the measured workloads only, into DIR/canbo-<platform>-<mode>.prof; choose one workload
with --workloads to see it alone); the top entries by cumulative and by own time are printed
after each run. The profiler slows the bot: its CPU figures are not the bench's then.
"""

import argparse
import asyncio
import gc
import io
import pstats
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from common import (
    BenchTelegram,
    BenchZalo,
    bot_process,
    calendar_pushes_sent,
    calibrate,
    count,
    cpu_self,
    database,
    drive,
    echo_process,
    loadavg,
    ms,
    percentile,
    seed_officials,
)
from e2e import FAILED, REPORT

# Questions as officials type them on a phone: no diacritics, abbreviations.
QUESTIONS = [
    "chi tieu thac si truong phong",
    "bdhvs la gi",
    "ke hoach nay cua ai",
    "boi duong ly luan chinh tri",
    "bao gio phai dat chuan",
]
FAKES = {"telegram": BenchTelegram, "zalo": BenchZalo}
GOALS = {"telegram": 2.0, "zalo": 3.0}  # canbo-bot's CPU per message over the echo's, at most
WORKLOADS = ("linked", "strangers", "form")
MODES = ("polling", "webhook")
# User id ranges, apart so no user of one workload is taken for another's.
WARM = 600_000_000  # one warm-up user of each kind
STRANGERS = 700_000_000
LINKED = 800_000_000
FORM = 850_000_000
ECHO = 900_000_000
# No user is held back by the per-minute limits (their code still runs): a workload's K
# messages may well pass the stranger's 6 a minute.
LIMITS = dict(rate_limit_per_minute=1000, rate_limit_stranger_per_minute=1000)
# The pushes the calendar queues at start-up (some days, one to every linked official) go
# out at the platforms' highest rates, to be done before the measure starts.
PUSH_RATES = dict(telegram_rate=30, zalo_rate=100)
CONNECTIONS = 40  # webhook calls at once, Telegram's default max_connections


@dataclass
class Row:
    platform: str
    mode: str
    bot: str  # "echo" or "canbo-bot"
    workload: str
    messages: int
    seconds: float
    cpu: float  # seconds of the bot process
    timeouts: int

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu / max(1, self.messages)

    @property
    def rate(self) -> float:
        return self.messages / self.seconds


def questions(k: int) -> list[str]:
    return [QUESTIONS[n % len(QUESTIONS)] for n in range(k)]


async def measure(
    http,
    bot,
    fake,
    users: list,
    script: list[str],
    counts: list[int],
    head: tuple,
    min_seconds: float = 0,
) -> Row:
    """Every user runs `script` at once (replies per step: `counts`), again until
    `min_seconds` have passed; the bot's CPU over it. The kernel counts CPU in 10 ms ticks: a
    run of the echo bot needs a second or two to be read within a few per cent."""
    # The harness's own garbage collector must not stall the measure (see bench/e2e.py).
    gc.collect()
    gc.freeze()
    bot.profiling(True)
    before, own, started = bot.cpu_seconds(), cpu_self(), time.monotonic()
    latencies, timeouts, rounds = [], 0, 0
    while not rounds or (time.monotonic() - started < min_seconds and not timeouts):
        scripts, replies = {u: script for u in users}, {u: counts for u in users}
        run = await drive(http, bot, fake, scripts, replies)
        latencies += run.latencies
        timeouts, rounds = timeouts + run.timeouts, rounds + 1
    seconds = time.monotonic() - started
    bot.profiling(False)
    row = Row(*head, len(latencies), seconds, bot.cpu_seconds() - before, timeouts)
    lat = latencies or [0.0]
    print(
        f"  {row.bot} {row.workload}: {row.messages} messages ({rounds} x {len(users)} users) "
        f"in {seconds:.1f} s = {row.rate:.0f} msg/s; CPU {row.cpu_ms:.2f} ms/message "
        f"({100 * row.cpu / seconds:.0f}% of a core; harness "
        f"{100 * (cpu_self() - own) / seconds:.0f}%); latency p50 {ms(percentile(lat, 0.5))}, "
        f"p99 {ms(percentile(lat, 0.99))}; timeouts {timeouts}"
    )
    return row


async def echo_row(platform: str, mode: str, args, http) -> Row:
    fake = await FAKES[platform]().start()
    try:
        async with echo_process(fake, webhook=mode == "webhook") as bot:
            script = questions(args.messages)
            counts = await calibrate(http, bot, fake, fake.key(WARM), script[:2], pause=0.2)
            assert counts == [1, 1], f"the echo bot answered {counts}"
            users = [fake.key(ECHO + n) for n in range(args.users)]
            head = (platform, mode, "echo", "questions")
            counts = [1] * len(script)
            return await measure(http, bot, fake, users, script, counts, head, args.echo_seconds)
    finally:
        await fake.stop()


async def canbo_rows(platform: str, mode: str, args, http) -> list[Row]:
    """canbo-bot on a fresh database, through each workload in turn."""
    scripts = {"linked": questions(args.messages), "form": REPORT}
    scripts["strangers"] = scripts["linked"]
    profile = Path(args.profile, f"canbo-{platform}-{mode}.prof") if args.profile else None
    rows = []
    async with database(args.database_url, "bench_cost") as url:
        seed = dict(platform=platform)
        users = {
            "linked": await seed_officials(url, args.users, LINKED, "LINKED", **seed),
            "form": await seed_officials(url, args.users, FORM, "FORM", **seed),
        }
        warm = {
            "linked": (await seed_officials(url, 1, WARM, "WARM", **seed))[0],
            "form": (await seed_officials(url, 1, WARM + 1, "WARMF", **seed))[0],
        }
        fake = await FAKES[platform]().start()
        users["strangers"] = [fake.key(STRANGERS + n) for n in range(args.users)]
        warm["strangers"] = fake.key(WARM + 2)
        try:
            async with bot_process(
                url,
                fake,
                webhook=mode == "webhook",
                profile=profile,
                profile_window=True,
                **LIMITS,
                **PUSH_RATES,
            ) as bot:
                started = time.monotonic()
                await calendar_pushes_sent(url)
                pushes = await count(url, "SELECT count(*) FROM deliveries")
                print(
                    f"  canbo-bot started; {pushes} calendar pushes queued at start-up, sent "
                    f"within {time.monotonic() - started:.1f} s"
                )
                for workload in args.workloads:
                    script = scripts[workload]
                    counts = await calibrate(http, bot, fake, warm[workload], script, pause=0.3)
                    last = fake.texts(warm[workload])[-1].replace("\n", " ")[:70]
                    print(
                        f"  canbo-bot {workload}: replies per step {counts} (one user, warm-up; "
                        f"last: «{last}…»)"
                    )
                    head = (platform, mode, "canbo-bot", workload)
                    rows.append(
                        await measure(http, bot, fake, users[workload], script, counts, head)
                    )
            await check(url, fake, args.workloads, len(users["form"]))
        finally:
            await fake.stop()
    if profile is not None:
        print_profile(profile)
    return rows


async def check(url: str, fake, workloads: list[str], officials: int) -> None:
    """That the work was done: every form stored, no reply an apology for a failure."""
    texts = [p["text"] for p in fake.called("sendMessage")]
    failed = sum(any(f in t for f in FAILED) for t in texts)
    stored = ""
    if "form" in workloads:
        reports = await count(
            url,
            "SELECT count(*) FROM course_reports r JOIN officials o ON o.id = r.official_id "
            "JOIN units u ON u.id = o.unit_id WHERE u.code = 'FORM'",
        )
        stored = f"course reports stored {reports}/{officials}; "
    print(f"  {stored}replies sent {len(texts)}, apologies for a failure {failed}")


def print_profile(path: Path, top: int = 15) -> None:
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(str(path), stream=out).strip_dirs().sort_stats(order).print_stats(top)
        body = out.getvalue()
        print(f"  profile {path}, top {top} by {order}:\n{body[body.find('   ncalls') :]}")


def ratio_cells(row: Row, echo: Row | None) -> tuple[str, str]:
    if row.bot == "echo" or echo is None:
        return "1.00x" if row.bot == "echo" else "-", ""
    ratio = row.cpu_ms / echo.cpu_ms
    goal = GOALS[row.platform]
    return f"{ratio:.2f}x", f"<= {goal:g}x {'✓' if ratio <= goal else '✗'}"


def table(rows: list[Row]) -> None:
    echoes = {(r.platform, r.mode): r for r in rows if r.bot == "echo"}
    print(
        f"\n{'platform':9} {'mode':8} {'bot':10} {'workload':10} {'msgs':>6} {'CPU ms/msg':>10} "
        f"{'msg/s':>7} {'CPU ratio':>9}  goal"
    )
    for row in rows:
        ratio, goal = ratio_cells(row, echoes.get((row.platform, row.mode)))
        late = f"  ({row.timeouts} timeouts)" if row.timeouts else ""
        print(
            f"{row.platform:9} {row.mode:8} {row.bot:10} {row.workload:10} "
            f"{row.messages:>6} {row.cpu_ms:>10.2f} {row.rate:>7.0f} {ratio:>9}  {goal}{late}"
        )


async def main(args) -> None:
    backend = "PostgreSQL" if args.database_url else "SQLite (temporary file)"
    print(
        f"cost: {args.users} users x {args.messages} questions (form: {len(REPORT)} steps), "
        f"{backend}; load average before: {loadavg()}"
    )
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    connector = aiohttp.TCPConnector(limit=CONNECTIONS)
    async with aiohttp.ClientSession(connector=connector) as http:
        for platform in args.platforms:
            for mode in args.modes:
                print(f"{platform}, {mode}:")
                echo = await echo_row(platform, mode, args, http)
                rows.append(echo)
                for row in await canbo_rows(platform, mode, args, http):
                    ratio, goal = ratio_cells(row, echo)
                    print(f"    {row.workload}: {ratio} the echo's CPU per message ({goal})")
                    rows.append(row)
    table(rows)
    print(f"load average after: {loadavg()}")


def names(allowed: tuple[str, ...]):
    def parse(value: str) -> list[str]:
        chosen = [v for v in value.split(",") if v]
        if not chosen or set(chosen) - set(allowed):
            raise argparse.ArgumentTypeError(f"choose among {','.join(allowed)}")
        return chosen

    return parse


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100, help="N simulated users (100)")
    parser.add_argument("--messages", type=int, default=5, help="K questions per user (5)")
    parser.add_argument("--platforms", type=names(tuple(FAKES)), default=list(FAKES))
    parser.add_argument("--modes", type=names(MODES), default=list(MODES))
    parser.add_argument("--workloads", type=names(WORKLOADS), default=list(WORKLOADS))
    parser.add_argument(
        "--echo-seconds",
        type=float,
        default=2.0,
        help="the echo bot's workload is run again until this long (2 s)",
    )
    parser.add_argument("--database-url", help="PostgreSQL server (default: SQLite temp file)")
    parser.add_argument("--profile", metavar="DIR", help="run canbo-bot under cProfile into DIR")
    started = time.monotonic()
    asyncio.run(main(parser.parse_args()))
    print(f"total bench time {time.monotonic() - started:.0f} s", file=sys.stderr)
