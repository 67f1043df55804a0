"""The plan's targets as indicators: what each measures, over whom, against what threshold,
and how a count is judged. The SQL that counts lives in storage/indicators.py.

A target's indicator (`Spec`, built from `knowledge/targets.yaml`) names a population and a
measure (the text after ":" is the argument):
  verified_course:CAT[,CAT…]  a VERIFIED course report of one of these categories, completed
                              on or before the as-of date (and on or after `training_from`)
  education_at_least:LEVEL    the recorded education level is LEVEL or higher
  political_theory_at_least:LEVEL   likewise for political theory (cử nhân = cao cấp)
  rating_at_least:RATING      the period's rating (confirmed, else proposed) is RATING or
                              higher; no evaluation for the period counts as not rated
  equipped | female | ethnic_minority   a flag on the record
Record-based measures read the record as it is now (it keeps no history); verified degree,
political-theory and state-management reports raise it when they are verified.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from knowledge.vocabulary import CourseCategory, EducationLevel, PoliticalTheoryLevel, Rating

# Who an indicator counts (among the active officials in scope).
POPULATIONS = {
    "all": "every official",
    "leadership": "standing committee, People's Council and Committee leaders",
    "vice_chairs": "vice-chairs of the People's Committee",
    "unit_heads": "heads and deputies of units",
    "managers": "holders of a leadership or management post: leadership and unit heads",
    "specialists": "specialist civil servants without a leadership post",
    "major_mismatch": "officials whose trained major does not fit their position",
}


def categories(arg: str) -> list[CourseCategory]:
    """The course categories a `verified_course:` measure names."""
    return [CourseCategory(c.strip()) for c in arg.split(",")]


def _no_argument(arg: str) -> None:
    if arg:
        raise ValueError(f"takes no argument, got {arg!r}")


# Each measure's name → the check of its argument (raises ValueError).
MEASURES: dict[str, Callable[[str], object]] = {
    "verified_course": categories,
    "education_at_least": EducationLevel,
    "political_theory_at_least": PoliticalTheoryLevel,
    "rating_at_least": Rating,
    "equipped": _no_argument,
    "female": _no_argument,
    "ethnic_minority": _no_argument,
}


def parse_measure(measure: str) -> tuple[str, str]:
    """A measure's name and argument; ValueError if either is not one the plan's counts know
    (for checking targets.yaml at load)."""
    name, _, arg = measure.partition(":")
    if name not in MEASURES:
        raise ValueError(f"unknown measure {name!r}")
    MEASURES[name](arg)
    return name, arg


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_DUE = "not_due"  # not met, but its deadline has not come
    NOT_MEASURED = "not_measured"  # the records hold nothing to measure it by
    NO_POPULATION = "no_population"  # nobody in scope belongs to its population


@dataclass(frozen=True)
class Spec:
    key: str  # "5a"
    population: str  # a key of POPULATIONS
    measure: str | None  # see the module's docstring; None: not measured
    compare: str = ">="  # ">=" or ">"
    threshold: float = 100  # a percentage, or a head count when `count` is true
    count: bool = False  # a head count ("at least one woman"), not a share
    deadline: date | None = None  # None: the deadline of the rating period

    @property
    def rates(self) -> bool:
        """Measured on the period's ratings."""
        return bool(self.measure) and self.measure.startswith("rating_at_least")

    @property
    def trains(self) -> bool:
        """Measured on verified course reports."""
        return bool(self.measure) and self.measure.startswith("verified_course")


@dataclass(frozen=True)
class Basis:
    """Where and when the figures are taken."""

    as_of: date  # reports completed on or before this day count
    period: str  # the evaluation period for ratings, "2026Q2"
    period_due: date  # its deadline (the ratings' deadline)
    unit_id: int | None = None  # None: the whole commune
    training_from: date | None = None  # reports completed before this day do not count
    # The day the summary is made: deadlines are judged on it ("has it come yet?"); the
    # as-of day when not given.
    today: date | None = None


@dataclass(frozen=True)
class Figure:
    spec: Spec
    numerator: int
    denominator: int
    status: Status

    @property
    def percentage(self) -> float | None:
        if self.spec.count or not self.spec.measure or not self.denominator:
            return None
        return 100 * self.numerator / self.denominator


def status(spec: Spec, numerator: int, denominator: int, basis: Basis) -> Status:
    if not spec.measure:
        return Status.NOT_MEASURED
    if not denominator:
        return Status.NO_POPULATION
    value = numerator if spec.count else 100 * numerator / denominator
    met = value > spec.threshold if spec.compare == ">" else value >= spec.threshold - 1e-9
    if met:
        return Status.MET
    deadline = spec.deadline or basis.period_due
    return Status.NOT_DUE if (basis.today or basis.as_of) <= deadline else Status.NOT_MET
