"""Writing the roster out, and the empty template, in the same columns the import reads."""

from handlers.services.roster.columns import COLUMNS
from handlers.services.roster.sheets import write_rows
from handlers.services.roster.values import cell_value
from storage.models import Official
from storage.repo import Repo


async def export_roster(repo: Repo, filename: str) -> tuple[bytes, int]:
    """Every official, active or not, as an XLSX or CSV file (by `filename`); and how many."""
    officials = await repo.officials.all()
    rows = [[cell_value(c, _value(official, c.field)) for c in COLUMNS] for official in officials]
    return write_rows(filename, rows), len(rows)


def roster_template(filename: str) -> bytes:
    return write_rows(filename, [])


def _value(official: Official, field: str):
    if field == "unit":
        return official.unit.name if official.unit else None
    return getattr(official, field)
