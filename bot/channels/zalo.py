"""Zalo through the Zalo Bot Platform: long polling or webhook, choices as numbered text."""

import asyncio
import json
import logging
from typing import Any

from bot.channels.base import (
    Outgoing,
    PlatformChannel,
    SendResult,
    SendStatus,
    best_effort,
    desk_note,
    file_name,
    with_note,
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


class ZaloChannel(PlatformChannel):
    name = PLATFORM
    title = "Zalo"
    text_limit = TEXT_LIMIT
    webhook_path = WEBHOOK_PATH
    secret_header = SECRET_HEADER
    refused = 403
    unreachable = (ZaloNetworkError, OSError, TimeoutError)

    def __init__(
        self,
        conversation: Conversation,
        api: ZaloApi,
        *,
        poll_timeout: int = 30,
        files: FileShelf | None = None,
        **common,
    ):
        """`common`: webhook_url, webhook_secret, inbox (see PlatformChannel)."""
        super().__init__(conversation, **common)
        self.api = api
        self.poll_timeout = poll_timeout
        self.files = files

    # -- lifecycle ---------------------------------------------------------------------

    async def _connect(self) -> str:
        me = await self.api.get_me() or {}
        name = me.get("account_name") or me.get("display_name") or me.get("name") or "?"
        return f"{name} (id {me.get('id')})"

    async def _set_webhook(self, url: str) -> None:
        await self.api.set_webhook(url, self.webhook_secret)

    async def _delete_webhook(self) -> None:
        await best_effort("Zalo deleteWebhook", self.api.delete_webhook())

    async def _close(self) -> None:
        await self.api.close()

    # -- incoming ----------------------------------------------------------------------

    async def _poll(self) -> None:
        """One update per call; each is handled in its own task while the next poll runs."""
        delay = 1.0
        while True:
            try:
                update = await self.api.get_updates(timeout=self.poll_timeout)
            except (ZaloError, ZaloNetworkError) as error:
                self.health.lost(error)  # `status` shows it; pushes wait for its return
                log.warning("Zalo getUpdates failed (%s); polling again in %.0fs", error, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 60)
                continue
            self.health.back()
            delay = 1.0
            if update is not None:
                await self._take(update)

    async def _take(self, body: Any) -> bool:
        # What is no private message is ignored, and still answered "ok": Zalo would only
        # send it again.
        incoming = parse_update(body)
        if incoming is not None:
            await self.submit(incoming)
        return True

    # -- outgoing ----------------------------------------------------------------------

    async def _send_typing(self, chat_id: str) -> None:
        await self.api.send_chat_action(chat_id)

    def _compose(self, reply: Reply) -> Outgoing:
        text = render(reply)
        attachment = reply.attachment
        photo_url = None
        if attachment is not None and attachment.kind == "photo":
            photo_url = attachment.url
            if photo_url is None and attachment.path and self.files is not None:
                photo_url = self.files.publish(attachment.path)
        if attachment is not None and photo_url is None:
            text = with_note(text, self._instead(attachment))
        return Outgoing(text, photo_url)

    def _instead(self, attachment: Attachment) -> str:
        """What is said instead of a file Zalo cannot be sent (it takes no documents, and
        photos by a public URL only): where it is kept on the web desk, or that it is not."""
        if attachment.link is None:
            return t("channels.file_unavailable", name=file_name(attachment))
        keep_days = self.conversation.options.desk_keep_days
        if attachment.kind == "photo":
            return desk_note("photo_on_desk", attachment, keep_days)
        return desk_note("file_on_desk", attachment, keep_days, reason=t("channels.zalo_no_files"))

    def _send_text(self, chat_id: str, text: str, markup: Any):
        return self.api.send_message(chat_id, text, retries=1)

    def _send_file(self, chat_id: str, photo_url: str):
        return self.api.send_photo(chat_id, photo_url, retries=1)

    def _classify(self, error: Exception) -> SendResult | None:
        if isinstance(error, ZaloNetworkError):
            return SendResult(SendStatus.FAILED, detail=str(error))
        if not isinstance(error, ZaloError):
            return None
        if error.code == 429:
            return SendResult(
                SendStatus.RETRY_AFTER, retry_after=error.retry_after or 1, detail=error.description
            )
        if error.code in (403, 404):
            return SendResult(SendStatus.BLOCKED, detail=error.description)
        return SendResult(SendStatus.FAILED, detail=error.description, retryable=False)


async def manage_webhook(
    token: str, api_base: str, action: str, base_url: str | None, secret: str
) -> str:
    """`python -m bot webhook set|delete|info --channel zalo`: a line (or JSON) to print."""
    api = ZaloApi(token, api_base=api_base)
    try:
        if action == "set":
            url = f"{base_url}{WEBHOOK_PATH}"
            await api.set_webhook(url, secret)
            return f"Đã đặt webhook Zalo: {url}"
        if action == "delete":
            await api.delete_webhook()
            return "Đã xóa webhook Zalo."
        return json.dumps(await api.get_webhook_info(), ensure_ascii=False)
    finally:
        await api.close()


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
