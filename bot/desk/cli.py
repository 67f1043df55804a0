"""The desk's command-line commands: `web` serves the desk alone, `desk-link CODE` prints a
one-time login URL."""

import sys

from bot.app import App
from bot.failure import Failure
from handlers.formatting import local_datetime
from handlers.services.desk import LINK_TTL, login_link, may_use_desk
from handlers.texts import t
from storage.repo import Repo
from storage.types import utcnow


async def cmd_web(app: App, args) -> None:
    """The desk alone, without channels: for trying it, or for a commune that wants the desk
    on another port than the bot's."""
    from bot.runner import StartError, serve_desk

    settings = app.settings
    serving = t(
        "desk.serving",
        url=f"{settings.desk_url}/desk/",
        host=settings.webhook_host,
        port=settings.webhook_port,
    )
    try:
        await serve_desk(app, ready=lambda: print(serving, file=sys.stderr, flush=True))
    except StartError as error:
        raise Failure(str(error)) from None


async def cmd_desk_link(app: App, args) -> None:
    """A one-time login URL, alone on the last line (scripts take that line)."""
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        official = await repo.officials.by_code(args.official_code)
        if official is None:
            raise Failure(f"Không có cán bộ với mã {args.official_code}.", 2)
        if not may_use_desk(official):
            raise Failure(t("desk.not_allowed"), 2)
        url = await login_link(
            repo, official, base_url=app.settings.desk_url, now=utcnow(), actor="cli"
        )
    until = local_datetime(utcnow() + LINK_TTL, app.conversation.options.timezone)
    print(t("desk.cli_link", name=official.full_name, until=until))
    print(url)
