"""The reads that show names: one target in detail (who is missing from each indicator, the
university candidates of target 7) and who has not submitted the period's self-evaluation.
Shared by the chat (/chitieu N, /chuanop) and the web desk; each read is audited here, so
both write the same entry."""

from dataclasses import dataclass

from handlers.services.summaries.scope import Scope
from knowledge.indicators import Figure
from knowledge.targets import Indicator, Target, Targets
from storage.models import Official
from storage.repo import Repo


@dataclass(frozen=True)
class IndicatorDetail:
    indicator: Indicator
    figure: Figure
    below: list[Official]  # in the population and not meeting the measure
    # For a rating indicator: those who have not submitted the period's self-evaluation
    # (listed by /chuanop, counted here); empty for the others.
    late: list[Official]


@dataclass(frozen=True)
class TargetDetail:
    target: Target
    scope: Scope
    indicators: list[IndicatorDetail]
    # Below the education standard with more than the set years left: target 7 only (None
    # for the others).
    candidates: list[Official] | None
    # Below the education standard with no birth date (whether they are candidates is not
    # known): target 7 only, 0 for the others.
    undated: int = 0

    @property
    def figures(self) -> dict[str, Figure]:
        return {d.indicator.spec.key: d.figure for d in self.indicators}

    @property
    def missing(self) -> dict[str, list[Official]]:
        return {d.indicator.spec.key: d.below + d.late for d in self.indicators}

    @property
    def late_ids(self) -> set[int]:
        return {official.id for d in self.indicators for official in d.late}


async def read_target(
    repo: Repo, targets: Targets, target: Target, scope: Scope, actor: str
) -> TargetDetail:
    basis = scope.basis(targets)
    specs = [indicator.spec for indicator in target.indicators]
    figures = {f.spec.key: f for f in await repo.indicators.tally(specs, basis)}
    late_ids: set[int] = set()
    if any(spec.rates for spec in specs):
        late_ids = {o.id for o in await repo.summaries.not_submitted(basis.period, scope.unit_id)}
    details = []
    for indicator in target.indicators:
        missing = await repo.indicators.missing(indicator.spec, basis)
        rated = indicator.spec.rates
        late = [o for o in missing if rated and o.id in late_ids]
        below = [o for o in missing if not (rated and o.id in late_ids)]
        details.append(IndicatorDetail(indicator, figures[indicator.spec.key], below, late))
    candidates, undated = None, 0
    if shows_candidates(target, targets):
        candidates = await repo.indicators.degree_candidates(
            basis, targets.candidates_below, targets.candidates_years, targets.retirement
        )
        undated = await repo.indicators.count_undated_below_standard(
            basis, targets.candidates_below
        )
    await repo.audit.record(actor, "read_summary", "target", target.number, note=scope.note)
    return TargetDetail(target, scope, details, candidates, undated)


def shows_candidates(target: Target, targets: Targets) -> bool:
    """The six-years-left list goes with the target on university degrees (7)."""
    return any(
        i.spec.measure == f"education_at_least:{targets.candidates_below}"
        for i in target.indicators
    )


@dataclass(frozen=True)
class NotSubmitted:
    scope: Scope
    officials: list[Official]
    headcount: int  # active officials in scope


async def read_not_submitted(repo: Repo, scope: Scope, actor: str) -> NotSubmitted:
    late = await repo.summaries.not_submitted(scope.period.key, scope.unit_id)
    headcount = await repo.summaries.count_in_scope(scope.unit_id)
    await repo.audit.record(
        actor, "read_summary", "not_submitted", scope.period.key, note=scope.note
    )
    return NotSubmitted(scope, late, headcount)
