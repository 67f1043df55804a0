"""Statutory retirement age by birth date and gender (Bộ luật Lao động 2019, Điều 169;
Nghị định 135/2020, Phụ lục I), and the cutoff that turns "years left" into SQL."""

from datetime import date, timedelta

import pytest

from knowledge.retirement import (
    add_months,
    latest_birth_retiring_by,
    retirement_age,
    retirement_date,
)
from knowledge.targets import load_targets
from knowledge.vocabulary import Gender

M, F = Gender.MALE, Gender.FEMALE


@pytest.mark.parametrize(
    "born, gender, age, retires",
    [
        (date(1955, 6, 1), M, (60, 0), date(2015, 6, 1)),  # before the 2019 Code
        (date(1961, 1, 15), M, (60, 3), date(2021, 4, 15)),  # the decree: pension from 5/2021
        (date(1961, 9, 1), M, (60, 3), date(2021, 12, 1)),
        (date(1961, 10, 1), M, (60, 6), date(2022, 4, 1)),  # 60y3m would fall in 2022
        (date(1965, 3, 15), M, (61, 6), date(2026, 9, 15)),  # 2026: 61y6m (DOMAIN.md)
        (date(1966, 6, 10), M, (62, 0), date(2028, 6, 10)),  # 2028: the final 62
        (date(1980, 5, 5), M, (62, 0), date(2042, 5, 5)),
        (date(1966, 1, 20), F, (55, 4), date(2021, 5, 20)),
        (date(1966, 9, 1), F, (55, 8), date(2022, 5, 1)),  # 55y4m would fall in 2022
        (date(1969, 2, 10), F, (56, 8), date(2025, 10, 10)),  # reaches 2025's age in 2025
        (date(1969, 6, 10), F, (57, 0), date(2026, 6, 10)),  # 2026: 57y0m (DOMAIN.md)
        (date(1973, 12, 31), F, (59, 0), date(2032, 12, 31)),
        (date(1974, 1, 1), F, (59, 4), date(2033, 5, 1)),  # a day later, the next year's age
        (date(1975, 1, 1), F, (59, 8), date(2034, 9, 1)),
        (date(1975, 6, 1), F, (60, 0), date(2035, 6, 1)),  # 2035: the final 60
        (date(1985, 5, 5), F, (60, 0), date(2045, 5, 5)),
    ],
)
def test_retirement_age_and_date(born, gender, age, retires):
    assert retirement_age(born, gender) == age
    assert retirement_date(born, gender) == retires


def test_month_ends_are_kept_inside_the_month():
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), -2) == date(2023, 11, 30)


@pytest.mark.parametrize("gender", [M, F])
def test_retirement_never_comes_earlier_for_someone_born_later(gender):
    born, previous = date(1955, 1, 1), date.min
    while born < date(1990, 1, 1):
        retires = retirement_date(born, gender)
        assert retires >= previous, born
        previous, born = retires, born + timedelta(days=3)


@pytest.mark.parametrize(
    "day, gender, cutoff",
    [
        (date(2032, 11, 27), M, date(1970, 11, 27)),  # 62 in 2032
        (date(2032, 11, 27), F, date(1973, 11, 27)),  # 59y0m in 2032
        (date(2026, 9, 15), M, date(1965, 3, 15)),
    ],
)
def test_the_latest_birth_date_retiring_by_a_day(day, gender, cutoff):
    assert latest_birth_retiring_by(day, gender) == cutoff
    assert (
        retirement_date(cutoff, gender) <= day < retirement_date(cutoff + timedelta(days=1), gender)
    )


def test_targets_yaml_holds_the_same_rule():
    rules = load_targets().retirement
    assert retirement_age(date(1965, 3, 15), M, rules) == (61, 6)
    assert retirement_age(date(1969, 6, 10), F, rules) == (57, 0)
