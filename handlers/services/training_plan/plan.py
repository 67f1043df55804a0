"""The annual training plan (Mục III.2.d, IV.2 of the plan) as data: the officials'
registrations for the year grouped by category, course and specialisation, listed by unit with
the target each serves, and the officials the plan says must be sent to study who did not
register.

`build_plan` is pure: it takes the registrations, the officials in scope and their roads
(handlers/services/road.py) and only groups them, so it is tested over plain rows.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

from handlers.formatting import show_date
from handlers.services.training_plan.service import service_left
from handlers.texts import label, t
from knowledge.normalize import fold
from knowledge.retirement import RULES, add_years, whole_months
from knowledge.vocabulary import CourseCategory, EducationLevel

# The categories the plan says to send officials to for a standard every one of the group
# must meet (III.2.d: «cử cán bộ đi đào tạo … lý luận chính trị để bảo đảm tiêu chuẩn chức
# danh»; «cử cán bộ chưa đạt chuẩn … (còn trên 06 năm công tác) đi đào tạo đại học»: a gap
# in the education level sends only those with more than six years left, Road.degree_candidate).
SENT_FOR = (CourseCategory.DEGREE, CourseCategory.POLITICAL_THEORY)
COURSES_SHOWN = 3  # catalogue courses named beside a flag
NAMED_TARGET = re.compile(r"\s*\(chỉ tiêu \d+\)\s*$", re.IGNORECASE)


class Registration(Protocol):
    """A training registration as storage gives it (storage.models.TrainingRegistration)."""

    official_id: int
    category: CourseCategory
    course_name: str
    specialisation: str | None
    study_form: str
    gap: str | None


@dataclass(frozen=True)
class Person:
    """An official as the plan names them."""

    id: int
    code: str
    name: str
    unit: str  # the unit's name, "" when none
    title: str  # their post, "" when not recorded


@dataclass(frozen=True)
class Line:
    """One registration, as the sheet «Theo đơn vị» lists it."""

    person: Person
    category: CourseCategory
    course: str
    specialisation: str | None
    study_form: str  # the study form's key (handlers/services/registration.py names it)
    serves: str | None  # «Chỉ tiêu 7: Trình độ đại học …», when it closes a gap
    met: bool = False  # the official meets that target since: «… (đã đạt)» in `serves`


@dataclass(frozen=True)
class Group:
    """The officials registered for one course of a category and, for degree programmes, one
    specialisation (a master's in «Luật» is not a bachelor's in it); each official once."""

    category: CourseCategory
    course: str
    specialisation: str | None
    people: tuple[Person, ...]

    @property
    def detail(self) -> str:
        if not self.specialisation:
            return self.course
        return t("training_plan.group_detail", course=self.course, name=self.specialisation)

    @property
    def count(self) -> int:
        return len(self.people)


@dataclass(frozen=True)
class Flag:
    """An official the plan says must be sent to study, who did not register for it."""

    person: Person
    years_left: int | None
    reasons: tuple[str, ...]
    courses: tuple[str, ...]  # catalogue courses that would close what is missing
    service_left: str = ""  # «6 năm 1 tháng (đến 28/12/2032)»: to the statutory retirement age


@dataclass(frozen=True)
class Plan:
    year: int
    where: str  # «Toàn xã» or the unit's name
    headcount: int  # active officials in scope
    lines: tuple[Line, ...]  # by unit, then name (as storage orders them)
    groups: tuple[Group, ...]  # by category, then the most registered first
    flags: tuple[Flag, ...]  # by unit, then name
    # The day the time left and «còn trên 06 năm công tác» are measured from: the plan's
    # first day, or the day it is made when that is later (`counted_from`).
    counted_from: date | None = None
    candidates_years: int | None = None  # Mục III.2.d's «còn trên 06 năm» (targets.yaml)

    @property
    def registered(self) -> int:
        """How many officials registered anything."""
        return len({line.person.id for line in self.lines})

    @property
    def met_lines(self) -> tuple[Line, ...]:
        """Registrations for a target their official meets since."""
        return tuple(line for line in self.lines if line.met)

    def by_category(self) -> list[tuple[CourseCategory, int]]:
        """(category, officials registered in it) for the categories registered, in the
        catalogue's order."""
        people: dict[CourseCategory, set[int]] = {category: set() for category in CourseCategory}
        for line in self.lines:
            people[line.category].add(line.person.id)
        return [(category, len(ids)) for category, ids in people.items() if ids]


