"""Files made for admins and kept on the web desk's «Tải về» page for DESK_KEEP_DAYS: a
workbook too big for Telegram or sent on Zalo (which takes no files), a chart at print
resolution, a sheet of invite codes. A file is about the whole commune (admins only) or one
unit (its unit admins too), the same scope as the chat command that made it."""

from datetime import datetime, timedelta
from pathlib import Path

from handlers.services.desk import login_link
from storage.enums import Role
from storage.models import DeskFile, Official
from storage.repo import Repo

DOWNLOAD = "/desk/taive/{key}"  # the desk's path of one file (bot/desk/pages/downloads.py)


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


async def offer_file(
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
    base_url: str,
    actor: str,
) -> str:
    """List a written file on the desk and return a one-time login link that opens its
    download: what a chat gives an admin along with a file it may not be able to send
    (Zalo takes no documents, Telegram none over 50 MB)."""
    row = await keep_file(
        repo,
        official=official,
        unit_id=unit_id,
        kind=kind,
        title=title,
        name=name,
        path=path,
        now=now,
        keep_days=keep_days,
    )
    return await login_link(
        repo, official, base_url=base_url, now=now, actor=actor, next_path=download_path(row)
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
