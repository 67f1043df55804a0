"""Telegram through aiogram 3: long polling or webhook, inline keyboards for choices."""

import logging
import math
import os
from typing import Any

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
from aiogram.methods import GetUpdates
from aiogram.types import (
    BotCommand,
    CallbackQuery,
    FSInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from aiohttp import JsonPayload
from pydantic import ValidationError

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
from handlers.conversation import Conversation
from handlers.texts import t
from handlers.types import Attachment, Incoming, Reply

log = logging.getLogger(__name__)

PLATFORM = "telegram"
TEXT_LIMIT = 4096
# The largest file a bot may upload to Telegram's Bot API. A larger one (the workbook of a very
# large roster) would be refused after the whole upload, three times over, and the user would
# hear nothing; they get the file's desk link instead, or are told. Read at each send, so a
# test may lower it.
UPLOAD_LIMIT = 50 * 1000 * 1000  # "50 MB", read the stricter way
WEBHOOK_PATH = "/webhook/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
UPDATE_TYPES = ["message", "callback_query"]
CALLBACK_DATA = 64  # bytes a button may carry back
# "Chat not found" and friends mean the person is gone for good, like a block.
GONE = ("chat not found", "user is deactivated", "bot was blocked", "peer_id_invalid")


class JsonSession(AiohttpSession):
    """aiogram's session, sending a request without a file as a JSON body. Its form encoding
    percent-escaped each byte of a reply's text in Python: 12 % of the bot's CPU when it
    answered questions (bench/RESULTS.md, section 8). The Bot API takes either."""

    def build_form_data(self, bot: Bot, method) -> Any:
        files: dict[str, Any] = {}
        fields = {}
        for key, value in method.model_dump(warnings=False).items():
            # Nested objects (the buttons) stay objects; what the form leaves out, too.
            value = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if value is not None and value != "":
                fields[key] = value
        if files:  # an upload: multipart, as aiogram builds it
            return super().build_form_data(bot, method)
        return JsonPayload(fields, dumps=self.json_dumps)


def _chat(chat_id: str) -> int | str:
    """A chat id as Telegram gives it: a number (kept as text in our tables)."""
    return int(chat_id) if chat_id.lstrip("-").isdecimal() else chat_id


def make_bot(token: str, api_base: str, timeout: float = 30) -> Bot:
    """An aiogram Bot talking to `api_base` (Telegram, or a local Bot API server)."""
    session = JsonSession(api=TelegramAPIServer.from_base(api_base), timeout=timeout)
    session.middleware(_keep_response_type)
    return Bot(token, session=session)


async def manage_webhook(
    token: str, api_base: str, action: str, base_url: str | None, secret: str
) -> str:
    """`python -m bot webhook set|delete|info --channel telegram`: a line (or JSON) to print."""
    async with make_bot(token, api_base) as bot:
        if action == "set":
            url = f"{base_url}{WEBHOOK_PATH}"
            await bot.set_webhook(url, secret_token=secret, allowed_updates=UPDATE_TYPES)
            return f"Đã đặt webhook Telegram: {url}"
        if action == "delete":
            await bot.delete_webhook()
            return "Đã xóa webhook Telegram."
        info = await bot.get_webhook_info()
        return info.model_dump_json(exclude_none=True)


# aiogram reads each answer as `Response[the method's result type]`, a class pydantic caches
# only while something else refers to it: it was rebuilt after every garbage collection
# (3.6 % of the bot's CPU under load, bench/RESULTS.md). Those of the methods used are kept.
_RESPONSE_TYPES: dict[type, type] = {}


async def _keep_response_type(make_request, bot: Bot, method):
    if type(method) not in _RESPONSE_TYPES:
        _RESPONSE_TYPES[type(method)] = Response[method.__returning__]
    return await make_request(bot, method)


class TelegramChannel(PlatformChannel):
    name = PLATFORM
    title = "Telegram"
    text_limit = TEXT_LIMIT
    webhook_path = WEBHOOK_PATH
    secret_header = SECRET_HEADER
    refused = 401
    unreachable = (TelegramNetworkError, TelegramServerError, OSError, TimeoutError)

    def __init__(
        self,
        conversation: Conversation,
        token: str,
        *,
        api_base: str,
        menu: list[tuple[str, str]],
        request_timeout: float = 30,
        **common,
    ):
        """`common`: webhook_url, webhook_secret, inbox (see PlatformChannel)."""
        super().__init__(conversation, **common)
        self.menu = menu
        self.bot = make_bot(token, api_base, request_timeout)
        self.bot.session.middleware(self._track_polling)
        # Conversation state lives in our database, not in aiogram's FSM (one middleware less).
        self.dispatcher = Dispatcher(disable_fsm=True)
        router = AiogramRouter()
        router.message()(self._on_message)
        router.callback_query()(self._on_button)
        self.dispatcher.include_router(router)

    # -- lifecycle ---------------------------------------------------------------------

    async def _connect(self) -> str:
        me = await self.bot.get_me()
        return f"@{me.username} (id {me.id})"

    async def _prepare(self) -> None:
        await best_effort(
            "Telegram setMyCommands",
            self.bot.set_my_commands([BotCommand(command=c, description=d) for c, d in self.menu]),
        )

    async def _track_polling(self, make_request, bot: Bot, method):
        """Polling that fails after start (the API down, another process polling with the
        same token) shows in `status`, and pushes wait until it works again."""
        if not isinstance(method, GetUpdates):
            return await make_request(bot, method)
        try:
            result = await make_request(bot, method)
        except Exception as error:
            self.health.lost(error)
            raise
        self.health.back()
        return result

    async def _set_webhook(self, url: str) -> None:
        await self.bot.set_webhook(
            url, secret_token=self.webhook_secret, allowed_updates=UPDATE_TYPES
        )

    async def _delete_webhook(self) -> None:
        await self.bot.delete_webhook()

    async def _poll(self) -> None:
        await self.dispatcher.start_polling(
            self.bot, handle_signals=False, close_bot_session=False, allowed_updates=UPDATE_TYPES
        )

    async def _stop_polling(self) -> None:
        await self.dispatcher.stop_polling()
        await self._polling

    async def _close(self) -> None:
        await self.bot.session.close()

    # -- incoming ----------------------------------------------------------------------

    async def _take(self, body: Any) -> bool:
        try:
            update = Update.model_validate(body, context={"bot": self.bot})
        except (ValidationError, RecursionError):  # deep nesting: RecursionError
            return False
        await self.dispatcher.feed_update(self.bot, update)
        return True

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
                    "document",
                    file_id=message.document.file_id,
                    name=message.document.file_name,
                    size=message.document.file_size,  # a file too big is refused unfetched
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

    async def download(self, attachment: Attachment) -> bytes:
        """The bytes of a file a user sent (getFile, then the file URL)."""
        buffer = await self.bot.download(attachment.file_id)
        return buffer.read()

    # -- outgoing ----------------------------------------------------------------------

    async def _send_typing(self, chat_id: str) -> None:
        await self.bot.send_chat_action(chat_id=_chat(chat_id), action="typing")

    def _compose(self, reply: Reply) -> Outgoing:
        text, attachment = reply.text, reply.attachment
        keep_days = self.conversation.options.desk_keep_days
        if attachment is not None and (note := _too_big(attachment, keep_days)):
            text, attachment = with_note(text, note), None
        return Outgoing(text, attachment, _keyboard(reply))

    def _send_text(self, chat_id: str, text: str, markup: Any):
        return self.bot.send_message(chat_id=_chat(chat_id), text=text, reply_markup=markup)

    def _send_file(self, chat_id: str, attachment: Attachment):
        file = (
            FSInputFile(attachment.path, filename=attachment.name)
            if attachment.path
            else (attachment.url or attachment.file_id)
        )
        if attachment.kind == "photo":
            return self.bot.send_photo(chat_id=_chat(chat_id), photo=file)
        return self.bot.send_document(chat_id=_chat(chat_id), document=file)

    def _classify(self, error: Exception) -> SendResult | None:
        if isinstance(error, TelegramRetryAfter):
            return SendResult(
                SendStatus.RETRY_AFTER, retry_after=error.retry_after, detail=error.message
            )
        if isinstance(error, TelegramForbiddenError | TelegramUnauthorizedError):
            return SendResult(SendStatus.BLOCKED, detail=error.message)
        if isinstance(error, TelegramBadRequest | TelegramNotFound):
            if any(marker in error.message.lower() for marker in GONE):
                return SendResult(SendStatus.BLOCKED, detail=error.message)
            return SendResult(SendStatus.FAILED, detail=error.message, retryable=False)
        if isinstance(error, TelegramNetworkError | TelegramServerError | TimeoutError):
            return SendResult(SendStatus.FAILED, detail=str(error))
        return None


def _too_big(attachment: Attachment, keep_days: int) -> str | None:
    """What to tell the user instead of sending a local file Telegram would refuse: its
    link on the web desk when it is kept there, else what to do."""
    try:
        size = os.path.getsize(attachment.path) if attachment.path else 0
    except OSError:
        return None  # sending it reports what is wrong
    if size <= UPLOAD_LIMIT:
        return None
    # Rounded up, so it never reads as within the limit; a Vietnamese decimal comma.
    sizes = {
        "size": f"{math.ceil(size / 1e5) / 10:.1f}".replace(".", ","),
        "limit": f"{UPLOAD_LIMIT / 1e6:g}".replace(".", ","),
    }
    if attachment.link:
        reason = t("channels.too_big_for_telegram", **sizes)
        return desk_note("file_on_desk", attachment, keep_days, reason=reason)
    return t("channels.file_too_big", name=file_name(attachment), **sizes)


def _keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.choices:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=choice.label, callback_data=_pack(reply.question, choice.value)
                )
            ]
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
