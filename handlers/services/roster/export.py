"""Writing the roster out, and the empty template, in the same columns the import reads."""

from collections.abc import Sequence

from handlers.services.roster.columns import COLUMNS
from handlers.services.roster.sheets import write_rows
from handlers.services.roster.values import cell_value
from storage.models import Official
from storage.repo import Repo


async def export_roster(repo: Repo, filename: str) -> tuple[bytes, int]:
    """Every official, active or not, as an XLSX or CSV file (by `filename`); and how many."""
    officials = await repo.officials.all()
    rows = [[cell_value(c, _value(official, c.field)) for c in COLUMNS] for official in officials]
    return write_rows(filename, rows, await unit_names(repo)), len(rows)


async def roster_template_for(repo: Repo, filename: str) -> bytes:
    """The template with this database's units in its «Đơn vị» dropdown."""
    return roster_template(filename, await unit_names(repo))


def roster_template(filename: str, units: Sequence[str] = ()) -> bytes:
    """The empty roster file; `units` (names) are offered in the «Đơn vị» column."""
    return write_rows(filename, [], units)


async def unit_names(repo: Repo) -> list[str]:
    """The names of the units in use, in the order of their codes, as the dropdown offers them."""
    return [unit.name for unit in await repo.officials.units() if unit.active]


def _value(official: Official, field: str):
    if field == "unit":
        return official.unit.name if official.unit else None
    return getattr(official, field)
