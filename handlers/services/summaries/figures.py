"""A summary's figures, and how one indicator reads in a message."""

from dataclasses import dataclass
from datetime import date

from handlers.formatting import show_date
from handlers.services.summaries.scope import Scope
from handlers.texts import t
from knowledge.indicators import Figure, Status
from knowledge.targets import Indicator, Targets
from storage.repo import Repo

ICONS = {
    Status.MET: "✅",
    Status.NOT_MET: "⚠️",
    Status.NOT_DUE: "⏳",
    Status.NOT_MEASURED: "➖",
    Status.NO_POPULATION: "▫️",
}


@dataclass(frozen=True)
class Summary:
    scope: Scope
    targets: Targets
    figures: dict[str, Figure]  # by indicator key
    headcount: int  # active officials in scope
    candidates: int  # below the education standard with more than six years left
    undated: int = 0  # below the education standard with no birth date: years left unknown

    def figure(self, indicator: Indicator) -> Figure:
        return self.figures[indicator.spec.key]


async def summarise(repo: Repo, targets: Targets, scope: Scope) -> Summary:
    basis = scope.basis(targets)
    figures = await repo.indicators.tally(targets.specs, basis)
    return Summary(
        scope=scope,
        targets=targets,
        figures={f.spec.key: f for f in figures},
        headcount=await repo.summaries.count_in_scope(scope.unit_id),
        candidates=await repo.indicators.count_degree_candidates(
            basis, targets.candidates_below, targets.candidates_years, targets.retirement
        ),
        undated=await repo.indicators.count_undated_below_standard(basis, targets.candidates_below),
    )


def percent(value: float | None) -> str:
    """66.666… → "66,7%"; whole numbers without decimals, Vietnamese decimal comma."""
    if value is None:
        return "—"
    text = f"{value:.1f}".removesuffix(".0")
    return text.replace(".", ",") + "%"


def goal(figure: Figure) -> str:
    spec = figure.spec
    sign = "≥" if spec.compare == ">=" else ">"
    if spec.count:
        return t("summaries.goal_count", sign=sign, threshold=int(spec.threshold))
    return t("summaries.goal_percent", sign=sign, threshold=percent(spec.threshold))


def value(figure: Figure) -> str:
    """ "12/40 (30%)", "2 người", "chưa đo" or "không có đối tượng"."""
    if figure.status == Status.NOT_MEASURED:
        return t("summaries.status_not_measured")
    if figure.status == Status.NO_POPULATION:
        return t("summaries.status_no_population")
    if figure.spec.count:
        return t("summaries.value_count", count=figure.numerator)
    return t(
        "summaries.value_share",
        numerator=figure.numerator,
        denominator=figure.denominator,
        percent=percent(figure.percentage),
    )


def status_word(figure: Figure) -> str:
    return t(f"summaries.status_{figure.status.value}")


def indicator_line(indicator: Indicator, figure: Figure) -> str:
    """One line of /tonghop: "✅ 2. Bồi dưỡng theo VTVL: 40/40 (100%) · cần ≥100%"."""
    if figure.status in (Status.NOT_MEASURED, Status.NO_POPULATION):
        return f"{ICONS[figure.status]} {indicator.short}: {value(figure)}"
    return t(
        "summaries.line",
        icon=ICONS[figure.status],
        name=indicator.short,
        value=value(figure),
        goal=goal(figure),
    )


def deadline(figure: Figure, scope: Scope) -> str:
    return show_date(deadline_day(figure, scope))


def deadline_day(figure: Figure, scope: Scope) -> date:
    """The day the indicator must be met by: its own, or the rating period's deadline."""
    return figure.spec.deadline or scope.period.due
