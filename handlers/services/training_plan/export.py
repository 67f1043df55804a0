"""The plan's workbook made in a background job (handlers/jobs.py), as /xuat's is
(summaries/export.py): read and written in a worker thread in a transaction that only reads,
the asker's right checked again once the file is written, then the export audited and the
file offered on the desk in one transaction. Also the command line's export."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from handlers.errors import UserError
from handlers.jobs import Worker
from handlers.periods import Calendar
from handlers.services.accounts import still_allowed
from handlers.services.desk_files import offer_file
from handlers.services.summaries.export import OnDesk
from handlers.services.training_plan.plan import Plan
from handlers.services.training_plan.read import (
    Asked,
    asked_by,
    audit_plan,
    read_plan,
    unit_asked,
)
from handlers.services.training_plan.workbook import write_plan
from handlers.texts import t
from knowledge.answers import KnowledgeBase
from knowledge.targets import Targets
from storage.models import Official
from storage.repo import Repo
from storage.types import utcnow


@dataclass(frozen=True)
class Made:
    asked: Asked
    plan: Plan
    link: str | None = None  # a one-time desk login link that opens the file


@dataclass(frozen=True)
class Request:
    """What the workbook is asked for and with what."""

    unit_code: str | None
    year: int
    today: date
    cal: Calendar
    knowledge: KnowledgeBase
    targets: Targets
    actor: str


async def plan_checked(
    worker: Worker,
    path: Path,
    viewer: Callable[[Repo], Awaitable[Official]],
    request: Request,
    *,
    done: Callable[[Repo, Official, Asked], Awaitable[Any]] | None = None,
) -> tuple[Made, Any]:
    """The workbook, in a worker thread; `viewer` reads the asker's current record (UserError
    if they may no longer see plans) before and after it is written: who lost the right
    meanwhile gets nothing and the file is removed. Returns what was made and what `done`
    (run in the audit's transaction) returned."""
    asked_for = (request.unit_code, request.year, request.today, request.cal)
    async with worker.reader() as session, session.begin():
        repo = Repo(session)
        asker = await viewer(repo)
        asked = await asked_by(repo, asker, *asked_for)
        plan = await _read(repo, asked, request)
        write_plan(
            plan,
            path,
            agency=request.targets.place.upper(),
            prepared_by=asker.full_name,
            today=request.today,
            progress=lambda sheet: worker.say(t("training_plan.progress", sheet=sheet)),
        )
    async with worker.sessionmaker() as session, session.begin():
        repo = Repo(session)
        try:
            official = await viewer(repo)
            await asked_by(repo, official, *asked_for)
        except UserError:
            path.unlink(missing_ok=True)
            raise
        await audit_plan(repo, request.actor, asked, "export", path.name)
        made = await done(repo, official, asked) if done is not None else None
    return Made(asked, plan), made


async def _read(repo: Repo, asked: Asked, request: Request) -> Plan:
    return await read_plan(
        repo, asked, knowledge=request.knowledge, targets=request.targets, today=request.today
    )


async def plan_in_worker(
    worker: Worker,
    path: Path,
    *,
    account: tuple[str, str],
    request: Request,
    desk: OnDesk,
) -> Made:
    """/kehoachdaotao's workbook for the official behind this chat account, also kept on the
    desk with a login link that opens it (Zalo takes no files)."""

    async def offer(repo: Repo, official: Official, asked: Asked) -> str:
        return await offer_file(
            repo,
            official=official,
            unit_id=asked.unit.id if asked.unit is not None else None,
            kind="training_plan",
            title=t("training_plan.file_title", year=asked.year, where=asked.where),
            name=asked.file_name,
            path=path,
            now=utcnow(),  # the link's minutes count from when the file is ready
            keep_days=desk.keep_days,
            base_url=desk.base_url,
            actor=request.actor,
        )

    async def by_account(repo: Repo) -> Official:
        return await still_allowed(repo, account)

    made, link = await plan_checked(worker, path, by_account, request, done=offer)
    return Made(made.asked, made.plan, link)


async def plan_for_operator(repo: Repo, path: Path, request: Request) -> Plan:
    """The command line's workbook: whoever runs it holds the database, so any unit or the
    whole commune. ScopeError for an unknown unit; the export is audited as "cli"."""
    asked = await unit_asked(repo, request.unit_code, request.year)
    plan = await _read(repo, asked, request)
    write_plan(
        plan, path, agency=request.targets.place.upper(), prepared_by=None, today=request.today
    )
    await audit_plan(repo, request.actor, asked, "export", path.name)
    return plan
