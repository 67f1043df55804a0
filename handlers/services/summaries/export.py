"""The Excel export, shared by /xuat and `python -m bot export`; every export is audited."""

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from handlers.periods import Calendar, Period
from handlers.services.summaries.figures import Summary, summarise
from handlers.services.summaries.scope import Scope, ScopeError, when
from handlers.services.summaries.workbook import write_workbook
from handlers.texts import t
from knowledge.targets import Targets
from storage.repo import Repo


async def export_workbook(repo: Repo, summary: Summary, path: Path, zone: ZoneInfo,
                          actor: str) -> None:
    await write_workbook(repo, summary, path, zone)
    await repo.audit.record(actor, "export", "summary", summary.scope.period.key,
                            note=f"{summary.scope.note} file:{path.name}")


async def export_for_operator(
    repo: Repo, targets: Targets, path: Path, *, unit_code: str | None, quarter: str | None,
    today: date, cal: Calendar, zone: ZoneInfo, actor: str = "cli",
) -> Summary:
    """The command line's export: whoever runs it holds the database, so any unit or the
    whole commune. Raises ScopeError for an unknown unit or quarter."""
    unit = None
    if unit_code:
        units = await repo.officials.units()
        unit = next((u for u in units if u.code.upper() == unit_code.upper()), None)
        if unit is None:
            raise ScopeError(t("summaries.unknown_unit", code=unit_code,
                               codes=", ".join(u.code for u in units)))
    try:
        period = Period.parse(quarter, cal) if quarter else None
    except ValueError:
        raise ScopeError(t("summaries.bad_quarter", value=quarter)) from None
    rating_period, as_of = when(today, period, cal)
    summary = await summarise(repo, targets, Scope(unit, rating_period, as_of, today))
    await export_workbook(repo, summary, path, zone, actor)
    return summary
