"""The plan's eight targets (`<KNOWLEDGE_DIR>/targets.yaml`) as indicator specs.

A knowledge folder without its own targets.yaml uses the packaged one: the targets come from
the provincial resolution, the same for every commune. Problems name the file. `place`, the
commune the plan applies to, is read from the folder's plan.yaml (the packaged one when it
has none): the agency named on the workbook's title block.
"""

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from knowledge.entries import PACKAGED, KnowledgeError, read_yaml
from knowledge.indicators import POPULATIONS, Spec, parse_measure
from knowledge.retirement import RULES, RetirementRule
from knowledge.vocabulary import EducationLevel, Gender

FILENAME = "targets.yaml"
# The key of Mục III.2.d's road step, sending an official below the standard to university
# (no digits: it is no target's indicator).
UNIVERSITY = "university"


@dataclass(frozen=True)
class Indicator:
    spec: Spec
    label: str
    short: str
    note: str = ""


@dataclass(frozen=True)
class Target:
    number: int
    title: str
    source: str
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class RoadStep:
    """One thing on an official's road to the standard: an indicator (`key`) as the official
    reads it (`title`); the self-study step has no indicator (`key` "self_study")."""

    key: str
    title: str
    source: str = ""  # the self-study step's; an indicator's is its target's


# The measures a road step can be built on: what one official does to meet them.
ROAD_MEASURES = ("education_at_least", "political_theory_at_least", "verified_course")


@dataclass(frozen=True)
class Targets:
    targets: tuple[Target, ...]
    training_from: date | None
    candidates_below: str = "dai_hoc"
    candidates_years: int = 6
    candidates_source: str = ""
    candidates_title: str = "Trình độ đại học (Mục III.2.d)"  # the road's step for them
    candidates_deadline: date | None = None  # the end of the rule's period
    retirement: dict = field(default_factory=lambda: dict(RULES))  # Gender → RetirementRule
    place: str = ""  # plan.yaml's `place`: "xã Sì Lở Lầu"
    road: tuple[RoadStep, ...] = ()  # the indicators on an official's road, as listed
    self_study: RoadStep | None = None  # «Bình dân học vụ số», kept up recently

    @property
    def step_titles(self) -> dict[str, str]:
        """Every road step's name by its key (an indicator's, Mục III.2.d's university step,
        self-study), for naming what a registration serves."""
        titles = {i.spec.key: i.short for i in self.indicators}
        titles |= {step.key: step.title for step in self.road}
        titles[UNIVERSITY] = self.candidates_title
        if self.self_study is not None:
            titles[self.self_study.key] = self.self_study.title
        return titles

    def get(self, number: int) -> Target | None:
        return next((t for t in self.targets if t.number == number), None)

    def target_of(self, key: str) -> Target | None:
        """The target an indicator key belongs to."""
        return next((t for t in self.targets if any(i.spec.key == key for i in t.indicators)), None)

    def indicator(self, key: str) -> Indicator | None:
        return next((i for i in self.indicators if i.spec.key == key), None)

    @property
    def indicators(self) -> list[Indicator]:
        return [i for target in self.targets for i in target.indicators]

    @property
    def specs(self) -> list[Spec]:
        return [i.spec for i in self.indicators]


def load_targets(folder: Path | None = None) -> Targets:
    path = _in(folder, FILENAME)
    plan = _in(folder, "plan.yaml")
    return _load(path, path.stat().st_mtime_ns, plan, plan.stat().st_mtime_ns)


def _in(folder: Path | None, name: str) -> Path:
    """The file of the knowledge folder, or the packaged one if the folder has none."""
    path = Path(folder or PACKAGED) / name
    return path if path.is_file() else PACKAGED / name


