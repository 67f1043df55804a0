"""«Tạo tệp mới» on the desk's «Tải về» page: the summary workbook (the commune's, or one
unit's with its full course list), the chart of the eight targets at print resolution, or
(full admins only) the periodic report draft (handlers/services/report/drafts.py),
made in a background job (handlers/jobs.py) and kept for download (desk_files.py).

`start_export`, inside the request's transaction, checks the scope the viewer may see,
kindly refuses a second file while one of theirs is being made, and lists the file as
"running"; the page starts the job once that transaction has committed (the job's own
connection must see the row). The job's heavy part runs in a worker thread, never on the
event loop: it reads in a transaction that only reads, says how far it is (copied to the row
at most once every PROGRESS_EVERY), and at the end checks the viewer's right again, audits
the export and marks the row "ready" with its size, all in one transaction; or the row is
marked "failed" with the reason and the half-made file removed.
"""

import asyncio
import logging
import secrets
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from sqlalchemy.ext.asyncio import async_sessionmaker

from handlers.context import Options
from handlers.errors import UserError
from handlers.formatting import echo
from handlers.jobs import Job, Jobs, Worker
from handlers.periods import Calendar, Period, period_label
from handlers.services.desk import actor_of, may_use_desk
from handlers.services.desk_files import keep_file
from handlers.services.report import drafts
from handlers.services.report.period import ReportPeriod, parse_report_period
from handlers.services.summaries import charts
from handlers.services.summaries.export import export_checked, in_file_name, workbook_name
from handlers.services.summaries.figures import summarise
from handlers.services.summaries.scope import ScopeError, resolve
from handlers.texts import t
from handlers.types import Reply
from knowledge.targets import Targets
from storage.models import DeskFile, Official
from storage.repo import Repo

log = logging.getLogger(__name__)

WORKBOOK, CHART = "export", "chart"  # as the chat names the files it keeps on the desk
REPORT = drafts.KIND  # the periodic report draft: full admins only
DAY = 24 * 3600
KINDS = (WORKBOOK, CHART, REPORT)
# A file still "running" after this was cut short (the bot stopped meanwhile): it no longer
# blocks its maker, and the page says so.
STALE = timedelta(hours=1)
PROGRESS_EVERY = 1.0  # seconds: the least time between two progress writes
# How far along the workbook is when each sheet's writing starts (the sheets of officials and
# courses are the long ones).
SHEET_PERCENT = {
    "summaries.sheet_officials": 10,
    "summaries.sheet_courses": 40,
    "summaries.sheet_evaluations": 70,
}


@dataclass(frozen=True)
class Asked:
    kind: str  # WORKBOOK, CHART or REPORT
    unit_code: str | None  # None: the whole commune
    period: Period | None  # None: the current one
    report: ReportPeriod | None = None  # REPORT's; None: the default one


def asked_from(kind: str, unit: str, period: str, cal: Calendar, report: str = "") -> Asked:
    """What the form asks for; UserError for a kind or period that is not one."""
    if kind not in KINDS:
        raise UserError(t("desk_files.bad_kind"))
    unit_code = unit.strip().upper() or None
    if kind == REPORT:  # the report's own period; the quarter is not asked
        return Asked(kind, unit_code, None, parse_report_period(report) if report.strip() else None)
    period = period.strip()
    try:
        parsed = Period.parse(period, cal) if period else None
    except ValueError:
        raise ScopeError(t("summaries.bad_quarter", value=echo(period))) from None
    return Asked(kind, unit_code, parsed)


def job_key(official: Official) -> str:
    return f"desk:{official.id}"


def is_stale(row: DeskFile, now: datetime) -> bool:
    return row.status == "running" and row.created_at <= now - STALE


async def start_export(
    repo: Repo,
    viewer: Official,
    asked: Asked,
    *,
    now: datetime,
    options: Options,
    targets: Targets,
    jobs: Jobs,
    sessionmaker: async_sessionmaker,
    knowledge_dir: Path | None = None,
) -> tuple[DeskFile, Callable[[], None]]:
    """The file asked for, listed as being made, and the call that starts its job (to make
    once the request's transaction has committed). Raises ScopeError for a unit or period
    the viewer may not see (UserError for a report asked by anyone but a full admin),
    UserError while another file of theirs is being made."""
    today = now.astimezone(options.timezone).date()
    if asked.kind == REPORT:
        report = drafts.Asked(
            asked.report, asked.unit_code, today, options.calendar, targets, knowledge_dir
        )
        report, unit = await drafts.prepare(repo, viewer, report)
        scope_unit_id = unit.id if unit else None
    else:
        scope = await resolve(repo, viewer, asked.unit_code, asked.period, today, options.calendar)
        scope_unit_id = scope.unit_id
    if jobs.busy(job_key(viewer)) or await repo.desk.running_file_of(viewer.id, now - STALE):
        raise UserError(t("desk_files.busy"))
    if asked.kind == REPORT:
        where = unit.name if unit else t("summaries.commune")
        title = drafts.title(report.period, where)
        name, prefix, suffix = drafts.file_name(report.period, unit), "bao-cao", ".docx"
    elif asked.kind == WORKBOOK:
        period = period_label(scope.period)
        title = t("summaries.export_title", where=scope.name, period=period)
        name, prefix, suffix = workbook_name(scope), "tong-hop", ".xlsx"
    else:
        period = period_label(scope.period)
        title = t("summaries.chart_file_indicators", where=scope.name, period=period)
        name = f"bieu-do-chi-tieu-{in_file_name(scope)}-{scope.period.key}.png"
        prefix, suffix = "chi-tieu", ".png"
    # Its folder and the one above closed to others (the files hold names and birth dates).
    options.summaries_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = charts.new_file(options.desk_dir, prefix, suffix, options.desk_keep_days * DAY)
    row = await keep_file(
        repo,
        official=viewer,
        unit_id=scope_unit_id,
        kind=asked.kind,
        title=title,
        name=name,
        path=path,
        now=now,
        keep_days=options.desk_keep_days,
        status="running",
    )
    row.progress = t("desk_files.progress_start")
    if asked.kind == REPORT:
        work = partial(
            _report_in_worker,
            path=path,
            key=row.key,
            official_id=viewer.id,
            asked=report,
            actor=actor_of(viewer),
        )
    else:
        work = partial(
            _workbook_in_worker if asked.kind == WORKBOOK else _chart_in_worker,
            path=path,
            key=row.key,
            official_id=viewer.id,
            asked=(asked.unit_code, asked.period, today, options.calendar),
            targets=targets,
            zone=options.timezone,
            actor=actor_of(viewer),
        )
    run = partial(run_desk_job, work=work, key=row.key, path=path, sessionmaker=sessionmaker)
    return row, partial(jobs.start, job_key(viewer), run, nowhere)


