"""Chỉ tiêu N and Chưa nộp: one target's indicators with who is missing from each (and, for
target 7, who should be sent to university), and who has not submitted the period's
self-evaluation; the chat's /chitieu N and /chuanop, with every name (paged) rather than the
first forty. Both reads are audited (handlers/services/summaries/detail.py)."""

from dataclasses import dataclass
from urllib.parse import urlencode

from aiohttp import web

from bot.desk.pages.overview import png
from bot.desk.render import REPO, VIEWER, message, page
from bot.desk.scope import query_of, scope_of, targets_of, units_for
from handlers.errors import UserError
from handlers.formatting import show_date
from handlers.services.desk import actor_of
from handlers.services.summaries import chart_data, charts
from handlers.services.summaries.detail import (
    IndicatorDetail,
    read_not_submitted,
    read_target,
)
from handlers.services.summaries.figures import deadline, goal, status_word, value
from handlers.services.summaries.scope import Scope
from handlers.texts import t
from knowledge.indicators import Status
from knowledge.retirement import retirement_date
from knowledge.targets import Target, Targets
from storage.models import Official

routes = web.RouteTableDef()

PAGE = 100  # names per list and page
CANDIDATES = "candidates"  # the `list` query value of target 7's university candidates


@dataclass(frozen=True)
class Paged:
    """One page of a list of officials."""

    rows: list[Official]
    total: int
    number: int  # the page shown, from 1
    pages: int
    first: int  # the row number (STT) of the page's first row

    @classmethod
    def of(cls, officials: list[Official], number: int) -> "Paged":
        pages = max(1, -(-len(officials) // PAGE))
        number = min(max(number, 1), pages)
        start = (number - 1) * PAGE
        return cls(officials[start : start + PAGE], len(officials), number, pages, start + 1)


@routes.get("/chitieu/{n}")
async def target_page(request: web.Request) -> web.Response:
    targets = targets_of(request)
    target = _target(targets, request.match_info["n"])
    if target is None:
        return _unknown_target(request, targets, request.match_info["n"])
    try:
        scope = await scope_of(request)
    except UserError as refused:
        return message(request, f"Chỉ tiêu {target.number}", str(refused), status=400)
    detail = await read_target(request[REPO], targets, target, scope, actor_of(request[VIEWER]))
    shown = request.query.get("list")  # one list in full, paged; None: the whole target
    number = _page_number(request)
    indicators = [
        _indicator(d, scope, number if shown == d.indicator.spec.key else 1)
        for d in detail.indicators
        if shown in (None, d.indicator.spec.key)
    ]
    candidates = None
    if detail.candidates is not None and shown in (None, CANDIDATES):
        candidates = Paged.of(detail.candidates, number if shown == CANDIDATES else 1)
    query = query_of(scope, request)
    return page(
        request,
        "target.html",
        target=target,
        targets=targets,
        scope=scope,
        indicators=indicators,
        candidates=candidates,
        undated=detail.undated,
        retires=lambda official: show_date(_retires(official, targets)),
        shown=shown,
        units=await units_for(request),
        query=urlencode(query),
        list_link=lambda key: lambda n: urlencode({**query, "list": key, "page": n}),
        chart=chart_data.has_chart(target),
    )


@routes.get("/chitieu/{n}/chart.png")
async def target_chart(request: web.Request) -> web.Response:
    """The target's chart (ratings by period, or verified training by month): counts only,
    no names."""
    targets = targets_of(request)
    target = _target(targets, request.match_info["n"])
    try:
        scope = await scope_of(request)
    except UserError:
        raise web.HTTPNotFound() from None
    chart = await chart_data.target_chart(request[REPO], targets, target, scope) if target else None
    if chart is None:
        raise web.HTTPNotFound()
    return web.Response(body=await png(charts.target_figure, chart), content_type="image/png")


def _target(targets: Targets, typed: str) -> Target | None:
    return targets.get(int(typed)) if typed.isascii() and typed.isdigit() else None


def _indicator(detail: IndicatorDetail, scope: Scope, number: int) -> dict:
    figure, spec = detail.figure, detail.indicator.spec
    measured = figure.status not in (Status.NOT_MEASURED, Status.NO_POPULATION)
    return {
        "key": spec.key,
        "label": detail.indicator.label,
        "note": detail.indicator.note,
        "measured": measured,
        "value": value(figure),
        "goal": goal(figure),
        "deadline": deadline(figure, scope),
        "status": status_word(figure),
        "state": figure.status.value,
        "population": t(f"summaries.population_{spec.population}"),
        "count": figure.denominator,
        "below": Paged.of(detail.below, number),
        "late": len(detail.late),
        "lists": bool(spec.measure) and not spec.count,  # a head count has no one missing
    }


def _retires(official: Official, targets: Targets):
    if official.birth_date is None:
        return None
    return retirement_date(official.birth_date, official.gender, targets.retirement)


def _page_number(request: web.Request) -> int:
    typed = request.query.get("page", "1")
    return int(typed) if typed.isascii() and typed.isdigit() and len(typed) < 7 else 1


def _unknown_target(request: web.Request, targets: Targets, typed: str) -> web.Response:
    return page(
        request,
        "target_unknown.html",
        status=404,
        typed=typed[:20],
        targets=targets.targets,
    )


@routes.get("/chuanop")
async def not_submitted_page(request: web.Request) -> web.Response:
    try:
        scope = await scope_of(request)
    except UserError as refused:
        return message(request, "Chưa nộp tự đánh giá", str(refused), status=400)
    late = await read_not_submitted(request[REPO], scope, actor_of(request[VIEWER]))
    query = query_of(scope, request)
    return page(
        request,
        "not_submitted.html",
        scope=scope,
        late=late,
        officials=Paged.of(late.officials, _page_number(request)),
        units=await units_for(request),
        page_query=lambda n: urlencode({**query, "page": n}),
    )
