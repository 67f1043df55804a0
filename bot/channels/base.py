"""What every messaging channel shares: send outcomes, text splitting, in-flight tracking,
and `PlatformChannel`, the life of a platform channel (Telegram, Zalo) apart from its API."""

import asyncio
import dataclasses
import hmac
import json
import logging
import os
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from aiohttp import web

from bot.health import ChannelHealth
from bot.redact import redact
from handlers.conversation import Conversation
from handlers.services.desk import LINK_TTL
from handlers.texts import t
from handlers.types import Attachment, Download, Incoming, Reply

log = logging.getLogger(__name__)

TYPING_AFTER = 1.0  # seconds of handling before the user is shown "typing…"
MAX_RETRY = 300.0  # the longest pause between two tries to reach a platform at start
BUSY = 50  # updates in hand beyond which cosmetic calls (the typing indicator) are skipped


class SendStatus(StrEnum):
    SENT = "sent"
    BLOCKED = "blocked"  # the user blocked the bot or is gone: do not try again
    RETRY_AFTER = "retry_after"  # rate limited: try again after `retry_after` seconds
    FAILED = "failed"  # a network or server fault: may succeed later


@dataclass(frozen=True)
class SendResult:
    status: SendStatus
    retry_after: float | None = None
    detail: str = ""
    retryable: bool = True  # False for a request the platform refused as malformed

    @property
    def ok(self) -> bool:
        return self.status is SendStatus.SENT


SENT = SendResult(SendStatus.SENT)


class Channel(Protocol):
    name: str

    async def start(
        self, web_app: web.Application | None, *, receive: bool = True, register: bool = True
    ) -> None:
        """Connect; in webhook mode add routes to `web_app`, otherwise start polling.
        `receive` off: send only; `register` off: leave the platform's webhook alone."""

    async def handle(self, incoming: Incoming) -> None:
        """Take one update through the conversation and send the replies."""

    async def stop(self) -> None:
        """Stop taking updates, finish those in flight, close connections."""

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        """Send one reply to a chat, without an incoming message."""


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut at line ends (else at spaces) where possible."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # a single line too long for one message
            cut = line.rfind(" ", 0, limit + 1)
            cut = cut if cut > limit // 2 else limit
            head, line = line[:cut], line[cut:].lstrip(" ")
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current or not pieces:
        pieces.append(current)
    return [piece for piece in pieces if piece.strip()] or [text[:limit]]


class Inflight:
    """The update-handling tasks a channel started, so shutdown can let them finish."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task] = set()

    def spawn(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("update handling failed", exc_info=task.exception())

    def alongside(self, what: str, call: Callable[[], Awaitable[Any]]) -> None:
        """Start a cosmetic API call (the typing indicator) without waiting for it; skipped
        while more than BUSY updates are in hand: the bot is behind then, and one more call
        per update would only put it further behind and spend the platform's rate limit."""
        if len(self._tasks) <= BUSY:
            self.spawn(best_effort(what, call()))

    async def drain(self, timeout: float = 15) -> None:
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)


async def best_effort(what: str, call: Awaitable[Any]) -> Any:
    """Run a cosmetic API call (menu, typing indicator); a failure is logged, never raised."""
    try:
        return await call
    except Exception as error:  # any platform or network fault is acceptable here
        log.warning("%s failed: %s", what, error)
        return None


async def send_with_retry(
    send: Callable[[], Awaitable[SendResult]], attempts: int = 3, max_wait: float = 30
) -> SendResult:
    """Deliver an interactive reply, retrying transient faults and short rate limits."""
    result = SENT
    for attempt in range(attempts):
        result = await send()
        if attempt == attempts - 1:
            break  # no point waiting after the last try
        if result.status is SendStatus.FAILED and result.retryable:
            await asyncio.sleep(0.5 * 2**attempt)
        elif result.status is SendStatus.RETRY_AFTER and (result.retry_after or 0) <= max_wait:
            await asyncio.sleep(result.retry_after or 1)
        else:
            return result
    return result


