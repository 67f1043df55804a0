"""The 100-point evaluation scheme of `knowledge/evaluation.yaml`: criteria, task points, bands."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from knowledge.vocabulary import Rating

SCHEME = Path(__file__).with_name("evaluation.yaml")
RATINGS_HIGH_FIRST = tuple(sorted(Rating, key=lambda r: r.rank, reverse=True))


@dataclass(frozen=True)
class Criterion:
    key: str
    name: str
    max: float


@dataclass(frozen=True)
class Scheme:
    criteria: tuple[Criterion, ...]
    task_max: float
    completion_share: float
    on_time_share: float
    bands: dict[Rating, float]

    @classmethod
    @cache
    def default(cls) -> "Scheme":
        data = yaml.safe_load(SCHEME.read_text(encoding="utf-8"))
        return cls(
            criteria=tuple(
                Criterion(c["key"], c["name"], float(c["max"])) for c in data["criteria"]
            ),
            task_max=float(data["tasks"]["max"]),
            completion_share=float(data["tasks"]["completion_share"]),
            on_time_share=float(data["tasks"]["on_time_share"]),
            bands={Rating(k): float(v) for k, v in data["bands"].items()},
        )

    def task_points(self, assigned: int, completed: int, on_time: int) -> float:
        """Points for task results: completed and on-time products against those assigned.

        With nothing assigned there is nothing to fall short of, so the points are full.
        """
        if assigned == 0:
            return self.task_max
        done = min(completed, assigned) / assigned
        timely = min(on_time, assigned) / assigned
        points = self.task_max * (self.completion_share * done + self.on_time_share * timely)
        return round(points, 1)

    def band(self, total: float, assigned: int, completed: int, on_time: int) -> Rating:
        """The rating the total earns; "xuất sắc" also needs every product on time and some
        beyond those assigned, else it is "tốt"."""
        rating = max((r for r, low in self.bands.items() if total >= low), key=lambda r: r.rank)
        exceeded = completed > assigned and on_time >= completed
        if rating == Rating.XUAT_SAC and not exceeded:
            return Rating.TOT
        return rating