def person_of(official) -> Person:
    return Person(
        official.id,
        official.code,
        official.full_name,
        official.unit.name if official.unit is not None else "",
        official.title or "",
    )


def build_plan(
    year: int,
    where: str,
    registrations: Sequence[Registration],
    officials: Sequence,
    roads: Mapping[int, object],
    target_titles: Mapping[str, str],
    candidates_years: int,
    *,
    today: date,
    retirement: Mapping = RULES,
) -> Plan:
    """`officials`: the active officials in scope (storage.models.Official); `roads`: their
    roads by id (knowledge.road.Road); `target_titles`: an indicator's short name by its key,
    for a registration whose gap is no longer on the road; `candidates_years`: the years left
    above which one below the education standard is sent to university (targets.yaml);
    `retirement`: the statutory retirement ages (targets.yaml). The time left, and with it
    Mục III.2.d's six years, is counted from the plan's year (`counted_from`)."""
    start = counted_from(year, today)
    people = {official.id: person_of(official) for official in officials}
    lines = tuple(
        _line(r, people[r.official_id], roads.get(r.official_id), target_titles)
        for r in registrations
        if r.official_id in people
    )
    flags = []
    for official in sorted(officials, key=lambda o: (people[o.id].unit, o.full_name, o.code)):
        road = roads.get(official.id)
        flag = _flag(people[official.id], road, lines, candidates_years, start)
        if flag is not None:
            left = service_left(official.birth_date, official.gender, start, retirement)
            flags.append(replace(flag, service_left=left))
    return Plan(
        year, where, len(officials), lines, _groups(lines), tuple(flags), start, candidates_years
    )


def counted_from(year: int, today: date) -> date:
    """The day a plan for `year` counts the years left from: its first day, or today when
    later (a plan for this year is made during it). A plan made in 2026 for 2036 flags only
    who still has more than six years left on 01/01/2036."""
    return max(date(year, 1, 1), today)


def _line(registration, person: Person, road, titles: Mapping[str, str]) -> Line:
    met = _met(registration.gap, road, titles)
    target = serves(registration.gap, road, titles)
    return Line(
        person,
        CourseCategory(registration.category),
        registration.course_name,
        registration.specialisation,
        registration.study_form,
        t("training_plan.target_met", target=target) if met else target,
        met,
    )


def serves(key: str | None, road, titles: Mapping[str, str]) -> str | None:
    """The target a registration's gap key serves: «Chỉ tiêu 7: <the gap's title>»."""
    if not key:
        return None
    gap = next((g for g in (road.gaps if road is not None else ()) if g.key == key), None)
    title = gap.title if gap is not None else titles.get(key, key)
    number = gap.target if gap is not None else _number(key)
    if not number:
        return title
    title = NAMED_TARGET.sub("", title)  # «Trình độ đại học (chỉ tiêu 7)»: said in front
    return t("training_plan.target", number=number, title=title)


def _met(key: str | None, road, titles: Mapping[str, str]) -> bool:
    """The gap a registration was made for is closed: no longer on the road and among what
    the official meets (a gap gone because the official changed group is not «đã đạt»)."""
    if not key or road is None or any(g.key == key for g in road.gaps):
        return False
    return titles.get(key) in road.met


def _number(key: str) -> int | None:
    digits = "".join(c for c in key if c.isdigit())
    return int(digits) if digits else None


