"""Kế hoạch đào tạo: the annual training plan (Mục III.2.d, IV.2 of the plan) from the
officials' registrations, as the chat's /kehoachdaotao gives it: by category and
specialisation, every registration by unit, the officials to send who did not register;
admins the whole commune or a unit, unit admins their own. The page names officials, so
showing it is audited; «Tạo tệp Excel» makes the workbook in a background job listed on
«Tải về» (handlers/services/training_plan/desk.py)."""

from aiohttp import web

from bot.desk.render import APP_KEY, NOW, REPO, VIEWER, after_commit, page, redirect
from bot.desk.scope import targets_of, units_for
from handlers.errors import UserError
from handlers.services.desk import actor_of
from handlers.services.registration import study_form_label
from handlers.services.summaries.scope import ScopeError
from handlers.services.training_plan.desk import start_plan_file
from handlers.services.training_plan.read import (
    asked_by,
    audit_plan,
    first_year,
    parse_year,
    plan_years,
    read_plan,
)

routes = web.RouteTableDef()


@routes.get("/kehoachdaotao")
async def plan_page(request: web.Request) -> web.Response:
    bot, repo, viewer = request.app[APP_KEY], request[REPO], request[VIEWER]
    today = _today(request)
    unit = (request.query.get("unit") or "").strip().upper() or None
    try:
        year = parse_year(request.query.get("year"), today, first_year(targets_of(request)))
    except UserError as refused:
        return await _page(request, None, today, error=str(refused), status=400)
    try:
        asked = await asked_by(repo, viewer, unit, year, today, bot.conversation.options.calendar)
    except ScopeError as refused:  # a unit not theirs, or one that is not
        return await _page(request, None, today, error=str(refused), status=403)
    plan = await read_plan(
        repo, asked, knowledge=bot.conversation.knowledge, targets=targets_of(request), today=today
    )
    await audit_plan(repo, actor_of(viewer), asked)
    return await _page(request, plan, today, unit=asked.unit)


@routes.post("/kehoachdaotao")
async def make_workbook(request: web.Request) -> web.Response:
    bot, form = request.app[APP_KEY], await request.post()
    today = _today(request)
    try:
        _, begin = await start_plan_file(
            request[REPO],
            request[VIEWER],
            str(form.get("unit", "")).strip().upper()[:40] or None,
            parse_year(str(form.get("year", ""))[:20], today, first_year(targets_of(request))),
            now=request[NOW],
            options=bot.conversation.options,
            knowledge=bot.conversation.knowledge,
            targets=targets_of(request),
            jobs=bot.conversation.jobs,
            sessionmaker=bot.sessionmaker,
        )
    except UserError as refused:
        return await _page(request, None, today, error=str(refused), status=400)
    after_commit(request, begin)
    return redirect("/desk/taive", done="started")


def _today(request: web.Request):
    zone = request.app[APP_KEY].conversation.options.timezone
    return request[NOW].astimezone(zone).date()


async def _page(request, plan, today, *, unit=None, error=None, status=200) -> web.Response:
    return page(
        request,
        "training_plan.html",
        status=status,
        plan=plan,
        unit=unit,
        error=error,
        years=list(plan_years(today, first_year(targets_of(request)))),
        units=await units_for(request),
        study_form=study_form_label,
    )
