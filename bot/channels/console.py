"""The conversation in a terminal: one message per line on stdin, replies on stdout."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TextIO

from bot.channels.base import SENT, SendResult
from handlers.conversation import Conversation
from handlers.services.campaigns import catch_up
from handlers.types import Incoming, Reply
from storage.repo import Repo

PLATFORM = "console"
GUEST = "guest"


def render(reply: Reply) -> str:
    """A reply as text; choices become numbered lines the user answers with their number."""
    lines = [reply.text]
    lines += [f"  {number}. {choice.label}" for number, choice in enumerate(reply.choices, 1)]
    if reply.attachment is not None:
        file = reply.attachment
        lines.append(f"[Tệp: {file.path or file.url or file.name or file.file_id}]")
        if file.link:  # the same file on the web desk, for an admin away from the server
            lines.append(f"[Bàn làm việc web: {file.link}]")
    return "\n".join(lines)


async def link_console_user(conversation: Conversation, official_code: str) -> str | None:
    """Link the console to an official (whoever runs the console already holds the database);
    newly linked, they get what is still open for them, as after /start.

    Returns the console user id, or None when there is no active official with that code.
    """
    async with conversation.sessionmaker() as session, session.begin():
        repo = Repo(session)
        official = await repo.officials.by_code(official_code)
        if official is None or not official.active:
            return None
        user_id = official.code
        new = await repo.accounts.find(PLATFORM, user_id) is None
        await repo.accounts.link(official, PLATFORM, user_id, user_id, official.full_name)
        if new:
            await catch_up(repo, official.id, conversation.clock(), conversation.options)
        return user_id


async def run_console(
    conversation: Conversation,
    user_id: str,
    stdin: TextIO,
    stdout: TextIO,
    deliver: Callable[[], Awaitable[int]] | None = None,
) -> None:
    """Read messages until end of input, printing each reply; then send what is due in the
    outbox (`deliver`), so notices to console accounts show up right away. What a background
    job makes (an export) is printed when it is ready; at the end of input the console waits
    for it before it exits."""
    interactive = stdin.isatty()

    async def push(reply: Reply) -> None:
        stdout.write(render(reply) + "\n\n")
        stdout.flush()

    if interactive:
        stdout.write("Gõ tin nhắn rồi nhấn Enter; Ctrl+D để thoát.\n")
    while True:
        if interactive:
            stdout.write("> ")
            stdout.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        text = line.rstrip("\r\n")
        if not interactive:
            stdout.write(f"> {text}\n")
        replies = await conversation.handle(
            Incoming(PLATFORM, user_id, user_id, text=text), push=push
        )
        for reply in replies:
            stdout.write(render(reply) + "\n\n")
        stdout.flush()
        if deliver is not None:
            await deliver()
    await conversation.jobs.wait(f"{PLATFORM}:{user_id}")


class ConsoleChannel:
    """Pushes (notices, reminders) for console accounts, printed where the console prints."""

    name = PLATFORM

    def __init__(self, stdout: TextIO):
        self.stdout = stdout

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        self.stdout.write(f"🔔 [{chat_id}] {render(reply)}\n\n")
        self.stdout.flush()
        return SENT
