"""/baocaodinhky [2026H1|2026]: the draft of the periodic report (sơ kết 6 tháng, tổng kết năm)
the plan asks of Ban Xây dựng Đảng, as a Word file. The commune's report: full admins only.

Written in a background job (handlers/jobs.py) like /xuat's workbook, kept on the web desk's
«Tải về», and pushed when ready: Telegram gets the document, Zalo (which takes no files) the
desk's one-time link that opens it.
"""

from functools import partial
from pathlib import Path

from handlers.context import Context
from handlers.jobs import Job
from handlers.router import Access, Router
from handlers.services.report.drafts import Asked, draft_for_chat
from handlers.services.report.period import commune_period
from handlers.services.summaries import charts
from handlers.services.summaries.export import OnDesk
from handlers.texts import t
from handlers.types import Attachment, Reply
from knowledge.targets import load_targets

router = Router()
DAY = 24 * 3600


@router.command(
    "baocaodinhky",
    access=Access.ADMIN,
    usage="/baocaodinhky [2026H1|2026]",
    summary="help.baocaodinhky",
)
async def periodic_report(ctx: Context) -> Reply:
    today = ctx.local_now.date()
    folder = ctx.knowledge.folder if ctx.knowledge else None
    targets = load_targets(folder)
    period = commune_period(ctx.args, today, targets.training_from)  # what cannot be, said now
    if ctx.job_running:
        return Reply(t("jobs.busy"))
    options = ctx.options
    asked = Asked(period, None, today, options.calendar, targets, folder)
    # Written where the desk keeps files: the draft stays on «Tải về» desk_keep_days.
    options.summaries_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = charts.new_file(options.desk_dir, "bao-cao", ".docx", options.desk_keep_days * DAY)
    ctx.start_job(
        partial(
            _draft,
            path,
            account=(ctx.incoming.channel, ctx.incoming.user_id),
            asked=asked,
            actor=ctx.actor,
            desk=OnDesk(options.desk_url, options.desk_keep_days),
        )
    )
    return Reply(t("report.working", period=period.label, where=t("summaries.commune")))


async def _draft(path: Path, job: Job, **asked) -> Reply:
    made = await job.in_worker(draft_for_chat, path, **asked)
    text = t(
        "report.ready",
        period=made.data.period.label,
        where=made.where,
        date=made.data.scope.as_of.strftime("%d/%m/%Y"),
    )
    return Reply(
        text, attachment=Attachment("document", path=str(path), name=made.name, link=made.link)
    )
