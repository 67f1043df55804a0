"""The conversation core: one update in, replies out.

Per update: one user at a time (a per-user lock), one database transaction, the update id
claimed so a redelivery is ignored, choices resolved, then a command, the open form's step, or
the free-text handler runs. Any failure becomes a short apology with a reference that is also
in the log next to the traceback.
"""

import asyncio
import dataclasses
import logging
import secrets
from collections.abc import Callable
from contextlib import nullcontext
from datetime import datetime

from rapidfuzz import fuzz, process
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import async_sessionmaker

from handlers import forms
from handlers.context import Context, Options
from handlers.locks import UserLocks
from handlers.router import Access, Router, as_replies
from handlers.texts import t
from handlers.types import Choice, Incoming, Reply
from knowledge.answers import KnowledgeBase
from knowledge.normalize import fold
from storage.repo import Repo
from storage.types import utcnow

log = logging.getLogger(__name__)

# Errors that mean "the database cannot be reached right now", not a bug.
DATABASE_DOWN = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
CHOICE_MATCH = 85  # how close typed text must be to an option's label to pick it
ID_LENGTH = 64  # the columns that hold platform user, chat and update ids


class Conversation:
    def __init__(
        self,
        sessionmaker: async_sessionmaker,
        router: Router,
        options: Options | None = None,
        *,
        knowledge: KnowledgeBase | None = None,
        locks: UserLocks | None = None,
        clock: Callable[[], datetime] = utcnow,
        transactions: int | None = None,
    ):
        self.sessionmaker = sessionmaker
        self.router = router
        self.options = options or Options()
        self.knowledge = knowledge
        # Per platform, how to fetch the bytes of a received file (channels register).
        self.downloaders: dict[str, Callable] = {}
        self.locks = locks or UserLocks()
        self.clock = clock
        # At most `transactions` updates at a database connection, the rest waiting their turn
        # here in arrival order. The pool's own queue lets a newcomer take a freed connection
        # ahead of those waiting, and under a burst some officials waited 10 s while others
        # got answers in 80 ms (bench/RESULTS.md, section 1).
        self._turns = asyncio.Semaphore(transactions) if transactions else nullcontext()
        # Users with a form open, as of their last update handled here: while the database is
        # down, what they type is an answer to a step (to retry), not a question to answer.
        self._in_form: set[str] = set()

    async def handle(self, incoming: Incoming) -> list[Reply]:
        if not _ids_fit(incoming):
            log.warning("ignoring an update with an id longer than %s characters", ID_LENGTH)
            return []
        incoming = _without_nul(incoming)
        try:
            async with self.locks.hold(f"{incoming.channel}:{incoming.user_id}"), self._turns:
                return await self._handle(incoming)
        except Exception as error:
            if _database_down(error):
                log.warning("database unavailable for update %s: %s", incoming.update_id, error)
                return self._without_database(incoming)
            reference = secrets.token_hex(4).upper()
            log.exception(
                "error %s on update %s from %s user %s",
                reference,
                incoming.update_id,
                incoming.channel,
                incoming.user_id,
            )
            return [Reply(t("common.error", reference=reference))]

    async def _handle(self, incoming: Incoming) -> list[Reply]:
        async with self.sessionmaker() as session, session.begin():
            repo = Repo(session)
            if incoming.update_id is not None and not await repo.conversations.claim_update(
                incoming.channel, incoming.update_id
            ):
                log.info("ignoring redelivered update %s", incoming.update_id)
                return []
            if refusal := self._too_long(incoming):  # after the claim: a redelivery gets none
                return [refusal]
            account = await repo.accounts.find(incoming.channel, incoming.user_id)
            if account is not None and account.chat_id != incoming.chat_id:
                account.chat_id = incoming.chat_id  # reminders go to the chat last used
            ctx = Context(
                incoming=incoming,
                repo=repo,
                state=await repo.conversations.state(incoming.channel, incoming.user_id),
                account=account,
                now=self.clock(),
                options=self.options,
                knowledge=self.knowledge,
                download=self.downloaders.get(incoming.channel),
            )
            replies = await self._dispatch(ctx)
            # Remember the last options offered, so "2" or the option's text picks one.
            offered = next((r.choices for r in reversed(replies) if r.choices), ())
            ctx.state.choices = [[c.label, c.value] for c in offered]
        # Committed: remember whether a form is open, for `_without_database`.
        key = f"{incoming.channel}:{incoming.user_id}"
        if ctx.state.form is not None:
            self._in_form.add(key)
        else:
            self._in_form.discard(key)
        return replies

    async def _dispatch(self, ctx: Context) -> list[Reply]:
        form = self.router.forms.get(ctx.state.form) if ctx.state.form else None
        if ctx.state.form and form is None:  # a form removed by an upgrade
            forms.finish(ctx)
        numbers_pick = form is None or forms.expects_choice(form, ctx)
        ctx.text = (
            _picked(ctx.incoming, ctx.state.choices, numbers_pick) or ctx.incoming.text.strip()
        )

        if ctx.text.startswith("/"):
            name, _, args = ctx.text[1:].partition(" ")
            ctx.args = args.strip()
            return await self._command(ctx, name.split("@")[0].lower(), form)
        if form is not None:
            return await forms.answer(ctx, form)
        if not ctx.text and not ctx.incoming.attachments:
            return [Reply(t("common.empty"))]
        if not ctx.text and self.router.on_file is not None:
            return as_replies(await self.router.on_file(ctx))
        if self.router.fallback is None:
            return [Reply(t("common.not_understood"))]
        return as_replies(await self.router.fallback(ctx))

    async def _command(self, ctx: Context, name: str, form: forms.Form | None) -> list[Reply]:
        if form is not None:
            if name == "huy":
                forms.finish(ctx)
                return [Reply(t("forms.cancelled", title=form.title))]
            if name == "quaylai":
                return forms.back(ctx, form)
            if name != "help":
                return [forms.prompt(ctx, form, note=t("forms.busy", title=form.title))]
        command = self.router.commands.get(name)
        if command is None:
            return [Reply(self._unknown_command(name))]
        if command.access >= Access.OFFICIAL and ctx.official is None:
            return [Reply(t("common.need_link"))]
        if command.access == Access.ADMIN and not ctx.is_admin:
            return [Reply(t("common.admin_only"))]
        if command.access == Access.UNIT_ADMIN and not (ctx.is_admin or ctx.is_unit_admin):
            return [Reply(t("common.unit_admin_only"))]
        return as_replies(await command.handler(ctx))

    def _without_database(self, incoming: Incoming) -> list[Reply]:
        """While the database is down: questions about the plan are still answered (the
        knowledge base is in memory); anything else is asked to try again: commands, a number
        picking an option, and whatever someone in the middle of a form types (an answer to
        its step). The failed transaction was rolled back, so nothing is half-written."""
        if refusal := self._too_long(incoming):
            return [refusal]
        text = incoming.text.strip()
        offline = self.router.offline
        in_form = f"{incoming.channel}:{incoming.user_id}" in self._in_form
        question = text and not text.startswith("/") and not text.isdecimal() and not in_form
        if offline and question and self.knowledge is not None:
            return as_replies(offline(self.knowledge, text))
        return [Reply(t("common.database_down"))]

    def _too_long(self, incoming: Incoming) -> Reply | None:
        """The refusal of a message longer than the limit, or None when it fits."""
        limit = self.options.max_text_length
        if len(incoming.text) <= limit:
            return None
        return Reply(t("common.too_long", length=len(incoming.text), limit=limit))

    def _unknown_command(self, name: str) -> str:
        close = process.extractOne(
            name, list(self.router.commands), scorer=fuzz.ratio, score_cutoff=60
        )
        if close:
            return t("common.unknown_command_close", command=name, suggestion=close[0])
        return t("common.unknown_command", command=name)


