"""The desk as an aiohttp sub-application, mounted at /desk on the bot's HTTP server."""

from aiohttp import web

from bot.desk import auth, pages
from bot.desk.render import APP_KEY, redirect, setup


def desk_app(bot) -> web.Application:
    """`bot` is the running App (settings, database, conversation)."""
    desk = web.Application(middlewares=[auth.guard])
    desk[APP_KEY] = bot
    setup(desk)
    desk.add_routes(auth.routes)
    for routes in pages.ROUTES:
        desk.add_routes(routes)
    return desk


def mount(web_app: web.Application, bot) -> None:
    async def to_desk(_request: web.Request) -> web.Response:
        return redirect("/desk/")

    web_app.router.add_get("/", to_desk)
    web_app.router.add_get("/desk", to_desk)
    web_app.add_subapp("/desk", desk_app(bot))
