"""Vietnamese text as officials type it, folded into comparable words.

`fold` removes case, diacritics (đ → d), punctuation and emoji; `Normalizer.words` also
expands abbreviations and misspellings and drops politeness and filler, per
`knowledge/vietnamese.yaml`.

Both are pure functions of the text, asked about the same texts again and again (a question by
several steps of answering it, the plan's facts and the choices' labels by every message): both
remember their results for the latest few thousand texts (`remember_texts`).
"""

import re
import unicodedata
from collections.abc import Callable
from functools import cache, lru_cache, wraps
from pathlib import Path
from typing import TypeVar

from knowledge.entries import KnowledgeError, read_yaml

_NON_WORD = re.compile(r"[^\w%]+|_")
_NUMBER_PERCENT = re.compile(r"(\d)\s*%")
LANGUAGE_DATA = Path(__file__).with_name("vietnamese.yaml")
CACHED_TEXTS = 4096  # the plan's ~900 facts, titles and questions, the labels and recent questions
CACHED_LENGTH = 1000  # characters: longer texts (no fact, no question) would only hold memory
MARKS_TABLE = 0x3000  # code points remembered in _WithoutMarks: all Latin, Vietnamese and marks
T = TypeVar("T")


def remember_texts(function: Callable[[str], T]) -> Callable[[str], T]:
    """`function` remembering its results for the latest CACHED_TEXTS texts of at most
    CACHED_LENGTH characters. Only for pure functions returning something immutable."""
    cached = lru_cache(maxsize=CACHED_TEXTS)(function)

    @wraps(function)
    def remembered(text: str) -> T:
        return cached(text) if len(text) <= CACHED_LENGTH else function(text)

    remembered.cache_clear = cached.cache_clear
    return remembered


class _WithoutMarks(dict):
    """A `str.translate` table deleting combining marks (category Mn), filled in as characters
    are met: a lookup per character instead of a `unicodedata.category` call. Rarer characters
    (above MARKS_TABLE) are looked up each time, so the table stays small."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.category(chr(code)) == "Mn" else code
        if code < MARKS_TABLE:
            self[code] = kept
        return kept


_WITHOUT_MARKS = _WithoutMarks()


@remember_texts
def fold(text: str) -> str:
    """Lower-case, without diacritics (đ → d), punctuation and emoji; words single-spaced.

    "✅ Xác nhận" and "xac nhan" fold to the same string.
    """
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).casefold())
    text = text.translate(_WITHOUT_MARKS)
    text = text.replace("đ", "d")
    text = _NUMBER_PERCENT.sub(r"\1 %", text)
    return " ".join(_NON_WORD.sub(" ", text).split())


class Normalizer:
    def __init__(
        self,
        fillers: list[str],
        expansions: dict[str, str],
        small_talk: dict[str, list[str]] | None = None,
        ambiguous: dict[str, dict[str, list[str]]] | None = None,
    ):
        self.fillers = _phrase_pattern(fillers)
        self.expansions = expansions
        self.expand = _phrase_pattern(list(expansions))
        self.small_talk = {
            phrase: kind for kind, phrases in (small_talk or {}).items() for phrase in phrases
        }
        ambiguous = ambiguous or {}
        self.ambiguous = {
            short: {s: _phrase_pattern(c) for s, c in senses.items() if s != "default"}
            for short, senses in ambiguous.items()
        }
        self.defaults = {
            s: senses["default"] for s, senses in ambiguous.items() if "default" in senses
        }
        self._words = remember_texts(self._folded_words)

    @classmethod
    @cache
    def default(cls) -> "Normalizer":
        return cls.load()

    @classmethod
    def load(cls, path: Path | None = None) -> "Normalizer":
        """Read the file again (`/kb_reload`); a broken one raises KnowledgeError."""
        path = path or LANGUAGE_DATA
        data = read_yaml(path)
        try:
            return cls(
                data["fillers"], data["expansions"], data.get("small_talk"), data.get("ambiguous")
            )
        except (KeyError, TypeError, AttributeError, re.error) as error:
            raise KnowledgeError(f"{path}:1: {error!r}") from None

    def chit_chat(self, text: str) -> str | None:
        """ "greeting" or "thanks" when that is all the message says."""
        folded = fold(text)
        return self.small_talk.get(folded) or self.small_talk.get(" ".join(self.words(text)))

    def unclear(self, text: str) -> dict[str, tuple[str, ...]]:
        """Ambiguous abbreviations the question's context does not settle, with their senses:
        {"dh": ("đại học", "đại hội")}."""
        folded = fold(text)
        return {
            short: tuple(self.ambiguous[short])
            for short in self._abbreviations(folded)
            if self._sense(short, folded) is None
        }

    def words(self, text: str) -> list[str]:
        """The meaningful folded words of `text` (a new list: callers may change it)."""
        return list(self._words(text))

    def _folded_words(self, text: str) -> tuple[str, ...]:
        folded = fold(text)
        for short in self._abbreviations(folded):
            sense = self._sense(short, folded)
            if sense is not None:
                folded = re.sub(rf"(?<![\w%]){short}(?![\w%])", fold(sense), folded)
        folded = self.expand.sub(lambda m: self.expansions[m.group(0)], folded)
        folded = self.fillers.sub(" ", folded)
        return tuple(folded.split())

    def _abbreviations(self, folded: str) -> list[str]:
        return [short for short in self.ambiguous if f" {short} " in f" {folded} "]

    def _sense(self, short: str, folded: str) -> str | None:
        """The sense with the most context words in the question; on a tie or none, the
        abbreviation's default, if it has one."""
        hits = {
            sense: len(context.findall(folded)) for sense, context in self.ambiguous[short].items()
        }
        ranked = sorted(hits.values(), reverse=True)
        if ranked[0] == 0 or (len(ranked) > 1 and ranked[0] == ranked[1]):
            return self.defaults.get(short)
        return max(hits, key=hits.get)


def _phrase_pattern(phrases: list[str]) -> re.Pattern:
    # Longest first, so "cho em hoi" wins over "hoi"; whole words only.
    alternatives = sorted((re.escape(p) for p in phrases), key=len, reverse=True)
    return re.compile(r"(?<![\w%])(?:" + "|".join(alternatives) + r")(?![\w%])")
