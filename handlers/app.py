"""Assembles the feature routers into the bot's one router, in a fixed order."""

from handlers import (
    announce,
    basics,
    evaluation,
    leader_review,
    linking,
    permissions,
    profile,
    questions,
    reports,
    review,
    roster_chat,
    settings,
    summaries,
)
from handlers.basics import help_reply
from handlers.context import Context
from handlers.router import Router

FEATURES = (
    linking.router,
    questions.router,
    reports.router,
    evaluation.router,
    profile.router,
    review.router,
    leader_review.router,
    announce.router,
    permissions.router,
    settings.router,
    roster_chat.router,
    summaries.router,
    basics.router,
)


def build_router() -> Router:
    root = Router()

    @root.command("help", summary="help.help")
    async def show_help(ctx: Context):
        return help_reply(root.commands, ctx)

    for feature in FEATURES:
        root.include(feature)
    return root
