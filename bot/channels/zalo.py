"""Zalo through the Zalo Bot Platform: long polling or webhook, choices as numbered text."""

import asyncio
import json
import logging
from typing import Any

from aiohttp import web

from bot.channels.base import (
    SENT,
    Inflight,
    SendResult,
    SendStatus,
    best_effort,
    respond,
    secret_matches,
    send_with_retry,
    split_text,
)
from bot.channels.files import FileShelf
from bot.channels.zalo_api import ZaloApi, ZaloError, ZaloNetworkError
from handlers.conversation import Conversation
from handlers.texts import t
from handlers.types import Attachment, Incoming, Reply

log = logging.getLogger(__name__)

PLATFORM = "zalo"
TEXT_LIMIT = 2000
WEBHOOK_PATH = "/webhook/zalo"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
# Events whose message is read; any other "message.*" event is answered as unreadable.
TEXT, IMAGE = "message.text.received", "message.image.received"


class ZaloChannel:
    name = PLATFORM

    def __init__(
        self,
        conversation: Conversation,
        api: ZaloApi,
        *,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        poll_timeout: int = 30,
        files: FileShelf | None = None,
    ):
        self.conversation = conversation
        self.api = api
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.poll_timeout = poll_timeout
        self.files = files
        self.inflight = Inflight()
        self.submit = self._handle_here  # or a Redis queue per user (bot.scaleout)
        self._polling: asyncio.Task | None = None

    # -- lifecycle ---------------------------------------------------------------------

    async def start(
        self, web_app: web.Application | None, *, receive: bool = True, register: bool = True
    ) -> None:
        me = await self.api.get_me() or {}
        if not receive:
            log.info("Zalo: sending only, bot %s", me.get("account_name") or me.get("id"))
            return
        if self.webhook_url and web_app is not None:
            web_app.router.add_post(WEBHOOK_PATH, self._on_webhook)
            if register:
                await self.api.set_webhook(f"{self.webhook_url}{WEBHOOK_PATH}",
                                           self.webhook_secret)
            mode = f"webhook {self.webhook_url}{WEBHOOK_PATH}"
        else:
            await best_effort("Zalo deleteWebhook", self.api.delete_webhook())
            self._polling = asyncio.create_task(self._poll())
            mode = "long polling"
        name = me.get("account_name") or me.get("display_name") or me.get("name") or "?"
        log.info("Zalo: %s, bot %s (id %s)", mode, name, me.get("id"))

    async def stop(self) -> None:
        if self._polling is not None:
            self._polling.cancel()
            await asyncio.gather(self._polling, return_exceptions=True)
        await self.inflight.drain()
        await self.api.close()

    async def _poll(self) -> None:
        """One update per call; each is handled in its own task while the next poll runs."""
        delay = 1.0
        while True:
            try:
                update = await self.api.get_updates(timeout=self.poll_timeout)
            except (ZaloError, ZaloNetworkError) as error:
                log.warning("Zalo getUpdates failed (%s); polling again in %.0fs", error, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 60)
                continue
            delay = 1.0
            if update is not None:
                await self._accept(update)

    async def _on_webhook(self, request: web.Request) -> web.Response:
        if not secret_matches(self.webhook_secret, request.headers.get(SECRET_HEADER, "")):
            log.warning("Zalo webhook call refused: wrong or missing secret")
            return web.json_response({"ok": False, "description": "forbidden"}, status=403)
        try:
            body = json.loads(await request.text())
        except (ValueError, RecursionError):  # deeply nested JSON raises RecursionError
            return web.json_response({"ok": False, "description": "malformed JSON"}, status=400)
        await self._accept(body)  # queued in order, answered at once, handled in the background
        return web.json_response({"ok": True})

    async def _accept(self, update: Any) -> None:
        incoming = parse_update(update)
        if incoming is not None:
            await self.submit(incoming)

    async def _handle_here(self, incoming: Incoming) -> None:
        self.inflight.spawn(self.handle(incoming))

    async def handle(self, incoming: Incoming) -> None:
        await respond(self.conversation, incoming, self.send, lambda: self._typing(incoming))

    def _typing(self, incoming: Incoming) -> None:
        # Alongside, not awaited: a slow indicator must not hold the replies back.
        self.inflight.alongside(
            "Zalo sendChatAction", lambda: self.api.send_chat_action(incoming.chat_id)
        )

    # -- outgoing ----------------------------------------------------------------------

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        text = render(reply)
        attachment = reply.attachment
        photo_url = None
        if attachment is not None and attachment.kind == "photo":
            photo_url = attachment.url
            if photo_url is None and attachment.path and self.files is not None:
                photo_url = self.files.publish(attachment.path)
        if attachment is not None and photo_url is None:
            # Zalo takes photos by URL only; with no public address for the file, say so.
            note = t("channels.file_unavailable", name=attachment.name or attachment.path)
            text = f"{text}\n\n{note}" if text else note
        for piece in split_text(text, TEXT_LIMIT) if text else []:
            result = await send_with_retry(
                lambda piece=piece: self._call(self.api.send_message(chat_id, piece, retries=1))
            )
            if not result.ok:
                return result
        if photo_url:
            return await send_with_retry(
                lambda: self._call(self.api.send_photo(chat_id, photo_url, retries=1))
            )
        return SENT

    async def _call(self, request) -> SendResult:
        try:
            await request
        except ZaloNetworkError as error:
            return SendResult(SendStatus.FAILED, detail=str(error))
        except ZaloError as error:
            if error.code == 429:
                return SendResult(SendStatus.RETRY_AFTER, retry_after=error.retry_after or 1,
                                  detail=error.description)
            if error.code in (403, 404):
                return SendResult(SendStatus.BLOCKED, detail=error.description)
            return SendResult(SendStatus.FAILED, detail=error.description, retryable=False)
        return SENT


