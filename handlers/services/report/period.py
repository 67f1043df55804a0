"""What a periodic report covers: the first half of a year (sơ kết 6 tháng, "2026H1") or the
whole year (tổng kết năm, "2026").

Accepted as typed (case, spaces and diacritics do not matter): "2026H1", "H1/2026",
"6T2026", "6 tháng 2026" for the first half; "2026", "năm 2026" for the year.

With no period named, the report being written now: in June the half-year ending, in
December the year ending (reports are written in the period's last month); in other months
the latest one that has ended (January–May: last year's; July–November: this year's first
half).
"""

import re
from dataclasses import dataclass
from datetime import date

from handlers.errors import UserError
from handlers.formatting import show_date
from handlers.periods import Calendar, Period
from handlers.texts import t
from knowledge.normalize import fold

FIRST_HALF = (
    re.compile(r"^(20\d\d)h1$"),
    re.compile(r"^h1(20\d\d)$"),
    re.compile(r"^6t(?:hang)?(20\d\d)$"),
)
WHOLE_YEAR = re.compile(r"^(?:nam)?(20\d\d)$")


class ReportPeriodError(UserError):
    """The period asked for is not one a report can be made of; the message is the reply."""


@dataclass(frozen=True)
class ReportPeriod:
    year: int
    half: bool  # True: January–June; False: the whole year

    @property
    def key(self) -> str:
        return f"{self.year}H1" if self.half else str(self.year)

    @property
    def first_day(self) -> date:
        return date(self.year, 1, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 6, 30) if self.half else date(self.year, 12, 31)

    def rating_period(self, cal: Calendar | None = None) -> Period:
        """The evaluation period /tonghop reports at the end: 2026H1 → 2026Q2; 2026 → 2026Q4
        (the annual evaluation)."""
        return Period(self.year, 2 if self.half else 4, cal or Calendar())

    def evaluation_periods(self, cal: Calendar | None = None) -> list[Period]:
        """Every evaluation period within: Q1, Q2 (and Q3, the annual Q4 for a year)."""
        return [Period(self.year, q, cal or Calendar()) for q in range(1, 3 if self.half else 5)]

    @property
    def label(self) -> str:
        """ "sơ kết 6 tháng đầu năm 2026", "tổng kết năm 2026"."""
        return t("report.period_half" if self.half else "report.period_year", year=self.year)


def parse_report_period(typed: str) -> ReportPeriod:
    """ReportPeriodError for what is not a report period."""
    word = fold(typed).replace(" ", "").replace("/", "").replace("-", "")
    for pattern in FIRST_HALF:
        if found := pattern.match(word):
            return ReportPeriod(int(found[1]), half=True)
    if found := WHOLE_YEAR.match(word):
        return ReportPeriod(int(found[1]), half=False)
    raise ReportPeriodError(t("report.bad_period", value=typed.strip()[:20]))


def default_report_period(today: date) -> ReportPeriod:
    if today.month == 6:
        return ReportPeriod(today.year, half=True)
    if today.month == 12:
        return ReportPeriod(today.year, half=False)
    if today.month < 6:
        return ReportPeriod(today.year - 1, half=False)
    return ReportPeriod(today.year, half=True)


def asked_period(typed: str | None, today: date) -> ReportPeriod:
    """The period typed (or the default one), refused if it has not begun by `today`."""
    period = parse_report_period(typed) if typed and typed.strip() else None
    return check_begun(period or default_report_period(today), today)


def check_begun(period: ReportPeriod, today: date) -> ReportPeriod:
    """`period`, refused if it has not begun by `today`."""
    if period.first_day > today:
        raise ReportPeriodError(
            t("report.not_started", period=period.label, start=show_date(period.first_day))
        )
    return period
