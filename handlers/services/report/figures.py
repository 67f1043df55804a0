"""What the periodic report shows, read from the database: /tonghop's figures for the same
day, the verified training of the period by category, and the ratings of each evaluation
period within it. Figures only, no names."""

from dataclasses import dataclass
from datetime import date

from handlers.periods import Calendar, Period
from handlers.services.report.period import ReportPeriod
from handlers.services.summaries.figures import Summary, summarise
from handlers.services.summaries.scope import Scope, when
from knowledge.targets import Targets
from knowledge.vocabulary import CourseCategory, Rating
from storage.models import Unit
from storage.repo import Repo

RATINGS = (Rating.XUAT_SAC, Rating.TOT, Rating.HOAN_THANH, Rating.KHONG_HOAN_THANH)


@dataclass(frozen=True)
class TrainingRow:
    category: CourseCategory
    reports: int
    officials: int


@dataclass(frozen=True)
class RatingRow:
    period: Period
    counts: dict[Rating, int]
    headcount: int  # officials in scope now

    @property
    def not_submitted(self) -> int:
        return max(self.headcount - sum(self.counts.values()), 0)


@dataclass(frozen=True)
class ReportData:
    period: ReportPeriod
    summary: Summary  # /tonghop's for the report's day and rating period
    since: date  # the first day training is counted
    training: list[TrainingRow]  # every category, in the vocabulary's order
    trained: int  # officials with any verified course in the period
    ratings: list[RatingRow]  # the evaluation periods opened by the report's day

    @property
    def scope(self) -> Scope:
        return self.summary.scope


def report_scope(period: ReportPeriod, unit: Unit | None, today: date, cal: Calendar) -> Scope:
    """/tonghop's scope for the period's last evaluation period, taken on its last day (the
    period's last day), or today if that is sooner: scope.when, as `/tonghop 2026Q2` does."""
    rating_period, as_of = when(today, period.rating_period(cal), cal)
    return Scope(unit, rating_period, as_of, today)


async def gather(
    repo: Repo, targets: Targets, period: ReportPeriod, scope: Scope, cal: Calendar
) -> ReportData:
    summary = await summarise(repo, targets, scope)
    since = max(period.first_day, targets.training_from or period.first_day)
    by_category, trained = await repo.summaries.verified_by_category(
        since, scope.as_of, scope.unit_id
    )
    training = [TrainingRow(c, *by_category.get(c, (0, 0))) for c in CourseCategory]
    opened = [p for p in period.evaluation_periods(cal) if p.opens <= scope.today]
    counts = await repo.summaries.rating_counts([p.key for p in opened], scope.unit_id)
    ratings = [RatingRow(p, counts[p.key], summary.headcount) for p in opened]
    return ReportData(period, summary, since, training, trained, ratings)
