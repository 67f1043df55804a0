"""One cell of a roster file read as its column's value, and a value written back as a cell."""

import re
import unicodedata
from datetime import date, datetime

from openpyxl.utils.datetime import from_excel

from handlers.formatting import show_date
from handlers.services.roster.columns import Column, Kind
from handlers.services.roster.spellings import boolean_for, member_for
from handlers.texts import label, t
from knowledge.normalize import fold

# A dash alone is how many spreadsheets say "nothing here".
_BLANK = re.compile(r"[-–—]*")
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
EARLIEST_YEAR = 1940
# Excel's day numbers for 1940-01-01 and 2100-01-01: a plain number in this range in a date
# column is a date whose cell lost its date format; anything else is not a date at all.
_SERIAL_RANGE = (14611, 73051)


class CellProblem(Exception):
    """What is wrong with one cell, as the text after "Dòng 5, cột «…»: "."""


def text_of(cell) -> str:
    """A cell as text: NFC (files from some Windows tools are decomposed), spaces collapsed.

    Control characters go: PostgreSQL refuses NUL in text, and openpyxl refuses them all when
    the roster is exported again. Invisible formatting characters (category Cf: zero-width
    spaces and joiners, the BOM, the soft hyphen, bidi marks and overrides) go too: pasted
    from a web page or a chat they make "A\u200b1" a stranger to "A1", and a right-to-left
    override shows a name backwards.
    """
    if cell is None:
        return ""
    if isinstance(cell, bool):  # an Excel TRUE/FALSE
        return t("roster.true_word") if cell else t("roster.false_word")
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, datetime | date):
        return show_date(cell)
    text = "".join(_visible(ch) for ch in str(cell))
    return " ".join(unicodedata.normalize("NFC", text).split())


def _visible(ch: str) -> str:
    category = unicodedata.category(ch)
    if category == "Cc":
        return " "
    return "" if category == "Cf" else ch


def is_blank(cell) -> bool:
    return _BLANK.fullmatch(text_of(cell)) is not None


def read_cell(column: Column, cell, *, today: date, limits: dict[str, int]):
    """The value of `cell` in `column`; an empty cell gives the column's default (None if none)."""
    if is_blank(cell):
        if column.required:
            raise CellProblem(t("roster.missing_value"))
        return column.default
    match column.kind:
        case Kind.ENUM:
            return _member(column, text_of(cell))
        case Kind.BOOL:
            return _boolean(text_of(cell))
        case Kind.DATE:
            return _date(cell, today)
        case Kind.PHONE:
            return _phone(cell)
        case Kind.CODE:
            return _code(text_of(cell), limits["code"])
        case _:
            return _text(text_of(cell), limits[column.field])


def ethnic_minority_default(ethnicity: str | None) -> bool:
    """An official whose ethnicity is written and is not Kinh belongs to an ethnic minority."""
    return bool(ethnicity) and fold(ethnicity) != "kinh"


def _text(text: str, limit: int) -> str:
    if len(text) > limit:
        raise CellProblem(t("roster.too_long", length=len(text), limit=limit))
    return text


def _code(text: str, limit: int) -> str:
    if " " in text:
        raise CellProblem(t("roster.code_spaces", value=text))
    return _text(text, limit)


def _member(column: Column, text: str):
    member = member_for(column.enum, text)
    if member is None:
        # Quoted: some labels hold commas ("Trưởng, phó phòng, ban, cơ quan").
        accepted = ", ".join(f"«{label(m)}»" for m in column.enum)
        raise CellProblem(t("roster.unknown_value", value=text, accepted=accepted))
    return member


def _boolean(text: str) -> bool:
    value = boolean_for(text)
    if value is None:
        accepted = f"«{t('roster.true_word')}», «{t('roster.false_word')}», x, 1, 0"
        raise CellProblem(t("roster.unknown_value", value=text, accepted=accepted))
    return value


def _date(cell, today: date) -> date:
    value = _as_date(cell, today)
    if value is None:
        raise CellProblem(t("roster.bad_date", value=text_of(cell)))
    if value > today:
        raise CellProblem(t("roster.future_date", value=show_date(value)))
    if value.year < EARLIEST_YEAR:
        raise CellProblem(t("roster.too_early", year=value.year))
    return value


def _as_date(cell, today: date) -> date | None:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        low, high = _SERIAL_RANGE
        return from_excel(cell).date() if low <= cell < high else None
    text = text_of(cell)
    if match := _DMY.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
        if len(match.group(3)) == 2:
            # d/m/yy: the latest century that does not put the date in the future.
            year += 2000 if 2000 + year <= today.year else 1900
    elif match := _ISO.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:  # 31/02/1985
        return None


def reads_as_month_day(cell) -> bool:
    """A date typed as text whose second part is a day, not a month: 12/24/1981.

    Excel set to US dates writes a CSV that way; its 12/02/1981 then means 2 December, which
    read as day/month would be 12 February. One such value is proof for the whole column.
    """
    if not isinstance(cell, str):  # a real date cell holds no order to mistake
        return False
    match = _DMY.fullmatch(text_of(cell))
    return match is not None and 1 <= int(match[1]) <= 12 < int(match[2]) <= 31


def _phone(cell) -> str:
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        # Excel stored the phone number as a number and dropped its leading 0: put it back.
        digits = str(int(cell))
        return "0" + digits if len(digits) in (9, 10) else _checked_phone(digits, cell)
    return _checked_phone(_PHONE_SEPARATORS.sub("", text_of(cell)), cell)


def _checked_phone(number: str, cell) -> str:
    # The only "+" is the one of +84, whose digits count with the rest.
    digits = number[1:] if number.startswith("+84") else number
    if not (digits.isascii() and digits.isdigit() and 9 <= len(digits) <= 11):  # not "²"
        raise CellProblem(t("roster.bad_phone", value=text_of(cell)))
    return number


def cell_value(column: Column, value):
    """How an official's value is written in a roster file (None: an empty cell)."""
    if value is None:
        return None
    if column.kind is Kind.BOOL:
        return t("roster.true_word") if value else t("roster.false_word")
    if column.kind is Kind.ENUM:
        return label(value)
    return value


def shown_value(column: Column, value) -> str:
    """A stored or imported value as a report shows it: as the file writes it, units by name."""
    if column.kind is Kind.UNIT and value is not None:
        value = value.name
    value = cell_value(column, value)
    if value is None:
        return t("roster.empty_value")
    return show_date(value) if isinstance(value, date) else str(value)
