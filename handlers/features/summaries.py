"""/tonghop, /chitieu N, /chuanop and /xuat: the plan's targets for admins (the whole commune,
or one unit with its code) and unit admins (their own unit only).

Every read that shows names (a target's detail, who has not submitted, the workbook) is
written to the audit log; the overview shows figures only. The workbook is written in a
background job (handlers/jobs.py) and pushed when ready: a province's takes minutes.

Files reach every admin: the workbook is also kept on the web desk («Tải về») and the reply
carries a one-time login link that opens it, which a channel sends instead of the file where
it cannot send the file (Zalo, Telegram over 50 MB). A chart for a channel that cannot send
a photo from this server (Options.photos_by_link) is kept on the desk and linked the same way.
"""

import asyncio
import logging
from functools import partial
from pathlib import Path

from handlers.context import Context
from handlers.jobs import Job
from handlers.periods import period_label
from handlers.router import Access, Router
from handlers.services.desk_files import offer_file
from handlers.services.summaries import chart_data, charts, messages
from handlers.services.summaries.detail import read_not_submitted, read_target
from handlers.services.summaries.export import OnDesk, export_in_worker, in_file_name
from handlers.services.summaries.figures import summarise
from handlers.services.summaries.scope import Scope, resolve, split_args
from handlers.texts import t
from handlers.types import Attachment, Reply
from knowledge.targets import Target, Targets, load_targets

log = logging.getLogger(__name__)
router = Router()

DAY = 24 * 3600
# A chart's title on the desk's «Tải về», by its file's prefix.
CHART_TITLES = {
    "chi-tieu": "summaries.chart_file_indicators",
    "xep-loai": "summaries.chart_file_ratings",
    "boi-duong": "summaries.chart_file_training",
}


def _targets(ctx: Context) -> Targets:
    return load_targets(ctx.knowledge.folder if ctx.knowledge else None)


async def _scope_asked(ctx: Context) -> tuple[Scope, list[str]]:
    unit_code, period, rest = split_args(ctx.args, ctx.options.calendar)
    scope = await resolve(
        ctx.repo, ctx.official, unit_code, period, ctx.local_now.date(), ctx.options.calendar
    )
    return scope, rest


async def _chart(ctx: Context, scope: Scope, draw, prefix: str, caption: str) -> Reply | None:
    """The chart as a photo reply; None (and a log line) if it could not be drawn, so the
    figures in the text still reach the admin. On a channel that cannot send a photo from
    this server, the chart is kept on the desk (at print resolution, as the desk's downloads
    are) and the photo carries its link."""
    options = ctx.options
    by_link = ctx.incoming.channel in options.photos_by_link

    def render() -> Path:
        if by_link:
            _private(options.summaries_dir)
            keep = options.desk_keep_days * DAY
            return charts.save(draw(), options.desk_dir, prefix, charts.PRINT_DPI, keep)
        return charts.save(draw(), options.summaries_dir, prefix)

    try:
        path = await asyncio.to_thread(render)
    except Exception:
        log.exception("chart %s could not be drawn", prefix)
        return None
    name = f"bieu-do-{prefix}-{in_file_name(scope)}-{scope.period.key}.png"
    link = await _offer_chart(ctx, scope, path, name, prefix) if by_link else None
    return Reply(caption, attachment=Attachment("photo", path=str(path), name=name, link=link))


async def _offer_chart(ctx: Context, scope: Scope, path: Path, name: str, prefix: str) -> str:
    return await offer_file(
        ctx.repo,
        official=ctx.official,
        unit_id=scope.unit_id,
        kind="chart",
        title=t(CHART_TITLES[prefix], where=scope.name, period=period_label(scope.period)),
        name=name,
        path=path,
        now=ctx.now,
        keep_days=ctx.options.desk_keep_days,
        base_url=ctx.options.desk_url,
        actor=ctx.actor,
    )


