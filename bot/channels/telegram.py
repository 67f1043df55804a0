"""Telegram through aiogram 3: long polling or webhook, inline keyboards for choices."""

import asyncio
import json
import logging
import math
import os

from aiogram import Bot, Dispatcher
from aiogram import Router as AiogramRouter
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import Response
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    CallbackQuery,
    FSInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from aiohttp import web
from pydantic import ValidationError

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
from handlers.conversation import Conversation
from handlers.texts import t
from handlers.types import Attachment, Incoming, Reply

log = logging.getLogger(__name__)

PLATFORM = "telegram"
TEXT_LIMIT = 4096
# The largest file a bot may upload to Telegram's Bot API. A larger one (the workbook of a very
# large roster) would be refused after the whole upload, three times over, and the user would
# hear nothing; they are told instead.
UPLOAD_LIMIT = 50 * 1000 * 1000  # "50 MB", read the stricter way
WEBHOOK_PATH = "/webhook/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
UPDATE_TYPES = ["message", "callback_query"]
CALLBACK_DATA = 64  # bytes a button may carry back
# "Chat not found" and friends mean the person is gone for good, like a block.
GONE = ("chat not found", "user is deactivated", "bot was blocked", "peer_id_invalid")


def make_bot(token: str, api_base: str, timeout: float = 30) -> Bot:
    """An aiogram Bot talking to `api_base` (Telegram, or a local Bot API server)."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_base), timeout=timeout)
    session.middleware(_keep_response_type)
    return Bot(token, session=session)


# aiogram reads each answer as `Response[the method's result type]`, a class pydantic caches
# only while something else refers to it: it was rebuilt after every garbage collection
# (3.6 % of the bot's CPU under load, bench/RESULTS.md). Those of the methods used are kept.
_RESPONSE_TYPES: dict[type, type] = {}


async def _keep_response_type(make_request, bot: Bot, method):
    if type(method) not in _RESPONSE_TYPES:
        _RESPONSE_TYPES[type(method)] = Response[method.__returning__]
    return await make_request(bot, method)


class TelegramChannel:
    name = PLATFORM

    def __init__(
        self,
        conversation: Conversation,
        token: str,
        *,
        api_base: str,
        menu: list[tuple[str, str]],
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        request_timeout: float = 30,
    ):
        self.conversation = conversation
        self.menu = menu
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.bot = make_bot(token, api_base, request_timeout)
        # Conversation state lives in our database, not in aiogram's FSM (one middleware less).
        self.dispatcher = Dispatcher(disable_fsm=True)
        router = AiogramRouter()
        router.message()(self._on_message)
        router.callback_query()(self._on_button)
        self.dispatcher.include_router(router)
        self.inflight = Inflight()
        # How an update is taken on: handled here (one process), or queued per user in Redis
        # (bot.scaleout) when several workers share the load.
        self.submit = self._handle_here
        conversation.downloaders[PLATFORM] = self.download
        self.username: str | None = None
        self._polling = None

    # -- lifecycle ---------------------------------------------------------------------

    async def start(
        self, web_app: web.Application | None, *, receive: bool = True, register: bool = True
    ) -> None:
        """Connect. With `receive` off the channel only sends (the scheduler's role); with
        `register` off a webhook worker leaves the platform's webhook setting alone."""
        me = await self.bot.get_me()
        self.username = me.username
        if not receive:
            log.info("Telegram: sending only, bot @%s (id %s)", me.username, me.id)
            return
        await best_effort(
            "Telegram setMyCommands",
            self.bot.set_my_commands([BotCommand(command=c, description=d) for c, d in self.menu]),
        )
        if self.webhook_url and web_app is not None:
            web_app.router.add_post(WEBHOOK_PATH, self._on_webhook)
            if register:
                await self.bot.set_webhook(
                    f"{self.webhook_url}{WEBHOOK_PATH}",
                    secret_token=self.webhook_secret,
                    allowed_updates=UPDATE_TYPES,
                )
            mode = f"webhook {self.webhook_url}{WEBHOOK_PATH}"
        else:
            await self.bot.delete_webhook()  # polling and a webhook are exclusive
            self._polling = asyncio.create_task(
                self.dispatcher.start_polling(
                    self.bot,
                    handle_signals=False,
                    close_bot_session=False,
                    allowed_updates=UPDATE_TYPES,
                )
            )
            mode = "long polling"
        log.info("Telegram: %s, bot @%s (id %s)", mode, me.username, me.id)

    async def stop(self) -> None:
        if self._polling is not None:
            await self.dispatcher.stop_polling()
            await self._polling
        await self.inflight.drain()
        await self.bot.session.close()

    # -- incoming ----------------------------------------------------------------------

    async def _on_webhook(self, request: web.Request) -> web.Response:
        """Check the secret in constant time, refuse what is not an update, answer at once."""
        if not secret_matches(self.webhook_secret, request.headers.get(SECRET_HEADER, "")):
            log.warning("Telegram webhook call refused: wrong or missing secret")
            return web.json_response({"ok": False, "description": "unauthorized"}, status=401)
        try:
            update = Update.model_validate(
                json.loads(await request.text()), context={"bot": self.bot}
            )
        except (ValueError, ValidationError, RecursionError):  # deep nesting: RecursionError
            return web.json_response({"ok": False, "description": "not an update"}, status=400)
        # Awaited: the update is taken on (queued in order) before the platform hears "ok";
        # the handling itself runs in the background.
        await self.dispatcher.feed_update(self.bot, update)
        return web.json_response({"ok": True})

    async def _on_message(self, message: Message, event_update: Update) -> None:
        # Private chats only. Checked here, not as an aiogram filter: aiogram runs a plain
        # filter in a worker thread, a thread hop for every update.
        if message.from_user is None or message.chat.type != "private":
            return
        attachments = []
        if message.photo:
            attachments.append(Attachment("photo", file_id=message.photo[-1].file_id))
        if message.document:
            attachments.append(
                Attachment(
                    "document", file_id=message.document.file_id, name=message.document.file_name
                )
            )
        incoming = Incoming(
            channel=PLATFORM,
            user_id=str(message.from_user.id),
            chat_id=str(message.chat.id),
            text=message.text or message.caption or "",
            attachments=tuple(attachments),
            update_id=str(event_update.update_id),
            display_name=message.from_user.full_name,
        )
        await self.submit(incoming)

    async def _on_button(self, callback: CallbackQuery, event_update: Update) -> None:
        await best_effort("Telegram answerCallbackQuery", callback.answer())
        message = callback.message
        if callback.data is None or message is None or message.chat.type != "private":
            return
        # Take the keyboard off the message, so an old button cannot be pressed twice.
        await best_effort(
            "Telegram editMessageReplyMarkup",
            self.bot.edit_message_reply_markup(
                chat_id=message.chat.id, message_id=message.message_id, reply_markup=None
            ),
        )
        question, value = _unpack(callback.data)
        incoming = Incoming(
            channel=PLATFORM,
            user_id=str(callback.from_user.id),
            chat_id=str(message.chat.id),
            choice=value,
            question=question,
            update_id=str(event_update.update_id),
            display_name=callback.from_user.full_name,
        )
        await self.submit(incoming)

    async def _handle_here(self, incoming: Incoming) -> None:
        self.inflight.spawn(self.handle(incoming))

    async def handle(self, incoming: Incoming) -> None:
        await respond(self.conversation, incoming, self.send, lambda: self._typing(incoming))

    def _typing(self, incoming: Incoming) -> None:
        # Alongside, not awaited: a slow indicator must not hold the replies back.
        self.inflight.alongside(
            "Telegram sendChatAction",
            lambda: self.bot.send_chat_action(chat_id=incoming.chat_id, action="typing"),
        )

    async def download(self, attachment: Attachment) -> bytes:
        """The bytes of a file a user sent (getFile, then the file URL)."""
        buffer = await self.bot.download(attachment.file_id)
        return buffer.read()

    # -- outgoing ----------------------------------------------------------------------

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        text, attachment = reply.text, reply.attachment
        if attachment is not None and (note := _too_big(attachment)):
            text, attachment = (f"{text}\n\n{note}" if text else note), None
        pieces = split_text(text, TEXT_LIMIT) if text else []
        keyboard = _keyboard(reply)
        for number, piece in enumerate(pieces, 1):
            markup = keyboard if number == len(pieces) else None
            result = await send_with_retry(
                lambda piece=piece, markup=markup: self._call(
                    self.bot.send_message(chat_id=chat_id, text=piece, reply_markup=markup)
                )
            )
            if not result.ok:
                return result
        if attachment is not None:
            return await send_with_retry(lambda: self._call(self._send_file(chat_id, attachment)))
        return SENT

    def _send_file(self, chat_id: str, attachment: Attachment):
        file = (
            FSInputFile(attachment.path, filename=attachment.name)
            if attachment.path
            else (attachment.url or attachment.file_id)
        )
        if attachment.kind == "photo":
            return self.bot.send_photo(chat_id=chat_id, photo=file)
        return self.bot.send_document(chat_id=chat_id, document=file)

    async def _call(self, request) -> SendResult:
        try:
            await request
        except TelegramRetryAfter as error:
            return SendResult(
                SendStatus.RETRY_AFTER, retry_after=error.retry_after, detail=error.message
            )
        except (TelegramForbiddenError, TelegramUnauthorizedError) as error:
            return SendResult(SendStatus.BLOCKED, detail=error.message)
        except (TelegramBadRequest, TelegramNotFound) as error:
            gone = any(marker in error.message.lower() for marker in GONE)
            if gone:
                return SendResult(SendStatus.BLOCKED, detail=error.message)
            return SendResult(SendStatus.FAILED, detail=error.message, retryable=False)
        except (TelegramNetworkError, TelegramServerError, TimeoutError) as error:
            return SendResult(SendStatus.FAILED, detail=str(error))
        return SENT


def _too_big(attachment: Attachment) -> str | None:
    """What to tell the user instead of sending a local file Telegram would refuse."""
    try:
        size = os.path.getsize(attachment.path) if attachment.path else 0
    except OSError:
        return None  # sending it reports what is wrong
    if size <= UPLOAD_LIMIT:
        return None
    return t("channels.file_too_big", name=attachment.name or os.path.basename(attachment.path),
             # Rounded up, so it never reads as within the limit; a Vietnamese decimal comma.
             size=f"{math.ceil(size / 1e5) / 10:.1f}".replace(".", ","),
             limit=UPLOAD_LIMIT // 1_000_000)


def _keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.choices:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=choice.label, callback_data=_pack(reply.question, choice.value))]
            for choice in reply.choices
        ]
    )


def _pack(question: int | None, value: str) -> str:
    """A button's callback data: "<question>|<value>", so that a press on an older message
    is known for one; the value alone when there is no number or it would not fit."""
    data = f"{question}|{value}"
    return data if question is not None and len(data.encode()) <= CALLBACK_DATA else value


def _unpack(data: str) -> tuple[int | None, str]:
    number, bar, value = data.partition("|")
    if bar and number.isascii() and number.isdigit() and len(number) <= 6:
        return int(number), value
    return None, data