def _groups(lines: Iterable[Line]) -> tuple[Group, ...]:
    """By course, and degree programmes also by specialisation (IV.2: «rõ chuyên ngành cụ
    thể»), the same however it was typed («ke toan», «Kế toán»); each official once in a
    group, however many of their rows it holds; within a category the most officials first."""
    grouped: dict[tuple[CourseCategory, str, str], dict[int, Person]] = {}
    spellings: dict[tuple[CourseCategory, str, str], list[str]] = {}
    for line in lines:
        specialisation = line.specialisation if line.category == CourseCategory.DEGREE else None
        key = (line.category, line.course, fold(specialisation or ""))
        grouped.setdefault(key, {}).setdefault(line.person.id, line.person)
        spellings.setdefault(key, []).append((specialisation or "").strip())
    order = {category: n for n, category in enumerate(CourseCategory)}
    return tuple(
        Group(category, course, _spelling(spellings[key]) or None, tuple(people.values()))
        for key, people in sorted(
            grouped.items(),
            key=lambda item: (order[item[0][0]], -len(item[1]), fold(item[0][1]), item[0][2]),
        )
        for category, course, _ in (key,)
    )


def _spelling(typed: list[str]) -> str:
    """The name a group of specialisations is shown under: the spelling with the most
    diacritics, then one with a capital first letter («Kế toán» over «ke toan» and «KE
    TOAN»), the first of equals."""
    return max(typed, key=lambda name: (sum(not c.isascii() for c in name), name[:1].isupper()))


def _flag(person: Person, road, lines: Sequence[Line], years: int, start: date) -> Flag | None:
    """Why `person` must be sent to study and has not registered for it, if they must; the
    years left counted from `start`."""
    if road is None:
        return None
    registered = {line.category for line in lines if line.person.id == person.id}
    reasons, courses = [], []
    # Below the standard with more than `years` left on `start` (Mục III.2.d); no birth date:
    # not known, listed so that it is added, never said to be a candidate.
    retires = road.retires_on
    if retires is None:
        candidate = road.degree_candidate
    else:
        candidate = road.below_standard and retires > add_years(start, years)
    unknown = road.below_standard and road.years_left is None and retires is None
    if (candidate or unknown) and CourseCategory.DEGREE not in registered:
        key = "flag_degree" if candidate else "flag_degree_unknown"
        reasons.append(t(f"training_plan.{key}", years=years, day=show_date(start)))
        courses += _lowest(c for g in road.gaps if _is_degree(g) for c in g.courses)
    for gap in road.gaps:
        category = CourseCategory(gap.category)
        if not gap.required or category not in SENT_FOR or category in registered:
            continue
        if _is_degree(gap) and (
            road.degree_candidate or road.below_standard or _is_level_degree(gap)
        ):
            # Below the education standard any degree is university: only a candidate is
            # sent, said above; so is a higher level (5a, 6a: group shares anyway). Left:
            # retraining in a fitting major for one who holds a degree (1b).
            continue
        key = "flag_course" if _is_degree(gap) else "flag_required"
        reasons.append(t(f"training_plan.{key}", gap=gap.title, category=label(category)))
        courses += _lowest(gap.courses) if _is_degree(gap) else gap.courses
    if not reasons:
        return None
    unique = tuple(dict.fromkeys(c.name for c in courses))[:COURSES_SHOWN]
    left = road.years_left if retires is None else whole_months(start, retires) // 12
    return Flag(person, left, tuple(reasons), unique)


def _is_degree(gap) -> bool:
    return CourseCategory(gap.category) == CourseCategory.DEGREE


def _is_level_degree(gap) -> bool:
    """A gap in the education level (7a, 5a, 6a), not retraining at one's level (1b)."""
    return _is_degree(gap) and gap.level is not None


def _lowest(courses: Iterable) -> list:
    """The degree programmes of the lowest level among `courses`: the level needed (đại học
    to one with a college diploma, not a doctorate)."""
    courses = list(courses)
    ranks = [EducationLevel(c.level).rank for c in courses if c.level]
    return [
        c for c in courses if not ranks or (c.level and EducationLevel(c.level).rank == min(ranks))
    ]
