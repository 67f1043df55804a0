"""Tải về: the files kept for admins (handlers/services/desk_files.py), newest first, with
how far along the ones being made are; «Tạo tệp mới» (the summary workbook, the chart of
the eight targets or, for full admins, the periodic report draft, made in a background job:
handlers/services/desk_exports.py); and each
file's download, checked against the viewer's role and unit and audited."""

import unicodedata
from datetime import date
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

from bot.desk.render import APP_KEY, NOW, REPO, VIEWER, after_commit, message, page, redirect
from bot.desk.scope import targets_of, units_for
from handlers.errors import UserError
from handlers.periods import Calendar, Period, current_period
from handlers.services.desk import actor_of
from handlers.services.desk_exports import asked_from, is_stale, start_export
from handlers.services.desk_files import download_path, may_see_file
from handlers.services.report.period import ReportPeriod, default_report_period, in_plan
from storage.enums import Role
from storage.models import DeskFile

REFRESH_SECONDS = 2  # while a file is being made, the page reloads itself this often
PERIODS_OFFERED = 8  # the current evaluation period and the ones before it

routes = web.RouteTableDef()


@routes.get("/taive")
async def files_page(request: web.Request) -> web.Response:
    return await _files(request, done=request.query.get("done") == "started")


@routes.post("/taive")
async def make_file(request: web.Request) -> web.Response:
    bot, form = request.app[APP_KEY], await request.post()
    options = bot.conversation.options
    try:
        asked = asked_from(
            str(form.get("kind", "")),
            str(form.get("unit", "")),
            str(form.get("period", "")),
            options.calendar,
            str(form.get("report_period", "")),
        )
        _, begin = await start_export(
            request[REPO],
            request[VIEWER],
            asked,
            now=request[NOW],
            options=options,
            targets=targets_of(request),
            jobs=bot.conversation.jobs,
            sessionmaker=bot.sessionmaker,
            knowledge_dir=bot.settings.knowledge_dir,
        )
    except UserError as refused:
        return await _files(request, refused=str(refused), status=400)
    after_commit(request, begin)
    return redirect("/desk/taive", done="started")


async def _files(
    request: web.Request, *, done: bool = False, refused: str | None = None, status: int = 200
) -> web.Response:
    repo, viewer, now = request[REPO], request[VIEWER], request[NOW]
    options = request.app[APP_KEY].conversation.options
    kept = [
        row
        for row in await repo.desk.files(now, viewer.unit_id, viewer.role == Role.ADMIN)
        if may_see_file(viewer, row)
    ]
    makers = {row.official_id: await repo.officials.get(row.official_id) for row in kept}
    rows = [_row(row, makers[row.official_id], now) for row in kept]
    today = now.astimezone(options.timezone).date()
    plan_from = targets_of(request).training_from
    return page(
        request,
        "downloads.html",
        status=status,
        rows=rows,
        refresh=REFRESH_SECONDS if any(row["state"] == "running" for row in rows) else None,
        done=done,
        refused=refused,
        units=await units_for(request),
        periods=_periods(today, options.calendar, plan_from),
        report_periods=_report_periods(today, plan_from) if viewer.role == Role.ADMIN else [],
        report_default=default_report_period(today, plan_from),
        keep_days=options.desk_keep_days,
    )


def _periods(today: date, cal: Calendar, plan_from: date | None) -> list[Period]:
    """The current evaluation period and the ones before it, back to the plan's first year
    (targets.yaml `training_from`): nothing was evaluated under the plan before it."""
    periods = [current_period(today, cal)]
    while len(periods) < PERIODS_OFFERED:
        before = periods[-1].previous()
        if plan_from is not None and before.year < plan_from.year:
            break
        periods.append(before)
    return periods


def _report_periods(today: date, plan_from: date | None) -> list[ReportPeriod]:
    """This year (under way), its first half, and last year's two, those begun and within the
    plan: the reports an admin may draft; the default one is preselected."""
    return [
        period
        for year in (today.year, today.year - 1)
        for half in (False, True)
        if (period := ReportPeriod(year, half)).first_day <= today and in_plan(period, plan_from)
    ]


def _row(row: DeskFile, maker, now) -> dict:
    state = "failed" if is_stale(row, now) else row.status
    return {
        "title": row.title,
        "maker": maker.full_name if maker is not None else "—",
        "created_at": row.created_at,
        "expires_at": row.expires_at,
        "size": _size(row.size),
        "state": state,
        "progress": row.progress,
        "interrupted": state != row.status,
        "href": download_path(row),
    }


def _size(size: int | None) -> str:
    """12 345 → "12 KB", 1 234 567 → "1,2 MB" (the Vietnamese decimal comma)."""
    if size is None:
        return "—"
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


@routes.get("/taive/{key}")
async def download(request: web.Request) -> web.StreamResponse:
    repo, viewer = request[REPO], request[VIEWER]
    row = await repo.desk.file(request.match_info["key"])
    if row is None or row.expires_at <= request[NOW] or not Path(row.path).is_file():
        return message(request, "Không có tệp", _GONE, status=404)
    if not may_see_file(viewer, row):
        return message(request, "Không có quyền", _NOT_YOURS, status=403)
    if row.status != "ready":
        return message(request, "Tệp đang được tạo", _NOT_READY, status=409)
    await repo.audit.record(actor_of(viewer), "download", "desk_file", row.id, note=row.name)
    return web.FileResponse(
        row.path,
        headers={
            "Content-Disposition": f'attachment; filename="{_ascii(row.name)}"; '
            f"filename*=UTF-8''{quote(row.name)}"
        },
    )


def _ascii(name: str) -> str:
    """The name without diacritics, for browsers that ignore `filename*`."""
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    kept = "".join(c for c in plain if c.isascii() and (c.isalnum() or c in "._- "))
    return kept.strip() or "tep"


_GONE = (
    "Tệp này không còn (đã quá số ngày lưu giữ, hoặc liên kết không đúng). Hãy tạo lại tệp ở "
    "mục Tải về, hoặc gõ lại lệnh trong Zalo/Telegram."
)
_NOT_YOURS = "Tệp này thuộc phạm vi bạn không được xem (đơn vị khác, hoặc toàn xã)."
_NOT_READY = "Tệp đang được tạo; hãy mở mục Tải về để xem tiến độ rồi tải khi xong."
