"""Evaluation periods: quarters in local time; Q4 is folded into the annual evaluation.

Q1–Q3 open on `open_day` of the quarter's last month and are due on `due_day` of the next
month; the annual one (key "2026Q4") opens on `annual_open` and is due on `annual_due`
(before 15 December, per the Party's rules).
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from handlers.texts import t

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
KEY = re.compile(r"^(20\d\d)\s*[Qq]\s*([1-4])$")  # this century's: "1900Q1" is a typo


@dataclass(frozen=True)
class Calendar:
    open_day: int = 20
    due_day: int = 5
    reminder_days: tuple[int, ...] = (3, 1)
    annual_open: tuple[int, int] = (12, 1)  # (month, day)
    annual_due: tuple[int, int] = (12, 15)


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int
    calendar: Calendar = field(default_factory=Calendar, compare=False, repr=False)

    @classmethod
    def parse(cls, key: str, calendar: Calendar | None = None) -> "Period":
        found = KEY.match(key.strip())
        if not found:
            raise ValueError(f"not a period: {key!r}")
        return cls(int(found[1]), int(found[2]), calendar or Calendar())

    @property
    def key(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def annual(self) -> bool:
        return self.quarter == 4

    @property
    def opens(self) -> date:
        if self.annual:
            return date(self.year, *self.calendar.annual_open)
        return date(self.year, 3 * self.quarter, self.calendar.open_day)

    @property
    def due(self) -> date:
        if self.annual:
            return date(self.year, *self.calendar.annual_due)
        return date(self.year, 3 * self.quarter + 1, self.calendar.due_day)

    def reminders(self) -> list[tuple[int, date]]:
        """(days before the deadline, the day) for each reminder."""
        return [(days, self.due - timedelta(days=days)) for days in self.calendar.reminder_days]

    def is_open(self, day: date) -> bool:
        return self.opens <= day <= self.due

    def previous(self) -> "Period":
        if self.quarter == 1:
            return Period(self.year - 1, 4, self.calendar)
        return Period(self.year, self.quarter - 1, self.calendar)

    def next(self) -> "Period":
        if self.quarter == 4:
            return Period(self.year + 1, 1, self.calendar)
        return Period(self.year, self.quarter + 1, self.calendar)


def quarter_of(day: date, calendar: Calendar | None = None) -> Period:
    return Period(day.year, (day.month - 1) // 3 + 1, calendar or Calendar())


def open_period(day: date, calendar: Calendar | None = None) -> Period | None:
    """The period whose self-evaluation window contains `day`, if any."""
    current = quarter_of(day, calendar)
    for period in (current, current.previous()):
        if period.is_open(day):
            return period
    return None


def current_period(day: date, calendar: Calendar | None = None) -> Period:
    """ "This period": the one open on `day`, else the latest whose window has passed (on
    15/05/2026: 2026Q1; on 20/12/2026: 2026Q4, the annual one). What summaries report on,
    announcements target and leaders review when no period is named."""
    period = open_period(day, calendar)
    if period is not None:
        return period
    period = quarter_of(day, calendar)
    while period.due >= day:
        period = period.previous()
    return period


def upcoming_period(day: date, calendar: Calendar | None = None) -> Period:
    """The next period to open after `day`."""
    period = quarter_of(day, calendar)
    while period.opens <= day:
        period = period.next()
    return period


def period_label(period: Period) -> str:
    """ "quý II/2026", or for the annual evaluation "năm 2026 (…)", as every message says it."""
    if period.annual:
        return t("evaluation.period_year", year=period.year)
    return t("evaluation.period_quarter", roman=ROMAN[period.quarter], year=period.year)
