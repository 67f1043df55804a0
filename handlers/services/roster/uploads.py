"""A roster file uploaded on the web desk, kept between its dry run and its import.

The file and its state (which step it is at, the latest progress line, the report) are kept on
disk in a private folder of the browser session that uploaded it, under a random key: another
session cannot reach it, the URL holds nothing but the key, and any web process on the machine
can show its progress. A kept file is gone after KEEP, and the file itself as soon as it has
been imported.

Both steps run as background jobs (handlers/jobs.py) through `run_upload`, which is
import_in_worker (the chat's import) with its progress lines and report written here.
"""

import json
import os
import re
import secrets
import shutil
import time
from dataclasses import asdict, dataclass, replace
from datetime import date
from pathlib import Path

from handlers.jobs import Worker
from handlers.services.roster.background import import_in_worker
from handlers.services.roster.report import Change, Problem, RosterReport

KEEP = 3600  # seconds an uploaded file and its report are kept
# A step with no news for this long was cut short (the bot restarted during it).
STALE = 30 * 60
_KEY = re.compile(r"^[A-Za-z0-9_-]{20,40}$")

# The steps, in order. "checking" and "importing" run as jobs; "failed" ends either.
CHECKING, CHECKED, IMPORTING, IMPORTED, FAILED = (
    "checking",
    "checked",
    "importing",
    "imported",
    "failed",
)
RUNNING = (CHECKING, IMPORTING)


@dataclass(frozen=True)
class Upload:
    folder: Path  # the session's own folder
    key: str

    @property
    def data_path(self) -> Path:
        return self.folder / f"{self.key}.bin"

    @property
    def state_path(self) -> Path:
        return self.folder / f"{self.key}.json"

    def state(self) -> dict:
        return json.loads(self.state_path.read_text(encoding="utf-8"))

    def report(self) -> RosterReport | None:
        found = self.state().get("report")
        return _report_from(found) if found is not None else None

    def data(self) -> bytes:
        return self.data_path.read_bytes()

    def save(self, **changes) -> None:
        """Change the state; written whole and then renamed, so a reader never sees half."""
        state = self.state() | changes | {"changed": time.time()}
        temporary = self.folder / f"{self.key}.{secrets.token_hex(4)}.tmp"
        _write_private(temporary, json.dumps(state, ensure_ascii=False).encode())
        os.replace(temporary, self.state_path)

    def stale(self) -> bool:
        state = self.state()
        return state["step"] in RUNNING and time.time() - state["changed"] > STALE


def keep_upload(
    root: Path, owner: str, data: bytes, filename: str, *, deactivate_missing: bool
) -> Upload:
    """Keep `data` for the session `owner`, at the step "checking"; what has expired goes."""
    _sweep(root)
    folder = root / owner
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    root.chmod(0o700)
    upload = Upload(folder, secrets.token_urlsafe(16))
    _write_private(upload.data_path, data)
    now = time.time()
    state = {
        "filename": filename,
        "deactivate_missing": deactivate_missing,
        "created": now,
        "changed": now,
        "step": CHECKING,
        "progress": None,
        "report": None,
        "message": None,
    }
    _write_private(upload.state_path, json.dumps(state, ensure_ascii=False).encode())
    return upload


def find_upload(root: Path, owner: str, key: str) -> Upload | None:
    """The session's upload under this key, if it is still kept."""
    if not _KEY.match(key):
        return None
    upload = Upload(root / owner, key)
    try:
        created = upload.state()["created"]
    except (OSError, ValueError, KeyError):
        return None
    if time.time() - created > KEEP:
        _remove(upload)
        return None
    return upload


async def run_upload(
    worker: Worker,
    upload: Upload,
    *,
    dry_run: bool,
    official_id: int,
    actor: str,
    today: date,
    max_rows: int,
) -> None:
    """The dry run (step "checking" → "checked") or the import ("importing" → "imported") of
    the kept file, as the admin `official_id`, in a job's worker thread."""
    state = upload.state()
    report = await import_in_worker(
        replace(worker, say=lambda line: upload.save(progress=line)),
        upload.data(),
        state["filename"],
        actor=actor,
        today=today,
        max_rows=max_rows,
        official_id=official_id,
        dry_run=dry_run,
        deactivate_missing=state["deactivate_missing"],
    )
    # A dry run is "checked" with its problems, if any: the page lists them.
    step = CHECKED if dry_run else (IMPORTED if report.written else FAILED)
    if not dry_run or not report.ok:
        # Imported, or never importable as it is: no personal data left behind.
        upload.data_path.unlink(missing_ok=True)
    upload.save(step=step, report=asdict(report), progress=None)


def _report_from(data: dict) -> RosterReport:
    return RosterReport(
        **data
        | {
            "problems": [Problem(**p) for p in data["problems"]],
            "changes": [Change(**c) for c in data["changes"]],
            "new_units": [tuple(u) for u in data["new_units"]],
        }
    )


def _write_private(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)


def _sweep(root: Path) -> None:
    """Remove what was kept past KEEP (a session's folder once it is empty)."""
    if not root.is_dir():
        return
    cutoff = time.time() - KEEP
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        if not any(folder.iterdir()):
            shutil.rmtree(folder, ignore_errors=True)


def _remove(upload: Upload) -> None:
    upload.data_path.unlink(missing_ok=True)
    upload.state_path.unlink(missing_ok=True)