def render(reply: Reply) -> str:
    """Zalo has no buttons: choices become numbered lines, answered with their number."""
    lines = [reply.text] if reply.text else []
    lines += [f"{number}. {choice.label}" for number, choice in enumerate(reply.choices, 1)]
    return "\n".join(lines)


def parse_update(update: Any) -> Incoming | None:
    """An `Incoming` for a private-chat message, None for anything to ignore.

    Tolerates the variants seen in the wild: a body wrapped as {"ok": true, "result": {...}},
    `display_name` or `first_name`, a missing `event_name`, `photo_url` or `photo`.
    """
    if isinstance(update, dict) and "result" in update and "message" not in update:
        update = update["result"]
    if not isinstance(update, dict) or not isinstance(update.get("message"), dict):
        log.info("Zalo update ignored: no message")
        return None
    message = update["message"]
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
    user_id = str(sender.get("id") or "")
    if not user_id:
        return None
    if str(chat.get("chat_type") or "PRIVATE").upper() != "PRIVATE":
        log.info("Zalo update ignored: %s chat", chat.get("chat_type"))
        return None
    photo = message.get("photo_url") or message.get("photo")
    event = update.get("event_name") or (IMAGE if photo else TEXT if "text" in message else "")
    if not str(event).startswith("message."):
        log.info("Zalo update ignored: event %r", event)
        return None
    text, attachments = "", ()
    if event == TEXT:
        text = str(message.get("text") or "")
    elif event == IMAGE and isinstance(photo, str):
        text = str(message.get("caption") or "")
        attachments = (Attachment("photo", url=photo),)
    # Stickers and unsupported messages arrive empty; the conversation answers those politely.
    message_id = message.get("message_id")
    return Incoming(
        channel=PLATFORM,
        user_id=user_id,
        chat_id=str(chat.get("id") or user_id),
        text=text,
        attachments=attachments,
        update_id=str(message_id) if message_id else None,
        display_name=sender.get("display_name") or sender.get("first_name") or sender.get("name"),
    )
