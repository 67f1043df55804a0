"""The conversation core: one update in, replies out.

Per update: the account's message limit checked in memory (handlers.limits), one user at a
time (a per-user lock), one database transaction, the update id claimed so a redelivery is
ignored, choices resolved, then a command, the open form's step, or the free-text handler
runs. Any failure becomes a short apology with a reference that is also in the log next to
the traceback. Heavy work a handler started (handlers/jobs.py) begins once the transaction
has committed, outside the lock.
"""

import asyncio
import copy
import dataclasses
import logging
import re
import secrets
import unicodedata
from collections.abc import Callable
from contextlib import nullcontext
from datetime import datetime
from functools import partial

from rapidfuzz import fuzz, process
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout  # not the builtin TimeoutError
from sqlalchemy.ext.asyncio import async_sessionmaker

from handlers import forms
from handlers.context import Context, Options
from handlers.errors import UserError
from handlers.jobs import Jobs
from handlers.limits import MessageLimits, Verdict
from handlers.locks import UserLocks
from handlers.router import Router, as_replies, refusal
from handlers.texts import t
from handlers.types import Choice, Download, Incoming, Push, Reply
from knowledge.answers import KnowledgeBase
from knowledge.normalize import fold
from storage import db
from storage.deliveries import QUEUED_FLAG
from storage.models import ChannelAccount, ProcessedUpdate
from storage.repo import Repo
from storage.types import max_length, utcnow

log = logging.getLogger(__name__)

# Errors that mean "the database cannot be reached right now", not a bug; the pool's
# TimeoutError: no connection came free in time (another process held SQLite's write lock
# while the update before this one waited for it).
DATABASE_DOWN = (OperationalError, InterfaceError, ConnectionError, TimeoutError, PoolTimeout)
# The columns that hold platform user, chat and update ids.
ID_LENGTH = min(
    max_length(column)
    for column in (
        ChannelAccount.external_user_id,
        ChannelAccount.chat_id,
        ProcessedUpdate.update_id,
    )
)


