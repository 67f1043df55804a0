"""An admin sends the roster spreadsheet to the bot in chat and gets the import report back
(the same import as `python -m bot roster import`).

The import runs as a background job: the admin hears «Đang xử lý …» at once, everyone else
goes on being answered, and the report is pushed when the job is done. A file over the size
limit is refused before it is fetched.
"""

from datetime import date
from functools import partial

from handlers.context import Context
from handlers.formatting import show_megabytes
from handlers.jobs import Job
from handlers.router import Router
from handlers.texts import t
from handlers.types import Attachment, Download, Reply

router = Router()

ROSTER_FILES = (".xlsx", ".csv")
MAX_PROBLEMS = 15  # a chat message lists this many problems; the rest are counted


async def on_file(ctx: Context) -> Reply:
    file = ctx.incoming.attachments[0]
    name = (file.name or "").lower()
    if not (ctx.is_admin and file.kind == "document" and name.endswith(ROSTER_FILES)):
        return Reply(t("questions.no_text"))
    if ctx.download is None:
        return Reply(t("roster_chat.cannot_download"))
    limit = ctx.options.roster_max_bytes
    if file.size is not None and file.size > limit:
        return Reply(_too_big(file, file.size, limit))
    if ctx.job_running:
        return Reply(t("jobs.busy"))
    ctx.start_job(
        partial(
            _import,
            ctx.download,
            file,
            limit=limit,
            max_rows=ctx.options.roster_max_rows,
            account=(ctx.incoming.channel, ctx.incoming.user_id),
            actor=ctx.actor,
            today=ctx.local_now.date(),
        )
    )
    return Reply(t("roster_chat.working", filename=file.name))


async def _import(
    download: Download,
    file: Attachment,
    job: Job,
    *,
    limit: int,
    max_rows: int,
    account: tuple[str, str],
    actor: str,
    today: date,
) -> Reply:
    from handlers.services.roster.background import (
        import_in_worker,  # with openpyxl (8 MB): when a file comes
    )

    data = await download(file)
    if len(data) > limit:  # the platform did not say how big it was
        return Reply(_too_big(file, len(data), limit))
    report = await job.in_worker(
        import_in_worker,
        data,
        file.name,
        account=account,
        actor=actor,
        today=today,
        max_rows=max_rows,
    )
    return Reply(report.text(max_problems=MAX_PROBLEMS))


def _too_big(file: Attachment, size: int, limit: int) -> str:
    return t(
        "roster_chat.too_big",
        filename=file.name,
        size=show_megabytes(size),
        limit=show_megabytes(limit),
    )


router.on_file = on_file
