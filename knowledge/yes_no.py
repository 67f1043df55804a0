"""How a yes/no question is answered: «Có.», «Không.» or «Kế hoạch không nói rõ», and the
fact that settles it."""

import re

from knowledge.entries import Entry
from knowledge.normalize import fold
from knowledge.ranking import from_plan
from knowledge.reading import PERCENT, YEAR, Reader, Reading
from knowledge.search import Index
from knowledge.vocabulary import EducationLevel, PoliticalTheoryLevel


def verdict(
    reading: Reading, entry: Entry, facts: list[str], index: Index, reader: Reader
) -> tuple[str, str]:
    """«Có.», «Không.» or «Kế hoạch không nói rõ; …» for a yes/no question, and the fact
    that settles it (the closest fact, unless another one states the level asked about).

    A level asked about is compared with the level a fact requires ("cao đẳng" against
    "đại học trở lên"); a share or year the question states is compared with the fact's;
    otherwise the answer is «Có» when the closest fact holds what is asked."""
    if not from_plan(entry):  # outside the plan: the plan itself says nothing either way
        return "Kế hoạch không nói rõ; ngoài Kế hoạch:", facts[0]
    years = _years_left(reading.question, facts)
    if years is not None:
        return years
    share = _share_reached(reading.question, facts)
    if share is not None:
        return share
    rival = next((f for f in facts if reader.rival_titles(reading.question, f)), None)
    if rival is not None:  # "là bí thư à" of a «Phó Bí thư»; what a rival title needs is unsaid
        if reader.asks_requirement(reading.question):
            return "Kế hoạch không nói rõ; Kế hoạch nêu:", rival
        return "Không.", rival
    asked_words = " ".join(index.normalizer.words(reading.question))
    scale = PoliticalTheoryLevel if "ly luan chinh tri" in asked_words else EducationLevel
    have = _levels(scale, asked_words)
    required = reader.asks_requirement(reading.question)
    for fact in facts if have else ():
        fact_words = " ".join(index.normalizer.words(fact))
        if (scale is EducationLevel) == ("ly luan chinh tri" in fact_words):
            continue  # a fact about the other scale ("trung cấp" LLCT for a degree question)
        need = _levels(scale, fact_words)
        if not need or not _STANDARD.search(fact_words):
            continue  # the fact names a level without setting it as a standard
        lowest = min(x.rank for x in need)
        if _figures_differ(reading.question, fact):  # the level, but "40%" for the plan's 25%
            return "Không.", fact
        if required and _group_share(fact) and "%" not in reading.question:
            # «75% trở lên … thạc sĩ»: a share of the group, not each one
            return "Kế hoạch không bắt buộc với từng người mà đặt tỷ lệ:", fact
        if required:  # "có cần thạc sĩ không": is that the level asked of them?
            enough = min(x.rank for x in have) == lowest
        else:  # "có bằng cao đẳng thì đạt chưa": is what they hold enough?
            enough = max(x.rank for x in have) >= lowest
        return ("Có." if enough else "Không."), fact
    contrary = next((f for f in facts if reader.contradicts(reading.question, f)), None)
    if contrary is not None:  # "chỉ làm một lần" of a task done «thường xuyên»
        return "Không.", contrary
    fact = facts[0]
    if _figures_differ(reading.question, fact):
        return "Không.", fact
    fact_words = " ".join(index.normalizer.words(fact))
    title = set(index.normalizer.words(entry.title))  # names the entry, settles nothing
    known = [t for t in index.correct(asked_words.split()) if t in index.reach and t not in ASKING]
    # ... unless the title's words are all the question has ("nq 05 là của ban thường vụ tỉnh ủy")
    asked = [t for t in known if t not in title] or known
    shared = set(asked) & set(fact_words.split())
    weight = sum(index.reach[t] for t in asked) or 1.0
    if sum(index.reach[t] for t in shared) / weight >= 0.5:
        asked_plainly = _YES_NO_TAIL.sub("", reading.question)  # "… không?" asks, it does not deny
        negative = reader.negative(fact) and not reader.negative(asked_plainly)
        return ("Không." if negative else "Có."), fact
    return "Kế hoạch không nói rõ; Kế hoạch nêu:", fact


