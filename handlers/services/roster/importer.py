"""Importing a roster file: check every row, then write all of it in one go, or nothing.

Officials are matched by code; an official's fields take the file's values, empty cells the
columns' defaults, and columns the file lacks leave the fields alone. The caller owns the
transaction (the command line opens one; the chat's background job opens one after checking
the file, `check_file` then `write_checked`), so a failure anywhere rolls the whole import back.
"""

from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any

from handlers.services.roster.columns import BY_FIELD
from handlers.services.roster.report import Change, Problem, RosterReport
from handlers.services.roster.rows import RosterRow, check_rows
from handlers.services.roster.sheets import Progress, SheetError, read_rows
from handlers.services.roster.units import NewUnit, UnitFinder
from handlers.services.roster.values import ethnic_minority_default, shown_value
from handlers.texts import t
from storage.enums import Role
from storage.models import Official, Unit
from storage.officials import text_limits
from storage.repo import Repo


@dataclass
class Plan:
    added: list[dict[str, Any]] = field(default_factory=list)  # fields of each new official
    updated: list[tuple[Official, dict[str, Any]]] = field(default_factory=list)  # new values
    unchanged: list[Official] = field(default_factory=list)
    deactivated: list[Official] = field(default_factory=list)
    new_units: list[NewUnit] = field(default_factory=list)


async def import_roster_file(
    repo: Repo,
    data: bytes,
    filename: str,
    *,
    actor: str,
    dry_run: bool = False,
    deactivate_missing: bool = False,
    today: date | None = None,
) -> RosterReport:
    """Import the roster in `data` (XLSX or CSV); `report.text()` says what happened."""
    report, rows = check_file(data, filename, today=today or date.today(), dry_run=dry_run)
    if not report.ok:
        return report
    return await write_checked(
        repo, report, rows, actor=actor, deactivate_missing=deactivate_missing
    )


def check_file(
    data: bytes,
    filename: str,
    *,
    today: date,
    dry_run: bool = False,
    max_rows: int | None = None,
    progress: Progress | None = None,
) -> tuple[RosterReport, list[RosterRow]]:
    """Read and check every row, with no database: the report so far (its problems, if any)
    and the rows to write."""
    report = RosterReport(filename=filename, dry_run=dry_run)
    try:
        table = read_rows(data, filename, max_rows=max_rows, progress=progress)
    except SheetError as error:
        report.problems.append(Problem(None, None, str(error)))
        return report, []
    checked = check_rows(table, today=today, limits=text_limits())
    report.rows, report.problems = len(checked.rows), checked.problems
    report.ignored_columns = checked.ignored_columns
    return report, checked.rows


async def write_checked(
    repo: Repo,
    report: RosterReport,
    rows: list[RosterRow],
    *,
    actor: str,
    deactivate_missing: bool = False,
    importer: Official | None = None,
) -> RosterReport:
    """Work out and (unless a dry run) write what the checked rows change; the report says.
    An admin importing in chat or on the desk (`importer`) cannot take themselves or the
    last active admin out of service with it: nobody would be left to undo it but the
    server's operator."""
    filename, dry_run = report.filename, report.dry_run
    plan = await _plan(repo, rows, deactivate_missing)
    if importer is not None and (problem := await _locks_out(repo, plan, importer)):
        report.problems.append(Problem(None, None, problem))
        return report
    report.added = [fields["code"] for fields in plan.added]
    report.updated = [official.code for official, _ in plan.updated]
    report.unchanged = [official.code for official in plan.unchanged]
    report.deactivated = [official.code for official in plan.deactivated]
    report.new_units = [(unit.name, unit.code) for unit in plan.new_units]
    report.changes = _changes(plan)
    if not dry_run:
        await _apply(repo, plan, actor=actor, note=f"roster import: {filename}")
    return report


async def _locks_out(repo: Repo, plan: Plan, importer: Official) -> str | None:
    """Why this plan would leave the importer or every admin out of service, if it would."""
    leaving = {o.id for o in plan.deactivated}
    leaving |= {o.id for o, changes in plan.updated if changes.get("active") is False}
    if importer.id in leaving:
        return t("roster.would_deactivate_you", name=importer.full_name)
    admins = [o for o in await repo.officials.all() if o.role == Role.ADMIN and o.active]
    if admins and all(admin.id in leaving for admin in admins):
        return t("roster.would_deactivate_admins")
    return None


async def _plan(repo: Repo, rows: list[RosterRow], deactivate_missing: bool) -> Plan:
    """What the import would change, worked out without changing anything."""
    officials = {official.code.upper(): official for official in await repo.officials.all()}
    units = UnitFinder(await repo.officials.units(), text_limits()["unit_code"])
    plan = Plan()
    for row in rows:
        fields = dict(row.values)
        if "unit" in fields:
            fields["unit"] = units.find(fields["unit"])
        official = officials.pop(row.code.upper(), None)
        if official is None:
            fields.setdefault("ethnic_minority", ethnic_minority_default(fields.get("ethnicity")))
            plan.added.append(fields)
            continue
        fields.pop("code")  # matched case-insensitively; the stored spelling stays
        changes = {name: v for name, v in fields.items() if getattr(official, name) != v}
        if changes:
            plan.updated.append((official, changes))
        else:
            plan.unchanged.append(official)
    if deactivate_missing:
        # What is left in `officials` was not in the file.
        plan.deactivated = [official for official in officials.values() if official.active]
    plan.new_units = units.new
    return plan


def _changes(plan: Plan) -> list[Change]:
    """Every field each updated official changes, in the file's order and the columns' order."""
    return [
        Change(
            official.code,
            BY_FIELD[name].title,
            shown_value(BY_FIELD[name], getattr(official, name)),
            shown_value(BY_FIELD[name], value),
        )
        for official, changes in plan.updated
        for name, value in changes.items()
    ]


async def _apply(repo: Repo, plan: Plan, *, actor: str, note: str) -> None:
    """Write the plan, with an audit entry for every unit and official it touches."""
    created: dict[NewUnit, Unit] = {}
    for new in plan.new_units:
        created[new] = repo.officials.add_unit(new.code, new.name)
        after = {"code": new.code, "name": new.name}
        await repo.audit.record(actor, "create", "unit", new.code, after=after, note=note)

    def stored(value):
        return created[value] if isinstance(value, NewUnit) else value

    for fields in plan.added:
        repo.officials.add(**{name: stored(value) for name, value in fields.items()})
        await repo.audit.record(
            actor, "create", "official", fields["code"], after=_plain(fields), note=note
        )
    for official, changes in plan.updated:
        before = _plain({name: getattr(official, name) for name in changes})
        repo.officials.change(official, **{name: stored(v) for name, v in changes.items()})
        await repo.audit.record(
            actor,
            "update",
            "official",
            official.code,
            before=before,
            after=_plain(changes),
            note=note,
        )
    for official in plan.deactivated:
        repo.officials.change(official, active=False)
        await repo.audit.record(
            actor,
            "deactivate",
            "official",
            official.code,
            before={"active": True},
            after={"active": False},
            note=note,
        )
    await repo.officials.flush()


def _plain(fields: dict[str, Any]) -> dict[str, Any]:
    """Values as the audit log's JSON holds them: units by code, levels by their stored value."""
    return {name: _plain_value(value) for name, value in fields.items()}


def _plain_value(value):
    if isinstance(value, Unit | NewUnit):
        return value.code
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value
