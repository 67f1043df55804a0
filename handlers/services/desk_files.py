"""Files made for admins and kept on the web desk's «Tải về» page for DESK_KEEP_DAYS: a
workbook too big for Telegram or sent on Zalo (which takes no files), a chart at print
resolution, a sheet of invite codes. A file is about the whole commune (admins only) or one
unit (its unit admins too), the same scope as the chat command that made it."""

import os
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from handlers.context import Options
from storage.enums import Role
from storage.models import DeskFile, Official
from storage.repo import Repo

DOWNLOAD = "/desk/taive/{key}"  # the desk's path of one file (bot/desk/pages/downloads.py)


def desk_folder(options: Options) -> Path:
    """Where kept files are written: beside the chat's charts and workbooks, but in a folder
    of its own, since those are removed after two days and these are kept DESK_KEEP_DAYS
    (handlers/services/retention.py removes them with their rows)."""
    return options.summaries_dir / "desk"


def new_path(options: Options, prefix: str, suffix: str) -> Path:
    """A fresh unguessable file, created empty and readable by the bot's user only, in a
    folder closed to others: the files hold names and birth dates."""
    folder = desk_folder(options)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    path = folder / f"{prefix}-{secrets.token_hex(8)}{suffix}"
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return path


async def keep_file(
    repo: Repo,
    *,
    official: Official,
    unit_id: int | None,
    kind: str,
    title: str,
    name: str,
    path: Path,
    now: datetime,
    keep_days: int,
    status: str = "ready",
) -> DeskFile:
    """List a file (already written, or being written when `status` is "running") on the
    desk; returns the row, whose `key` names it in `DOWNLOAD`."""
    size = path.stat().st_size if status == "ready" and path.exists() else None
    return await repo.desk.add_file(
        DeskFile(
            key="",
            official_id=official.id,
            unit_id=unit_id,
            kind=kind,
            title=title,
            name=name,
            path=str(path),
            status=status,
            size=size,
            created_at=now,
            expires_at=now + timedelta(days=keep_days),
        )
    )


def download_path(row: DeskFile) -> str:
    return DOWNLOAD.format(key=row.key)


def may_see_file(viewer: Official, row: DeskFile) -> bool:
    """Admins see every file; unit admins the files about their own unit only."""
    if not viewer.active:
        return False
    if viewer.role == Role.ADMIN:
        return True
    return (
        viewer.role == Role.UNIT_ADMIN and row.unit_id is not None and row.unit_id == viewer.unit_id
    )
