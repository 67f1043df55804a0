"""How dates and times are shown: dd/mm/yyyy in local time."""

from datetime import date, datetime
from zoneinfo import ZoneInfo


def show_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def local_date(moment: datetime, zone: ZoneInfo) -> str:
    return show_date(moment.astimezone(zone).date())


def show_datetime(moment: datetime) -> str:
    return moment.strftime("%d/%m/%Y %H:%M")


def local_datetime(moment: datetime, zone: ZoneInfo) -> str:
    return show_datetime(moment.astimezone(zone))
