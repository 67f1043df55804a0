"""The Excel export, shared by /xuat and `python -m bot export`; every export is audited."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from handlers.errors import UserError
from handlers.formatting import echo
from handlers.jobs import Worker
from handlers.periods import Calendar, Period, period_label
from handlers.services.accounts import still_allowed
from handlers.services.desk_files import offer_file
from handlers.services.summaries.figures import Summary, summarise
from handlers.services.summaries.scope import Scope, ScopeError, resolve, unknown_unit, when
from handlers.services.summaries.workbook import write_workbook
from handlers.texts import t
from knowledge.targets import Targets
from storage.models import Official
from storage.repo import Repo
from storage.types import utcnow


@dataclass(frozen=True)
class OnDesk:
    """Where /xuat's workbook is also kept: the web desk's «Tải về», for this many days."""

    base_url: str  # the desk's address, as login links give it
    keep_days: int


@dataclass(frozen=True)
class Exported:
    scope: Scope
    name: str  # the file name the admin gets
    link: str | None = None  # a one-time desk login link that opens its download


def in_file_name(scope: Scope) -> str:
    """The scope as a file made for it is named: the unit's code, or the whole commune."""
    return scope.unit.code if scope.unit else "toan-xa"


def workbook_name(scope: Scope) -> str:
    return f"tong-hop-{in_file_name(scope)}-{scope.period.key}.xlsx"


async def export_workbook(
    repo: Repo,
    summary: Summary,
    path: Path,
    zone: ZoneInfo,
    actor: str,
    prepared_by: str | None = None,
) -> None:
    """`prepared_by`: the exporter's name for the title blocks, when known."""
    await write_workbook(repo, summary, path, zone, prepared_by=prepared_by)
    await _record(repo, summary, path, actor)


async def _record(repo: Repo, summary: Summary, path: Path, actor: str) -> None:
    await repo.audit.record(
        actor,
        "export",
        "summary",
        summary.scope.period.key,
        note=f"{summary.scope.note} file:{path.name}",
    )


async def export_in_worker(
    worker: Worker,
    path: Path,
    *,
    account: tuple[str, str],
    unit_code: str | None,
    period: Period | None,
    today: date,
    cal: Calendar,
    targets: Targets,
    zone: ZoneInfo,
    actor: str,
    desk: OnDesk | None = None,
) -> Exported:
    """/xuat's workbook, written in a background job's worker thread (handlers/jobs.py), for
    the official behind this chat account; with `desk`, also listed on the desk with a login
    link that opens it."""

    async def offer(repo: Repo, viewer: Official, scope: Scope) -> str | None:
        return await _offer(repo, viewer, scope, path, desk, actor) if desk else None

    scope, link = await export_checked(
        worker,
        path,
        partial(still_allowed, account=account),
        (unit_code, period, today, cal),
        targets=targets,
        zone=zone,
        actor=actor,
        progress=lambda sheet: worker.say(t("summaries.export_progress", sheet=sheet)),
        done=offer,
    )
    return Exported(scope, workbook_name(scope), link)


async def export_checked(
    worker: Worker,
    path: Path,
    viewer: Callable[[Repo], Awaitable[Official]],
    asked: tuple[str | None, Period | None, date, Calendar],
    *,
    targets: Targets,
    zone: ZoneInfo,
    actor: str,
    progress: Callable[[str], None],
    done: Callable[[Repo, Official, Scope], Awaitable[Any]] | None = None,
) -> tuple[Scope, Any]:
    """The workbook `asked` for (unit code, period, today, calendar), in a worker thread. The
    rows are read in a transaction that only reads. The scope is worked out for the asker's
    current record (`viewer` reads it, raising UserError if they may no longer see
    summaries) before the file is written and again once it is, when the export is audited
    and `done` runs, in the same transaction: who lost the right meanwhile gets nothing, and
    the file is removed. Returns the scope and what `done` returned."""
    async with worker.reader() as session, session.begin():
        repo = Repo(session)
        asker = await viewer(repo)
        scope = await resolve(repo, asker, *asked)
        summary = await summarise(repo, targets, scope)
        await write_workbook(repo, summary, path, zone, progress, prepared_by=asker.full_name)
    async with worker.sessionmaker() as session, session.begin():
        repo = Repo(session)
        try:
            official = await viewer(repo)
            await resolve(repo, official, *asked)
        except UserError:
            path.unlink(missing_ok=True)
            raise
        await _record(repo, summary, path, actor)
        made = await done(repo, official, scope) if done is not None else None
    return scope, made


async def _offer(
    repo: Repo, viewer: Official, scope: Scope, path: Path, desk: OnDesk, actor: str
) -> str:
    # The link's ten minutes count from now, when the file is ready and about to be sent.
    return await offer_file(
        repo,
        official=viewer,
        unit_id=scope.unit_id,
        kind="export",
        title=t("summaries.export_title", where=scope.name, period=period_label(scope.period)),
        name=workbook_name(scope),
        path=path,
        now=utcnow(),
        keep_days=desk.keep_days,
        base_url=desk.base_url,
        actor=actor,
    )


async def export_for_operator(
    repo: Repo,
    targets: Targets,
    path: Path,
    *,
    unit_code: str | None,
    quarter: str | None,
    today: date,
    cal: Calendar,
    zone: ZoneInfo,
    actor: str = "cli",
) -> Summary:
    """The command line's export: whoever runs it holds the database, so any unit or the
    whole commune. Raises ScopeError for an unknown unit or quarter."""
    unit = None
    if unit_code:
        units = await repo.officials.units()
        unit = next((u for u in units if u.code.upper() == unit_code.upper()), None)
        if unit is None:
            raise unknown_unit(unit_code, units)
    try:
        period = Period.parse(quarter, cal) if quarter else None
    except ValueError:
        raise ScopeError(t("summaries.bad_quarter", value=echo(quarter))) from None
    rating_period, as_of = when(today, period, cal)
    summary = await summarise(repo, targets, Scope(unit, rating_period, as_of, today))
    await export_workbook(repo, summary, path, zone, actor)
    return summary
