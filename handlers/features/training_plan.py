"""/kehoachdaotao [2027] [MÃ_ĐƠN_VỊ]: the annual training plan (Mục III.2.d, IV.2 of the plan)
for admins (the whole commune, or one unit with its code) and unit admins (their own unit).

The reply is short (counts by category, how many must be sent to study and have not
registered, the most registered programmes); the workbook follows as a background job, as
/xuat's does, and is also kept on the web desk: Telegram gets the document, Zalo the link.
Both name officials, so both are audited.
"""

from functools import partial
from pathlib import Path

from handlers.context import Context
from handlers.jobs import Job
from handlers.router import Access, Router
from handlers.services.summaries import charts
from handlers.services.summaries.export import OnDesk
from handlers.services.training_plan import messages
from handlers.services.training_plan.export import Request, plan_in_worker
from handlers.services.training_plan.read import (
    asked_by,
    audit_plan,
    first_year,
    read_plan,
    split_args,
)
from handlers.texts import t
from handlers.types import Attachment, Reply
from knowledge.targets import load_targets

router = Router()

DAY = 24 * 3600


@router.command(
    "kehoachdaotao",
    access=Access.UNIT_ADMIN,
    usage="/kehoachdaotao [2027] [MÃ_ĐƠN_VỊ]",
    summary="help.kehoachdaotao",
)
async def training_plan(ctx: Context) -> list[Reply]:
    options, today = ctx.options, ctx.local_now.date()
    targets = load_targets(ctx.knowledge.folder if ctx.knowledge else None)
    year, unit_code = split_args(ctx.args, today, first_year(targets))
    asked = await asked_by(ctx.repo, ctx.official, unit_code, year, today, options.calendar)
    request = Request(
        unit_code=unit_code,
        year=year,
        today=today,
        cal=options.calendar,
        knowledge=ctx.knowledge,
        targets=targets,
        actor=ctx.actor,
    )
    plan = await read_plan(
        ctx.repo, asked, knowledge=ctx.knowledge, targets=request.targets, today=today
    )
    await audit_plan(ctx.repo, ctx.actor, asked)
    replies = [Reply(messages.overview(plan))]
    if ctx.job_running:
        return [*replies, Reply(t("jobs.busy"))]
    # Written where the desk keeps files: the workbook stays on «Tải về» desk_keep_days.
    options.summaries_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = charts.new_file(
        options.desk_dir, "ke-hoach-dao-tao", ".xlsx", options.desk_keep_days * DAY
    )
    ctx.start_job(
        partial(
            _workbook,
            path,
            account=(ctx.incoming.channel, ctx.incoming.user_id),
            request=request,
            desk=OnDesk(options.desk_url, options.desk_keep_days),
        )
    )
    return [*replies, Reply(t("training_plan.working", year=year, where=asked.where))]


async def _workbook(path: Path, job: Job, **asked) -> Reply:
    made = await job.in_worker(plan_in_worker, path, **asked)
    return Reply(
        t("training_plan.ready", year=made.asked.year, where=made.asked.where),
        attachment=Attachment(
            "document", path=str(path), name=made.asked.file_name, link=made.link
        ),
    )
