"""What a periodic report covers: the first half of a year (sơ kết 6 tháng, "2026H1") or the
whole year (tổng kết năm, "2026").

Accepted as typed (case, spaces, diacritics and full-width characters do not matter):
"2026H1", "H1/2026", "6T2026", "6 tháng 2026", "6 tháng đầu năm 2026" (also with «sơ kết»
before it) for the first half; "2026", "năm 2026", "tổng kết năm 2026" for the year. "6 tháng
cuối năm" is not a report period: it is refused, never read as the first half.

A report is of the plan's work: periods that end before the plan's period starts (targets.yaml
`training_from`, 01/01/2026) are refused, and so are periods not yet begun.

With no period named, the report being written now: in June the half-year ending, in
December the year ending (reports are written in the period's last month); in other months
the latest one that has ended (January–May: last year's; July–November: this year's first
half) — but never one before the plan: then the plan's first period.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from handlers.errors import UserError
from handlers.formatting import echo, show_date
from handlers.periods import Calendar, Period
from handlers.texts import t
from knowledge.normalize import fold

# Matched against the folded text without spaces: "6 tháng đầu năm 2026" → "6thangdaunam2026".
FIRST_HALF = (
    re.compile(r"^(?:soket)?(20[0-9]{2})h1$"),
    re.compile(r"^(?:soket)?h1(20[0-9]{2})$"),
    re.compile(r"^(?:soket)?6t(?:hang)?(?:dau)?(?:nam)?(20[0-9]{2})$"),
)
WHOLE_YEAR = re.compile(r"^(?:tongket)?(?:nam)?(20[0-9]{2})$")


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
    word = fold(unicodedata.normalize("NFKC", typed)).replace(" ", "")
    for pattern in FIRST_HALF:
        if found := pattern.match(word):
            return ReportPeriod(int(found[1]), half=True)
    if found := WHOLE_YEAR.match(word):
        return ReportPeriod(int(found[1]), half=False)
    raise ReportPeriodError(t("report.bad_period", value=echo(typed)))


def first_period(plan_from: date) -> ReportPeriod:
    """The plan's first report period: the half-year (or, from July, the year) it starts in."""
    return ReportPeriod(plan_from.year, half=plan_from.month <= 6)


def in_plan(period: ReportPeriod, plan_from: date | None) -> bool:
    """Whether the period ends on or after the day the plan's period starts (None: no start)."""
    return plan_from is None or period.last_day >= plan_from


def default_report_period(today: date, plan_from: date | None = None) -> ReportPeriod:
    if today.month == 6:
        period = ReportPeriod(today.year, half=True)
    elif today.month == 12:
        period = ReportPeriod(today.year, half=False)
    elif today.month < 6:
        period = ReportPeriod(today.year - 1, half=False)
    else:
        period = ReportPeriod(today.year, half=True)
    return period if in_plan(period, plan_from) else first_period(plan_from)


def asked_period(typed: str | None, today: date, plan_from: date | None) -> ReportPeriod:
    """The period typed (or the default one), refused if it ends before the plan's period
    starts (`plan_from`) or has not begun by `today`."""
    period = parse_report_period(typed) if typed and typed.strip() else None
    return check_period(period or default_report_period(today, plan_from), today, plan_from)


def commune_period(typed: str | None, today: date, plan_from: date | None) -> ReportPeriod:
    """/baocaodinhky's period: as `asked_period`, but a word typed beside a period (a unit's
    code: «2026 VPUB») is refused as what it is: the report is the whole commune's."""
    try:
        return asked_period(typed, today, plan_from)
    except ReportPeriodError:
        words = (typed or "").split()
        if len(words) > 1:
            for period, extra in ((words[:-1], words[-1]), (words[1:], words[0])):
                try:
                    parse_report_period(" ".join(period))
                except ReportPeriodError:
                    continue
                said = " ".join(period)
                raise ReportPeriodError(
                    t("report.commune_only", unit=echo(extra), period=echo(said))
                ) from None
        raise


def check_period(period: ReportPeriod, today: date, plan_from: date | None) -> ReportPeriod:
    """`period`, refused if it ends before the plan's period starts or has not begun."""
    if not in_plan(period, plan_from):
        first = first_period(plan_from)
        raise ReportPeriodError(
            t(
                "report.before_plan",
                period=period.label,
                start=show_date(plan_from),
                first=first.label,
                first_key=first.key,
            )
        )
    if period.first_day > today:
        raise ReportPeriodError(
            t("report.not_started", period=period.label, start=show_date(period.first_day))
        )
    return period