def _database_down(error: Exception) -> bool:
    """Whether the database could not be reached. A connection that broke mid-statement
    (PostgreSQL restarted, the network dropped) comes as a plain DBAPIError that SQLAlchemy
    marks as having invalidated the connection."""
    return isinstance(error, DATABASE_DOWN) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    )


def _ids_fit(incoming: Incoming) -> bool:
    """Platform ids are short (Telegram's are numbers, Zalo's ~20 characters); a longer one
    is no real user's and could not be stored: nothing to answer."""
    return all(len(value or "") <= ID_LENGTH
               for value in (incoming.user_id, incoming.chat_id, incoming.update_id))


def _without_nul(incoming: Incoming) -> Incoming:
    """The update with NUL characters taken out of what the user typed: PostgreSQL text
    cannot hold them, so a question or an answer containing one could never be stored."""
    fields = {name: getattr(incoming, name).replace("\x00", "")
              for name in ("text", "choice", "display_name")
              if "\x00" in (getattr(incoming, name) or "")}
    return dataclasses.replace(incoming, **fields) if fields else incoming


def _picked(incoming: Incoming, offered: list, numbers_pick: bool) -> str | None:
    """The value of the option the user picked: a pressed button, "2", or the option's text."""
    if incoming.choice is not None:
        return incoming.choice
    text = incoming.text.strip()
    if not offered or not text:
        return None
    choices = [Choice(label, value) for label, value in offered]
    if text.isdecimal():  # not isdigit(): "²" is a digit that int() refuses
        number = int(text)
        return choices[number - 1].value if numbers_pick and 1 <= number <= len(choices) else None
    match = process.extractOne(
        fold(text), [fold(c.label) for c in choices], scorer=fuzz.ratio, score_cutoff=CHOICE_MATCH
    )
    return choices[match[2]].value if match else None
