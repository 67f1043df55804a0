"""Tổng quan: the eight targets for the commune or one unit, on a day or for a quarter, with
the chart. Figures only (no names), like the chat's /tonghop."""

import asyncio
from io import BytesIO
from urllib.parse import urlencode

from aiohttp import web

from bot.desk.render import REPO, message, page
from bot.desk.scope import query_of, scope_of, targets_of, units_for
from handlers.errors import UserError
from handlers.services.summaries import charts
from handlers.services.summaries.figures import deadline, goal, status_word, summarise, value

routes = web.RouteTableDef()


@routes.get("/")
async def overview(request: web.Request) -> web.Response:
    try:
        scope = await scope_of(request)
    except UserError as refused:
        return message(request, "Tổng quan", str(refused), status=400)
    summary = await summarise(request[REPO], targets_of(request), scope)
    rows = [
        {
            "target": target.number,
            "name": indicator.short,
            "value": value(figure),
            "goal": goal(figure),
            "deadline": deadline(figure, scope),
            "status": status_word(figure),
            "state": figure.status.value,
        }
        for target in summary.targets.targets
        for indicator in target.indicators
        for figure in [summary.figure(indicator)]
    ]
    return page(
        request,
        "overview.html",
        scope=scope,
        summary=summary,
        rows=rows,
        units=await units_for(request),
        query=urlencode(query_of(scope, request)),
    )


@routes.get("/chart.png")
async def overview_chart(request: web.Request) -> web.Response:
    try:
        scope = await scope_of(request)
    except UserError:
        raise web.HTTPNotFound() from None
    summary = await summarise(request[REPO], targets_of(request), scope)
    return web.Response(body=await png(charts.indicators_figure, summary), content_type="image/png")


async def png(draw, *args) -> bytes:
    """A chart drawn off the event loop (matplotlib takes a good part of a second)."""

    def render() -> bytes:
        buffer = BytesIO()
        draw(*args).savefig(buffer, format="png")
        return buffer.getvalue()

    return await asyncio.to_thread(render)
