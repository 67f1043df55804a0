"""A bare echo bot on plain aiohttp: the floor bench/cost.py measures canbo-bot against on Zalo.

Long polling: a getUpdates loop (one update a call, as the Zalo Bot Platform gives them); each
text is sent back with sendMessage in its own task while the next poll runs. With
--webhook-secret: an aiohttp server taking the POSTs at /webhook/zalo (secret in
X-Bot-Api-Secret-Token), answering "ok" at once and sending the text back in a task. Either way
the server on --port answers /healthz. Same event loop as `python -m bot run` (uvloop where
installed).

Run: .venv/bin/python bench/echo_zalo.py --api-base URL --token TOKEN --port 8082
     [--webhook-secret SECRET]
"""

import argparse
import asyncio
import hmac
import signal

import aiohttp
from aiohttp import web

SECRET_HEADER = "X-Bot-Api-Secret-Token"
POLL_TIMEOUT = 30


class Echo:
    def __init__(self, api_base: str, token: str):
        self.url = f"{api_base.rstrip('/')}/bot{token}/"
        self.http = aiohttp.ClientSession()
        self.tasks: set[asyncio.Task] = set()

    async def call(self, method: str, payload: dict, timeout: float = 15) -> dict:
        async with self.http.post(
            self.url + method, json=payload, timeout=aiohttp.ClientTimeout(total=timeout)
        ) as response:
            return await response.json(content_type=None)

    def take(self, update: dict) -> None:
        """Send the text of a message update back, in its own task."""
        if "result" in update and "message" not in update:  # a webhook body may come wrapped
            update = update["result"]
        message = update.get("message") or {}
        text = message.get("text")
        if text:
            payload = {"chat_id": message["chat"]["id"], "text": text}
            task = asyncio.create_task(self.call("sendMessage", payload))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def poll(self) -> None:
        while True:
            try:
                body = await self.call("getUpdates", {"timeout": POLL_TIMEOUT}, POLL_TIMEOUT + 10)
            except (aiohttp.ClientError, TimeoutError):
                await asyncio.sleep(1)
                continue
            if body.get("ok"):  # error 408: nothing arrived within the timeout
                self.take(body["result"])

    def webhook(self, secret: str):
        async def on_post(request: web.Request) -> web.Response:
            given = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), secret.encode()):
                return web.json_response({"ok": False}, status=403)
            self.take(await request.json())
            return web.json_response({"ok": True})

        return on_post


async def healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok")


async def main(args) -> None:
    echo = Echo(args.api_base, args.token)
    app = web.Application()
    app.router.add_get("/healthz", healthz)
    if args.webhook_secret:
        app.router.add_post("/webhook/zalo", echo.webhook(args.webhook_secret))
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", args.port).start()
    polling = None if args.webhook_secret else asyncio.create_task(echo.poll())
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    await stop.wait()
    if polling is not None:
        polling.cancel()
    await runner.cleanup()
    await echo.http.close()


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