def secret_matches(expected: str | None, given: str) -> bool:
    """A webhook call's secret header, compared in constant time; no secret set refuses all."""
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


async def respond(
    conversation: Conversation,
    incoming: Incoming,
    send: Callable[[str, Reply], Awaitable[SendResult]],
    typing: Callable[[], object] | None = None,
    download: Download | None = None,
) -> None:
    """Handle one update and send its replies in order. Each goes out on its own: one that
    fails (a photo the platform refused) does not hold back those after it, which carry a
    short note of what could not be sent. Only a chat that is gone stops the rest.

    `typing` starts the platform's "typing…" indicator; it is called only when the handling
    takes longer than TYPING_AFTER. Most updates are handled in milliseconds, and the
    indicator would be one more Bot API call for each of them."""
    # Started at once, so the per-user queue is joined in the order updates arrived. A
    # background job's replies (a roster import's report) are pushed to the chat the same way.
    handling = asyncio.ensure_future(
        conversation.handle(
            incoming, download=download, push=lambda reply: send(incoming.chat_id, reply)
        )
    )
    try:
        if typing is not None:
            done, _ = await asyncio.wait({handling}, timeout=TYPING_AFTER)
            if not done:
                typing()
        replies = await handling
    finally:
        handling.cancel()  # nothing once done; if we are cancelled, the handling stops too
    missing: list[str] = []  # what could not be sent, told with the next reply that goes
    for reply in replies:
        if missing:
            reply = dataclasses.replace(reply, text=f"{_not_sent(missing)}\n\n{reply.text}")
        result = await send(incoming.chat_id, reply)
        if result.ok:
            missing = []
            continue
        log.warning(
            "reply to %s %s not delivered: %s %s",
            incoming.channel,
            incoming.chat_id,
            result.status,
            result.detail,
        )
        if result.status is SendStatus.BLOCKED:
            return
        missing.append(_what(reply))
    if missing:
        await send(incoming.chat_id, Reply(_not_sent(missing)))


def _what(reply: Reply) -> str:
    if reply.attachment is not None:
        return t("channels.part_file", name=file_name(reply.attachment))
    return t("channels.part_text")


def _not_sent(missing: list[str]) -> str:
    return t("channels.part_not_sent", what=", ".join(dict.fromkeys(missing)))


def file_name(attachment: Attachment) -> str:
    return attachment.name or os.path.basename(attachment.path or "") or ""


def with_note(text: str, note: str) -> str:
    """A reply's text with what the channel says about its file, after a blank line."""
    return f"{text}\n\n{note}" if text else note


