"""Shared by the benchmarks: recording fake Telegram and Zalo servers, the bot (or a bare echo
bot) as a child process in webhook or polling mode, officials seeded straight into the database,
and simulated users."""

import asyncio
import os
import resource
import signal
import sys
import tempfile
import time
import uuid
from collections import defaultdict, deque
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from storage import db  # noqa: E402
from storage.models import ChannelAccount, Official, Unit  # noqa: E402
from tests.helpers.app import free_port  # noqa: E402
from tests.helpers.fake_api import FakeBotApi  # noqa: E402
from tests.helpers.fake_telegram import FakeTelegram  # noqa: E402
from tests.helpers.fake_zalo import FakeZalo  # noqa: E402

SECRET = "bench-secret-123"
# The header each platform sends its webhook secret in.
SECRET_HEADERS = {"telegram": "X-Telegram-Bot-Api-Secret-Token", "zalo": "X-Bot-Api-Secret-Token"}
HEADERS = {SECRET_HEADERS["telegram"]: SECRET}
FIRST_USER = 800_000_000  # user ids of the simulated officials


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


class Arrivals:
    """Mixed into a fake server: notes when each chat got each message; with `limit`, more
    than `limit` messages within any 1 s window are answered 429 (retry_after 1), like
    Telegram. `key` turns a chat id as sent into the key of `sent` (the platform's id type)."""

    platform: str
    key: type

    def __init__(self, limit: int | None = None):
        super().__init__()
        self.sent: dict = defaultdict(list)
        self.limit, self.refused = limit, 0
        self._window: deque[float] = deque()
        self._arrived: dict = defaultdict(asyncio.Event)

    async def answer(self, method: str, params: dict) -> dict:
        now = time.monotonic()
        if method == "sendMessage" and self.limit:
            while self._window and self._window[0] <= now - 1:
                self._window.popleft()
            if len(self._window) >= self.limit:
                self.refused += 1
                return {
                    "ok": False,
                    "error_code": 429,
                    "parameters": {"retry_after": 1},
                    "description": "Too Many Requests: retry after 1",
                }
            self._window.append(now)
        result = await super().answer(method, params)
        if method == "sendMessage" and result.get("ok"):
            chat = self.key(params["chat_id"])
            self.sent[chat].append(now)
            self._arrived[chat].set()
        return result

    async def wait_sent(self, chat, count: int, timeout: float = 60) -> float:
        """Wait until `chat` has had `count` messages; when the last of them arrived."""
        deadline = time.monotonic() + timeout
        while len(self.sent[chat]) < count:
            event = self._arrived[chat]
            event.clear()
            await asyncio.wait_for(event.wait(), max(0.001, deadline - time.monotonic()))
        return self.sent[chat][count - 1]


class BenchTelegram(Arrivals, FakeTelegram):
    """The tests' fake Telegram, recording arrivals (chats keyed by int). getUpdates hands out
    every queued update up to its `limit` (100), as Telegram does; the tests' fake gives one."""

    platform, key = "telegram", int

    async def answer(self, method: str, params: dict) -> dict:
        result = await super().answer(method, params)
        if method == "getUpdates" and result.get("ok"):
            batch, limit = result["result"], int(params.get("limit") or 100)
            while batch and self.updates and len(batch) < limit:
                batch.append(self.updates.popleft())
        return result


class BenchZalo(Arrivals, FakeZalo):
    """The tests' fake Zalo, recording arrivals (chats keyed by str); getUpdates gives one
    update a call, as the Zalo Bot Platform does."""

    platform, key = "zalo", str


# -- databases --------------------------------------------------------------------------


