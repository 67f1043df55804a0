"""A fake Zalo Bot Platform API server (see fake_api.py)."""

import asyncio
import itertools
import time
from collections import Counter

from tests.helpers.fake_api import FakeBotApi

BOT = {"id": "7001", "account_name": "tro_ly_nq05", "account_type": "BASIC"}


class FakeZalo(FakeBotApi):
    token = "7001234567890:zalo-TEST-token_abcdefghijkl"

    def __init__(self):
        super().__init__()
        self._ids = itertools.count(1)
        self.received: Counter[str] = Counter()  # requests per method as they arrive
        # name -> (content, content type): the photos users sent, as the platform's
        # `photo_url` serves them (photo_url(name)).
        self.files: dict[str, tuple[bytes, str]] = {}

    def add_routes(self, app) -> None:
        from aiohttp import web

        async def photo(request):
            if request.match_info["name"] not in self.files:
                return web.Response(status=404)
            content, content_type = self.files[request.match_info["name"]]
            return web.Response(body=content, content_type=content_type)

        app.router.add_get("/photos/{name}", photo)

    def photo_url(self, name: str) -> str:
        return f"{self.url}/photos/{name}"

    async def _dispatch(self, request):
        # Counted before any fault applies, so a test can wait for a call that is still being
        # answered slowly, or count the attempts that failed.
        self.received[request.match_info["method"]] += 1
        async with self._changed:
            self._changed.notify_all()
        return await super()._dispatch(request)

    def message(
        self,
        user_id: str,
        text: str | None = None,
        *,
        event="message.text.received",
        chat_type="PRIVATE",
        name_field="display_name",
        **extra,
    ) -> dict:
        body = {
            "message_id": f"msg{next(self._ids)}",
            "date": int(time.time() * 1000),
            "from": {"id": user_id, name_field: f"Người dùng {user_id}"},
            "chat": {"id": user_id, "chat_type": chat_type},
            **extra,
        }
        if text is not None:
            body["text"] = text
        update = {"message": body}
        if event:
            update["event_name"] = event
        return update

    async def say(self, user_id: str, text: str) -> None:
        await self.push(self.message(user_id, text))

    def texts(self, chat_id: str) -> list[str]:
        return [p["text"] for p in self.called("sendMessage") if p["chat_id"] == chat_id]

    async def reply_to(self, chat_id: str, after: int, timeout: float = 10) -> str:
        await self.wait_for(lambda: len(self.texts(chat_id)) > after, timeout)
        await asyncio.sleep(0.05)
        return "\n".join(self.texts(chat_id)[after:])

    async def answer(self, method: str, params: dict) -> dict:
        if method == "getMe":
            return {"ok": True, "result": BOT}
        if method == "getUpdates":
            update = await self.next_update(float(params.get("timeout") or 0))
            if update is None:
                return {"ok": False, "error_code": 408, "description": "Request timeout"}
            return {"ok": True, "result": update}
        if method == "sendMessage":
            if not 1 <= len(params.get("text", "")) <= 2000:
                return {"ok": False, "error_code": 400, "description": "text length invalid"}
            return {
                "ok": True,
                "result": {"message_id": f"out{next(self._ids)}", "date": int(time.time() * 1000)},
            }
        if method == "getWebhookInfo":
            return {"ok": True, "result": {"url": "", "updated_at": 0}}
        return {"ok": True, "result": {}}

    def error_status(self, code: int) -> int:
        # Zalo answers API errors (408 included) with HTTP 200 and ok=false.
        return 200 if code < 500 else code
