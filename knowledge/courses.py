"""The course catalogue: `<KNOWLEDGE_DIR>/courses/*.yaml`, matched fuzzily as people type.

A file may set `category` and `provider` for all its courses; each course has an `id`, a
`name`, `aliases`, and for programmes that grant one, the `level`.
"""

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Indel

from knowledge.entries import KnowledgeError, item_lines, read_yaml
from knowledge.normalize import fold
from knowledge.vocabulary import LEVELS, CourseCategory

SURE = 90  # a typed name this close to one of a course's names is that course, unasked
LIKELY = 70  # this plausibly that course, and clearly no other: ask "Có phải khóa …?"
MARGIN = 5  # "clearly": ahead of the next course by this much ("llct" fits four alike)


@dataclass(frozen=True)
class Course:
    id: str
    name: str
    category: CourseCategory
    aliases: tuple[str, ...] = ()
    level: str | None = None
    provider: str | None = None

    @cached_property
    def folded_names(self) -> tuple[str, ...]:
        """The name and aliases folded (case, diacritics aside), computed once: every course
        name typed is compared with them."""
        return tuple(map(fold, (self.name, *self.aliases)))


@dataclass(frozen=True)
class Match:
    course: Course
    sure: bool  # False: to be confirmed with the official


class Catalogue:
    def __init__(self, courses: tuple[Course, ...]):
        self.courses = courses
        self._by_id = {c.id: c for c in courses}

    @classmethod
    def load(cls, folder: Path) -> "Catalogue":
        courses: list[Course] = []
        for path in sorted((folder / "courses").glob("*.yaml")):
            courses += _courses(path)
        seen: set[str] = set()
        for course in courses:
            if course.id in seen:
                raise KnowledgeError(f"{folder / 'courses'}: mã khóa học '{course.id}' bị trùng")
            seen.add(course.id)
        return cls(tuple(courses))

    def get(self, course_id: str) -> Course | None:
        return self._by_id.get(course_id)

    def in_category(self, category: CourseCategory) -> list[Course]:
        return [c for c in self.courses if c.category == category]

    def match(self, typed: str, category: CourseCategory) -> Match | None:
        """The course of `category` that `typed` names: sure when it is one of the course's
        names but for a typo ("ki nang so co bn"); to be asked about when it is plausibly that
        course and clearly no other ("an toan mang"); else None, and the name typed stands."""
        typed = fold(typed)
        closest: dict[str, tuple[float, float]] = {}  # course id -> (closeness, plausibility)
        for course in self.in_category(category):
            for name in course.folded_names:
                scores = (fuzz.ratio(typed, name), _plausible(typed, name))
                closest[course.id] = max(closest.get(course.id, (0, 0)), scores)
        if not closest:
            return None
        nearest = max(closest, key=lambda c: closest[c])
        if closest[nearest][0] >= SURE:
            return Match(self._by_id[nearest], sure=True)
        ranked = sorted((score for _, score in closest.values()), reverse=True) + [0]
        likely = max(closest, key=lambda c: closest[c][1])
        if ranked[0] >= LIKELY and ranked[0] - ranked[1] >= MARGIN:
            return Match(self._by_id[likely], sure=False)
        return None


def adds_detail(typed: str, course: Course) -> bool:
    """Whether `typed` says more than the course's names do ("Thạc sĩ Luật" for "Đào tạo thạc
    sĩ": the field of study); then the name as typed is the one to keep. A word that is only a
    slip of the thumb on one of the names' words ("hco" for "học") says nothing more."""
    known = {word for name in course.folded_names for word in name.split()}
    return any(not any(_slip(word, name) for name in known) for word in fold(typed).split())


def _slip(typed: str, word: str) -> bool:
    """`typed` is `word`, or `word` with one letter dropped, doubled or swapped with the next.
    A letter changed is not a slip: «luat» and «luan» are different words (Luật, Luận); nor is
    anything in a word under three letters («y», Y khoa, is not «ly»)."""
    if typed == word:
        return True
    if min(len(typed), len(word)) < 3:
        return False
    swapped = sorted(typed) == sorted(word) and OSA.distance(typed, word) == 1
    return swapped or Indel.distance(typed, word) == 1


def _plausible(typed: str, name: str) -> float:
    """How plausibly `typed` names the course `name` (both folded). WRatio alone scores a
    shared word or two highly ("kỹ năng lãnh đạo quản lý cấp xã" came out 85 against "cập
    nhật luật mới"); the token-set ratio keeps that down unless one's words are (nearly) all
    in the other, and a name that shares under half the words typed is not it at all ("ký
    số" in "kỹ năng số nâng cao": folded, the two are "ky so")."""
    words = typed.split()
    shared = len(set(words) & set(name.split()))
    if not words or shared / len(words) < 0.5:
        return 0.0
    return min(fuzz.WRatio(typed, name), fuzz.token_set_ratio(typed, name))


def _courses(path: Path) -> list[Course]:
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("courses"), list):
        raise KnowledgeError(f"{path}:1: cần khóa 'courses' chứa danh sách khóa học")
    courses = []
    for raw, line in zip(data["courses"], item_lines(path, "courses"), strict=True):
        where = f"{path}:{line}"
        if not isinstance(raw, dict) or not raw.get("id") or not raw.get("name"):
            raise KnowledgeError(f"{where}: khóa học cần 'id' và 'name'")
        try:
            category = CourseCategory(raw.get("category") or data.get("category"))
        except ValueError:
            allowed = ", ".join(c.value for c in CourseCategory)
            raise KnowledgeError(f"{where}: 'category' phải là một trong: {allowed}") from None
        level = raw.get("level")
        if level is not None and (category not in LEVELS or level not in set(LEVELS[category])):
            raise KnowledgeError(f"{where}: 'level' {level!r} không hợp với loại {category.value}")
        courses.append(
            Course(
                id=str(raw["id"]),
                name=str(raw["name"]),
                category=category,
                aliases=tuple(str(a) for a in raw.get("aliases") or ()),
                level=level,
                provider=raw.get("provider") or data.get("provider"),
            )
        )
    return courses
