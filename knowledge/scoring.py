"""The 100-point evaluation scheme of `knowledge/evaluation.yaml`: criteria, task points, the
grounds that do not depend on the score, and the bands.

The file is checked when it is loaded: a problem (shares of the task points that do not add up
to 1, an unknown ground) raises `KnowledgeError` naming the file, so the bot does not start on
a scheme that would score officials wrongly.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from knowledge.entries import KnowledgeError, read_yaml
from knowledge.vocabulary import Rating

SCHEME = Path(__file__).with_name("evaluation.yaml")
RATINGS_HIGH_FIRST = tuple(sorted(Rating, key=lambda r: r.rank, reverse=True))
# The grounds the stored evaluation has a column for (storage.models.Evaluation).
GROUND_KEYS = ("disciplined", "degenerated")
TOTAL = 100.0  # the bands are on a 100-point total
SHARES = ("completion_share", "on_time_share", "quality_share")
# What "xuất sắc" needs besides its points (Scheme.excellent_shortfalls names what is missing).
ON_TIME, QUALITY, EXCEEDED = "on_time", "quality", "exceeded"


@dataclass(frozen=True)
class Criterion:
    key: str
    name: str
    max: float


@dataclass(frozen=True)
class Ground:
    """A yes/no question whose "yes" makes the rating «không hoàn thành nhiệm vụ»."""

    key: str
    question: str
    label: str
    reason: str


@dataclass(frozen=True)
class Scheme:
    criteria: tuple[Criterion, ...]
    task_max: float
    completion_share: float
    on_time_share: float
    quality_share: float
    grounds: tuple[Ground, ...]
    bands: dict[Rating, float]

    @classmethod
    @cache
    def default(cls) -> "Scheme":
        return cls.load(SCHEME)

    @classmethod
    def load(cls, path: Path) -> "Scheme":
        data = read_yaml(path)
        try:
            scheme = cls(
                criteria=tuple(
                    Criterion(str(c["key"]), str(c["name"]), float(c["max"]))
                    for c in data["criteria"]
                ),
                task_max=float(data["tasks"]["max"]),
                completion_share=float(data["tasks"]["completion_share"]),
                on_time_share=float(data["tasks"]["on_time_share"]),
                quality_share=float(data["tasks"]["quality_share"]),
                grounds=tuple(
                    Ground(str(g["key"]), str(g["question"]), str(g["label"]), str(g["reason"]))
                    for g in data["grounds"]
                ),
                bands={Rating(k): float(v) for k, v in data["bands"].items()},
            )
        except (KeyError, TypeError, ValueError) as error:
            raise KnowledgeError(f"{path}: thiếu hoặc sai mục {error}") from None
        problem = scheme._problem()
        if problem:
            raise KnowledgeError(f"{path}: {problem}")
        return scheme

    def _problem(self) -> str | None:
        shares = (self.completion_share, self.on_time_share, self.quality_share)
        if any(not 0 <= share <= 1 for share in shares):
            return "mỗi tỷ lệ trong 'tasks' phải từ 0 đến 1"
        if abs(sum(shares) - 1) > 1e-9:
            listed = " + ".join(
                f"{name} {share:g}" for name, share in zip(SHARES, shares, strict=True)
            )
            return (
                f"các tỷ lệ điểm nhiệm vụ phải cộng lại bằng 1, đang là {listed} = {sum(shares):g}"
            )
        general = sum(c.max for c in self.criteria)
        if abs(general + self.task_max - TOTAL) > 1e-9:
            return (
                f"điểm tiêu chí chung ({general:g}) cộng điểm nhiệm vụ ({self.task_max:g}) "
                f"phải bằng {TOTAL:g}"
            )
        keys = tuple(g.key for g in self.grounds)
        if sorted(keys) != sorted(GROUND_KEYS):
            return f"'grounds' phải gồm đúng các khóa {', '.join(GROUND_KEYS)}, đang là {', '.join(keys)}"
        if set(self.bands) != set(Rating):
            return "'bands' phải có đủ bốn mức xếp loại"
        return None

    @property
    def general_max(self) -> float:
        return sum(c.max for c in self.criteria)

    def task_points(self, assigned: int, completed: int, on_time: int, quality: int) -> float:
        """Points for task results: completed, on-time and quality products against those
        assigned, each share capped at all of them.

        With nothing assigned there is nothing to fall short of, so the points are full.
        """
        if assigned == 0:
            return self.task_max
        done = min(completed, assigned) / assigned
        timely = min(on_time, assigned) / assigned
        good = min(quality, assigned) / assigned
        points = self.task_max * (
            self.completion_share * done + self.on_time_share * timely + self.quality_share * good
        )
        return round(points, 1)

    def by_score(self, total: float) -> Rating:
        """The band the total alone reaches."""
        return max((r for r, low in self.bands.items() if total >= low), key=lambda r: r.rank)

    def excellent_shortfalls(
        self, assigned: int, completed: int, on_time: int, quality: int
    ) -> tuple[str, ...]:
        """What "xuất sắc" needs besides its points and these counts lack: every completed
        product on time (ON_TIME) and of the quality required (QUALITY), more completed than
        assigned (EXCEEDED)."""
        missing = []
        if on_time < completed:
            missing.append(ON_TIME)
        if quality < completed:
            missing.append(QUALITY)
        if completed <= assigned:
            missing.append(EXCEEDED)
        return tuple(missing)

    def grounds_held(self, answers: dict) -> tuple[Ground, ...]:
        """The grounds answered "yes" (True) in `answers` (keyed by ground key)."""
        return tuple(g for g in self.grounds if answers.get(g.key) is True)

    def band(
        self,
        total: float,
        assigned: int,
        completed: int,
        on_time: int,
        quality: int,
        grounds: Iterable[Ground] = (),
    ) -> Rating:
        """The rating: «không hoàn thành nhiệm vụ» when any ground holds, whatever the total;
        else the total's band, except that "xuất sắc" without its extra conditions is "tốt"."""
        if any(True for _ in grounds):
            return Rating.KHONG_HOAN_THANH
        rating = self.by_score(total)
        if rating == Rating.XUAT_SAC and self.excellent_shortfalls(
            assigned, completed, on_time, quality
        ):
            return Rating.TOT
        return rating
