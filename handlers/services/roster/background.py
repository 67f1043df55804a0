"""A roster file imported as a background job (handlers/jobs.py), in the worker thread: read
and checked first with no database held, then written in one transaction of the job's own
connection, after checking again that the sender is still an admin. The chat imports a file
sent to it at once; the web desk runs the same thing twice, first as a dry run."""

from collections.abc import Callable
from datetime import date

from handlers.errors import UserError
from handlers.formatting import show_count
from handlers.jobs import Worker
from handlers.services.roster.importer import check_file, write_checked
from handlers.services.roster.report import RosterReport
from handlers.services.roster.sheets import Progress
from handlers.texts import t
from storage.enums import Role
from storage.models import Official
from storage.repo import Repo


async def import_in_worker(
    worker: Worker,
    data: bytes,
    filename: str,
    *,
    actor: str,
    today: date,
    max_rows: int,
    account: tuple[str, str] | None = None,
    official_id: int | None = None,
    dry_run: bool = False,
    deactivate_missing: bool = False,
) -> RosterReport:
    """Import the file as an admin, known by the chat account (platform, user id) the file
    came from or, on the desk, by `official_id`; the report. A dry run writes nothing but an
    audit entry (its report shows stored values)."""
    report, rows = check_file(
        data,
        filename,
        today=today,
        max_rows=max_rows,
        dry_run=dry_run,
        progress=_progress(worker.say, filename),
    )
    if not report.ok:
        return report
    step = "progress_comparing" if dry_run else "progress_writing"
    worker.say(t(f"roster_chat.{step}", filename=filename, rows=show_count(len(rows))))
    async with worker.sessionmaker() as session, session.begin():
        repo = Repo(session)
        await _still_admin(repo, filename, account=account, official_id=official_id)
        report = await write_checked(
            repo, report, rows, actor=actor, deactivate_missing=deactivate_missing
        )
        if dry_run:
            counts = {
                "added": len(report.added),
                "updated": len(report.updated),
                "deactivated": len(report.deactivated),
            }
            await repo.audit.record(actor, "roster_dry_run", "roster", filename, after=counts)
        return report


def _progress(say: Callable[[str], None], filename: str) -> Progress:
    def read_so_far(row: int, rows: int | None) -> None:
        # Row numbers as the spreadsheet shows them: the header is row 1.
        if row == rows:
            say(t("roster_chat.progress_checking", filename=filename, rows=show_count(row - 1)))
        elif rows:
            say(
                t(
                    "roster_chat.progress_reading",
                    filename=filename,
                    done=show_count(row - 1),
                    total=show_count(rows - 1),
                )
            )
        else:
            say(
                t("roster_chat.progress_reading_count", filename=filename, done=show_count(row - 1))
            )

    return read_so_far


async def _still_admin(
    repo: Repo,
    filename: str,
    *,
    account: tuple[str, str] | None,
    official_id: int | None,
) -> None:
    """As every step of the chat checks it, against the current record: the file was sent by
    an admin, who may have been demoted or deactivated since."""
    official: Official | None = None
    if account is not None:
        found = await repo.accounts.find(*account)
        official = found.official if found is not None else None
    elif official_id is not None:
        official = await repo.officials.get(official_id)
    if official is None or not official.active or official.role != Role.ADMIN:
        raise UserError(t("roster_chat.no_longer_admin", filename=filename))
