"""`python -m bot run` with platform tokens: every configured channel in one process."""

import asyncio
import dataclasses
import logging
import signal

from aiohttp import web

from bot.app import App
from bot.channels.base import Channel
from bot.channels.files import FileShelf
from bot.channels.telegram import TelegramChannel
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_api import ZaloApi
from bot.delivery import Deliverer
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


async def serve(
    app: App, stop: asyncio.Event | None = None, ready: asyncio.Event | None = None
) -> None:
    """Run the channels until SIGTERM/SIGINT (or `stop`), then shut down cleanly.

    `ready` is set once every channel is taking updates."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    settings = app.settings
    web_app = files = None
    if settings.webhook_base_url:
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
                await channel.start(web_app)
            except Exception as error:  # any fault here means the same to the operator
                await channel.stop()  # closes its HTTP session
                raise ChannelStartError(
                    f"Không khởi động được kênh {channel.name}: {error}".splitlines()[0]
                ) from error
            started.append(channel)
        telegram = next((c for c in channels if isinstance(c, TelegramChannel)), None)
        if telegram and telegram.username and not app.conversation.options.telegram_username:
            # Invite deep links need the bot's username; getMe told us.
            app.conversation.options = dataclasses.replace(
                app.conversation.options, telegram_username=telegram.username
            )
        options = app.conversation.options
        deliverer = Deliverer(app.sessionmaker, {c.name: c for c in started}, options,
                              rates={"telegram": settings.telegram_rate,
                                     "zalo": settings.zalo_rate})
        delivering = asyncio.create_task(deliverer.run(stop))
        scheduler = start_scheduler(app.sessionmaker, options)
        if web_app is not None:
            runner = web.AppRunner(web_app)
            await runner.setup()
            await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
            log.info("webhooks listening on %s:%s", settings.webhook_host, settings.webhook_port)
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
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


async def _health(_request: web.Request) -> web.Response:
    return web.Response(text="ok")
