"""Evaluation periods across every day of a common and a leap year: month ends, quarter
boundaries and 29/02 included (no database)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers.dates import parse_day, parse_moment
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


NOW = datetime(2026, 12, 6, 14, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
A_YEAR = date(2027, 12, 7)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("hôm nay 17:00", "06/12/2026 17:00"),  # today, not a year later
        ("hom nay 17h", "06/12/2026 17:00"),
        ("17:00", "06/12/2026 17:00"),
        ("ngày mai 8h30", "07/12/2026 08:30"),
        ("ngay mai 8 gio", "07/12/2026 08:00"),
        ("6/12 17:00", "06/12/2026 17:00"),
        ("ngày 5/3 8h", "05/03/2027 08:00"),  # the next 5 March
        ("01/12/2027 08:00", "01/12/2027 08:00"),
    ],
)
def test_a_time_to_come_as_typed(typed, expected):
    assert parse_moment(typed, NOW, A_YEAR).strftime("%d/%m/%Y %H:%M") == expected


@pytest.mark.parametrize(
    "typed, problem",
    [
        ("hôm nay 10:00", "đã qua"),
        ("hôm qua 17:00", "đã qua"),
        ("1/12/2026 8:00", "đã qua"),
        ("29/02/2028 08:00", "đến hết ngày 07/12/2027"),
        ("31/02 8h", "Không có ngày 31/02"),
        ("8", "Chưa đúng dạng"),
        ("24:00", "Chưa đúng dạng"),
        ("tuần sau", "Chưa đúng dạng"),
    ],
)
def test_a_time_that_cannot_be_is_explained(typed, problem):
    with pytest.raises(Invalid, match=problem):
        parse_moment(typed, NOW, A_YEAR)


def test_on_a_leap_day_a_year_ahead_is_a_real_day():
    leap = datetime(2028, 2, 29, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    moment = parse_moment("05/03/2028 08:00", leap, leap.date() + timedelta(days=366))
    assert moment.strftime("%d/%m/%Y %H:%M") == "05/03/2028 08:00"
