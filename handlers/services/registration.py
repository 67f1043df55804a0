"""The annual training registration window (plan III.2.d: «hằng năm đăng ký đào tạo, đào tạo
lại, bồi dưỡng»): which window a day falls in, whether it is open, the year registered for,
when it next opens; the forms of study offered; which of an official's gaps a course may
serve, and whether a registration repeats one already made.

The plan gives no dates: the window is the commune's choice. By default it runs from 01/10 to
15/11 of a year, for training in the next year; admins change it with /handangky, and it is
stored as a commune setting.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from handlers.texts import options, t
from knowledge.courses import Catalogue
from knowledge.normalize import fold
from knowledge.road import Gap
from storage.models import TrainingRegistration
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


# -- which gaps a registration may serve ----------------------------------------------------


def gap_rows(gaps: Sequence[Gap]) -> list[list]:
    """The road's gaps as kept in the form's answers (JSON): key, title, the categories of
    training that close it, the catalogue courses that do, and the level it asks for (None
    where any course of its categories counts)."""
    return [
        [
            gap.key,
            gap.title,
            sorted({gap.category.value, *(c.category.value for c in gap.courses)}),
            [c.id for c in gap.courses],
            gap.level,
        ]
        for gap in gaps
    ]


def closing_gaps(
    rows: Sequence[list], category: str | None, course_id: str | None, catalogue: Catalogue
) -> list[tuple[str, str]]:
    """(key, title) of the gaps a course of `category` (the catalogue's `course_id`, if it is
    one) can close. A catalogue course closes a gap only if the gap names it among its courses
    of that category (Trung cấp LLCT does not close «Cao cấp LLCT»). A course typed freely
    (level unknown) closes only a gap that any course of its category meets (a level of
    political theory, a degree is met by the level reached: not by a name typed)."""
    closing = []
    for key, title, categories, course_ids, level in (_row(row) for row in rows):
        if category is None:
            closing.append((key, title))
            continue
        if category not in categories:
            continue
        of_category = [c for c in course_ids if _category(catalogue, c) == category]
        if course_id is None:
            if level is None:
                closing.append((key, title))
        elif course_id in of_category or not of_category:
            closing.append((key, title))
    return closing


_UNKNOWN = "?"  # the level of a row kept by an older version: taken as one


def _row(row: list) -> tuple[str, str, list[str], list[str], str | None]:
    # Rows kept by an older version of the form: [key, title, category] or without the level.
    key, title, categories, *rest = row
    categories = [categories] if isinstance(categories, str) else categories
    course_ids = rest[0] if rest else []
    level = rest[1] if len(rest) > 1 else (_UNKNOWN if course_ids else None)
    return key, title, categories, course_ids, level


def _category(catalogue: Catalogue, course_id: str) -> str | None:
    course = catalogue.get(course_id)
    return course.category.value if course else None


def same_course(
    registration: TrainingRegistration,
    course_id: str | None,
    course_name: str,
    specialisation: str | None,
) -> bool:
    """Whether `registration` is for the same course (the catalogue's, else by name, case and
    diacritics aside) and the same specialisation."""
    if course_id or registration.course_id:
        course = course_id == registration.course_id
    else:
        course = fold(course_name) == fold(registration.course_name)
    return course and fold(specialisation or "") == fold(registration.specialisation or "")