async def run_desk_job(job: Job, *, work, key: str, path: Path, sessionmaker) -> list[Reply]:
    """The job on the event loop: the work in a worker thread, its progress copied to the
    row meanwhile; the row marked failed (and the half-made file removed) if the file did not
    get made."""
    copying = asyncio.create_task(_copy_progress(job, key, sessionmaker))
    try:
        await job.in_worker(work)
    except UserError as refused:  # the viewer lost the right, or the unit, meanwhile
        await _failed(sessionmaker, key, path, str(refused))
    except Exception:
        reference = secrets.token_hex(4).upper()
        log.exception("error %s while making the desk file %s", reference, path.name)
        await _failed(sessionmaker, key, path, t("desk_files.failed", reference=reference))
    finally:
        copying.cancel()
        with suppress(asyncio.CancelledError):
            await copying
    return []  # nothing to push: the «Tải về» page shows how it went


async def _copy_progress(job: Job, key: str, sessionmaker) -> None:
    """The worker's latest progress line (`say`), written to the file's row at most once
    every PROGRESS_EVERY. Written from here, in a short transaction of its own: the worker's
    connection is held by its long read (on SQLite a job has one connection)."""
    written = None
    while True:
        await asyncio.sleep(PROGRESS_EVERY)
        if job.said is not None and job.said != written:
            written = job.said
            async with sessionmaker() as session, session.begin():
                await Repo(session).desk.set_progress(key, written)


async def nowhere(_reply: Reply) -> None:
    """A desk file's job has no chat to push to."""


async def _failed(sessionmaker, key: str, path: Path, reason: str) -> None:
    path.unlink(missing_ok=True)
    async with sessionmaker() as session, session.begin():
        await Repo(session).desk.finish_file(key, "failed", None, reason)


async def _workbook_in_worker(
    worker: Worker, *, path: Path, key: str, official_id: int, asked: tuple, **made
) -> None:
    line = _sheet_lines()
    await export_checked(
        worker,
        path,
        partial(desk_viewer, official_id=official_id),
        asked,
        progress=lambda sheet: worker.say(line(sheet)),
        done=lambda repo, _official, _scope: mark_ready(repo, key=key, path=path),
        **made,
    )


def _sheet_lines() -> Callable[[str], str]:
    """The progress line as each sheet's writing starts; a sheet without a share of its own
    (one going on in the next, "Cán bộ (2)") keeps the share reached."""
    reached = 0

    def line(sheet: str) -> str:
        nonlocal reached
        reached = next((p for k, p in SHEET_PERCENT.items() if t(k) == sheet), reached)
        return t("desk_files.progress_sheet", sheet=sheet, percent=reached)

    return line


async def _chart_in_worker(
    worker: Worker,
    *,
    path: Path,
    key: str,
    official_id: int,
    asked: tuple,
    targets: Targets,
    zone,
    actor: str,
) -> None:
    """The overview chart (figures only, no names) drawn at print resolution."""
    async with worker.reader() as session, session.begin():
        repo = Repo(session)
        scope = await resolve(repo, await desk_viewer(repo, official_id), *asked)
        summary = await summarise(repo, targets, scope)
    worker.say(t("desk_files.progress_chart"))
    charts.indicators_figure(summary).savefig(path, format="png", dpi=charts.PRINT_DPI)
    async with worker.sessionmaker() as session, session.begin():
        repo = Repo(session)
        try:
            await resolve(repo, await desk_viewer(repo, official_id), *asked)
        except UserError:
            path.unlink(missing_ok=True)
            raise
        await repo.audit.record(
            actor,
            "export_chart",
            "summary",
            scope.period.key,
            note=f"{scope.note} file:{path.name}",
        )
        await mark_ready(repo, key=key, path=path)


async def _report_in_worker(
    worker: Worker, *, path: Path, key: str, official_id: int, asked: drafts.Asked, actor: str
) -> None:
    """The periodic report draft, for a full admin still (drafts.draft_checked)."""

    async def viewer(repo: Repo) -> Official:
        return drafts.admin_only(await desk_viewer(repo, official_id))

    async def ready(repo: Repo, _official: Official, _made) -> None:
        await mark_ready(repo, key=key, path=path)

    await drafts.draft_checked(worker, path, viewer, asked, actor, ready)


async def desk_viewer(repo: Repo, official_id: int) -> Official:
    """The asker's current record, if they may still use the desk."""
    official = await repo.officials.get(official_id)
    if not may_use_desk(official):
        raise UserError(t("desk.not_allowed"))
    return official


async def mark_ready(repo: Repo, *, key: str, path: Path) -> None:
    await repo.desk.finish_file(key, "ready", path.stat().st_size, None)
