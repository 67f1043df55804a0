"""The Excel export, shared by /xuat and `python -m bot export`; every export is audited."""

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from handlers.errors import UserError
from handlers.jobs import Worker
from handlers.periods import Calendar, Period
from handlers.services.summaries.figures import Summary, summarise
from handlers.services.summaries.scope import Scope, ScopeError, resolve, when
from handlers.services.summaries.workbook import write_workbook
from handlers.texts import t
from knowledge.targets import Targets
from storage.enums import Role
from storage.models import Official
from storage.repo import Repo


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
) -> Scope:
    """/xuat's workbook, written in a background job's worker thread (handlers/jobs.py). The
    rows are read in a transaction that only reads. The scope is worked out for the asker's
    current record before the file is written and again once it is, when the export is
    audited: who lost the right meanwhile gets nothing, and the file is removed."""
    asked = (unit_code, period, today, cal)
    async with worker.reader() as session, session.begin():
        repo = Repo(session)
        viewer = await _viewer(repo, account)
        scope = await resolve(repo, viewer, *asked)
        summary = await summarise(repo, targets, scope)
        await write_workbook(
            repo,
            summary,
            path,
            zone,
            lambda sheet: worker.say(t("summaries.export_progress", sheet=sheet)),
            prepared_by=viewer.full_name,
        )
    async with worker.sessionmaker() as session, session.begin():
        repo = Repo(session)
        try:
            await resolve(repo, await _viewer(repo, account), *asked)
        except UserError:
            path.unlink(missing_ok=True)
            raise
        await _record(repo, summary, path, actor)
    return scope


async def _viewer(repo: Repo, account: tuple[str, str]) -> Official:
    """The official behind the account (platform, user id) if they may still see summaries."""
    found = await repo.accounts.find(*account)
    official = found.official if found is not None else None
    if official is None or not official.active:
        raise UserError(t("common.inactive") if found is not None else t("common.need_link"))
    if official.role not in (Role.ADMIN, Role.UNIT_ADMIN):
        raise UserError(t("common.unit_admin_only"))
    return official


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
            raise ScopeError(
                t("summaries.unknown_unit", code=unit_code, codes=", ".join(u.code for u in units))
            )
    try:
        period = Period.parse(quarter, cal) if quarter else None
    except ValueError:
        raise ScopeError(t("summaries.bad_quarter", value=quarter)) from None
    rating_period, as_of = when(today, period, cal)
    summary = await summarise(repo, targets, Scope(unit, rating_period, as_of, today))
    await export_workbook(repo, summary, path, zone, actor)
    return summary
