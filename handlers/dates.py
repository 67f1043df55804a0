"""Dates as officials type them: 05/11/2026, 5/11/26, 5-11-2026, "hôm nay", "hôm qua"."""

import re
from datetime import date, timedelta

from handlers.forms import Invalid
from handlers.texts import t
from knowledge.normalize import fold

_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
RELATIVE = {"hom nay": 0, "nay": 0, "hom qua": 1, "qua": 1, "hom kia": 2}
EARLIEST = date(1970, 1, 1)


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