class Conversation:
    def __init__(
        self,
        sessionmaker: async_sessionmaker,
        router: Router,
        options: Options | None = None,
        *,
        knowledge: KnowledgeBase | None = None,
        locks: UserLocks | None = None,
        limits: MessageLimits | None = None,
        clock: Callable[[], datetime] = utcnow,
        transactions: int | None = None,
        jobs: Jobs | None = None,
    ):
        self.sessionmaker = sessionmaker
        self.router = router
        self.options = options or Options()
        self.knowledge = knowledge
        self.locks = locks or UserLocks()
        self.limits = limits or MessageLimits()
        self.clock = clock
        # Jobs connect on their own: by default a new engine on this database.
        self.jobs = jobs or Jobs(partial(db.create_engine, sessionmaker.kw["bind"].url))
        # At most `transactions` updates at a database connection, the rest waiting their turn
        # here in arrival order. The pool's own queue lets a newcomer take a freed connection
        # ahead of those waiting, and under a burst some officials waited 10 s while others
        # got answers in 80 ms (bench/RESULTS.md, section 1).
        self._turns = asyncio.Semaphore(transactions) if transactions else nullcontext()
        # Users with a form open, as of their last update handled here: while the database is
        # down, what they type is an answer to a step (to retry), not a question to answer.
        self._in_form: set[str] = set()
        # Set when an update queued a push (a review's outcome, "Gửi ngay"): the sender in
        # this process waits on it, so the push goes out now rather than at its next round.
        self.outbox = asyncio.Event()

    def with_options(self, **changes) -> "Conversation":
        """The same conversation (state, locks, outbox shared) with some options changed:
        the runner learns the Telegram bot's username from the platform at start."""
        changed = copy.copy(self)
        changed.options = dataclasses.replace(self.options, **changes)
        return changed

    async def handle(
        self, incoming: Incoming, *, download: Download | None = None, push: Push | None = None
    ) -> list[Reply]:
        """The replies to one update. `download` fetches the bytes of a file the user sent,
        on platforms that can; `push` sends to the user's chat later what a background job
        makes. Without `push` the job's replies come after these, once it has ended."""
        if not _ids_fit(incoming):
            log.warning(
                "ignoring an update with an id longer than %s characters or not printable",
                ID_LENGTH,
            )
            return []
        key = f"{incoming.channel}:{incoming.user_id}"
        # Before the lock, the database and the search: a flood costs next to nothing.
        if verdict := self._over_limit(incoming, key):
            return [Reply(t("common.slow_down"))] if verdict is Verdict.WARN else []
        incoming = _cleaned(incoming)
        later: list[Reply] = []

        async def keep(reply: Reply) -> None:
            later.append(reply)

        try:
            async with self.locks.hold(key), self._turns:
                replies, jobs = await self._handle(incoming, download, push or keep)
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
        if jobs and push is None:  # outside the user's lock: their next message goes on
            await asyncio.wait(jobs)
            replies += later
        return replies

    def _over_limit(self, incoming: Incoming, key: str) -> Verdict | None:
        """WARN or DROP when this account sent more messages this minute than it may; None
        when the message is to be handled."""
        options = self.options
        if incoming.channel in options.unlimited_channels:
            return None
        verdict = self.limits.check(
            key, options.rate_limit_per_minute, options.rate_limit_stranger_per_minute
        )
        if verdict is Verdict.ANSWER:
            return None
        if verdict is Verdict.WARN:
            log.info(
                "%s user %s is over the message limit: silent for a while",
                incoming.channel,
                incoming.user_id,
            )
        return verdict

    async def _handle(
        self, incoming: Incoming, download: Download | None, push: Push
    ) -> tuple[list[Reply], list[asyncio.Task]]:
        """The replies, and the jobs started."""
        key = f"{incoming.channel}:{incoming.user_id}"
        async with self.sessionmaker() as session, session.begin():
            repo = Repo(session)
            if incoming.update_id is not None and not await repo.conversations.claim_update(
                incoming.channel, incoming.update_id
            ):
                log.info("ignoring redelivered update %s", incoming.update_id)
                return [], []
            ctx = await self._context(repo, incoming, key, download)
            self.limits.learn(key, ctx.linked)  # strangers have the stricter limit
            if refusal := self._too_long(incoming):  # after the claim: a redelivery gets none
                return [refusal], []
            if ctx.link is not None and ctx.link.chat_id != incoming.chat_id:
                await ctx.read_account()
                ctx.account.chat_id = incoming.chat_id  # reminders go to the chat last used
            asked = _place(ctx.state)
            replies = _number_question(ctx, asked, await self._dispatch(ctx))
            await repo.conversations.save(ctx.state)  # durable before the replies go out
        # Committed: wake the sender, start the jobs, and remember whether a form is open and
        # whether the account is linked (it may have just been, by /start CODE), for its
        # message limit.
        if session.info.get(QUEUED_FLAG):
            self.outbox.set()
        self.limits.learn(key, ctx.linked)
        jobs = [self.jobs.start(key, run, push) for run in ctx.started]
        if ctx.state.form is not None:
            self._in_form.add(key)
        else:
            self._in_form.discard(key)
        return replies, jobs

    async def _context(
        self, repo: Repo, incoming: Incoming, key: str, download: Download | None
    ) -> Context:
        """The update's context with the user's state, and their account read with it when
        the update will need it: a command, a button, a file, a form's step (as far as this
        process knows); a question typed outside a form gets only whether they are linked."""
        platform, user = incoming.channel, incoming.user_id
        typed = incoming.text.lstrip()[:1]
        expects_account = (
            incoming.choice is not None or typed in ("", "/", "／") or key in self._in_form
        )
        if expects_account:
            account, state = await repo.conversations.load_with_account(platform, user)
            link = None  # set with the account below
        else:
            link, state = await repo.conversations.load(platform, user)
        ctx = Context(
            incoming=incoming,
            repo=repo,
            state=state,
            link=link,
            now=self.clock(),
            options=self.options,
            knowledge=self.knowledge,
            download=download,
            jobs=self.jobs,
        )
        if expects_account:
            ctx.account = account
        return ctx

    async def _dispatch(self, ctx: Context) -> list[Reply]:
        form = self.router.forms.get(ctx.state.form) if ctx.state.form else None
        if ctx.state.form and form is None:  # a form removed by an upgrade
            forms.finish(ctx)
        offered = [Choice(label, value) for label, value in ctx.state.choices]
        pressed = ctx.incoming.choice
        if pressed is not None:
            # A button counts only if it is one of the latest question's: by its number when
            # the platform carries it back, and by its value. An older message's button is
            # refused, except one that is a command without arguments («🧭 Xem lộ trình»:
            # "/lotrinh" on a push the official answers later): that is run as if typed,
            # since "/…" typed is always a command and one without arguments changes nothing
            # by itself (a form open holds it, as it holds one typed).
            latest = ctx.incoming.question in (None, ctx.state.question)
            if latest and any(choice.value == pressed for choice in offered):
                ctx.picked = ctx.text = pressed
            elif _bare_command(pressed):
                ctx.text = pressed
            else:
                await ctx.read_account()
                if form is not None and (why := refusal(form.access, ctx)):
                    return [_access_lost(ctx, form, why)]  # not the form's question again
                return self._stale_button(ctx, form, offered)
        else:
            typed = ctx.incoming.text.strip()
            if typed[:1] in ("/", "／"):  # "／huy" (a full-width slash), "/ huy": a command
                typed = "/" + typed[1:].lstrip()
            # The typed-text contract: "/…" is always a command; otherwise a choice is picked
            # only by its number or its label typed (case and diacritics aside), never by a
            # fuzzy match.
            ctx.picked = None if typed.startswith("/") else pick(typed, offered)
            ctx.text = ctx.picked or typed
            if form is None and offered and ctx.picked is None and forms.numeral(typed):
                # A number that is none of the choices on offer: say so, and keep them.
                key = "common.no_such_choice" if len(offered) > 1 else "common.no_such_choice_one"
                return [Reply(t(key, typed=typed[:20], count=len(offered)), tuple(offered))]

        if form is not None or not ctx.text or ctx.text.startswith("/"):
            # A command's access, a form's step and a file need the account; a question typed
            # outside a form (the router's fallback, most messages) is answered without it.
            await ctx.read_account()
        replies: list[Reply] = []
        if form is not None and (why := refusal(form.access, ctx)):
            replies.append(_access_lost(ctx, form, why))
            form = None
            if not ctx.text.startswith("/"):
                return replies
        if ctx.text.startswith("/"):
            name, _, args = ctx.text[1:].partition(" ")
            ctx.args = args.strip()
            return replies + await self._command(ctx, name.split("@")[0].lower(), form)
        if form is not None:
            return await forms.answer(ctx, form)
        if not ctx.text and not ctx.incoming.attachments:
            return [Reply(t("common.empty"))]
        if not ctx.text and self.router.on_file is not None:
            return await _run(self.router.on_file, ctx)
        if self.router.fallback is None:
            return [Reply(t("common.not_understood"))]
        return await _run(self.router.fallback, ctx)

    @staticmethod
    def _stale_button(ctx: Context, form: forms.Form | None, offered: list[Choice]) -> list[Reply]:
        """Nothing done; the current question again (or the latest choices)."""
        if form is not None:
            return [forms.prompt(ctx, form, note=t("common.stale_button"))]
        if offered:
            return [Reply(t("common.stale_button_choices"), tuple(offered))]
        return [Reply(t("common.stale_button_none"))]

    async def _command(self, ctx: Context, name: str, form: forms.Form | None) -> list[Reply]:
        command = self.router.commands.get(name)
        if command is None:
            unknown = Reply(self._unknown_command(ctx, name))
            return [unknown] if form is None else [forms.prompt(ctx, form, note=unknown.text)]
        why = refusal(command.access, ctx)
        if form is None:
            return [Reply(why)] if why else await _run(command.handler, ctx)
        # A form is open: /huy, /quaylai and /help act on it; any other command waits for it
        # (and one the user may not use says so, not "cancel, then type it again").
        if why:
            return [forms.prompt(ctx, form, note=why)]
        if name == "huy":
            forms.finish(ctx)
            return [Reply(t("forms.cancelled", title=form.title))]
        if name == "quaylai":
            return forms.back(ctx, form)
        if name == "help":
            # Help without its menu, then the question again: the form's choices stay the
            # latest ones, so "1" still answers it.
            shown = as_replies(await command.handler(ctx))
            return [Reply(reply.text) for reply in shown] + [forms.prompt(ctx, form)]
        return [forms.prompt(ctx, form, note=t("forms.busy", title=form.title, command=name))]

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

    def _unknown_command(self, ctx: Context, name: str) -> str:
        # Suggested among what this user may use and sees in /help: never an admin's command
        # to someone else.
        usable = [
            c.name
            for c in self.router.commands.values()
            if not c.hidden and refusal(c.access, ctx) is None
        ]
        # "/lo trinh", "/dang ky", "/lộ trình": the name typed in words, joined back (the most
        # words first), before the name alone is matched loosely.
        words = ctx.args.split()[:JOINED_WORDS]
        for count in range(len(words), 0, -1):
            typed = " ".join([name, *words[:count]])
            joined = fold(typed).replace(" ", "")
            if joined in usable:
                return t("common.unknown_command_close", command=typed, suggestion=joined)
        close = process.extractOne(name, usable, scorer=fuzz.ratio, score_cutoff=60)
        if close:
            return t("common.unknown_command_close", command=name, suggestion=close[0])
        return t("common.unknown_command", command=name)


