"""Statutory retirement age (Bộ luật Lao động 2019, Điều 169; Nghị định 135/2020, Phụ lục I).

From 2021 the age rises each year, from 60y3m for men by 3 months a year to 62y (2028), and
from 55y4m for women by 4 months a year to 60y (2035). Whoever reaches the age of year Y
during Y retires at it: a man born 01/1961 reaches 60y3m in 04/2021; one born 10/1961 would
reach 60y3m only in 2022, where the age is 60y6m, so he retires in 04/2022 (his pension starts
the month after, as the decree's table shows). Pure functions: the indicator queries turn
"more than six years left" into a birth-date cutoff, so no official is looped over.
"""

import calendar
from dataclasses import dataclass
from datetime import date

from knowledge.vocabulary import Gender


@dataclass(frozen=True)
class RetirementRule:
    first_year: int  # the first year of the rising schedule
    first_months: int  # the age that year, in months
    step_months: int  # added each following year
    final_months: int  # where the rise stops

    def age_months(self, year: int) -> int:
        """The retirement age, in months, of those reaching it during `year`."""
        if year < self.first_year:  # the age before the 2019 Code: one step below the first
            return self.first_months - self.step_months
        return min(
            self.first_months + self.step_months * (year - self.first_year), self.final_months
        )


RULES = {
    Gender.MALE: RetirementRule(2021, 60 * 12 + 3, 3, 62 * 12),
    Gender.FEMALE: RetirementRule(2021, 55 * 12 + 4, 4, 60 * 12),
}


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months; the 31st becomes the last day of a shorter month."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def whole_months(start: date, end: date) -> int:
    """Whole months from `start` to `end` (0 once `end` has come): to a retirement day."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def retirement_date(birth: date, gender: Gender, rules: dict = RULES) -> date:
    """The day an official born on `birth` reaches their statutory retirement age."""
    rule: RetirementRule = rules[Gender(gender)]
    year = birth.year + (rule.first_months - rule.step_months) // 12
    while True:
        reached = add_months(birth, rule.age_months(year))
        if reached.year <= year:
            return reached
        year += 1


def retirement_age(birth: date, gender: Gender, rules: dict = RULES) -> tuple[int, int]:
    """(years, months) of the retirement age that applies to this official."""
    reached = retirement_date(birth, gender, rules)
    months = (reached.year - birth.year) * 12 + reached.month - birth.month
    return divmod(months, 12)


def latest_birth_retiring_by(day: date, gender: Gender, rules: dict = RULES) -> date:
    """The latest birth date whose retirement date is on or before `day`.

    Retirement dates never go down as birth dates go up, so a binary search finds it, and
    "retires after `day`" is exactly "born after this date".
    """
    low, high = date(day.year - 100, 1, 1).toordinal(), day.toordinal()
    while low < high:  # the last ordinal whose retirement is on or before `day`
        middle = (low + high + 1) // 2
        if retirement_date(date.fromordinal(middle), gender, rules) <= day:
            low = middle
        else:
            high = middle - 1
    return date.fromordinal(low)
