"""Folding Vietnamese text typed on phones into a comparable form."""

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w%]+|_")


def fold(text: str) -> str:
    """Lower-case, without diacritics (đ → d), punctuation and emoji; words single-spaced.

    "✅ Xác nhận" and "xac nhan" fold to the same string.
    """
    text = unicodedata.normalize("NFD", text.casefold())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d")
    return " ".join(_NON_WORD.sub(" ", text).split())
