"""How dates and times are shown (dd/mm/yyyy in local time), numbers, and what someone typed
when a reply says it back."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from handlers.texts import t

# Characters of what someone typed that a reply says back: enough for a period as people
# say it («sơ kết 6 tháng đầu năm 2026») or a unit code, not a pasted page.
ECHO_LIMIT = 30


def echo(typed: str, limit: int = ECHO_LIMIT) -> str:
    """What someone typed, said back in a reply («Không có đơn vị mã «…»»): on one line, at
    most `limit` characters, «…» marking where a longer text was cut."""
    text = " ".join(str(typed).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def show_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def local_date(moment: datetime, zone: ZoneInfo) -> str:
    return show_date(moment.astimezone(zone).date())


def show_datetime(moment: datetime) -> str:
    return moment.strftime("%d/%m/%Y %H:%M")


def local_datetime(moment: datetime, zone: ZoneInfo) -> str:
    return show_datetime(moment.astimezone(zone))


def show_number(value: float) -> str:
    """8.5 as Vietnamese writes it: "8,5"; whole numbers without decimals."""
    return f"{value:g}".replace(".", ",")


def show_count(value: int) -> str:
    """20000 as Vietnamese writes it: "20.000"."""
    return f"{value:,}".replace(",", ".")


def show_megabytes(size: int) -> str:
    """5242880 → "5 MB", 7654321 → "7,3 MB", 5300000 → "5,05 MB"."""
    return f"{size / 1024 / 1024:.2f}".rstrip("0").rstrip(".").replace(".", ",") + " MB"


def platform_names(platforms) -> str:
    """ "Telegram, Zalo": the messengers' names, as users know them."""
    return ", ".join(t(f"labels.platform_{p}") for p in platforms)
