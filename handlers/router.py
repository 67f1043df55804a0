"""Commands and forms by name, and who may use each."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import IntEnum

from handlers.context import Context
from handlers.texts import t
from handlers.types import Reply

Replies = str | Reply | list[Reply]
Handler = Callable[[Context], Awaitable[Replies]]


class Access(IntEnum):
    ANYONE = 0
    OFFICIAL = 1  # a linked, active official
    UNIT_ADMIN = 2  # a unit admin (who sees their own unit) or an admin
    ADMIN = 3


@dataclass(frozen=True)
class Command:
    name: str
    handler: Handler
    access: Access
    usage: str  # shown in /help, e.g. "/moi MÃ_CB"
    summary: str  # text key: shown in /help after the usage, and in Telegram's command menu
    menu: str | None = None  # text key of its button in the /help main menu, if it has one
    hidden: bool = False  # reached through buttons only, not listed in /help or menus


@dataclass
class Router:
    commands: dict[str, Command] = field(default_factory=dict)
    forms: dict = field(default_factory=dict)
    # Answers text typed outside a form. It gets no account (`Context.linked` says whether
    # there is one): reading it would cost every question (handlers.conversation).
    fallback: Handler | None = None
    # Answers a question from the knowledge base alone, while the database is down.
    offline: Callable | None = None
    # Takes a file sent outside any form (an admin's roster spreadsheet).
    on_file: Handler | None = None

    def command(
        self,
        name: str,
        *,
        access: Access = Access.ANYONE,
        usage: str = "",
        summary: str = "",
        menu: str | None = None,
        hidden: bool = False,
    ):
        def register(handler: Handler) -> Handler:
            if name in self.commands:
                raise ValueError(f"command /{name} registered twice")
            self.commands[name] = Command(
                name, handler, access, usage or f"/{name}", summary, menu, hidden
            )
            return handler

        return register

    def form(self, form):
        if form.name in self.forms:
            raise ValueError(f"form {form.name} registered twice")
        self.forms[form.name] = form
        return form

    def include(self, other: "Router") -> None:
        for command in other.commands.values():
            if command.name in self.commands:
                raise ValueError(f"command /{command.name} registered twice")
            self.commands[command.name] = command
        for form in other.forms.values():
            self.form(form)
        self.fallback = other.fallback or self.fallback
        self.offline = other.offline or self.offline
        self.on_file = other.on_file or self.on_file


def refusal(access: Access, ctx: Context) -> str | None:
    """Why this user may not use what needs `access`, by their current record; None if they
    may. Asked for every command and at every step of a form."""
    if access == Access.ANYONE:
        return None
    if ctx.official is None:
        return t("common.inactive") if ctx.linked else t("common.need_link")
    if access == Access.ADMIN and not ctx.is_admin:
        return t("common.admin_only")
    if access == Access.UNIT_ADMIN and not (ctx.is_admin or ctx.is_unit_admin):
        return t("common.unit_admin_only")
    return None


def as_replies(result: Replies | None) -> list[Reply]:
    if result is None:
        return []
    if isinstance(result, str):
        return [Reply(result)]
    if isinstance(result, Reply):
        return [result]
    return list(result)


def record_id(args: str) -> int | None:
    """A record number typed after a command ("/duyet_ok 12"), or None if it is not one:
    ASCII digits only ("²" passes isdigit() but not int()) and small enough for the column."""
    text = args.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None
