"""Each official's road to the standard (plan I.2 «có lộ trình cụ thể», III.2.d): which of the
targets' indicators apply to one official, which they do not meet yet, and what would meet
each, most important first.

Pure: the official's record, their live course reports and the catalogue in, a `Road` out.
The steps and their order are data (`road:` in targets.yaml). An indicator applies to an
official by its population and is met by its measure exactly as the summaries count it
(storage/indicators.py): an official counted as meeting 7a in /chitieu 7 shows no 7a gap.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from knowledge.courses import Catalogue, Course
from knowledge.indicators import Spec, categories
from knowledge.retirement import add_years, retirement_date, whole_months
from knowledge.targets import UNIVERSITY, RoadStep, Targets
from knowledge.vocabulary import (
    CourseCategory,
    EducationLevel,
    Gender,
    PoliticalTheoryLevel,
    PositionGroup,
    RankedLevel,
)

SELF_STUDY = "self_study"  # the key of the «Bình dân học vụ số» step


class Record(Protocol):
    """What the road reads of an official's record (storage.models.Official has it)."""

    position_group: PositionGroup
    is_vice_chair: bool
    major_fits_position: bool
    education_level: EducationLevel | None
    political_theory_level: PoliticalTheoryLevel | None
    birth_date: date | None
    gender: Gender


@dataclass(frozen=True)
class Reported:
    """A live course report (or the latest of several alike) of the official."""

    category: CourseCategory
    level: str | None
    completed_on: date
    verified: bool  # False: waiting for review


@dataclass(frozen=True)
class Gap:
    key: str  # the indicator key it serves; "self_study" for Bình dân học vụ số
    target: int | None  # the target number (None for self-study)
    title: str  # short Vietnamese name, e.g. "Trình độ đại học (chỉ tiêu 7)"
    category: CourseCategory  # the training that closes it
    level: str | None  # the level that would meet it ("dai_hoc", "cao_cap", ...), None for courses
    deadline: date | None  # the target's deadline
    required: bool  # every one of the group must meet it (threshold 100 %), not a group share
    courses: tuple[Course, ...]  # catalogue courses that would close it
    pending: bool  # a report waiting for review would close it
    source: str = ""  # where the plan says it: "Mục II.2, chỉ tiêu (7)"


@dataclass(frozen=True)
class Road:
    gaps: tuple[Gap, ...]  # most important first
    met: tuple[str, ...]  # what they already meet, as short Vietnamese lines
    degree_candidate: bool  # below the education standard with more than six years left
    years_left: int | None  # whole years to statutory retirement; None: birth date unknown
    below_standard: bool = False  # below the education standard (III.2.d), whatever the years
    retires_on: date | None = None  # the statutory retirement day; None: birth date unknown
    months_left: int | None = None  # whole months to it (0 once reached)
    standard: str = "dai_hoc"  # the education standard's level (targets' degree_candidates)

    @property
    def todo(self) -> tuple[Gap, ...]:
        """The gaps no report waiting for review would close: what is left to do."""
        return tuple(gap for gap in self.gaps if not gap.pending)

    @property
    def degree_ruled_out(self) -> bool:
        """Below the education standard with six years or less left: III.2.d does not send
        them to university, so no degree is their next step (the gap is still shown)."""
        return self.below_standard and self.years_left is not None and not self.degree_candidate

    @property
    def next_steps(self) -> tuple[Gap, ...]:
        """What the quarterly nudge may name, most important first: what is left to do, but
        for one below the education standard no degree above it (đại học comes first), and
        none at all when III.2.d does not send them to study."""
        if not self.below_standard:
            return self.todo
        return tuple(gap for gap in self.todo if not self._degree_not_next(gap))

    def _degree_not_next(self, gap: Gap) -> bool:
        if gap.category != CourseCategory.DEGREE:
            return False
        return self.degree_ruled_out or (gap.level is not None and gap.level != self.standard)


