"""`python -m bot status` in words: each running process, its channels, the last planning
round, and the outbox."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.health import ChannelState
from handlers.texts import t
from storage.types import utcnow

TITLES = {"telegram": "Telegram", "zalo": "Zalo"}


def describe_status(processes: list[dict], outbox: dict, folder: Path, zone: ZoneInfo) -> str:
    def when(value: str | None) -> str:
        if not value:
            return "?"
        return datetime.fromisoformat(value).astimezone(zone).strftime("%d/%m/%Y %H:%M:%S")

    lines = [] if processes else [t("status.none_running", folder=folder)]
    for process in processes:
        ago = (utcnow() - datetime.fromisoformat(process["heartbeat_at"])).total_seconds()
        lines.append(
            t(
                "status.process",
                pid=process["pid"],
                role=process["role"],
                started=when(process["started_at"]),
                ago=max(0, round(ago)),
            )
        )
        for name, channel in process["channels"].items():
            lines.append("  " + _channel(TITLES.get(name, name), channel, when))
        if process["role"] != "web":
            lines.append("  " + _planning(process, when))
    if "error" in outbox:
        lines.append(t("status.outbox_unreadable", error=outbox["error"]))
        return "\n".join(lines)
    oldest = outbox["oldest_due_at"]
    lines.append(
        t("status.outbox", **outbox, oldest=t("status.oldest", at=when(oldest)) if oldest else "")
    )
    return "\n".join(lines)


def _channel(title: str, channel: dict, when) -> str:
    if channel["state"] == ChannelState.ONLINE:
        return t("status.channel_online", title=title, mode=channel["mode"], bot=channel["bot"])
    if channel["state"] == ChannelState.RETRYING:
        return t(
            "status.channel_retrying",
            title=title,
            since=when(channel["since"]),
            attempts=channel["attempts"],
            next=when(channel["next_attempt_at"]),
            error=channel["last_error"],
        )
    return t("status.channel_starting", title=title)


def _planning(process: dict, when) -> str:
    if process["last_plan_at"] is None:
        return t("status.plan_none")
    if process["last_plan_error"]:
        return t(
            "status.plan_failed", at=when(process["last_plan_at"]), error=process["last_plan_error"]
        )
    return t(
        "status.plan_done", at=when(process["last_plan_at"]), queued=process["last_plan_queued"]
    )
