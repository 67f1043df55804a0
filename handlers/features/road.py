"""/lotrinh: the linked official's road to the standard (plan I.2, II.2, III.2.d)."""

from handlers.context import Context
from handlers.router import Access, Router
from handlers.services.road import road_of
from handlers.services.road_messages import road_reply
from handlers.types import Reply
from knowledge.targets import load_targets

router = Router()


@router.command("lotrinh", access=Access.OFFICIAL, summary="help.lotrinh", menu="help.menu_lotrinh")
async def show_road(ctx: Context) -> Reply:
    official, knowledge = ctx.official, ctx.knowledge
    days = ctx.options.self_study_days
    road = await road_of(ctx.repo, official, knowledge, ctx.local_now.date(), self_study_days=days)
    targets = load_targets(knowledge.folder)
    return road_reply(official.full_name, road, targets, knowledge.plan.short_name, days)
