"""Reading a cell's value as an enumeration member or a yes/no, however it is spelled.

The spellings are data (spellings.yaml); the Vietnamese labels of labels.yaml are always
accepted too, so what export writes reads back as the same value.
"""

from enum import Enum
from functools import cache
from pathlib import Path

import yaml

from handlers.texts import label, t
from knowledge.normalize import fold

SPELLINGS = Path(__file__).with_name("spellings.yaml")


def spelling_key(text: str) -> str:
    # Symbols such as "✓" fold to nothing; they are their own key then.
    return fold(text) or text.strip()


@cache
def _data() -> dict:
    return yaml.safe_load(SPELLINGS.read_text(encoding="utf-8"))


def aliases(enum: type[Enum]) -> dict[Enum, list[str]]:
    """The extra spellings of each member, as written in spellings.yaml."""
    written = _data()["values"].get(enum.__name__, {})
    return {member: [str(s) for s in written.get(member.value, [])] for member in enum}


@cache
def _lookup(enum: type[Enum]) -> dict[str, Enum]:
    lookup = {}
    for member, spellings in aliases(enum).items():
        for spelling in [label(member), *spellings]:
            lookup[spelling_key(spelling)] = member
    return lookup


@cache
def _beginnings(enum: type[Enum]) -> list[tuple[str, Enum]]:
    written = _data().get("starts_with", {}).get(enum.__name__, {})
    pairs = [(fold(s), enum(value)) for value, spellings in written.items() for s in spellings]
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


def member_for(enum: type[Enum], text: str) -> Enum | None:
    """The member `text` names, or None if it names none."""
    key = spelling_key(text)
    found = _lookup(enum).get(key)
    if found is not None:
        return found
    for beginning, member in _beginnings(enum):
        if key == beginning or key.startswith(beginning + " "):
            return member
    return None


@cache
def _booleans() -> dict[str, bool]:
    written = _data()["booleans"]
    lookup = {spelling_key(str(s)): True for s in [t("roster.true_word"), *written["true_values"]]}
    falses = [t("roster.false_word"), *written["false_values"]]
    lookup.update({spelling_key(str(s)): False for s in falses})
    return lookup


def boolean_for(text: str) -> bool | None:
    return _booleans().get(spelling_key(text))


def header_aliases() -> dict[str, list[str]]:
    return _data().get("headers", {})
