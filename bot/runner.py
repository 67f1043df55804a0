"""`python -m bot run` with platform tokens: every configured channel in one process."""

import asyncio
import dataclasses
import logging
import os
import signal
from contextlib import AsyncExitStack

from aiohttp import web
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from bot.app import App, safe_url
from bot.channels.base import Channel, Inbox, handle_here
from bot.channels.files import FileShelf
from bot.channels.telegram import TelegramChannel, make_bot
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_api import ZaloApi
from bot.delivery import Deliverer, outbox_counts
from bot.desk import mount as mount_desk
from bot.health import HEARTBEAT, Health, one_line, running_processes
from bot.redact import redact
from bot.scaleout import RedisRateLimiter, redis_inbox
from bot.scheduler import start_scheduler
from handlers.router import Access
from handlers.texts import t

log = logging.getLogger(__name__)

JOBS_DRAIN = 60  # seconds a stopping bot waits for background jobs to end
# The largest request body the HTTP server reads: a roster file uploaded on the desk (its own
# limit is checked there); webhook updates are a few kilobytes.
UPLOAD_MAX = 25 * 1024 * 1024
HEALTH_DATABASE_WAIT = 3.0  # seconds /healthz waits for the database before it says 503


class StartError(Exception):
    """Something the bot needs could not be had at start (a channel's platform, Redis, the
    webhook port); the message is one line for the operator."""


def telegram_menu(app: App) -> list[tuple[str, str]]:
    """The command menu shown in Telegram: what officials use (admin commands stay in /help)."""
    commands = app.conversation.router.commands.values()
    return [
        (c.name, t(c.summary)) for c in commands if c.access <= Access.OFFICIAL and not c.hidden
    ]


def build_channels(
    app: App, files: FileShelf | None = None, inbox: Inbox = handle_here
) -> list[Channel]:
    settings = app.settings
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    channels: list[Channel] = []
    if settings.telegram_bot_token:
        channels.append(
            TelegramChannel(
                app.conversation,
                settings.telegram_bot_token.get_secret_value(),
                api_base=settings.telegram_api_base,
                menu=telegram_menu(app),
                webhook_url=settings.webhook_base_url,
                webhook_secret=secret,
                inbox=inbox,
            )
        )
    if settings.zalo_bot_token:
        api = ZaloApi(settings.zalo_bot_token.get_secret_value(), api_base=settings.zalo_api_base)
        channels.append(
            ZaloChannel(
                app.conversation,
                api,
                webhook_url=settings.webhook_base_url,
                webhook_secret=secret,
                files=files,
                inbox=inbox,
            )
        )
    return channels


async def serve(
    app: App,
    stop: asyncio.Event | None = None,
    ready: asyncio.Event | None = None,
    role: str = "all",
) -> None:
    """Run until SIGTERM/SIGINT (or `stop`), then shut down cleanly, in reverse order.

    Roles: "all" (one process: channels, scheduler, pushes); "web" (a webhook worker, one of
    several behind a reverse proxy: takes updates only); "scheduler" (exactly one: plans and
    sends pushes, takes no updates). `ready` is set once everything is running.
    """
    stop = stop or asyncio.Event()
    settings = app.settings
    receive, push = role in ("all", "web"), role in ("all", "scheduler")
    health = Health(role)
    async with AsyncExitStack() as stack:
        _stop_on_signals(stack, stop)
        _alone_or_shared(settings)
        _keep_heartbeat(stack, health, settings.state_dir)
        app = await _with_telegram_username(app)
        redis = await _redis(stack, settings.redis_url) if settings.redis_url else None
        # The HTTP server takes webhook calls (in webhook mode) and serves the admins' web
        # desk (in every mode) wherever updates are taken.
        web_app = _web_app(app, health) if receive else None
        files = _file_shelf(settings, web_app) if settings.files_url and receive else None
        inbox = redis_inbox(redis) if redis is not None and receive else handle_here
        channels, failures = [], []
        for channel in build_channels(app, files, inbox):
            stack.push_async_callback(channel.stop)
            # Workers leave the webhook registration to `python -m bot webhook set`.
            failure = await channel.start(web_app, receive=receive, register=role == "all")
            health.channels[channel.name] = channel.health
            channels.append(channel)
            if failure is not None:
                failures.append((channel, failure))
        _some_channel_may_work(channels, failures)
        _write_status(health, settings.state_dir)  # `status` sees the channels at once
        # Before the channels close: running jobs (an import) end and push their results.
        stack.push_async_callback(app.conversation.jobs.wait, timeout=JOBS_DRAIN)
        if web_app is not None:
            await _listen(stack, web_app, settings)  # stopped first: no more webhook calls
        if push:
            await _start_pushing(stack, app, channels, stop, redis, health)
        log.info("running as %s", role)
        if ready is not None:
            ready.set()
        await stop.wait()
        log.info("stopping: finishing updates in flight")


