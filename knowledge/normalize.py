"""Vietnamese text as officials type it, folded into comparable words.

`fold` removes case, diacritics (đ → d), punctuation and emoji; `Normalizer.words` also
expands abbreviations and misspellings and drops politeness and filler, per
`knowledge/vietnamese.yaml`.
"""

import re
import unicodedata
from functools import cache
from pathlib import Path

import yaml

_NON_WORD = re.compile(r"[^\w%]+|_")
_NUMBER_PERCENT = re.compile(r"(\d)\s*%")
LANGUAGE_DATA = Path(__file__).with_name("vietnamese.yaml")


def fold(text: str) -> str:
    """Lower-case, without diacritics (đ → d), punctuation and emoji; words single-spaced.

    "✅ Xác nhận" and "xac nhan" fold to the same string.
    """
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).casefold())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d")
    text = _NUMBER_PERCENT.sub(r"\1 %", text)
    return " ".join(_NON_WORD.sub(" ", text).split())


class Normalizer:
    def __init__(
        self,
        fillers: list[str],
        expansions: dict[str, str],
        small_talk: dict[str, list[str]] | None = None,
    ):
        self.fillers = _phrase_pattern(fillers)
        self.expansions = expansions
        self.expand = _phrase_pattern(list(expansions))
        self.small_talk = {
            phrase: kind for kind, phrases in (small_talk or {}).items() for phrase in phrases
        }

    @classmethod
    @cache
    def default(cls) -> "Normalizer":
        data = yaml.safe_load(LANGUAGE_DATA.read_text(encoding="utf-8"))
        return cls(data["fillers"], data["expansions"], data.get("small_talk"))

    def chit_chat(self, text: str) -> str | None:
        """ "greeting" or "thanks" when that is all the message says."""
        folded = fold(text)
        return self.small_talk.get(folded) or self.small_talk.get(" ".join(self.words(text)))

    def words(self, text: str) -> list[str]:
        """The meaningful folded words of `text`."""
        folded = fold(text)
        folded = self.expand.sub(lambda m: self.expansions[m.group(0)], folded)
        folded = self.fillers.sub(" ", folded)
        return folded.split()


def _phrase_pattern(phrases: list[str]) -> re.Pattern:
    # Longest first, so "cho em hoi" wins over "hoi"; whole words only.
    alternatives = sorted((re.escape(p) for p in phrases), key=len, reverse=True)
    return re.compile(r"(?<![\w%])(?:" + "|".join(alternatives) + r")(?![\w%])")
