"""`python -m bot run` with platform tokens: every configured channel in one process."""

import asyncio
import dataclasses
import logging
import signal

from aiohttp import web
from redis.asyncio import Redis

from bot.app import App
from bot.channels.base import Channel
from bot.channels.files import FileShelf
from bot.channels.telegram import TelegramChannel
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_api import ZaloApi
from bot.delivery import Deliverer
from bot.scaleout import RedisInbox, RedisRateLimiter
from bot.scheduler import start_scheduler
from handlers.router import Access
from handlers.texts import t

log = logging.getLogger(__name__)


class ChannelStartError(Exception):
    """A channel could not start (wrong token, API unreachable); one line for the operator."""


def telegram_menu(app: App) -> list[tuple[str, str]]:
    """The command menu shown in Telegram: what officials use (admin commands stay in /help)."""
    commands = app.conversation.router.commands.values()
    return [
        (c.name, t(c.summary)) for c in commands if c.access <= Access.OFFICIAL and not c.hidden
    ]


def build_channels(app: App, files: FileShelf | None = None) -> list[Channel]:
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
            )
        )
    if settings.zalo_bot_token:
        api = ZaloApi(settings.zalo_bot_token.get_secret_value(), api_base=settings.zalo_api_base)
        channels.append(
            ZaloChannel(app.conversation, api, webhook_url=settings.webhook_base_url,
                        webhook_secret=secret, files=files)
        )
    return channels


ROLES = ("all", "web", "scheduler")


async def serve(
    app: App,
    stop: asyncio.Event | None = None,
    ready: asyncio.Event | None = None,
    role: str = "all",
) -> None:
    """Run until SIGTERM/SIGINT (or `stop`), then shut down cleanly.

    Roles: "all" (one process: channels, scheduler, pushes); "web" (a webhook worker, one of
    several behind a reverse proxy: takes updates only); "scheduler" (exactly one: plans and
    sends pushes, takes no updates). `ready` is set once everything is running.
    """
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    settings = app.settings
    receive, push = role in ("all", "web"), role in ("all", "scheduler")
    redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
    web_app = files = None
    if settings.webhook_base_url and receive:
        web_app = web.Application()
        web_app.router.add_get("/healthz", _health)
        files = FileShelf(settings.files_dir, settings.webhook_base_url)
        files.register(web_app)
    channels = build_channels(app, files)
    started: list[Channel] = []
    runner = delivering = scheduler = None
    try:
        for channel in channels:
            try:
                # Workers leave the webhook registration to `python -m bot webhook set`.
                await channel.start(web_app, receive=receive, register=role == "all")
            except Exception as error:  # any fault here means the same to the operator
                await channel.stop()  # closes its HTTP session
                raise ChannelStartError(
                    f"Không khởi động được kênh {channel.name}: {error}".splitlines()[0]
                ) from error
            if redis is not None and receive:
                channel.submit = RedisInbox(redis, channel.handle, channel.inflight).submit
            started.append(channel)
        _learn_username(app, channels)
        if push:
            delivering, scheduler = _start_pushing(app, started, stop, redis)
        if web_app is not None:
            runner = web.AppRunner(web_app)
            await runner.setup()
            await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
            log.info("webhooks listening on %s:%s", settings.webhook_host, settings.webhook_port)
        log.info("running as %s", role)
        if ready is not None:
            ready.set()
        await stop.wait()
        log.info("stopping: finishing updates in flight")
    finally:
        stop.set()
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        if delivering is not None:
            await delivering
        if runner is not None:
            await runner.cleanup()  # take no more webhook calls first
        for channel in reversed(started):
            await channel.stop()
        if redis is not None:
            await redis.aclose()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


def _learn_username(app: App, channels: list[Channel]) -> None:
    telegram = next((c for c in channels if isinstance(c, TelegramChannel)), None)
    if telegram and telegram.username and not app.conversation.options.telegram_username:
        # Invite deep links need the bot's username; getMe told us.
        app.conversation.options = dataclasses.replace(
            app.conversation.options, telegram_username=telegram.username
        )


def _start_pushing(app: App, channels: list[Channel], stop: asyncio.Event, redis):
    """The deliverer (shared send rate in Redis when there is one) and the one scheduler."""
    settings, options = app.settings, app.conversation.options
    rates = {"telegram": settings.telegram_rate, "zalo": settings.zalo_rate}
    limiters = None
    if redis is not None:
        limiters = {c.name: RedisRateLimiter(redis, c.name, rates.get(c.name, 25))
                    for c in channels}
    deliverer = Deliverer(app.sessionmaker, {c.name: c for c in channels}, options,
                          rates=rates, limiters=limiters)
    delivering = asyncio.create_task(deliverer.run(stop, wake=app.conversation.outbox))
    scheduler = start_scheduler(app.sessionmaker, options, settings.scheduler_interval)
    return delivering, scheduler


async def _health(_request: web.Request) -> web.Response:
    return web.Response(text="ok")
