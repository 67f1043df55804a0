"""The annual training registration window (plan III.2.d: «hằng năm đăng ký đào tạo, đào tạo
lại, bồi dưỡng»): which window a day falls in, whether it is open, the year registered for,
when it next opens; and the forms of study offered.

The plan gives no dates: the window is the commune's choice. By default it runs from 01/10 to
15/11 of a year, for training in the next year; admins change it with /handangky, and it is
stored as a commune setting.
"""

import re
from dataclasses import dataclass
from datetime import date

from handlers.texts import options, t
from storage.repo import Repo

SETTING = "registration_window"
# The commune's choice, changeable with /handangky: (day, month), both in the same year.
DEFAULT_OPENS = (1, 10)
DEFAULT_CLOSES = (15, 11)
# A year with every day that a window may name: 29/02 is refused (it is not in every year).
_PLAIN_YEAR = 2025
_DAY_MONTH = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})$")


@dataclass(frozen=True)
class WindowDays:
    """The window as admins set it: (day, month) it opens and closes, both days included."""

    opens: tuple[int, int] = DEFAULT_OPENS
    closes: tuple[int, int] = DEFAULT_CLOSES

    def as_setting(self) -> dict:
        return {"opens": list(self.opens), "closes": list(self.closes)}


@dataclass(frozen=True)
class Window:
    """The window of one calendar year: registrations made in it are for the next year."""

    opens: date
    closes: date  # the last day registrations are taken

    @property
    def year(self) -> int:
        """The year the training registered in this window is for."""
        return self.opens.year + 1

    def is_open(self, today: date) -> bool:
        return self.opens <= today <= self.closes


class WindowInvalid(ValueError):
    """What an admin typed is not a window; the message says why, in Vietnamese."""


def study_form_label(key: str) -> str:
    """The Vietnamese name of a stored form of study; a key no longer listed shows as is."""
    return options("registration.study_forms").get(key, key)


def study_forms() -> dict[str, str]:
    return options("registration.study_forms")


async def window_days(repo: Repo) -> WindowDays:
    """The window admins set, or the commune's default."""
    stored = await repo.settings.get(SETTING)
    if not stored:
        return WindowDays()
    return WindowDays(tuple(stored["opens"]), tuple(stored["closes"]))


def window_in(days: WindowDays, year: int) -> Window:
    """The window of calendar year `year` (registering for `year` + 1)."""
    return Window(
        date(year, days.opens[1], days.opens[0]), date(year, days.closes[1], days.closes[0])
    )


def current_window(days: WindowDays, today: date) -> Window:
    """This year's window: open now, still to open, or already closed."""
    return window_in(days, today.year)


def next_window(days: WindowDays, today: date) -> Window:
    """The window open today, or the next one to open."""
    window = window_in(days, today.year)
    return window if today <= window.closes else window_in(days, today.year + 1)


def parse_window(opens: str, closes: str) -> WindowDays:
    """Two days typed as dd/mm; raises WindowInvalid saying what is wrong."""
    first, last = _day_month(opens), _day_month(closes)
    if (first[1], first[0]) >= (last[1], last[0]):
        raise WindowInvalid(t("registration.window_order"))
    return WindowDays(first, last)


def _day_month(text: str) -> tuple[int, int]:
    found = _DAY_MONTH.match(text.strip())
    if not found:
        raise WindowInvalid(t("registration.window_format", text=text.strip()))
    day, month = int(found[1]), int(found[2])
    if (day, month) == (29, 2):
        raise WindowInvalid(t("registration.window_leap_day"))
    try:
        date(_PLAIN_YEAR, month, day)
    except ValueError:
        raise WindowInvalid(t("registration.window_no_such_day", text=text.strip())) from None
    return day, month