def _private(folder: Path) -> None:
    """The folder above the desk's, made closed to others like the desk's own (mkdir makes
    missing parents with the default mode)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)


@router.command(
    "tonghop",
    access=Access.UNIT_ADMIN,
    usage="/tonghop [MÃ_ĐƠN_VỊ] [2026Q2]",
    summary="help.tonghop",
)
async def overview(ctx: Context) -> list[Reply]:
    scope, _ = await _scope_asked(ctx)
    summary = await summarise(ctx.repo, _targets(ctx), scope)
    replies = [Reply(messages.overview(summary))]
    chart = await _chart(
        ctx,
        scope,
        lambda: charts.indicators_figure(summary),
        "chi-tieu",
        t("summaries.chart_caption"),
    )
    return replies + ([chart] if chart else [])


@router.command(
    "chitieu",
    access=Access.UNIT_ADMIN,
    usage="/chitieu N [MÃ_ĐƠN_VỊ] [2026Q2]",
    summary="help.chitieu",
)
async def target_detail(ctx: Context) -> list[Reply]:
    targets = _targets(ctx)
    scope, rest = await _scope_asked(ctx)
    target = targets.get(int(rest[0])) if rest else None
    if target is None:
        return [Reply(messages.target_usage(targets, rest[0] if rest else None))]
    detail = await read_target(ctx.repo, targets, target, scope, ctx.actor)
    parts = [messages.target_detail(target, scope, detail.figures, detail.missing, detail.late_ids)]
    if detail.candidates is not None:
        parts.append(messages.candidates(detail.candidates, scope, targets, detail.undated))
    replies = [Reply("\n\n".join(parts))]
    chart = await _target_chart(ctx, targets, target, scope)
    return replies + ([chart] if chart else [])


async def _target_chart(ctx: Context, targets: Targets, target: Target, scope: Scope):
    chart = await chart_data.target_chart(ctx.repo, targets, target, scope)
    if chart is None:
        return None
    if isinstance(chart, chart_data.RatingsChart):
        prefix, caption = "xep-loai", t("summaries.chart_ratings_caption")
    else:
        prefix = "boi-duong"
        caption = t("summaries.chart_training_caption", number=target.number)
    return await _chart(ctx, scope, lambda: charts.target_figure(chart), prefix, caption)


@router.command(
    "chuanop",
    access=Access.UNIT_ADMIN,
    usage="/chuanop [MÃ_ĐƠN_VỊ] [2026Q2]",
    summary="help.chuanop",
)
async def not_submitted(ctx: Context) -> str:
    scope, _ = await _scope_asked(ctx)
    late = await read_not_submitted(ctx.repo, scope, ctx.actor)
    return messages.not_submitted(late.officials, scope, late.headcount)


@router.command(
    "xuat", access=Access.UNIT_ADMIN, usage="/xuat [MÃ_ĐƠN_VỊ] [2026Q2]", summary="help.xuat"
)
async def export(ctx: Context) -> Reply:
    scope, _ = await _scope_asked(ctx)  # what cannot be exported is said now
    if ctx.job_running:
        return Reply(t("jobs.busy"))
    unit_code, period, _ = split_args(ctx.args, ctx.options.calendar)
    options = ctx.options
    # Written where the desk keeps files: the workbook stays on «Tải về» desk_keep_days.
    _private(options.summaries_dir)
    path = charts.new_file(options.desk_dir, "tong-hop", ".xlsx", options.desk_keep_days * DAY)
    ctx.start_job(
        partial(
            _export,
            path,
            account=(ctx.incoming.channel, ctx.incoming.user_id),
            unit_code=unit_code,
            period=period,
            today=ctx.local_now.date(),
            cal=options.calendar,
            targets=_targets(ctx),
            zone=options.timezone,
            actor=ctx.actor,
            desk=OnDesk(options.desk_url, options.desk_keep_days),
        )
    )
    return Reply(t("summaries.export_working", where=scope.name, period=period_label(scope.period)))


async def _export(path: Path, job: Job, **asked) -> Reply:
    done = await job.in_worker(export_in_worker, path, **asked)
    scope = done.scope
    return Reply(
        t("summaries.export_ready", where=scope.name, period=period_label(scope.period)),
        attachment=Attachment("document", path=str(path), name=done.name, link=done.link),
    )