@asynccontextmanager
async def database(url: str | None, prefix: str = "bench"):
    """SQLite in a temporary folder (no URL), or a fresh PostgreSQL database on the server of
    `url`, dropped afterwards. Yields the URL, migrated."""
    if url is None or make_url(url).get_backend_name() == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = url or f"sqlite+aiosqlite:///{folder}/{prefix}.db"
            await migrate(url)
            yield url
        return
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = db.create_engine(url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        fresh = make_url(url).set(database=name).render_as_string(hide_password=False)
        await migrate(fresh)
        yield fresh
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        await admin.dispose()


async def migrate(url: str) -> None:
    engine = db.create_engine(url)
    await db.upgrade(engine)
    await engine.dispose()


async def seed_officials(
    url: str,
    count: int,
    first_user: int = FIRST_USER,
    unit: str = "BENCH",
    platform: str = "telegram",
) -> list:
    """`count` active officials, each with a linked account on `platform`; returns the user
    ids as that platform's fake takes them (int on Telegram, str on Zalo)."""
    now = datetime.now(timezone.utc)
    engine = db.create_engine(url)
    async with engine.begin() as connection:
        unit_id = (
            await connection.execute(
                insert(Unit)
                .values(code=unit, name=f"Đơn vị {unit}", active=True)
                .returning(Unit.id)
            )
        ).scalar_one()
        officials = [
            dict(
                code=f"{unit}{n:06d}",
                full_name=f"Cán bộ {unit} {n}",
                gender="female" if n % 2 else "male",
                unit_id=unit_id,
                position_group="specialist",
                education_level="dai_hoc",
                birth_date=datetime(1980 + n % 20, 1 + n % 12, 1 + n % 28).date(),
                created_at=now,
                updated_at=now,
            )
            for n in range(count)
        ]
        await connection.execute(insert(Official), officials)
        ids = (
            (
                await connection.execute(
                    text("SELECT id FROM officials WHERE unit_id = :u ORDER BY id"), {"u": unit_id}
                )
            )
            .scalars()
            .all()
        )
        users = [first_user + n for n in range(count)]
        await connection.execute(
            insert(ChannelAccount),
            [
                dict(
                    platform=platform,
                    external_user_id=str(u),
                    chat_id=str(u),
                    display_name=f"Người dùng {u}",
                    official_id=i,
                    linked_at=now,
                )
                for u, i in zip(users, ids, strict=True)
            ],
        )
    await engine.dispose()
    return [str(u) for u in users] if platform == "zalo" else users


async def count(url: str, sql: str, **params) -> int:
    engine = db.create_engine(url)
    async with engine.connect() as connection:
        value = (await connection.execute(text(sql), params)).scalar_one()
    await engine.dispose()
    return int(value)


async def calendar_pushes_sent(url: str, timeout: float = 60) -> None:
    """Wait until the pushes the scheduler queued at start-up are out. On days a
    self-evaluation window is open it pushes the opening to every linked official; arriving
    in the middle of the measure, they would read as replies (and the phases time out)."""
    deadline = time.monotonic() + timeout
    await asyncio.sleep(2)  # the start-up planning round
    while time.monotonic() < deadline and await count(
        url, "SELECT count(*) FROM deliveries WHERE status IN ('queued', 'sending')"
    ):
        await asyncio.sleep(0.5)


# -- the bot (or a bare echo bot) as a child process --------------------------------------


@dataclass
class Bot:
    process: asyncio.subprocess.Process
    url: str | None  # the webhook endpoint; None in polling mode
    headers: dict[str, str] = field(default_factory=lambda: dict(HEADERS))
    window: bool = False  # profiled between profiling(True) and profiling(False) only

    @property
    def pid(self) -> int:
        return self.process.pid

    def status(self, key: str) -> int:
        """A /proc/<pid>/status figure in kB, e.g. VmRSS, VmHWM."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
        raise KeyError(key)

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def profiling(self, on: bool) -> None:
        """Turn the bot's profiler on or off (bench/profiled.py), when it profiles a window."""
        if self.window:
            self.process.send_signal(signal.SIGUSR1 if on else signal.SIGUSR2)

    async def deliver(self, http: aiohttp.ClientSession, fake, update: dict) -> None:
        """Hand the bot one update: POSTed to its webhook, or queued at the fake server for
        its long polling."""
        if self.url is None:
            await fake.push(update)
            return
        async with http.post(self.url, json=update, headers=self.headers) as response:
            if response.status != 200:
                raise RuntimeError(f"webhook answered {response.status}: {await response.text()}")


@asynccontextmanager
async def bot_process(
    url: str,
    fake: FakeBotApi,
    *,
    webhook: bool = True,
    role: str = "all",
    profile: str | None = None,
    profile_window: bool = False,
    launcher: tuple[str, ...] = ("-m", "bot"),
    **settings,
):
    """`python -m bot run` against `fake` (its platform's channel only), in webhook mode or
    long polling, no quiet hours, LOG_LEVEL=WARNING; stopped with SIGTERM afterwards (its log
    is printed if it failed). Its HTTP server (webhooks, /healthz) listens in either mode.
    With `profile`, the bot runs under cProfile (bench/profiled.py: the main thread's CPU
    time), which writes its statistics to that file at exit; with `profile_window`, only
    between `Bot.profiling(True)` and `Bot.profiling(False)`."""
    platform = getattr(fake, "platform", "telegram")
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        options = {
            f"{platform}_bot_token": fake.token,
            f"{platform}_api_base": fake.url,
            "database_url": url,
            "webhook_secret": SECRET,
            "webhook_host": "127.0.0.1",
            "webhook_port": port,
            "quiet_hours": "0-0",
            "log_level": "WARNING",
            "files_dir": f"{folder}/files",
            "summaries_dir": f"{folder}/summaries",
        }
        if webhook:
            options["webhook_base_url"] = f"http://127.0.0.1:{port}"
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.endswith(("_TOKEN", "DATABASE_URL", "_API_BASE", "WEBHOOK_BASE_URL"))
        }
        env.update({k.upper(): str(v) for k, v in (options | settings).items()})
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (os.environ.get("PYTHONPATH"), str(ROOT)) if p
        )
        argv = [sys.executable, *launcher, "run", "--role", role]
        if profile:
            profiler = [str(ROOT / "bench" / "profiled.py"), str(Path(profile).resolve())]
            argv[1:1] = profiler
            env["BENCH_PROFILE_WINDOW"] = "1" if profile_window else ""
        async with child(argv, env, folder, port, platform, webhook) as bot:
            bot.window = bool(profile and profile_window)
            yield bot


