"""A roster file sent in chat, imported as a background job (handlers/jobs.py), in the worker
thread: read and checked first with no database held, then written in one transaction of the
job's own connection, after checking again that the sender is still an admin."""

from datetime import date

from handlers.errors import UserError
from handlers.formatting import show_count
from handlers.jobs import Worker
from handlers.services.roster.importer import check_file, write_checked
from handlers.services.roster.report import RosterReport
from handlers.texts import t
from storage.enums import Role
from storage.repo import Repo


async def import_in_worker(
    worker: Worker,
    data: bytes,
    filename: str,
    *,
    account: tuple[str, str],
    actor: str,
    today: date,
    max_rows: int,
) -> RosterReport:
    """Import the file as the account (platform, user id) of an admin; the report."""

    def read_so_far(row: int, rows: int | None) -> None:
        # Row numbers as the spreadsheet shows them: the header is row 1.
        if row == rows:
            worker.say(
                t("roster_chat.progress_checking", filename=filename, rows=show_count(row - 1))
            )
        elif rows:
            worker.say(
                t(
                    "roster_chat.progress_reading",
                    filename=filename,
                    done=show_count(row - 1),
                    total=show_count(rows - 1),
                )
            )
        else:
            worker.say(
                t("roster_chat.progress_reading_count", filename=filename, done=show_count(row - 1))
            )

    report, rows = check_file(data, filename, today=today, max_rows=max_rows, progress=read_so_far)
    if not report.ok:
        return report
    worker.say(t("roster_chat.progress_writing", filename=filename, rows=show_count(len(rows))))
    async with worker.sessionmaker() as session, session.begin():
        repo = Repo(session)
        await _still_admin(repo, account, filename)
        return await write_checked(repo, report, rows, actor=actor)


async def _still_admin(repo: Repo, account: tuple[str, str], filename: str) -> None:
    """As every step of the chat checks it, against the current record: the file was sent by
    an admin, who may have been demoted or deactivated since."""
    found = await repo.accounts.find(*account)
    official = found.official if found is not None else None
    if official is None or not official.active or official.role != Role.ADMIN:
        raise UserError(t("roster_chat.no_longer_admin", filename=filename))