@cache
def _load(path: Path, mtime: int, plan: Path, plan_mtime: int) -> Targets:
    # The mtimes make an edited file load again.
    data = read_yaml(path)
    meta = read_yaml(plan)
    if not isinstance(data, dict) or not isinstance(data.get("targets"), list):
        raise KnowledgeError(f"{path}: cần danh sách 'targets'")
    try:
        targets = tuple(_target(item) for item in data["targets"])
        candidates = data.get("degree_candidates") or {}
        EducationLevel(candidates.get("below", "dai_hoc"))
        steps, self_study = _road(data.get("road") or {}, targets)
        return Targets(
            targets=targets,
            training_from=data.get("training_from"),
            candidates_below=candidates.get("below", "dai_hoc"),
            candidates_years=int(candidates.get("years_left_over", 6)),
            candidates_source=str(candidates.get("source", "")),
            candidates_title=str(candidates.get("title") or Targets.candidates_title),
            candidates_deadline=_day(candidates.get("deadline"), "degree_candidates"),
            retirement=_retirement(data.get("retirement")),
            place=str(meta.get("place") or "") if isinstance(meta, dict) else "",
            road=steps,
            self_study=self_study,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise KnowledgeError(f"{path}: {error}") from None


def _target(item: dict) -> Target:
    number = int(item["number"])
    indicators = tuple(_indicator(row) for row in item["indicators"])
    return Target(number, str(item["title"]), str(item["source"]), indicators)


def _indicator(row: dict) -> Indicator:
    key = str(row["key"])
    where = f"chỉ tiêu {key}"
    if row["population"] not in POPULATIONS:
        raise ValueError(f"{where}: đối tượng '{row['population']}' không có")
    measure = row.get("measure")
    if measure:
        try:
            parse_measure(str(measure))
        except (KeyError, ValueError):
            raise ValueError(f"{where}: cách đo '{measure}' không hợp lệ") from None
    compare = str(row.get("compare", ">="))
    if compare not in (">=", ">"):
        raise ValueError(f"{where}: 'compare' phải là >= hoặc >")
    deadline = row.get("deadline")
    if deadline != "period" and not isinstance(deadline, date):
        raise ValueError(f"{where}: 'deadline' phải là ngày YYYY-MM-DD hoặc period")
    spec = Spec(
        key=key,
        population=row["population"],
        measure=str(measure) if measure else None,
        compare=compare,
        threshold=float(row["threshold"]),
        count=bool(row.get("count", False)),
        deadline=None if deadline == "period" else deadline,
    )
    return Indicator(
        spec, str(row["label"]), str(row.get("short") or row["label"]), str(row.get("note") or "")
    )


def _road(data: dict, targets: tuple[Target, ...]) -> tuple[tuple[RoadStep, ...], RoadStep | None]:
    """The `road` section: each step an indicator one official can meet by training."""
    measures = {i.spec.key: i.spec.measure for t in targets for i in t.indicators}
    steps: list[RoadStep] = []
    for row in data.get("steps") or ():
        key, title = str(row["key"]), str(row.get("title") or "").strip()
        where = f"road: bước '{key}'"
        if key not in measures:
            raise ValueError(f"{where}: không có chỉ tiêu này")
        if (measures[key] or "").partition(":")[0] not in ROAD_MEASURES:
            raise ValueError(f"{where}: chỉ tiêu không đo bằng trình độ hay khóa học")
        if not title:
            raise ValueError(f"{where}: cần 'title'")
        if any(step.key == key for step in steps):
            raise ValueError(f"{where}: bị trùng")
        steps.append(RoadStep(key, title))
    self_study = None
    if row := data.get("self_study"):
        if not str(row.get("title") or "").strip():
            raise ValueError("road: self_study cần 'title'")
        self_study = RoadStep("self_study", str(row["title"]), str(row.get("source") or ""))
    return tuple(steps), self_study


def _day(value, where: str) -> date | None:
    if value is not None and not isinstance(value, date):
        raise ValueError(f"{where}: 'deadline' phải là ngày YYYY-MM-DD")
    return value


def _retirement(data: dict | None) -> dict:
    if not data:
        return RULES
    rules = {}
    for gender in Gender:
        row = data[gender.value]
        rules[gender] = RetirementRule(
            first_year=int(row["first_year"]),
            first_months=12 * row["first_age"][0] + row["first_age"][1],
            step_months=int(row["step_months"]),
            final_months=12 * row["final_age"][0] + row["final_age"][1],
        )
    return rules
