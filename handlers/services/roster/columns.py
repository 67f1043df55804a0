"""The columns of a roster file: their order, kinds, defaults, and matching a file's header row."""

from dataclasses import dataclass
from enum import Enum, StrEnum

from handlers.services.roster.spellings import header_aliases
from handlers.texts import t
from knowledge.normalize import fold
from knowledge.vocabulary import (
    EducationLevel,
    Gender,
    PoliticalTheoryLevel,
    PositionGroup,
    StateManagementLevel,
)


class Kind(StrEnum):
    TEXT = "text"
    CODE = "code"
    ENUM = "enum"
    BOOL = "bool"
    DATE = "date"
    PHONE = "phone"
    UNIT = "unit"


@dataclass(frozen=True)
class Column:
    field: str  # the official's attribute ("unit": the unit's name)
    kind: Kind
    width: int  # in the spreadsheet, in characters
    required: bool = False
    enum: type[Enum] | None = None
    default: bool | None = None  # for yes/no columns: what an empty cell means

    @property
    def title(self) -> str:
        """The column's heading without the required mark, as reports name it."""
        return t(f"roster.header_{self.field}")

    @property
    def header(self) -> str:
        return self.title + ("*" if self.required else "")


COLUMNS = (
    Column("code", Kind.CODE, 14, required=True),
    Column("full_name", Kind.TEXT, 26, required=True),
    Column("gender", Kind.ENUM, 11, required=True, enum=Gender),
    Column("birth_date", Kind.DATE, 12),
    Column("ethnicity", Kind.TEXT, 10),
    # Empty: derived from the ethnicity (see values.ethnic_minority_default).
    Column("ethnic_minority", Kind.BOOL, 13),
    Column("unit", Kind.UNIT, 30),
    Column("title", Kind.TEXT, 28),
    Column("position_group", Kind.ENUM, 30, required=True, enum=PositionGroup),
    Column("is_vice_chair", Kind.BOOL, 13, default=False),
    Column("education_level", Kind.ENUM, 14, enum=EducationLevel),
    Column("major", Kind.TEXT, 22),
    Column("major_fits_position", Kind.BOOL, 16, default=True),
    Column("political_theory_level", Kind.ENUM, 17, enum=PoliticalTheoryLevel),
    Column("state_management_level", Kind.ENUM, 19, enum=StateManagementLevel),
    Column("equipped_to_standard", Kind.BOOL, 14, default=False),
    Column("phone", Kind.PHONE, 14),
    Column("active", Kind.BOOL, 11, default=True),
)
BY_FIELD = {column.field: column for column in COLUMNS}


@dataclass(frozen=True)
class Header:
    """A file's header row read against COLUMNS: which file column holds which field."""

    positions: dict[str, int]  # field → 0-based index in the file's rows
    texts: dict[str, str]  # field → the header as written in the file
    missing: list[Column]  # required columns the file lacks
    duplicates: list[tuple[str, int, int]]  # header, first and second index
    ignored: list[str]  # headers that name no column


def read_header(cells: list[str]) -> Header:
    names = _header_names()
    positions, texts, duplicates, ignored = {}, {}, [], []
    for index, text in enumerate(cells):
        if not text:
            continue
        field = names.get(fold(text))
        if field is None:
            ignored.append(text)
        elif field in positions:
            duplicates.append((text, positions[field], index))
        else:
            positions[field], texts[field] = index, text
    missing = [c for c in COLUMNS if c.required and c.field not in positions]
    return Header(positions, texts, missing, duplicates, ignored)


def _header_names() -> dict[str, str]:
    # fold() drops the trailing "*" with the rest of the punctuation.
    names = {}
    for column in COLUMNS:
        for name in [column.header, *header_aliases().get(column.field, [])]:
            names[fold(name)] = column.field
    return names
