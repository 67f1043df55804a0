"""/web: a one-time link that logs an admin or unit admin into the web desk."""

from handlers.context import Context
from handlers.formatting import local_datetime
from handlers.router import Access, Router
from handlers.services.desk import LINK_TTL, login_link
from handlers.texts import t

router = Router()


@router.command("web", access=Access.UNIT_ADMIN, summary="help.web")
async def web_link(ctx: Context) -> str:
    url = await login_link(
        ctx.repo, ctx.official, base_url=ctx.options.desk_url, now=ctx.now, actor=ctx.actor
    )
    until = local_datetime(ctx.now + LINK_TTL, ctx.options.timezone)
    return t("desk.link", url=url, until=until)
