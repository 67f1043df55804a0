"""The periodic report draft made for someone: in a background job's worker thread for
/baocaodinhky (kept on the desk with a login link) and the desk's «Tạo tệp mới», or at once
for `python -m bot report`. Every draft is audited; it shows figures only, no names.

The report is the commune's: only full admins make one (the command line's operator holds the
database). Their right is checked before the draft is read and again when it is done, in the
transaction that audits it: who lost it meanwhile gets nothing, and the file is removed.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from handlers.errors import UserError
from handlers.jobs import Worker
from handlers.periods import Calendar
from handlers.services.accounts import still_allowed
from handlers.services.desk_files import offer_file
from handlers.services.report.figures import ReportData, gather, report_scope
from handlers.services.report.period import ReportPeriod, check_period, default_report_period
from handlers.services.summaries.export import OnDesk
from handlers.services.summaries.scope import unknown_unit
from handlers.texts import t
from knowledge.report import load_report_words
from knowledge.targets import Targets
from storage.enums import Role
from storage.models import Official, Unit
from storage.repo import Repo
from storage.types import utcnow

KIND = "report"  # as the desk lists the file


@dataclass(frozen=True)
class Asked:
    period: ReportPeriod | None  # None until `prepare`: the default one
    unit_code: str | None  # None: the whole commune
    today: date
    cal: Calendar
    targets: Targets
    knowledge_dir: Path | None  # where report.yaml and plan.yaml are (None: the packaged ones)


@dataclass(frozen=True)
class Made:
    data: ReportData
    name: str  # the file name the admin gets
    link: str | None = None  # a one-time desk login link that opens it

    @property
    def where(self) -> str:
        return self.data.scope.name


def file_name(period: ReportPeriod, unit: Unit | None) -> str:
    where = unit.code if unit else "toan-xa"
    return f"bao-cao-{period.key}-{where}.docx"


def title(period: ReportPeriod, where: str) -> str:
    """As the desk's «Tải về» lists it."""
    return t("report.file_title", period=period.label, where=where)


async def unit_of(repo: Repo, code: str | None) -> Unit | None:
    """The unit with this code (any case); None for none asked. ScopeError for an unknown one."""
    if not code:
        return None
    units = await repo.officials.units()
    unit = next((u for u in units if u.code.upper() == code.upper()), None)
    if unit is None:
        raise unknown_unit(code, units)
    return unit


async def prepare(repo: Repo, viewer: Official, asked: Asked) -> tuple[Asked, Unit | None]:
    """What the desk asked for, checked before its file is listed: the viewer a full admin,
    the unit known, the period within the plan and begun (the default one if none was named)."""
    admin_only(viewer)
    unit = await unit_of(repo, asked.unit_code)
    plan_from = asked.targets.training_from
    period = asked.period or default_report_period(asked.today, plan_from)
    return replace(asked, period=check_period(period, asked.today, plan_from)), unit


async def write_draft(repo: Repo, asked: Asked, path: Path, actor: str) -> Made:
    """The draft written to `path` and audited, in the caller's transaction."""
    unit = await unit_of(repo, asked.unit_code)
    scope = report_scope(asked.period, unit, asked.today, asked.cal)
    data = await gather(repo, asked.targets, asked.period, scope, asked.cal)
    _write(data, asked, path)
    await record(repo, data, path, actor)
    return Made(data, file_name(asked.period, unit))


def _write(data: ReportData, asked: Asked, path: Path) -> None:
    # Imported when a report is written: python-docx (and lxml) need not load at every start.
    from handlers.services.report.document import write_report

    write_report(data, load_report_words(asked.knowledge_dir), path)


async def record(repo: Repo, data: ReportData, path: Path, actor: str) -> None:
    note = f"{data.scope.note} file:{path.name}"
    await repo.audit.record(actor, "export", "report", data.period.key, note=note)


async def draft_checked(
    worker: Worker,
    path: Path,
    viewer: Callable[[Repo], Awaitable[Official]],
    asked: Asked,
    actor: str,
    done: Callable[[Repo, Official, Made], Awaitable[Any]],
) -> tuple[Made, Any]:
    """In a worker thread: the draft read and written in a transaction that only reads, for
    `viewer` (which raises UserError for who may not make one); then, their right checked
    again, audited and `done` run in one transaction."""
    async with worker.reader() as session, session.begin():
        repo = Repo(session)
        await viewer(repo)
        unit = await unit_of(repo, asked.unit_code)
        scope = report_scope(asked.period, unit, asked.today, asked.cal)
        worker.say(t("report.progress"))
        data = await gather(repo, asked.targets, asked.period, scope, asked.cal)
        _write(data, asked, path)
    made = Made(data, file_name(asked.period, unit))
    async with worker.sessionmaker() as session, session.begin():
        repo = Repo(session)
        try:
            official = await viewer(repo)
        except UserError:
            path.unlink(missing_ok=True)
            raise
        await record(repo, data, path, actor)
        return made, await done(repo, official, made)


async def draft_for_chat(
    worker: Worker,
    path: Path,
    *,
    account: tuple[str, str],
    asked: Asked,
    actor: str,
    desk: OnDesk,
) -> Made:
    """/baocaodinhky's draft for the admin behind this chat account, also kept on the desk
    with a login link that opens it (what Zalo gets instead of the file)."""

    async def viewer(repo: Repo) -> Official:
        return await still_allowed(repo, account, frozenset({Role.ADMIN}))

    async def offer(repo: Repo, official: Official, made: Made) -> str:
        return await offer_file(
            repo,
            official=official,
            unit_id=made.data.scope.unit_id,
            kind=KIND,
            title=title(made.data.period, made.where),
            name=made.name,
            path=path,
            now=utcnow(),  # the link's ten minutes count from now, when the file is ready
            keep_days=desk.keep_days,
            base_url=desk.base_url,
            actor=actor,
        )

    made, link = await draft_checked(worker, path, viewer, asked, actor, offer)
    return Made(made.data, made.name, link)


def admin_only(official: Official | None) -> Official:
    """The official if they may make the commune's report on the desk: an active full admin
    (the chat refuses its command with the router's own words)."""
    if official is None or not official.active:
        raise UserError(t("common.inactive"))
    if official.role != Role.ADMIN:
        raise UserError(t("report.desk_admin_only"))
    return official
