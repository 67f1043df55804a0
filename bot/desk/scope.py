"""What a desk page covers, from its query (`?unit=CODE&quarter=2026Q3` or `&date=2026-09-30`):
the same rules as the chat's /tonghop: admins any unit or the whole commune, unit admins their
own unit only."""

from dataclasses import replace
from datetime import date, datetime

from aiohttp import web

from bot.desk.render import APP_KEY, NOW, REPO, VIEWER
from handlers.errors import UserError
from handlers.formatting import echo
from handlers.periods import Period, current_period
from handlers.services.summaries.scope import Scope, ScopeError, resolve
from handlers.texts import t
from knowledge.targets import Targets, load_targets
from storage.enums import Role
from storage.models import Unit

FIRST_YEAR = 2000


async def scope_of(request: web.Request) -> Scope:
    """Raises ScopeError (its text is shown) for a unit or period the viewer may not see."""
    bot = request.app[APP_KEY]
    options = bot.conversation.options
    today = request[NOW].astimezone(options.timezone).date()
    unit = (request.query.get("unit") or "").strip().upper() or None
    quarter = (request.query.get("quarter") or "").strip()
    day = _day(request.query.get("date"), today)
    if day is not None and quarter:
        raise UserError("Chọn một trong hai: kỳ đánh giá hoặc ngày tính đến, không chọn cả hai.")
    try:
        period = Period.parse(quarter, options.calendar) if quarter else None
    except ValueError:
        raise ScopeError(t("summaries.bad_quarter", value=echo(quarter))) from None
    scope = await resolve(request[REPO], request[VIEWER], unit, period, today, options.calendar)
    if day is not None and period is None:
        scope = replace(scope, period=current_period(day, options.calendar), as_of=day)
    return scope


def _day(text: str | None, today: date) -> date | None:
    if not text:
        return None
    day = None
    for shape in ("%d/%m/%Y", "%Y-%m-%d"):  # as typed, or as a browser's date field sends it
        try:
            day = datetime.strptime(text.strip(), shape).date()
            break
        except ValueError:
            continue
    if day is None:
        raise UserError("Ngày không hợp lệ; ghi ngày/tháng/năm, ví dụ 30/09/2026.")
    if day > today:
        raise UserError("Chưa thể lấy số liệu cho một ngày trong tương lai.")
    if day.year < FIRST_YEAR:  # as quarters are read: "1900Q1" is a typo, so is 01/01/1900
        raise UserError(f"Ngày {day:%d/%m/%Y} quá xa; chọn một ngày từ năm {FIRST_YEAR}.")
    return day


async def units_for(request: web.Request) -> list[Unit]:
    """The units the viewer may pick: every one for an admin, their own for a unit admin."""
    viewer = request[VIEWER]
    if viewer.role == Role.ADMIN:
        return await request[REPO].officials.units()
    return [viewer.unit] if viewer.unit is not None else []


def targets_of(request: web.Request) -> Targets:
    return load_targets(request.app[APP_KEY].settings.knowledge_dir)


def query_of(scope: Scope, request: web.Request | None = None) -> dict[str, str]:
    """The query that gives this scope again (links between pages keep it): the day it was
    asked for, else its quarter."""
    asked_day = request is not None and request.query.get("date")
    query = {"date": f"{scope.as_of:%d/%m/%Y}"} if asked_day else {"quarter": scope.period.key}
    if scope.unit is not None:
        query["unit"] = scope.unit.code
    return query