# The words that make a yes/no question of a statement: they are not what it states.
ASKING = {"la", "phai", "khong", "co", "dung", "chua", "thi", "ma", "cua", "duoc", "hay"}
_STANDARD = re.compile(r"\b(?:tro len|co trinh do|hoac cu nhan)\b")
_YES_NO_TAIL = re.compile(r" (?:co )?(?:khong|ko|k|hong|chua)(?: a| vay| nhi)?$")
YEAR_OF_SERVICE = re.compile(r"(tren|duoi|it nhat|tu)? ?0*(\d{1,2}) nam (?:cong tac|nua)")


# "10 trưởng phó phòng mà 2 người có thạc sĩ": a count of people out of a total.
_NUMBERED = re.compile(r"\b(?:chi tieu|muc tieu|muc|dieu|khoan)(?: so| thu)? \d+")
_COUNT = re.compile(r"(?<![\d%])(\d{1,5})(?! ?%)(?!\d)")
# «Từ 25% trở lên», «trên 95%», «100%»: the share a fact sets, with how it is compared.
_BOUND = re.compile(r"(tren |tu )?(\d{1,3}) ?%( tro len)?")


def _group_share(fact: str) -> bool:
    """The fact sets a share of a group below all of it («từ 25%», «trên 80%»)."""
    return any(int(b.group(2)) < 100 for b in _BOUND.finditer(fold(fact)))


def _share_reached(question: str, facts: list[str]) -> tuple[str, str] | None:
    """ "100 cán bộ mà 94 người … thì đạt chưa" against «trên 95%»: the share computed from
    the two counts the question gives, compared with the first share a fact sets."""
    plain = _NUMBERED.sub(" ", question)  # "chỉ tiêu 4", "mục 2" number no people
    counts = [int(n) for n in _COUNT.findall(plain) if not 1900 <= int(n) <= 2100]
    if len(counts) != 2 or max(counts) == 0 or "%" in question:
        return None
    share, asked = 100 * min(counts) / max(counts), set(question.split())
    for fact in facts:
        text = fold(fact)
        bounds = list(_BOUND.finditer(text))
        if bounds:  # "100% … trong đó trên 95% hoàn thành tốt": the share the question is about,
            # told by the words after each share that the others lack ("tốt"); on a tie the
            # later, narrower one ("trong đó …")
            after = [set(text[b.end() :].split()[:6]) for b in bounds]
            shared = set.intersection(*after)
            pairs = list(zip(bounds, after, strict=True))[::-1]
            bound = max(pairs, key=lambda pair: len(asked & (pair[1] - shared)))[0]
            limit = int(bound.group(2))
            reached = share > limit if bound.group(1) == "tren " else share >= limit
            return ("Có." if reached else "Không."), fact
    return None


def _years_left(question: str, facts: list[str]) -> tuple[str, str] | None:
    """ "còn 5 năm công tác có được cử đi học không" against «còn trên 06 năm công tác»."""
    have = YEAR_OF_SERVICE.search(question)
    if not have or have.group(1):
        return None
    for fact in facts:
        bound = YEAR_OF_SERVICE.search(fold(fact))
        if bound and bound.group(1) == "tren":
            enough = int(have.group(2)) > int(bound.group(2))
            return ("Có." if enough else "Không."), fact
    return None


def _figures_differ(question: str, fact: str) -> bool:
    """The question states a share or a year the fact gives differently ("50%" for "25%")."""
    fact = fold(fact)
    for pattern in (PERCENT, YEAR):
        said, given = set(pattern.findall(question)), set(pattern.findall(fact))
        if said and given and not said & given:
            return True
    return False


def _levels(scale, words: str) -> list:
    return [level for level in scale if f" {level.value.replace('_', ' ')} " in f" {words} "]
