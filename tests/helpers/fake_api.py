"""Local stand-ins for the Telegram and Zalo Bot API servers, on 127.0.0.1.

They record every call, serve queued updates to long polling, enforce the platforms' message
length limits, and can be told to fail (HTTP 5xx, slow answers, API errors) for the next calls.
"""

import asyncio
import json
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any

from aiohttp import web


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = 0.0  # time.monotonic() when the call was answered
    content_type: str = ""  # how the request's body came: application/json, multipart/…


class FakeBotApi:
    token = "123456789:TEST-token_abcdefghijklmnopqrstuvwxyz"

    def __init__(self):
        self.calls: list[Call] = []
        self.updates: deque[dict] = deque()
        self._faults: dict[str, deque] = defaultdict(deque)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""
        # Called with (method, params) for each call before it is answered (e.g. to kill
        # the bot at a chosen moment).
        self.before_answer = None

    async def start(self) -> "FakeBotApi":
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._dispatch)
        self.add_routes(app)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests use ----------------------------------------------------------------

    def fail(self, method: str, *faults: Any) -> None:
        """Make the next calls of `method` fail: an int is an HTTP status answered with an
        error body, ("sleep", s) answers after s seconds, ("error", code, description[, params])
        an API error in the platform's own format."""
        self._faults[method].extend(faults)

    def called(self, method: str) -> list[dict]:
        return [c.params for c in self.calls if c.method == method]

    async def wait_for(self, predicate, timeout: float = 10) -> Any:
        """Wait until `predicate()` is truthy (checked after every call) and return it."""

        async def check():
            async with self._changed:
                await self._changed.wait_for(predicate)

        await asyncio.wait_for(check(), timeout)
        return predicate()

    async def push(self, update: dict) -> None:
        self.updates.append(update)
        async with self._changed:
            self._changed.notify_all()

    # -- server side -------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        fault = self._faults[method].popleft() if self._faults[method] else None
        if isinstance(fault, tuple) and fault[0] == "sleep":
            await asyncio.sleep(fault[1])
            fault = None
        if isinstance(fault, int):
            return web.json_response(
                {"ok": False, "error_code": fault, "description": "Internal Server Error"},
                status=fault,
            )
        if isinstance(fault, tuple) and fault[0] == "error":
            body = {"ok": False, "error_code": fault[1], "description": fault[2]}
            if len(fault) > 3:
                body["parameters"] = fault[3]
            return web.json_response(body, status=self.error_status(fault[1]))
        if self.before_answer is not None:
            self.before_answer(method, params)
        result = await self.answer(method, params)
        if method not in ("getUpdates",) or result.get("result"):
            self.calls.append(Call(method, params, time.monotonic(), request.content_type))
        async with self._changed:
            self._changed.notify_all()
        status = 200 if result.get("ok") else self.error_status(result.get("error_code", 400))
        return web.json_response(result, status=status)

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return await request.json()
        if request.method == "GET":
            return dict(request.query)
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if hasattr(value, "file"):
                params[key] = {"filename": value.filename, "size": len(value.file.read())}
            else:
                try:
                    params[key] = json.loads(value)
                except ValueError:
                    params[key] = value
        # Uploaded files are referred to as "attach://<part name>".
        for key, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                params[key] = params.pop(value.removeprefix("attach://"), value)
        return params

    async def next_update(self, timeout: float) -> dict | None:
        """Long polling, kept short so tests stay fast."""
        deadline = time.monotonic() + min(timeout, 0.5)
        while not self.updates and time.monotonic() < deadline:
            async with self._changed:
                try:
                    await asyncio.wait_for(self._changed.wait(), deadline - time.monotonic())
                except TimeoutError:
                    break
        return self.updates.popleft() if self.updates else None

    def add_routes(self, app: web.Application) -> None:
        """Further routes a platform needs (file downloads)."""

    def error_status(self, code: int) -> int:
        return code

    async def answer(self, method: str, params: dict) -> dict:
        raise NotImplementedError