def desk_note(key: str, attachment: Attachment, keep_days: int, **values) -> str:
    """What a channel says instead of a file it cannot send that is kept on the web desk
    (`attachment.link`): where it is, the one-time link, how long each lasts."""
    return t(
        f"channels.{key}",
        name=file_name(attachment),
        url=attachment.link,
        minutes=int(LINK_TTL.total_seconds() // 60),
        days=keep_days,
        **values,
    )


Submit = Callable[[Incoming], Awaitable[None]]  # takes one update on
# How a platform channel takes an update on, made from the channel's `handle` and `inflight`:
# handled in this process (the default), or queued per user in Redis (bot.scaleout).
Inbox = Callable[[Submit, Inflight], Submit]


def handle_here(handle: Submit, inflight: Inflight) -> Submit:
    async def submit(incoming: Incoming) -> None:
        inflight.spawn(handle(incoming))

    return submit


@dataclass(frozen=True)
class Outgoing:
    """A reply as a platform sends it: text (cut into pieces), then at most one file.
    `markup` (buttons) goes with the last piece of text."""

    text: str
    file: Any = None
    markup: Any = None


class PlatformChannel:
    """A messaging platform reached over the network: webhook or long polling in, replies out.

    A platform fills in its API: `_connect`, `_prepare`, `_set_webhook`, `_delete_webhook`,
    `_poll` (and `_stop_polling` when cancelling is not the way), `_take`,
    `_send_typing`, `_compose`, `_send_text`, `_send_file`, `_classify`, `_close`; and,
    where files can be fetched, `download`."""

    name: str  # "telegram", "zalo": the platform of accounts and deliveries
    title: str  # the platform's name in log lines
    text_limit: int
    webhook_path: str
    secret_header: str
    refused: int  # the HTTP status a webhook call with a wrong secret gets
    download: Download | None = None
    # Errors meaning the platform could not be reached (network, its server failing), as
    # opposed to an answer refusing us; the first are retried at start.
    unreachable: tuple[type[Exception], ...] = (OSError, TimeoutError)
    first_retry = 5.0  # seconds before the first new try, doubled each time up to MAX_RETRY

    def __init__(
        self,
        conversation: Conversation,
        *,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        inbox: Inbox = handle_here,
    ):
        self.conversation = conversation
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.inflight = Inflight()
        self.submit = inbox(self.handle, self.inflight)
        self.health = ChannelHealth()
        self._polling: asyncio.Task | None = None
        self._connecting: asyncio.Task | None = None

    # -- lifecycle ---------------------------------------------------------------------

    async def start(
        self, web_app: web.Application | None, *, receive: bool = True, register: bool = True
    ) -> Exception | None:
        """Connect; in webhook mode add the route to `web_app`, otherwise start polling.
        With `receive` off the channel only sends (the scheduler's role); with `register`
        off a webhook worker leaves the platform's webhook setting alone.

        A platform that fails does not hold the others back: this returns the error at once
        and the channel keeps trying in the background, with a growing pause (one log line a
        try): a network fault, a proxy's page, a token refused and then renewed all mend in
        time. The caller decides whether the bot can start without it."""
        webhook = receive and self.webhook_url is not None and web_app is not None
        if webhook:  # routes before the server listens; updates may come before getMe does
            web_app.router.add_post(self.webhook_path, self._on_webhook)
        try:
            await self._go_online(receive=receive, webhook=webhook, register=register)
        except Exception as error:  # whatever it is, the other channels go on
            self._failed(error, self.first_retry)
            self._connecting = asyncio.create_task(
                self._keep_trying(receive=receive, webhook=webhook, register=register)
            )
            return error
        return None

    async def _go_online(self, *, receive: bool, webhook: bool, register: bool) -> None:
        bot = await self._connect()
        if not receive:
            mode = "sending only"
        elif webhook:
            await self._prepare()
            url = f"{self.webhook_url}{self.webhook_path}"
            if register:
                await self._set_webhook(url)
            mode = f"webhook {url}"
        else:
            await self._prepare()
            await self._delete_webhook()  # polling and a webhook are exclusive
            self._polling = asyncio.create_task(self._poll())
            mode = "long polling"
        self.health.online(mode, bot)
        log.info("%s: %s, bot %s", self.title, mode, bot)

    async def _keep_trying(self, **how) -> None:
        delay = self.first_retry
        while True:
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_RETRY)
            try:
                await self._go_online(**how)
                return
            except Exception as error:
                self._failed(error, delay)

    def _failed(self, error: Exception, retry_in: float) -> None:
        self.health.failed(error, retry_in)
        # A refusal (a wrong token, a proxy's page) needs the operator: said louder.
        level = logging.WARNING if isinstance(error, self.unreachable) else logging.ERROR
        log.log(
            level,
            "%s unreachable (%s); trying again in %.0fs (attempt %d)",
            self.title,
            self.health.last_error,
            retry_in,
            self.health.attempts,
        )

    async def stop(self) -> None:
        """Stop taking updates, finish those in flight, close connections."""
        if self._connecting is not None:
            self._connecting.cancel()
            await asyncio.gather(self._connecting, return_exceptions=True)
        if self._polling is not None:
            await self._stop_polling()
        await self.inflight.drain()
        await self._close()

    async def _stop_polling(self) -> None:
        self._polling.cancel()
        await asyncio.gather(self._polling, return_exceptions=True)

    # -- incoming ----------------------------------------------------------------------

    async def _on_webhook(self, request: web.Request) -> web.Response:
        """Check the secret in constant time, refuse what is not an update, answer at once."""
        if not secret_matches(self.webhook_secret, request.headers.get(self.secret_header, "")):
            log.warning("%s webhook call refused: wrong or missing secret", self.title)
            return web.json_response(
                {"ok": False, "description": "unauthorized"}, status=self.refused
            )
        try:
            body = json.loads(await request.text())
        except (ValueError, RecursionError):  # deeply nested JSON raises RecursionError
            return web.json_response({"ok": False, "description": "malformed JSON"}, status=400)
        # Awaited: the update is taken on (queued in order) before the platform hears "ok";
        # the handling itself runs in the background.
        if not await self._take(body):
            return web.json_response({"ok": False, "description": "not an update"}, status=400)
        return web.json_response({"ok": True})

    async def handle(self, incoming: Incoming) -> None:
        """Take one update through the conversation and send the replies."""
        await respond(
            self.conversation,
            incoming,
            self.send,
            lambda: self._typing(incoming.chat_id),
            self.download,
        )

    def _typing(self, chat_id: str) -> None:
        # Alongside, not awaited: a slow indicator must not hold the replies back.
        self.inflight.alongside(f"{self.title} sendChatAction", lambda: self._send_typing(chat_id))

    # -- outgoing ----------------------------------------------------------------------

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        """Send one reply: its text in pieces the platform takes, then its file."""
        outgoing = self._compose(reply)
        pieces = split_text(outgoing.text, self.text_limit) if outgoing.text else []
        for number, piece in enumerate(pieces, 1):
            markup = outgoing.markup if number == len(pieces) else None
            result = await send_with_retry(
                lambda piece=piece, markup=markup: self._call(
                    self._send_text(chat_id, piece, markup)
                )
            )
            if not result.ok:
                return result
        if outgoing.file is not None:
            return await send_with_retry(
                lambda: self._call(self._send_file(chat_id, outgoing.file))
            )
        return SENT

    async def _call(self, request: Awaitable[Any]) -> SendResult:
        try:
            await request
        except Exception as error:
            result = self._classify(error)
            if result is None:
                raise
            # The detail is logged and stored with the push: never with the token in it.
            return dataclasses.replace(result, detail=redact(result.detail))
        return SENT

    # -- what each platform fills in ---------------------------------------------------

    async def _connect(self) -> str:
        """Check the token (getMe); the bot's name for the log."""
        raise NotImplementedError

    async def _prepare(self) -> None:
        """Before taking updates (Telegram sets its command menu)."""

    async def _set_webhook(self, url: str) -> None:
        raise NotImplementedError

    async def _delete_webhook(self) -> None:
        raise NotImplementedError

    async def _poll(self) -> None:
        raise NotImplementedError

    async def _take(self, body: Any) -> bool:
        """Submit what the platform sent (a webhook call's body, a polled update); False
        when it is not an update at all."""
        raise NotImplementedError

    async def _send_typing(self, chat_id: str) -> None:
        raise NotImplementedError

    def _compose(self, reply: Reply) -> Outgoing:
        raise NotImplementedError

    def _send_text(self, chat_id: str, text: str, markup: Any) -> Awaitable[Any]:
        raise NotImplementedError

    def _send_file(self, chat_id: str, file: Any) -> Awaitable[Any]:
        raise NotImplementedError

    def _classify(self, error: Exception) -> SendResult | None:
        """A send's failure as a `SendResult`; None for an error that is no platform's."""
        raise NotImplementedError

    async def _close(self) -> None:
        raise NotImplementedError