# Whether an official belongs to each population (knowledge.indicators.POPULATIONS), as
# storage.indicators.POPULATION_SQL counts them.
POPULATION_OF: dict[str, Callable[[Record], bool]] = {
    "all": lambda o: True,
    "leadership": lambda o: o.position_group == PositionGroup.LEADERSHIP,
    "vice_chairs": lambda o: o.is_vice_chair is True,
    "unit_heads": lambda o: o.position_group == PositionGroup.UNIT_HEAD,
    "managers": lambda o: o.position_group in (PositionGroup.LEADERSHIP, PositionGroup.UNIT_HEAD),
    "specialists": lambda o: o.position_group == PositionGroup.SPECIALIST,
    "major_mismatch": lambda o: o.major_fits_position is False,
}
# The record field a level measure reads, the ranked levels and the course category raising it.
LEVEL_MEASURES = {
    "education_at_least": ("education_level", EducationLevel, CourseCategory.DEGREE),
    "political_theory_at_least": (
        "political_theory_level",
        PoliticalTheoryLevel,
        CourseCategory.POLITICAL_THEORY,
    ),
}
# Degrees first, then political theory, then the period's courses, then self-study.
CATEGORY_ORDER = {CourseCategory.DEGREE: 0, CourseCategory.POLITICAL_THEORY: 1}
COURSES, LAST = 2, 3
# Where Mục III.2.d's university step goes: first of all when the rule sends the official
# (a thạc sĩ share needs đại học first); when it does not (six years or less left), first of
# the group shares' degrees, still before any thạc sĩ.
UNIVERSITY_FIRST, UNIVERSITY_SHARED = (False, -1, -1), (True, 0, -1)


def road(
    record: Record,
    reports: Iterable[Reported],
    targets: Targets,
    catalogue: Catalogue,
    today: date,
    self_study_days: int = 60,
) -> Road:
    """The official's road on `today`: reports count from `targets.training_from` to today,
    as in the summaries; self-study counts within the last `self_study_days` days."""
    counted = [r for r in reports if _in_window(r.completed_on, targets.training_from, today)]
    gaps: list[tuple[tuple, Gap]] = []
    met: list[str] = []
    for order, step in enumerate(targets.road):
        indicator = targets.indicator(step.key)
        spec = indicator.spec
        if not POPULATION_OF[spec.population](record):
            continue
        if _meets(record, spec, counted):
            met.append(step.title)
            continue
        gap = _gap(record, step, spec, targets, catalogue, counted)
        gaps.append(((not gap.required, CATEGORY_ORDER.get(gap.category, COURSES), order), gap))
    if targets.self_study is not None:
        gap = _self_study(targets.self_study, reports, catalogue, today, self_study_days)
        if gap is None:
            met.append(targets.self_study.title)
        else:
            gaps.append(((True, LAST, len(targets.road)), gap))
    below = _below(record.education_level, targets.candidates_below)
    left = years_left(record, today, targets.retirement)
    candidate = (
        below
        and record.birth_date is not None
        and _retires_after(record, add_years(today, targets.candidates_years), targets.retirement)
    )
    if below and not any(_is_standard_degree(gap, targets) for _, gap in gaps):
        # Below đại học and no target of their group asks for it (a specialist's 7a does):
        # Mục III.2.d's own step. Unknown years are not ruled out: the gap stays first.
        gap = _university(targets, catalogue, counted, candidate)
        gaps.append((UNIVERSITY_FIRST if candidate or left is None else UNIVERSITY_SHARED, gap))
    retires = _retirement(record, targets.retirement)
    return Road(
        gaps=tuple(gap for _, gap in sorted(gaps, key=lambda item: item[0])),
        met=tuple(met),
        degree_candidate=candidate,
        years_left=left,
        below_standard=below,
        retires_on=retires,
        months_left=None if retires is None else whole_months(today, retires),
        standard=targets.candidates_below,
    )


def years_left(record: Record, today: date, rules: dict) -> int | None:
    """Whole years from `today` to the official's statutory retirement (0 once reached)."""
    retires = _retirement(record, rules)
    return None if retires is None else whole_months(today, retires) // 12


def _retirement(record: Record, rules: dict) -> date | None:
    if record.birth_date is None:
        return None
    return retirement_date(record.birth_date, record.gender, rules)


def _is_standard_degree(gap: Gap, targets: Targets) -> bool:
    """A gap closed by a degree of the education standard's level (7a, III.2.d's step)."""
    return gap.category == CourseCategory.DEGREE and gap.level == targets.candidates_below


def _university(
    targets: Targets, catalogue: Catalogue, reports: list[Reported], candidate: bool
) -> Gap:
    """Mục III.2.d: «cử cán bộ chưa đạt chuẩn về trình độ chuyên môn (còn trên 06 năm công
    tác) đi đào tạo đại học». A standard the plan sends them to meet when the rule applies."""
    floor = EducationLevel(targets.candidates_below)
    waiting = any(
        not r.verified
        and r.category == CourseCategory.DEGREE
        and _at_least(_level(EducationLevel, r.level), floor)
        for r in reports
    )
    return Gap(
        key=UNIVERSITY,
        target=None,
        title=targets.candidates_title,
        category=CourseCategory.DEGREE,
        level=floor.value,
        deadline=targets.candidates_deadline,
        required=candidate,
        courses=_courses_for(catalogue, CourseCategory.DEGREE, EducationLevel, floor),
        pending=waiting,
        source=targets.candidates_source,
    )