def _stop_on_signals(stack: AsyncExitStack, stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
        stack.callback(loop.remove_signal_handler, sig)


async def _with_telegram_username(app: App) -> App:
    """Invite deep links (t.me/<bot>?start=…) need the Telegram bot's username: the setting,
    else what getMe says."""
    settings = app.settings
    if settings.telegram_bot_username or settings.telegram_bot_token is None:
        return app
    try:
        async with make_bot(
            settings.telegram_bot_token.get_secret_value(), settings.telegram_api_base
        ) as bot:
            username = (await bot.get_me()).username
    except Exception as error:  # the channel keeps trying (or says it was refused); links wait
        log.warning(
            "Telegram getMe failed (%s): invite links without t.me until restart",
            redact(str(error).splitlines()[0] if str(error) else type(error).__name__),
        )
        return app
    return dataclasses.replace(
        app, conversation=app.conversation.with_options(telegram_username=username)
    )


async def _redis(stack: AsyncExitStack, url: str) -> Redis:
    """The shared Redis, reached once at start: an unreachable one is one line for the
    operator now, not an error on every update later."""
    redis = Redis.from_url(url)
    stack.push_async_callback(redis.aclose)
    try:
        await redis.ping()
    except (RedisError, OSError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise StartError(f"Không kết nối được Redis {safe_url(url)}: {reason}") from None
    return redis


def _web_app(app: App, health: Health) -> web.Application:
    web_app = web.Application(client_max_size=UPLOAD_MAX)
    mount_desk(web_app, app)

    async def healthz(_request: web.Request) -> web.Response:
        """This process's channels and last planning round, and the outbox: 200 when every
        channel is online and the database answers, 503 otherwise (for a monitor or a load
        balancer). The database gets HEALTH_DATABASE_WAIT: another process holding SQLite's
        write lock keeps the bot's one connection waiting up to 30 s, and a monitor asking
        then should hear "unavailable" at once, not time out."""
        body, database_ok = health.snapshot(), True
        try:
            async with asyncio.timeout(HEALTH_DATABASE_WAIT):
                body["outbox"] = await outbox_counts(app.sessionmaker)
        except (TimeoutError, SQLAlchemyError, OSError) as error:
            body["outbox"], body["database"] = None, f"unavailable: {one_line(error)}"
            database_ok = False
        return web.json_response(body, status=200 if health.ok and database_ok else 503)

    web_app.router.add_get("/healthz", healthz)
    return web_app


def _keep_heartbeat(stack: AsyncExitStack, health: Health, folder) -> None:
    """This process's file for `python -m bot status`, rewritten every HEARTBEAT seconds and
    removed on a clean stop."""

    async def beat() -> None:
        while True:
            _write_status(health, folder)
            await asyncio.sleep(HEARTBEAT)

    beating = asyncio.create_task(beat())
    stack.callback(lambda: (folder / f"process-{health.pid}.json").unlink(missing_ok=True))
    stack.callback(beating.cancel)


def _write_status(health: Health, folder) -> None:
    try:
        health.write(folder)
    except OSError as error:
        log.warning("cannot write the status file in %s: %s", folder, error.strerror)


def _file_shelf(settings, web_app: web.Application) -> FileShelf:
    """Photos sent by URL (Zalo takes photos by URL only), served by the HTTP server at its
    public address (`Settings.files_url`), in webhook or polling mode."""
    files = FileShelf(settings.files_dir, settings.files_url)
    files.register(web_app)
    return files


def _alone_or_shared(settings) -> None:
    """A second bot process on this machine without Redis (started by mistake, or a second
    `run` beside the service) would take one user's messages in two places and answer them
    out of order: refused, naming the one running."""
    others = [p for p in running_processes(settings.state_dir) if p.get("pid") != os.getpid()]
    if others and not settings.redis_url:
        pids = ", ".join(str(p["pid"]) for p in others)
        raise StartError(
            f"Đã có tiến trình bot đang chạy (pid {pids}); dừng nó trước, hoặc đặt "
            "REDIS_URL để chạy nhiều tiến trình cùng lúc."
        )


def _some_channel_may_work(channels: list[Channel], failures: list) -> None:
    """Start with any channel that works or may yet be reached; a bot whose every platform
    refused it (a wrong token) stops at once with the first refusal, for the operator."""
    refused = [(c, e) for c, e in failures if not isinstance(e, c.unreachable)]
    if channels and len(refused) == len(channels):
        channel, error = refused[0]
        raise _start_error(channel.name, error)


def _start_error(channel: str, error: Exception) -> StartError:
    return StartError(redact(f"Không khởi động được kênh {channel}: {error}".splitlines()[0]))


async def _start_pushing(
    stack: AsyncExitStack,
    app: App,
    channels: list[Channel],
    stop: asyncio.Event,
    redis: Redis | None,
    health: Health,
) -> None:
    """The deliverer (shared send rate in Redis when there is one) and the one scheduler."""
    settings, options = app.settings, app.conversation.options
    rates = {"telegram": settings.telegram_rate, "zalo": settings.zalo_rate}
    limiters = None
    if redis is not None:
        limiters = {
            c.name: RedisRateLimiter(redis, c.name, rates.get(c.name, 25)) for c in channels
        }
    deliverer = Deliverer(
        app.sessionmaker, {c.name: c for c in channels}, options, rates=rates, limiters=limiters
    )
    delivering = asyncio.create_task(deliverer.run(stop, wake=app.conversation.outbox))
    stack.push_async_callback(asyncio.gather, delivering)  # ends once `stop` is set
    scheduler = start_scheduler(
        app.sessionmaker, options, settings.scheduler_interval, on_planned=health.planned
    )
    stack.callback(scheduler.shutdown, wait=False)
    stack.callback(stop.set)  # however serve ends, the deliverer is told to stop first


async def _listen(stack: AsyncExitStack, web_app: web.Application, settings) -> None:
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    stack.push_async_callback(runner.cleanup)
    where = f"{settings.webhook_host}:{settings.webhook_port}"
    try:
        await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
    except OSError as error:  # the port taken (a second process), an address not ours
        raise StartError(
            f"Không mở được cổng HTTP (webhook, bàn làm việc web) {where}: "
            f"{error.strerror or error}"
        ) from None
    log.info("HTTP server (webhooks, web desk) listening on %s", where)


async def serve_desk(app: App, stop: asyncio.Event | None = None, ready=None) -> None:
    """`python -m bot web`: the desk alone on WEBHOOK_HOST:WEBHOOK_PORT, no channels, until
    SIGTERM/SIGINT (or `stop`). Jobs it starts (an export) end before it does."""
    stop = stop or asyncio.Event()
    async with AsyncExitStack() as stack:
        _stop_on_signals(stack, stop)
        web_app = web.Application(client_max_size=UPLOAD_MAX)
        mount_desk(web_app, app)
        stack.push_async_callback(app.conversation.jobs.wait, timeout=JOBS_DRAIN)
        await _listen(stack, web_app, app.settings)
        if ready is not None:
            ready()  # said once the port is ours, not before
        await stop.wait()