def _access_lost(ctx: Context, form: forms.Form, why: str) -> Reply:
    """The form closed, nothing of it stored: its user lost the right to it since opening it
    (deactivated, demoted, unlinked)."""
    forms.finish(ctx)
    return Reply(t("forms.access_lost", title=form.title, reason=why))


async def _run(handler, ctx: Context) -> list[Reply]:
    """A feature's handler; what the user asked that cannot be done is told, in one place."""
    try:
        return as_replies(await handler(ctx))
    except UserError as refused:
        return [Reply(str(refused))]


def _database_down(error: Exception) -> bool:
    """Whether the database could not be reached. A connection that broke mid-statement
    (PostgreSQL restarted, the network dropped) comes as a plain DBAPIError that SQLAlchemy
    marks as having invalidated the connection."""
    return isinstance(error, DATABASE_DOWN) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    )


def _ids_fit(incoming: Incoming) -> bool:
    """Platform ids are short (Telegram's are numbers, Zalo's ~20 characters) and printable;
    a longer one, or one with a control character (a NUL, which PostgreSQL cannot store), is
    no real user's: nothing to answer."""
    return all(
        len(value or "") <= ID_LENGTH and (value or "").isprintable()
        for value in (incoming.user_id, incoming.chat_id, incoming.update_id)
    )


