"""«Tạo tệp Excel» on the desk's «Kế hoạch đào tạo» page: the plan's workbook made in a
background job and listed on «Tải về», with the same rules as the desk's other files
(handlers/services/desk_exports.py): one file at a time per admin, the row "running" until
the job marks it ready or failed, the viewer's right checked again before it is ready."""

from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path

from sqlalchemy.ext.asyncio import async_sessionmaker

from handlers.context import Options
from handlers.errors import UserError
from handlers.jobs import Jobs, Worker
from handlers.services.desk import actor_of
from handlers.services.desk_exports import (
    DAY,
    STALE,
    desk_viewer,
    job_key,
    mark_ready,
    nowhere,
    run_desk_job,
)
from handlers.services.desk_files import keep_file
from handlers.services.summaries import charts
from handlers.services.training_plan.export import Request, plan_checked
from handlers.services.training_plan.read import asked_by
from handlers.texts import t
from knowledge.answers import KnowledgeBase
from knowledge.targets import Targets
from storage.models import DeskFile, Official
from storage.repo import Repo

KIND = "training_plan"  # as the chat names the plan's files kept on the desk


async def start_plan_file(
    repo: Repo,
    viewer: Official,
    unit_code: str | None,
    year: int,
    *,
    now: datetime,
    options: Options,
    knowledge: KnowledgeBase,
    targets: Targets,
    jobs: Jobs,
    sessionmaker: async_sessionmaker,
) -> tuple[DeskFile, Callable[[], None]]:
    """The file, listed as being made, and the call that starts its job (once the request's
    transaction has committed). ScopeError for a unit the viewer may not see, UserError while
    another file of theirs is being made."""
    today = now.astimezone(options.timezone).date()
    asked = await asked_by(repo, viewer, unit_code, year, today, options.calendar)
    if jobs.busy(job_key(viewer)) or await repo.desk.running_file_of(viewer.id, now - STALE):
        raise UserError(t("desk_files.busy"))
    options.summaries_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = charts.new_file(
        options.desk_dir, "ke-hoach-dao-tao", ".xlsx", options.desk_keep_days * DAY
    )
    row = await keep_file(
        repo,
        official=viewer,
        unit_id=asked.unit.id if asked.unit is not None else None,
        kind=KIND,
        title=t("training_plan.file_title", year=year, where=asked.where),
        name=asked.file_name,
        path=path,
        now=now,
        keep_days=options.desk_keep_days,
        status="running",
    )
    row.progress = t("desk_files.progress_start")
    request = Request(
        unit_code=unit_code,
        year=year,
        today=today,
        cal=options.calendar,
        knowledge=knowledge,
        targets=targets,
        actor=actor_of(viewer),
    )
    work = partial(_in_worker, path=path, key=row.key, official_id=viewer.id, request=request)
    run = partial(run_desk_job, work=work, key=row.key, path=path, sessionmaker=sessionmaker)
    return row, partial(jobs.start, job_key(viewer), run, nowhere)


async def _in_worker(
    worker: Worker, *, path: Path, key: str, official_id: int, request: Request
) -> None:
    await plan_checked(
        worker,
        path,
        partial(desk_viewer, official_id=official_id),
        request,
        done=lambda repo, _official, _asked: mark_ready(repo, key=key, path=path),
    )
