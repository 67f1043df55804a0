"""What a target's chart shows, read from the database: the plain figures charts.py draws, so
the chat and the web desk draw the same thing and a test can read the counts.

A target measured on ratings (4) gets its ratings over the last periods; one measured on
training (1, 2, 3) gets the verified courses it counts by month: only its own categories,
by officials of its populations, and only from the plan's training period on (a course done
before `training_from` counts for no target, so no bar shows it).
"""

from dataclasses import dataclass
from datetime import date

from handlers.periods import Period
from handlers.services.summaries.scope import Scope
from knowledge.retirement import add_months
from knowledge.targets import Target, Targets
from knowledge.vocabulary import CourseCategory, Rating
from storage.repo import Repo

RATING_PERIODS = 4  # the rating chart shows this many periods, up to the summary's
TRAINING_MONTHS = 12  # the training chart shows at most this many months, up to the as-of day

Month = tuple[int, int]  # (year, month)


@dataclass(frozen=True)
class RatingsChart:
    where: str
    periods: list[Period]  # oldest first; the summary's last
    counts: dict[str, dict[Rating, int]]  # period key → rating → officials
    headcount: int  # officials in scope: those not counted were not rated


@dataclass(frozen=True)
class TrainingChart:
    number: int  # the target's
    where: str
    since: date  # the first day counted
    until: date  # the last day counted (the as-of day)
    months: list[Month]
    counts: dict[Month, dict[CourseCategory, int]]

    @property
    def total(self) -> int:
        return sum(sum(by.values()) for by in self.counts.values())


def has_chart(target: Target) -> bool:
    """Whether `target_chart` draws anything for this target (ratings or training)."""
    return any(i.spec.rates or i.spec.trains for i in target.indicators)


async def target_chart(
    repo: Repo, targets: Targets, target: Target, scope: Scope
) -> RatingsChart | TrainingChart | None:
    """The chart's figures for `target` in `scope`; None for a target with no chart."""
    specs = [indicator.spec for indicator in target.indicators]
    if any(spec.rates for spec in specs):
        periods = [scope.period]
        while len(periods) < RATING_PERIODS:
            periods.insert(0, periods[0].previous())
        counts = await repo.summaries.rating_counts([p.key for p in periods], scope.unit_id)
        headcount = await repo.summaries.count_in_scope(scope.unit_id)
        return RatingsChart(scope.name, periods, counts, headcount)
    if any(spec.trains for spec in specs):
        since = _training_since(scope.as_of, targets.training_from)
        counts = await repo.summaries.verified_by_month(since, scope.as_of, scope.unit_id, specs)
        return TrainingChart(
            target.number,
            scope.name,
            since,
            scope.as_of,
            months_between(since, scope.as_of),
            counts,
        )
    return None


def _training_since(as_of: date, training_from: date | None) -> date:
    """The first day the training chart counts: TRAINING_MONTHS whole months back, or the
    start of the plan's training period if that is later (never after the as-of day)."""
    since = add_months(as_of.replace(day=1), 1 - TRAINING_MONTHS)
    if training_from is not None and training_from > since:
        since = min(training_from, as_of)
    return since


def months_between(first: date, last: date) -> list[Month]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append((day.year, day.month))
        day = add_months(day, 1)
    return months
