"""What a running bot process says about itself: each channel's state, the last planning
round; served as `/healthz` (JSON) and written to a small file per process in STATE_DIR,
which `python -m bot status` reads (in polling mode there is no HTTP server to ask)."""

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from bot.redact import redact
from storage.types import utcnow

STALE_AFTER = 30  # seconds without a heartbeat: the process is gone (killed, machine down)
HEARTBEAT = 5  # seconds between two writes of the process's file


class ChannelState:
    STARTING = "starting"
    ONLINE = "online"
    RETRYING = "retrying"  # the platform could not be reached; trying again with backoff


@dataclass
class ChannelHealth:
    state: str = ChannelState.STARTING
    mode: str = ""  # "long polling", "webhook <url>", "sending only"
    bot: str = ""
    since: str = field(default_factory=lambda: utcnow().isoformat())
    attempts: int = 0
    last_error: str = ""
    next_attempt_at: str | None = None

    def online(self, mode: str, bot: str) -> None:
        self.state, self.mode, self.bot = ChannelState.ONLINE, mode, bot
        self.since, self.last_error, self.next_attempt_at = utcnow().isoformat(), "", None

    def lost(self, error: Exception) -> None:
        """Online once, failing now (polling gets errors): shown until it works again."""
        if self.state == ChannelState.ONLINE:
            self.state, self.since = ChannelState.RETRYING, utcnow().isoformat()
        self.attempts += 1
        self.last_error = one_line(error)

    def back(self) -> None:
        if self.state != ChannelState.ONLINE and self.mode:
            self.online(self.mode, self.bot)

    def failed(self, error: Exception, retry_in: float) -> None:
        if self.state != ChannelState.RETRYING:
            self.since = utcnow().isoformat()
        self.state, self.attempts = ChannelState.RETRYING, self.attempts + 1
        self.last_error = one_line(error)
        self.next_attempt_at = (utcnow() + timedelta(seconds=retry_in)).isoformat()


@dataclass
class Health:
    role: str
    pid: int = field(default_factory=os.getpid)
    started_at: str = field(default_factory=lambda: utcnow().isoformat())
    heartbeat_at: str = field(default_factory=lambda: utcnow().isoformat())
    channels: dict[str, ChannelHealth] = field(default_factory=dict)
    last_plan_at: str | None = None
    last_plan_queued: int | None = None
    last_plan_error: str | None = None

    @property
    def ok(self) -> bool:
        return all(c.state == ChannelState.ONLINE for c in self.channels.values())

    def planned(self, queued: int | None, error: Exception | None = None) -> None:
        self.last_plan_at = utcnow().isoformat()
        self.last_plan_queued = queued
        self.last_plan_error = redact(str(error))[:300] if error is not None else None

    def snapshot(self) -> dict:
        return {"status": "ok" if self.ok else "degraded", **asdict(self)}

    def write(self, folder: Path) -> Path:
        """This process's file, replaced whole (never half written), readable by its user only."""
        self.heartbeat_at = utcnow().isoformat()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = folder / f"process-{self.pid}.json"
        partial = folder / f".process-{self.pid}.json.tmp"
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(self.snapshot(), file, ensure_ascii=False)
        os.replace(partial, path)
        return path


def one_line(error: Exception) -> str:
    """An error as one short line without secrets: for the health file and `/healthz`."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return redact(text)[:300]


def running_processes(folder: Path, now: datetime | None = None) -> list[dict]:
    """The snapshots of the processes that are alive: a file whose process is gone (stopped
    without cleaning up, killed) is removed."""
    now = now or utcnow()
    alive = []
    for path in sorted(folder.glob("process-*.json")) if folder.is_dir() else []:
        try:
            snapshot = json.loads(path.read_text(encoding="utf-8"))
            beat = datetime.fromisoformat(snapshot["heartbeat_at"])
        except (OSError, ValueError, KeyError):
            continue
        if (now - beat).total_seconds() > STALE_AFTER or not _pid_alive(snapshot.get("pid")):
            path.unlink(missing_ok=True)
            continue
        alive.append(snapshot)
    return alive


def _pid_alive(pid) -> bool:
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, TypeError, ValueError):
        return True  # another user's process, or unknown: trust the heartbeat
    return True
