"""Danh sách: an admin uploads the roster (XLSX or CSV), sees the dry run's report with every
problem by row and column, then imports the same file; and downloads the empty template.

The same import as a roster file sent in chat (handlers/services/roster/background.py), for
admins only as there, run as background jobs: the pages that follow it refresh themselves
until it is done. The file is kept for the browser session that sent it
(handlers/services/roster/uploads.py); its URL carries a random key, nothing else.

handlers.services.roster is imported when a page needs it: it brings openpyxl (8 MB), which
the bot does not load at start (as the chat's roster feature)."""

import asyncio
from pathlib import PurePath

from aiohttp import web

from bot.desk.render import APP_KEY, NOW, REPO, SESSION, VIEWER, message, page, redirect
from handlers.formatting import show_megabytes
from handlers.services.desk import actor_of
from handlers.texts import t
from handlers.types import Reply
from storage.enums import Role

routes = web.RouteTableDef()
TEMPLATE_NAME = "mau-danh-sach-can-bo.xlsx"
REFRESH_SECONDS = 1  # while a job runs, its page reloads itself this often
MAX_CHANGES = 200  # changes listed on the dry run's page; the rest are counted


@routes.get("/danhsach")
async def roster_page(request: web.Request) -> web.Response:
    if refused := _not_admin(request):
        return refused
    return page(request, "roster.html", limit=show_megabytes(_limit(request)))


@routes.get("/danhsach/mau.xlsx")
async def template(request: web.Request) -> web.Response:
    """The empty template with its guide and the units in use, as `python -m bot roster
    template` writes it."""
    if refused := _not_admin(request):
        return refused
    from handlers.services.roster import roster_template
    from handlers.services.roster.export import unit_names

    units = await unit_names(request[REPO])
    data = await asyncio.to_thread(roster_template, TEMPLATE_NAME, units)
    return web.Response(
        body=data,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{TEMPLATE_NAME}"'},
    )


@routes.post("/danhsach")
async def upload(request: web.Request) -> web.Response:
    """Keep the file and start its dry run; then its page."""
    if refused := _not_admin(request):
        return refused
    from handlers.services.roster import SheetError, file_format
    from handlers.services.roster.uploads import keep_upload

    form = await request.post()
    field = form.get("tep")
    if not isinstance(field, web.FileField) or not field.filename:
        return _refused(request, t("desk_people.no_file"), 400)
    filename = PurePath(field.filename.replace("\\", "/")).name[:200]
    try:
        file_format(filename)
    except SheetError as error:
        return _refused(request, str(error), 400)
    limit = _limit(request)
    size = field.file.seek(0, 2)
    if size > limit:
        text = t(
            "desk_people.too_big",
            filename=filename,
            size=show_megabytes(size),
            limit=show_megabytes(limit),
        )
        return _refused(request, text, 413)
    if size == 0:
        return _refused(request, t("desk_people.empty_file", filename=filename), 400)
    if _busy(request):
        return _refused(request, t("desk_people.busy"), 409)
    field.file.seek(0)
    kept = await asyncio.to_thread(  # up to roster_max_bytes read and written
        keep_upload,
        _folder(request),
        _owner(request),
        field.file.read(),
        filename,
        deactivate_missing=form.get("deactivate_missing") == "1",
    )
    _start(request, kept, dry_run=True)
    return redirect(f"/desk/danhsach/tep/{kept.key}")


@routes.get("/danhsach/tep/{key}")
async def uploaded(request: web.Request) -> web.Response:
    """Where the file is at: checking (the page refreshes), checked (the report, and the
    button to import when there is no problem), importing, imported or failed."""
    if refused := _not_admin(request):
        return refused
    from handlers.services.roster.uploads import RUNNING

    kept = _find(request)
    if kept is None or kept.stale():
        text = t("desk_people.upload_gone" if kept is None else "desk_people.interrupted")
        return _refused(request, text, 404)
    state, report = kept.state(), kept.report()
    response = page(
        request,
        "roster_upload.html",
        key=kept.key,
        state=state,
        report=report,
        changes=report.changes[:MAX_CHANGES] if report else [],
        limit=show_megabytes(_limit(request)),
    )
    if state["step"] in RUNNING:
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


@routes.post("/danhsach/tep/{key}/nhap")
async def import_file(request: web.Request) -> web.Response:
    """Import the file whose dry run found no problem (once: a second press shows the
    first one's progress)."""
    if refused := _not_admin(request):
        return refused
    from handlers.services.roster.uploads import CHECKED, FAILED, IMPORTING

    kept = _find(request)
    if kept is None or kept.stale():
        return _refused(request, t("desk_people.upload_gone"), 404)
    step, report = kept.state()["step"], kept.report()
    if step != CHECKED:
        if step == FAILED:
            return _refused(request, t("desk_people.not_ready"), 409)
        return redirect(f"/desk/danhsach/tep/{kept.key}")  # already importing or imported
    if report is None or not report.ok:
        return _refused(request, t("desk_people.not_ready"), 409)
    if _busy(request):
        return _refused(request, t("desk_people.busy"), 409)
    kept.save(step=IMPORTING, progress=None)
    _start(request, kept, dry_run=False)
    return redirect(f"/desk/danhsach/tep/{kept.key}")


def _start(request: web.Request, kept, *, dry_run: bool) -> None:
    """The dry run or the import of `kept` (an Upload) as a background job: off the event
    loop and outside this request's transaction, on the job's own connection."""
    from handlers.services.roster.uploads import FAILED, run_upload

    bot, viewer = request.app[APP_KEY], request[VIEWER]
    options = bot.conversation.options
    asked = {
        "dry_run": dry_run,
        "official_id": viewer.id,
        "actor": actor_of(viewer),
        "today": request[NOW].astimezone(options.timezone).date(),
        "max_rows": options.roster_max_rows,
    }

    async def run(job) -> list[Reply]:
        await job.in_worker(run_upload, kept, **asked)
        return []  # the page shows what came of it

    async def failed(reply: Reply) -> None:  # what the job could not do, said as in chat
        kept.save(step=FAILED, message=reply.text, progress=None)

    bot.conversation.jobs.start(_job_key(request), run, failed)


def _not_admin(request: web.Request) -> web.Response | None:
    """Only admins import rosters, as only an admin's file is imported in chat."""
    if request[VIEWER].role == Role.ADMIN:
        return None
    return message(
        request, t("desk_people.roster_title"), t("desk_people.roster_admins_only"), status=403
    )


def _refused(request: web.Request, text: str, status: int) -> web.Response:
    return page(
        request,
        "roster.html",
        status=status,
        error=text,
        limit=show_megabytes(_limit(request)),
    )


def _find(request: web.Request):
    """The Upload of the key in the path, kept for this session; None if there is none."""
    from handlers.services.roster.uploads import find_upload

    return find_upload(_folder(request), _owner(request), request.match_info["key"])


def _busy(request: web.Request) -> bool:
    return request.app[APP_KEY].conversation.jobs.busy(_job_key(request))


def _job_key(request: web.Request) -> str:
    return f"desk:{request[VIEWER].code}"


def _owner(request: web.Request) -> str:
    """Files kept for one browser session: another session (a new login) cannot reach them."""
    return f"s{request[SESSION].id}"


def _folder(request: web.Request):
    return request.app[APP_KEY].conversation.options.summaries_dir / "roster-uploads"


def _limit(request: web.Request) -> int:
    return request.app[APP_KEY].settings.roster_max_bytes
