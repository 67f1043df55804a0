"""A fake Telegram Bot API server (see fake_api.py)."""

import asyncio
import itertools
import time

from tests.helpers.fake_api import FakeBotApi

BOT = {"id": 123456789, "is_bot": True, "first_name": "Trợ lý NQ05", "username": "canbo_test_bot"}


class FakeTelegram(FakeBotApi):
    def __init__(self):
        super().__init__()
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self.files: dict[str, bytes] = {}  # file id -> content, for getFile and downloads

    def add_routes(self, app) -> None:
        from aiohttp import web

        async def download(request):
            content = self.files.get(request.match_info["path"].rsplit("/", 1)[-1])
            return web.Response(body=content) if content is not None else web.Response(status=404)

        app.router.add_get("/file/bot{token}/{path:.*}", download)

    # -- building updates --------------------------------------------------------------

    def update(self, **body) -> dict:
        return {"update_id": next(self._update_ids), **body}

    def message(self, user_id: int, text: str | None = None, chat_type="private", **extra):
        user = {"id": user_id, "is_bot": False, "first_name": f"Người dùng {user_id}"}
        chat_id = user_id if chat_type == "private" else -100 - user_id
        body = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": chat_type},
            "from": user,
            **extra,
        }
        if text is not None:
            body["text"] = text
        return self.update(message=body)

    def button(self, user_id: int, data: str) -> dict:
        user = {"id": user_id, "is_bot": False, "first_name": f"Người dùng {user_id}"}
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"},
            "text": "…",
        }
        return self.update(
            callback_query={
                "id": f"cb{user_id}{time.time_ns()}",
                "from": user,
                "chat_instance": "1",
                "message": message,
                "data": data,
            }
        )

    async def say(self, user_id: int, text: str) -> None:
        await self.push(self.message(user_id, text))

    async def press(self, user_id: int, data: str) -> None:
        await self.push(self.button(user_id, data))

    # -- what the bot sent -------------------------------------------------------------

    def texts(self, chat_id: int) -> list[str]:
        return [p["text"] for p in self.called("sendMessage") if int(p["chat_id"]) == chat_id]

    def buttons(self, chat_id: int) -> list[tuple[str, str]]:
        """The buttons of the last message to this chat that had any: (label, value), the
        value without the question number the bot puts in front ("7|/toi")."""
        return [(label, data.split("|", 1)[-1]) for label, data in self.raw_buttons(chat_id)]

    def raw_buttons(self, chat_id: int) -> list[tuple[str, str]]:
        """(label, callback data as sent) of the last message to this chat with buttons."""
        for params in reversed(self.called("sendMessage")):
            markup = params.get("reply_markup")
            if int(params["chat_id"]) == chat_id and markup:
                return [
                    (b["text"], b["callback_data"])
                    for row in markup["inline_keyboard"]
                    for b in row
                ]
        return []

    async def reply_to(self, chat_id: int, after: int, timeout: float = 10) -> str:
        """Wait for the messages sent to `chat_id` beyond the first `after`; return them joined."""
        await self.wait_for(lambda: len(self.texts(chat_id)) > after, timeout)
        await self.settle()
        return "\n".join(self.texts(chat_id)[after:])

    async def settle(self) -> None:
        await asyncio.sleep(0.05)

    # -- server side -------------------------------------------------------------------

    async def answer(self, method: str, params: dict) -> dict:
        if method == "getMe":
            return {"ok": True, "result": BOT}
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            while self.updates and self.updates[0]["update_id"] < offset:
                self.updates.popleft()
            update = await self.next_update(float(params.get("timeout") or 0))
            return {"ok": True, "result": [update] if update else []}
        if method in ("sendMessage", "sendPhoto", "sendDocument"):
            text = params.get("text", "")
            if method == "sendMessage" and not 1 <= len(text) <= 4096:
                return {
                    "ok": False,
                    "error_code": 400,
                    "description": "Bad Request: message is too long",
                }
            return {
                "ok": True,
                "result": {
                    "message_id": next(self._message_ids),
                    "date": int(time.time()),
                    "chat": {"id": int(params["chat_id"]), "type": "private"},
                    "text": text,
                },
            }
        if method == "getFile":
            file_id = params["file_id"]
            if file_id not in self.files:
                return {"ok": False, "error_code": 400, "description": "Bad Request: wrong file_id"}
            return {
                "ok": True,
                "result": {
                    "file_id": file_id,
                    "file_unique_id": file_id,
                    "file_size": len(self.files[file_id]),
                    "file_path": f"documents/{file_id}",
                },
            }
        if method == "getWebhookInfo":
            return {
                "ok": True,
                "result": {"url": "", "has_custom_certificate": False, "pending_update_count": 0},
            }
        return {"ok": True, "result": True}