def _cleaned(incoming: Incoming) -> Incoming:
    """The update without the invisible characters of what the user typed: NUL, which
    PostgreSQL text cannot hold, and the other control and format characters (zero-width
    spaces, right-to-left overrides) that would be stored and shown to others as typed and
    can scramble how a line reads."""
    fields = {}
    for name in ("text", "choice", "display_name"):
        value = getattr(incoming, name)
        if value and not value.isprintable():  # cheap test first: most messages pass
            kept = "".join(
                ch
                for ch in value
                if ch in "\n\t" or ch.isprintable() or unicodedata.category(ch) not in ("Cc", "Cf")
            )
            if kept != value:
                fields[name] = kept
    return dataclasses.replace(incoming, **fields) if fields else incoming


JOINED_WORDS = 3  # the words after an unknown command tried joined to it ("/bao cao dinh ky")
# A command without arguments ("/lotrinh", "/help"); /huy and /quaylai act on the form open
# now, which an older message's button never meant.
BARE_COMMAND = re.compile(r"/(?!huy$|quaylai$)[a-z][a-z0-9_]*", re.ASCII)


def _bare_command(value: str) -> bool:
    """Whether a button's value is a command without arguments: safe to run when stale."""
    return BARE_COMMAND.fullmatch(value) is not None


QUESTIONS = 100_000  # question numbers wrap around here (they travel in Telegram's buttons)


def _place(state) -> tuple:
    """Where the user stands: the form, its step and answers, and the choices on offer."""
    return state.form, state.step, state.answers, state.choices


def _number_question(ctx: Context, asked: tuple, replies: list[Reply]) -> list[Reply]:
    """Remember the latest choices offered, so "2" or a label typed picks one of them, and
    number that question: its buttons carry the number back. The same question asked again
    (a re-ask, a refused button) keeps its number, so its earlier buttons still work."""
    latest = next((i for i in range(len(replies) - 1, -1, -1) if replies[i].choices), None)
    ctx.state.choices = (
        [[c.label, c.value] for c in replies[latest].choices] if latest is not None else []
    )
    if latest is None:
        return replies
    if _place(ctx.state) != asked:
        ctx.state.question = ((ctx.state.question or 0) + 1) % QUESTIONS
    numbered = dataclasses.replace(replies[latest], question=ctx.state.question)
    return [*replies[:latest], numbered, *replies[latest + 1 :]]


# "2", "02", "2.", "2)" pick option 2; "２" or "-2" pick nothing.
NUMBER = re.compile(r"\s*0*([1-9]\d{0,2})\s*[.)]?\s*", re.ASCII)


def pick(typed: str, offered: list[Choice]) -> str | None:
    """The value of the choice `typed` picks: its number, or its label typed with any case,
    diacritics, punctuation or emoji; None when it picks none."""
    if not offered or not typed:
        return None
    if number := NUMBER.fullmatch(typed):
        index = int(number[1]) - 1
        return offered[index].value if 0 <= index < len(offered) else None
    folded = fold(typed)
    return next((c.value for c in offered if folded and fold(c.label) == folded), None)
