"""Backups of the database, taken while the bot runs: SQLite through its online backup API (no
`sqlite3` program needed), PostgreSQL through `pg_dump`.

A backup is one file named after the moment it was taken, in UTC (`canbo-20260314-023000Z.db`,
`.dump` for PostgreSQL), readable by the bot's user only from its first byte: it holds
everyone's personal data. It is written under a temporary name and renamed when complete, so a
backup cut short never passes for a whole one. `prune` deletes only files named like this
module's own routine backups; backups taken before a migration carry a suffix and are kept."""

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

PREFIX = "canbo-"
BEFORE_UPGRADE = "truoc-nang-cap"  # "before upgrade", in the file name an operator reads
ROUTINE = re.compile(r"^canbo-(\d{8}-\d{6})Z(?:-(\d+))?\.(?:db|dump)$")
PARTIAL = ".partial"
BUSY_TIMEOUT = 30  # seconds to wait for a writer's lock (the bot's), as storage.db does


class BackupError(Exception):
    """No backup was made. `kind` says why, for the caller's own wording: "no_database" (the
    SQLite file does not exist), "no_pg_dump", "pg_dump_failed", "cannot_write"; `detail` holds
    the system's own words (a path, pg_dump's message)."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int  # bytes


def take(
    url: str | URL, directory: Path, *, suffix: str = "", now: datetime | None = None
) -> Backup:
    """Back the database up into `directory` (created 0700 if missing). Blocking: a caller on
    an event loop runs it in a thread."""
    url = make_url(url)
    sqlite = url.get_backend_name() == "sqlite"
    if sqlite and not Path(url.database or "").is_file():
        raise BackupError("no_database", url.database or "")
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError("cannot_write", f"{directory}: {error.strerror}") from None
    target = _free_name(directory, now or datetime.now(UTC), suffix, "db" if sqlite else "dump")
    partial = target.with_name(target.name + PARTIAL)
    try:
        if sqlite:
            _sqlite_backup(Path(url.database), partial)
        else:
            _pg_dump(url, partial)
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise BackupError("cannot_write", f"{partial}: {reason}") from None
    finally:
        for leftover in (partial, *(Path(f"{partial}{s}") for s in ("-journal", "-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
    return Backup(target, target.stat().st_size)


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete the routine backups in `directory` but the newest `keep`; return those deleted.
    Any other file (a backup taken before a migration, the operator's own) is left alone."""
    own = []
    for path in directory.iterdir():
        if match := ROUTINE.match(path.name):
            own.append(((match[1], int(match[2] or 0)), path))
    own.sort()
    doomed = [path for _, path in own[: max(len(own) - keep, 0)]]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def default_directory(url: str | URL) -> Path:
    """Where backups taken before a migration go: beside an SQLite file, in `backups/`; for
    PostgreSQL under the working folder's `data/` (the same place by default)."""
    url = make_url(url)
    if url.get_backend_name() == "sqlite" and url.database:
        return Path(url.database).parent / "backups"
    return Path("data/backups")


def _free_name(directory: Path, now: datetime, suffix: str, extension: str) -> Path:
    stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    tail = f"-{suffix}" if suffix else ""
    candidate = directory / f"{PREFIX}{stamp}Z{tail}.{extension}"
    serial = 1
    while candidate.exists() or Path(f"{candidate}{PARTIAL}").exists():
        # Two backups in one second (a timer and a hand-run one): a serial keeps both.
        candidate = directory / f"{PREFIX}{stamp}Z{tail}-{serial}.{extension}"
        serial += 1
    return candidate


def _create_private(path: Path) -> int:
    """A new file only its owner can read, whatever the umask: 0600 from the first byte."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)


def _sqlite_backup(source_path: Path, target: Path) -> None:
    os.close(_create_private(target))
    # The backup API reads one consistent snapshot, the bot's committed writes still in the
    # WAL included (a copy of the file would miss them); in WAL mode the bot keeps writing
    # meanwhile. SQLite gives its side files (journal) the database file's mode.
    source = sqlite3.connect(source_path, timeout=BUSY_TIMEOUT)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
            # The copy is one self-contained file: no -wal beside it to lose when it is moved.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    finally:
        source.close()


def _pg_dump(url: URL, target: Path) -> None:
    program = shutil.which("pg_dump")
    if program is None:
        raise BackupError("no_pg_dump")
    # The password goes through the environment, never the command line (visible in `ps`).
    env = dict(os.environ)
    args = [program, "--format=custom", "--no-password"]
    host = url.host or url.query.get("host")
    if host:
        args.append(f"--host={host}")
    if url.port:
        args.append(f"--port={url.port}")
    if url.username:
        args.append(f"--username={url.username}")
    if url.password:
        env["PGPASSWORD"] = url.password
    if sslmode := url.query.get("sslmode") or url.query.get("ssl"):
        env["PGSSLMODE"] = str(sslmode)
    args.append(url.database or "postgres")
    output = _create_private(target)
    try:
        result = subprocess.run(
            args, stdout=output, stderr=subprocess.PIPE, env=env, text=True, check=False
        )
    finally:
        os.close(output)
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or [f"exit {result.returncode}"])[0]
        raise BackupError("pg_dump_failed", reason)
