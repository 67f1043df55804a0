"""Officials' roads to the standard (knowledge.road), read from the database: one official's
(/lotrinh, /toi) or a whole commune's at once (the quarterly nudge, the training plan), in a
constant number of queries."""

from collections.abc import Sequence
from datetime import date, timedelta

from handlers.context import Options
from knowledge.answers import KnowledgeBase
from knowledge.courses import Catalogue
from knowledge.road import Reported, Road, road
from knowledge.targets import Targets, load_targets
from storage.models import Official
from storage.repo import Repo

SELF_STUDY_DAYS = Options().self_study_days  # the commune's setting when none is given


async def road_of(
    repo: Repo,
    official: Official,
    knowledge: KnowledgeBase,
    today: date,
    *,
    self_study_days: int = SELF_STUDY_DAYS,
) -> Road:
    roads = await roads_of(repo, [official], knowledge, today, self_study_days=self_study_days)
    return roads[official.id]


async def roads_of(
    repo: Repo,
    officials: Sequence[Official],
    knowledge: KnowledgeBase,
    today: date,
    *,
    self_study_days: int = SELF_STUDY_DAYS,
) -> dict[int, Road]:
    """Each official's road, by official id: one query for all their reports."""
    targets = load_targets(knowledge.folder)
    return await roads_with(repo, officials, targets, knowledge.courses, today, self_study_days)


async def roads_with(
    repo: Repo,
    officials: Sequence[Official],
    targets: Targets,
    catalogue: Catalogue,
    today: date,
    self_study_days: int = SELF_STUDY_DAYS,
) -> dict[int, Road]:
    """`roads_of` with the targets and the catalogue given (the scheduler loads them itself:
    it has no knowledge base)."""
    since = today - timedelta(days=self_study_days)
    if targets.training_from is not None:
        since = min(since, targets.training_from)
    found = await repo.reports.live_by_official([o.id for o in officials], since, today)
    return {
        official.id: road(
            official,
            [
                Reported(r.category, r.level, r.latest, r.verified)
                for r in found.get(official.id, ())
            ],
            targets,
            catalogue,
            today,
            self_study_days,
        )
        for official in officials
    }
