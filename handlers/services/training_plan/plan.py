"""The annual training plan (Mục III.2.d, IV.2 of the plan) as data: the officials'
registrations for the year grouped by category and specialisation, listed by unit with the
target each serves, and the officials the plan says must be sent to study who did not register.

`build_plan` is pure: it takes the registrations, the officials in scope and their roads
(handlers/services/road.py) and only groups them, so it is tested over plain rows.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from handlers.texts import label, t
from knowledge.vocabulary import CourseCategory

# The categories the plan says to send officials to for a standard every one of the group
# must meet (III.2.d: «cử cán bộ đi đào tạo … lý luận chính trị để bảo đảm tiêu chuẩn chức
# danh»; «cử cán bộ chưa đạt chuẩn … đi đào tạo đại học»).
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


@dataclass(frozen=True)
class Group:
    """The registrations of one category for one specialisation (degree programmes) or one
    course (the others)."""

    category: CourseCategory
    detail: str
    people: tuple[Person, ...]

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


@dataclass(frozen=True)
class Plan:
    year: int
    where: str  # «Toàn xã» or the unit's name
    headcount: int  # active officials in scope
    lines: tuple[Line, ...]  # by unit, then name (as storage orders them)
    groups: tuple[Group, ...]  # by category, then the most registered first
    flags: tuple[Flag, ...]  # by unit, then name

    @property
    def registered(self) -> int:
        """How many officials registered anything."""
        return len({line.person.id for line in self.lines})

    def by_category(self) -> list[tuple[CourseCategory, int]]:
        """(category, registrations) for the categories registered, in the catalogue's order."""
        counts = {category: 0 for category in CourseCategory}
        for line in self.lines:
            counts[line.category] += 1
        return [(category, n) for category, n in counts.items() if n]


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
) -> Plan:
    """`officials`: the active officials in scope (storage.models.Official); `roads`: their
    roads by id (knowledge.road.Road); `target_titles`: an indicator's short name by its key,
    for a registration whose gap is no longer on the road; `candidates_years`: the years left
    above which one below the education standard is sent to university (targets.yaml)."""
    people = {official.id: person_of(official) for official in officials}
    lines = tuple(
        _line(r, people[r.official_id], roads.get(r.official_id), target_titles)
        for r in registrations
        if r.official_id in people
    )
    flags = tuple(
        flag
        for official in sorted(officials, key=lambda o: (people[o.id].unit, o.full_name, o.code))
        if (flag := _flag(people[official.id], roads.get(official.id), lines, candidates_years))
        is not None
    )
    return Plan(year, where, len(officials), lines, _groups(lines), flags)


def _line(registration, person: Person, road, titles: Mapping[str, str]) -> Line:
    return Line(
        person,
        CourseCategory(registration.category),
        registration.course_name,
        registration.specialisation,
        registration.study_form,
        serves(registration.gap, road, titles),
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


def _number(key: str) -> int | None:
    digits = "".join(c for c in key if c.isdigit())
    return int(digits) if digits else None


def _groups(lines: Iterable[Line]) -> tuple[Group, ...]:
    """Degree programmes by specialisation (IV.2: «rõ chuyên ngành cụ thể»), other categories
    by course; within a category the most registered first."""
    grouped: dict[tuple[CourseCategory, str], list[Person]] = {}
    for line in lines:
        detail = line.course
        if line.category == CourseCategory.DEGREE and line.specialisation:
            detail = line.specialisation
        grouped.setdefault((line.category, detail), []).append(line.person)
    order = {category: n for n, category in enumerate(CourseCategory)}
    return tuple(
        Group(category, detail, tuple(people))
        for (category, detail), people in sorted(
            grouped.items(), key=lambda item: (order[item[0][0]], -len(item[1]), item[0][1])
        )
    )


def _flag(person: Person, road, lines: Sequence[Line], years: int) -> Flag | None:
    """Why `person` must be sent to study and has not registered for it, if they must."""
    if road is None:
        return None
    registered = {line.category for line in lines if line.person.id == person.id}
    reasons, courses = [], []
    if road.degree_candidate and CourseCategory.DEGREE not in registered:
        reasons.append(t("training_plan.flag_degree", years=years))
        courses += _courses(road, CourseCategory.DEGREE)
    for gap in road.gaps:
        category = CourseCategory(gap.category)
        if not gap.required or category not in SENT_FOR or category in registered:
            continue
        if category == CourseCategory.DEGREE and road.degree_candidate:
            continue  # said above, with the plan's own words
        reasons.append(t("training_plan.flag_required", gap=gap.title, category=label(category)))
        courses += [c.name for c in gap.courses]
    if not reasons:
        return None
    unique = tuple(dict.fromkeys(courses))[:COURSES_SHOWN]
    return Flag(person, road.years_left, tuple(reasons), unique)


def _courses(road, category: CourseCategory) -> list[str]:
    return [c.name for g in road.gaps if CourseCategory(g.category) == category for c in g.courses]
