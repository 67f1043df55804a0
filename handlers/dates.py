"""Dates as officials type them: 05/11/2026, 5/11/26, 5-11-2026, "hôm nay", "hôm qua"; and
for what is still to come, "ngày mai", "5/11" (the next 5 November) and a time of day."""

import re
import unicodedata
from datetime import date, datetime, time, timedelta

from handlers.forms import Invalid
from handlers.texts import t
from knowledge.normalize import fold

_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
RELATIVE = {"hom nay": 0, "nay": 0, "hom qua": 1, "qua": 1, "hom kia": 2}
AHEAD = {"hom nay": 0, "nay": 0, "ngay mai": 1, "mai": 1, "ngay kia": 2, "ngay mot": 2}
EARLIEST = date(1970, 1, 1)
RECENT = timedelta(days=31)  # "5/12" typed on 6/12 means the day before, not next year
# A day to come, with or without its year, then a time: "05/03/2028 08:00", "5/3 8h",
# "ngày mai 8 giờ 30", "hôm nay 17:00", or the time alone for today. The hour needs its
# ":", "h" or "giờ", so that a bare number is never taken for a time.
_MOMENT = re.compile(r"^(?:(?P<day>.+?)\s+)?(?P<hour>\d{1,2})\s*[:.h]\s*(?P<minute>\d{2})?$")
_HOUR_WORDS = re.compile(r"\s*(?:giờ|gio|g)(?=\s*\d|\s*$)")
_DAY_MONTH = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{2}|\d{4}))?$")


def parse_day(text: str, today: date) -> date:
    """A past or present date; raises Invalid with a message that says what to type."""
    folded = fold(text)
    if folded in RELATIVE:
        return today - timedelta(days=RELATIVE[folded])
    found = _NUMERIC.match(text.strip())
    if not found:
        raise Invalid(t("dates.format"))
    day, month, year = (int(part) for part in found.groups())
    if year < 100:  # "26" is 2026, "98" is 1998
        year += 2000 if 2000 + year <= today.year else 1900
    try:
        value = date(year, month, day)
    except ValueError:
        raise Invalid(t("dates.no_such_day", text=text.strip())) from None
    if value > today:
        raise Invalid(t("dates.future"))
    if value < EARLIEST:
        raise Invalid(t("dates.too_old"))
    return value


def parse_moment(text: str, now: datetime, latest: date) -> datetime:
    """A local time from `now` (timezone-aware) to the end of `latest`; raises Invalid
    saying what to type."""
    typed = _HOUR_WORDS.sub("h", " ".join(unicodedata.normalize("NFC", text).lower().split()))
    found = _MOMENT.match(typed)
    if not found:
        raise Invalid(t("dates.moment_format"))
    today = now.date()
    day = _coming_day(found["day"], today) if found["day"] else today
    try:
        moment = datetime.combine(
            day, time(int(found["hour"]), int(found["minute"] or 0)), tzinfo=now.tzinfo
        )
    except ValueError:
        raise Invalid(t("dates.moment_format")) from None
    if moment < now:
        raise Invalid(t("dates.moment_past"))
    if day > latest:
        raise Invalid(t("dates.moment_far", latest=latest.strftime("%d/%m/%Y")))
    return moment


def _coming_day(text: str, today: date) -> date:
    folded = fold(text)
    if folded in AHEAD:
        return today + timedelta(days=AHEAD[folded])
    if folded in RELATIVE:  # "hôm qua"
        raise Invalid(t("dates.moment_past"))
    found = _DAY_MONTH.match(re.sub(r"^(?:ngày|ngay)\s+", "", text.strip(), flags=re.I))
    if not found:
        raise Invalid(t("dates.moment_format"))
    day, month = int(found[1]), int(found[2])
    year = int(found[3]) if found[3] else today.year
    year += 2000 if year < 100 else 0
    if not found[3]:  # "5/3" typed in December: next March; "5/12" typed on 6/12: past
        return _next(day, month, today, text)
    try:
        return date(year, month, day)
    except ValueError:
        raise Invalid(t("dates.no_such_day", text=text.strip())) from None


def _next(day: int, month: int, today: date, text: str) -> date:
    """The next day/month from `today` on (29/02: the next leap year's); one of the last
    RECENT days is taken as meant for this year, so refused as past."""
    for year in range(today.year, today.year + 5):
        try:
            value = date(year, month, day)
        except ValueError:
            continue
        if value >= today or (year == today.year and today - value <= RECENT):
            return value
    raise Invalid(t("dates.no_such_day", text=text.strip()))
