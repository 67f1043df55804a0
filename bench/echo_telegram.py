"""A bare echo bot on aiogram 3: the floor bench/cost.py measures canbo-bot against on Telegram.

One Dispatcher with one message handler that sends the text back; long polling
(`dp.start_polling`) or, with --webhook-secret, aiogram's SimpleRequestHandler at
/webhook/telegram. Either way an aiohttp server on --port answers /healthz (canbo-bot's HTTP
server runs in both modes too). Same event loop as `python -m bot run` (uvloop where installed).

Run: .venv/bin/python bench/echo_telegram.py --api-base URL --token TOKEN --port 8081
     [--webhook-secret SECRET]
"""

import argparse
import asyncio
import signal

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web


async def echo(message: Message) -> None:
    await message.answer(message.text or "…")


async def healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok")


async def main(args) -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(args.api_base))
    bot = Bot(args.token, session=session)
    dispatcher = Dispatcher()
    dispatcher.message()(echo)
    app = web.Application()
    app.router.add_get("/healthz", healthz)
    if args.webhook_secret:
        handler = SimpleRequestHandler(dispatcher, bot, secret_token=args.webhook_secret)
        handler.register(app, path="/webhook/telegram")
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", args.port).start()
    try:
        if args.webhook_secret:
            stop = asyncio.Event()
            for sig in (signal.SIGTERM, signal.SIGINT):
                asyncio.get_running_loop().add_signal_handler(sig, stop.set)
            await stop.wait()
        else:
            await dispatcher.start_polling(bot)  # stops on SIGTERM/SIGINT
    finally:
        await runner.cleanup()
        await bot.session.close()


def run(work) -> None:
    try:
        import uvloop
    except ImportError:
        asyncio.run(work)
    else:
        uvloop.run(work)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api-base", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--webhook-secret", help="webhook mode (default: long polling)")
    run(main(parser.parse_args()))
