"""Evaluation periods across every day of a common and a leap year: month ends, quarter
boundaries and 29/02 included (no database)."""

from datetime import date, timedelta

import pytest

from handlers.dates import parse_day
from handlers.forms import Invalid
from handlers.periods import Calendar, Period, open_period, quarter_of, upcoming_period


def days(year: int):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


@pytest.mark.parametrize("year", [2027, 2028])
def test_every_day_has_its_quarter_and_a_next_window(year):
    for day in days(year):
        assert quarter_of(day).quarter == (day.month - 1) // 3 + 1
        assert upcoming_period(day).opens > day


@pytest.mark.parametrize("year", [2027, 2028])
def test_the_windows_of_a_year(year):
    windows: dict[str, list[date]] = {}
    for day in days(year):
        period = open_period(day)
        if period is not None:
            windows.setdefault(period.key, []).append(day)
    assert {key: (d[0], d[-1]) for key, d in windows.items()} == {
        f"{year}Q1": (date(year, 3, 20), date(year, 4, 5)),
        f"{year}Q2": (date(year, 6, 20), date(year, 7, 5)),
        f"{year}Q3": (date(year, 9, 20), date(year, 10, 5)),
        f"{year}Q4": (date(year, 12, 1), date(year, 12, 15)),
    }


def test_the_latest_open_and_due_days_a_commune_can_choose_are_real_days():
    calendar = Calendar(open_day=28, due_day=28)  # the settings' upper bounds
    for year in (2027, 2028):
        for quarter in (1, 2, 3, 4):
            period = Period(year, quarter, calendar)
            assert period.opens <= period.due


def test_dates_typed_on_a_leap_day_and_at_a_year_end():
    assert parse_day("29/02/2028", date(2028, 2, 29)) == date(2028, 2, 29)
    assert parse_day("hôm qua", date(2028, 3, 1)) == date(2028, 2, 29)
    assert parse_day("31/12/27", date(2028, 1, 1)) == date(2027, 12, 31)
    with pytest.raises(Invalid, match="29/02/2027"):
        parse_day("29/02/2027", date(2027, 3, 1))