def _retires_after(record: Record, day: date, rules: dict) -> bool:
    """Retirement after `day`: exactly six years left is not "more than six" (as the SQL)."""
    return retirement_date(record.birth_date, record.gender, rules) > day


def _below(level: EducationLevel | None, standard: str) -> bool:
    """Below the education standard; no recorded level counts as below it."""
    return level is None or level.rank < EducationLevel(standard).rank


def _in_window(day: date, start: date | None, today: date) -> bool:
    return (start is None or day >= start) and day <= today


def _meets(record: Record, spec: Spec, reports: list[Reported]) -> bool:
    name, _, arg = spec.measure.partition(":")
    if name in LEVEL_MEASURES:
        field, levels, _ = LEVEL_MEASURES[name]
        return _at_least(getattr(record, field), levels(arg))
    wanted = categories(arg)
    return any(r.verified and r.category in wanted for r in reports)


def _at_least(level: RankedLevel | None, floor: RankedLevel) -> bool:
    return level is not None and level.rank >= floor.rank


def _gap(
    record: Record,
    step: RoadStep,
    spec: Spec,
    targets: Targets,
    catalogue: Catalogue,
    reports: list[Reported],
) -> Gap:
    name, _, arg = spec.measure.partition(":")
    pending = [r for r in reports if not r.verified]
    if name in LEVEL_MEASURES:
        _, levels, category = LEVEL_MEASURES[name]
        floor = levels(arg)
        courses = _courses_for(catalogue, category, levels, floor)
        waiting = any(
            r.category == category and _at_least(_level(levels, r.level), floor) for r in pending
        )
        level = floor.value
    else:
        wanted = categories(arg)
        category, level = wanted[0], None
        if wanted == [CourseCategory.DEGREE]:  # retraining: a degree no lower than the one held
            floor = record.education_level or list(EducationLevel)[0]
            courses = _courses_for(catalogue, category, EducationLevel, floor)
        else:
            courses = tuple(c for each in wanted for c in catalogue.in_category(each))
        waiting = any(r.category in wanted for r in pending)
    target = targets.target_of(step.key)
    return Gap(
        key=step.key,
        target=target.number,
        title=step.title,
        category=category,
        level=level,
        deadline=spec.deadline,
        required=_required(spec),
        courses=courses,
        pending=waiting,
        source=target.source,
    )


def _required(spec: Spec) -> bool:
    """A standard every one of the group must meet: 100 % (a share below is a group goal)."""
    return not spec.count and spec.compare == ">=" and spec.threshold >= 100


def _level(levels: type[RankedLevel], value: str | None) -> RankedLevel | None:
    try:
        return levels(value) if value else None
    except ValueError:
        return None


def _courses_for(
    catalogue: Catalogue, category: CourseCategory, levels: type[RankedLevel], floor: RankedLevel
) -> tuple[Course, ...]:
    """The courses of the lowest level at or above `floor` the catalogue offers: exactly the
    level needed (đại học, not thạc sĩ, for the đại học standard; «Cao cấp LLCT» and «Cử nhân
    chính trị» share a rank), a higher one only when that level has no course."""
    offered = [
        (found, course)
        for course in catalogue.in_category(category)
        if _at_least(found := _level(levels, course.level), floor)
    ]
    if not offered:
        return ()
    lowest = min(found.rank for found, _ in offered)
    return tuple(course for found, course in offered if found.rank == lowest)


def _self_study(
    step: RoadStep,
    reports: Iterable[Reported],
    catalogue: Catalogue,
    today: date,
    days: int,
) -> Gap | None:
    """None when a verified «Bình dân học vụ số» course was completed in the last `days`."""
    recent = [
        r
        for r in reports
        if r.category == CourseCategory.DIGITAL_SELF_STUDY
        and _in_window(r.completed_on, today - timedelta(days=days), today)
    ]
    if any(r.verified for r in recent):
        return None
    return Gap(
        key=SELF_STUDY,
        target=None,
        title=step.title,
        category=CourseCategory.DIGITAL_SELF_STUDY,
        level=None,
        deadline=None,
        required=False,
        courses=tuple(catalogue.in_category(CourseCategory.DIGITAL_SELF_STUDY)),
        pending=bool(recent),
        source=step.source,
    )
