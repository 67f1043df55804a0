"""What every messaging channel shares: send outcomes, text splitting, in-flight tracking."""

import asyncio
import dataclasses
import hmac
import logging
import os
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from aiohttp import web

from handlers.conversation import Conversation
from handlers.texts import t
from handlers.types import Incoming, Reply

log = logging.getLogger(__name__)

TYPING_AFTER = 1.0  # seconds of handling before the user is shown "typing…"
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
) -> None:
    """Handle one update and send its replies in order. Each goes out on its own: one that
    fails (a photo the platform refused) does not hold back those after it, which carry a
    short note of what could not be sent. Only a chat that is gone stops the rest.

    `typing` starts the platform's "typing…" indicator; it is called only when the handling
    takes longer than TYPING_AFTER. Most updates are handled in milliseconds, and the
    indicator would be one more Bot API call for each of them."""
    # Started at once, so the per-user queue is joined in the order updates arrived.
    handling = asyncio.ensure_future(conversation.handle(incoming))
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
        log.warning("reply to %s %s not delivered: %s %s", incoming.channel,
                    incoming.chat_id, result.status, result.detail)
        if result.status is SendStatus.BLOCKED:
            return
        missing.append(_what(reply))
    if missing:
        await send(incoming.chat_id, Reply(_not_sent(missing)))


def _what(reply: Reply) -> str:
    if reply.attachment is not None:
        file = reply.attachment
        return t("channels.part_file", name=file.name or os.path.basename(file.path or "") or "")
    return t("channels.part_text")


def _not_sent(missing: list[str]) -> str:
    return t("channels.part_not_sent", what=", ".join(dict.fromkeys(missing)))
