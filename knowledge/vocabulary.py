"""The plan's words for an official's record: gender, position groups, the ranked levels of
education, political theory and state management, course categories and ratings. Stored
as short strings; the order of levels is their rank."""

from enum import StrEnum


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"


class PositionGroup(StrEnum):
    LEADERSHIP = "leadership"  # standing committee, People's Council/Committee leaders
    UNIT_HEAD = "unit_head"  # heads and deputies of units
    SPECIALIST = "specialist"  # specialist civil servants without a leadership post


class RankedLevel(StrEnum):
    """A level whose declaration order is its rank (lowest first)."""

    @property
    def rank(self) -> int:
        return list(type(self)).index(self)


class EducationLevel(RankedLevel):
    TRUNG_CAP = "trung_cap"
    CAO_DANG = "cao_dang"
    DAI_HOC = "dai_hoc"
    THAC_SI = "thac_si"
    TIEN_SI = "tien_si"


class PoliticalTheoryLevel(RankedLevel):
    SO_CAP = "so_cap"
    TRUNG_CAP = "trung_cap"
    # "Cử nhân chính trị" counts as equal to "cao cấp" for the targets, so both share the top.
    CAO_CAP = "cao_cap"
    CU_NHAN = "cu_nhan"

    @property
    def rank(self) -> int:
        return min(list(type(self)).index(self), 2)


class StateManagementLevel(RankedLevel):
    CHUYEN_VIEN = "chuyen_vien"
    CHUYEN_VIEN_CHINH = "chuyen_vien_chinh"
    CHUYEN_VIEN_CAO_CAP = "chuyen_vien_cao_cap"


class CourseCategory(StrEnum):
    DEGREE = "degree"  # đào tạo: a degree programme
    POLITICAL_THEORY = "political_theory"
    STATE_MANAGEMENT = "state_management"
    DEFENCE_SECURITY = "defence_security"
    JOB_POSITION = "job_position"  # bồi dưỡng theo vị trí việc làm
    KNOWLEDGE_UPDATE = "knowledge_update"  # law, ethics, office culture, IT, digital, innovation
    DIGITAL_SELF_STUDY = "digital_self_study"  # Bình dân học vụ số
    OTHER = "other"


# The level a course of these categories grants (the record field it raises); other
# categories grant none.
LEVELS: dict[CourseCategory, type[RankedLevel]] = {
    CourseCategory.DEGREE: EducationLevel,
    CourseCategory.POLITICAL_THEORY: PoliticalTheoryLevel,
    CourseCategory.STATE_MANAGEMENT: StateManagementLevel,
}


def attained_level(category: CourseCategory, value: str | None) -> RankedLevel | None:
    """The level a report of `category` records, or None when it records none.

    Raises ValueError when the two do not agree (a doctorate on a political-theory course)."""
    if value is None:
        return None
    levels = LEVELS.get(category)
    if levels is None or value not in {member.value for member in levels}:
        raise ValueError(f"level {value!r} does not belong to category {category.value!r}")
    return levels(value)


class Rating(RankedLevel):
    """Quarterly and annual ratings, lowest first."""

    KHONG_HOAN_THANH = "khong_hoan_thanh"
    HOAN_THANH = "hoan_thanh"
    TOT = "tot"
    XUAT_SAC = "xuat_sac"
