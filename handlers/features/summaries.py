"""/tonghop, /chitieu N, /chuanop and /xuat: the plan's targets for admins (the whole commune,
or one unit with its code) and unit admins (their own unit only).

Every read that shows names (a target's detail, who has not submitted, the workbook) is
written to the audit log; the overview shows figures only. The workbook is written in a
background job (handlers/jobs.py) and pushed when ready: a province's takes minutes.
"""

import asyncio
import logging
from functools import partial
from pathlib import Path

from handlers.context import Context
from handlers.jobs import Job
from handlers.router import Access, Router
from handlers.services.summaries import chart_data, charts, messages
from handlers.services.summaries.export import export_in_worker
from handlers.services.summaries.figures import summarise
from handlers.services.summaries.scope import Scope, resolve, split_args
from handlers.texts import t
from handlers.types import Attachment, Reply
from knowledge.targets import Target, Targets, load_targets

log = logging.getLogger(__name__)
router = Router()


def _targets(ctx: Context) -> Targets:
    return load_targets(ctx.knowledge.folder if ctx.knowledge else None)


async def _scope_asked(ctx: Context) -> tuple[Scope, list[str]]:
    unit_code, period, rest = split_args(ctx.args, ctx.options.calendar)
    scope = await resolve(
        ctx.repo, ctx.official, unit_code, period, ctx.local_now.date(), ctx.options.calendar
    )
    return scope, rest


async def _audit(ctx: Context, action: str, entity: str, entity_id, scope: Scope) -> None:
    await ctx.repo.audit.record(ctx.actor, action, entity, entity_id, note=scope.note)


async def _chart(draw, prefix: str, folder: Path, caption: str) -> Reply | None:
    """The chart as a photo reply; None (and a log line) if it could not be drawn, so the
    figures in the text still reach the admin."""

    def render() -> Path:
        return charts.save(draw(), folder, prefix)

    try:
        path = await asyncio.to_thread(render)
    except Exception:
        log.exception("chart %s could not be drawn", prefix)
        return None
    return Reply(caption, attachment=Attachment("photo", path=str(path), name=f"{prefix}.png"))


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
        lambda: charts.indicators_figure(summary),
        "chi-tieu",
        ctx.options.summaries_dir,
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
    repo, basis = ctx.repo, scope.basis(targets)
    specs = [i.spec for i in target.indicators]
    figures = {f.spec.key: f for f in await repo.indicators.tally(specs, basis)}
    missing = {spec.key: await repo.indicators.missing(spec, basis) for spec in specs}
    late = set()
    if any(spec.rates for spec in specs):
        late = {o.id for o in await repo.summaries.not_submitted(basis.period, scope.unit_id)}
    parts = [messages.target_detail(target, scope, figures, missing, late)]
    if _shows_candidates(target, targets):
        found = await repo.indicators.degree_candidates(
            basis, targets.candidates_below, targets.candidates_years, targets.retirement
        )
        parts.append(messages.candidates(found, scope, targets))
    await _audit(ctx, "read_summary", "target", target.number, scope)
    replies = [Reply("\n\n".join(parts))]
    chart = await _target_chart(ctx, targets, target, scope)
    return replies + ([chart] if chart else [])


def _shows_candidates(target: Target, targets: Targets) -> bool:
    """The six-years-left list goes with the target on university degrees (7)."""
    return any(
        i.spec.measure == f"education_at_least:{targets.candidates_below}"
        for i in target.indicators
    )


async def _target_chart(ctx: Context, targets: Targets, target: Target, scope: Scope):
    chart = await chart_data.target_chart(ctx.repo, targets, target, scope)
    if chart is None:
        return None
    if isinstance(chart, chart_data.RatingsChart):
        prefix, caption = "xep-loai", t("summaries.chart_ratings_caption")
    else:
        prefix = "boi-duong"
        caption = t("summaries.chart_training_caption", number=target.number)
    return await _chart(
        lambda: charts.target_figure(chart), prefix, ctx.options.summaries_dir, caption
    )


@router.command(
    "chuanop",
    access=Access.UNIT_ADMIN,
    usage="/chuanop [MÃ_ĐƠN_VỊ] [2026Q2]",
    summary="help.chuanop",
)
async def not_submitted(ctx: Context) -> str:
    scope, _ = await _scope_asked(ctx)
    late = await ctx.repo.summaries.not_submitted(scope.period.key, scope.unit_id)
    headcount = await ctx.repo.summaries.count_in_scope(scope.unit_id)
    await _audit(ctx, "read_summary", "not_submitted", scope.period.key, scope)
    return messages.not_submitted(late, scope, headcount)


@router.command(
    "xuat", access=Access.UNIT_ADMIN, usage="/xuat [MÃ_ĐƠN_VỊ] [2026Q2]", summary="help.xuat"
)
async def export(ctx: Context) -> Reply:
    scope, _ = await _scope_asked(ctx)  # what cannot be exported is said now
    if ctx.job_running:
        return Reply(t("jobs.busy"))
    unit_code, period, _ = split_args(ctx.args, ctx.options.calendar)
    path = charts.new_file(ctx.options.summaries_dir, "tong-hop", ".xlsx")
    ctx.start_job(
        partial(
            _export,
            path,
            account=(ctx.incoming.channel, ctx.incoming.user_id),
            unit_code=unit_code,
            period=period,
            today=ctx.local_now.date(),
            cal=ctx.options.calendar,
            targets=_targets(ctx),
            zone=ctx.options.timezone,
            actor=ctx.actor,
        )
    )
    return Reply(t("summaries.export_working", where=scope.name, period=scope.period.key))


async def _export(path: Path, job: Job, **asked) -> Reply:
    scope = await job.in_worker(export_in_worker, path, **asked)
    name = f"tong-hop-{scope.unit.code if scope.unit else 'toan-xa'}-{scope.period.key}.xlsx"
    return Reply(
        t("summaries.export_ready", where=scope.name, period=scope.period.key),
        attachment=Attachment("document", path=str(path), name=name),
    )
