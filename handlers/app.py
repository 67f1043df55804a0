"""Assembles the feature routers into the bot's one router, in a fixed order."""

from handlers import basics, linking, profile, questions
from handlers.basics import help_reply
from handlers.context import Context
from handlers.router import Router

FEATURES = (linking.router, questions.router, profile.router, basics.router)


def build_router() -> Router:
    root = Router()

    @root.command("help", summary="help.help")
    async def show_help(ctx: Context):
        return help_reply(root.commands, ctx)

    for feature in FEATURES:
        root.include(feature)
    return root