@asynccontextmanager
async def echo_process(fake: FakeBotApi, *, webhook: bool = True):
    """The bare echo bot of the fake's platform (bench/echo_<platform>.py) against `fake`,
    in webhook mode or long polling; the floor bench/cost.py measures the bot against."""
    platform = fake.platform
    port = free_port()
    argv = [
        sys.executable,
        str(ROOT / "bench" / f"echo_{platform}.py"),
        f"--api-base={fake.url}",
        f"--token={fake.token}",
        f"--port={port}",
    ]
    if webhook:
        argv.append(f"--webhook-secret={SECRET}")
    with tempfile.TemporaryDirectory() as folder:
        async with child(argv, dict(os.environ), folder, port, platform, webhook) as bot:
            yield bot


@asynccontextmanager
async def child(argv: list[str], env: dict, folder: str, port: int, platform: str, webhook: bool):
    """Run `argv` in `folder` until /healthz on `port` answers; yield it as a `Bot` (webhook
    at /webhook/<platform> when `webhook`); SIGTERM at the end, its log printed on failure."""
    log = Path(folder, "bot.log")
    with log.open("wb") as handle:
        process = await asyncio.create_subprocess_exec(
            *argv, cwd=folder, env=env, stdout=handle, stderr=handle
        )
    endpoint = f"http://127.0.0.1:{port}/webhook/{platform}" if webhook else None
    bot = Bot(process, endpoint, {SECRET_HEADERS[platform]: SECRET})
    try:
        await wait_healthy(bot, port, log)
        yield bot
    finally:
        if process.returncode is None:
            process.terminate()
        code = await asyncio.wait_for(process.wait(), 60)
        if code != 0 or b"Traceback" in log.read_bytes():
            print(f"--- {argv[1:4]} exited {code}; its log:\n{log.read_text()[-3000:]}")


async def wait_healthy(bot: Bot, port: int, log: Path) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            if bot.process.returncode is not None:
                raise RuntimeError(f"the bot exited at start:\n{log.read_text()[-3000:]}")
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the bot did not answer /healthz in 30 s")


# -- simulated users ----------------------------------------------------------------------


class Pacer:
    """Hands out start times `rate` a second overall (None: no pacing)."""

    def __init__(self, rate: float | None):
        self.interval = 1 / rate if rate else 0.0
        self.next = 0.0

    async def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        slot = max(now, self.next)
        self.next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0
    timeouts: int = 0

    @property
    def seconds(self) -> float:
        return self.finished - self.started

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds


async def calibrate(
    http, bot: Bot, fake: Arrivals, user, script: list[str], pause: float = 0.5
) -> list[int]:
    """How many messages the bot sends back for each step of `script` (one user, slowly)."""
    counts = []
    for message in script:
        before = len(fake.sent[user])
        await bot.deliver(http, fake, fake.message(user, message))
        await fake.wait_sent(user, before + 1, 30)
        await asyncio.sleep(pause)  # let any further message of this reply arrive
        counts.append(len(fake.sent[user]) - before)
    return counts


async def drive(
    http,
    bot: Bot,
    fake: Arrivals,
    scripts: dict,
    replies: dict,
    rate: float | None = None,
) -> Run:
    """Every user runs its script at once, each message after the previous reply arrived;
    latency is from the POST (or the queueing for polling) to the last message of that reply
    at the fake server."""
    run, pacer = Run(), Pacer(rate)

    async def user(uid: int) -> None:
        for message, expect in zip(scripts[uid], replies[uid], strict=True):
            await pacer.wait()
            before = len(fake.sent[uid])
            started = time.monotonic()
            await bot.deliver(http, fake, fake.message(uid, message))
            try:
                arrived = await fake.wait_sent(uid, before + expect)
            except TimeoutError:
                run.timeouts += 1
                return
            run.latencies.append(arrived - started)

    run.started = time.monotonic()
    await asyncio.gather(*(user(uid) for uid in scripts))
    run.finished = time.monotonic()
    return run


def cpu_self() -> float:
    """This process's CPU seconds (the fake server and the simulated users)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])
