"""Enumerations stored as short strings; the order of levels is their rank."""

from enum import StrEnum


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"


class PositionGroup(StrEnum):
    LEADERSHIP = "leadership"  # standing committee, People's Council/Committee leaders
    UNIT_HEAD = "unit_head"  # heads and deputies of units
    SPECIALIST = "specialist"  # specialist civil servants without a leadership post


class Role(StrEnum):
    OFFICIAL = "official"
    ADMIN = "admin"


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
