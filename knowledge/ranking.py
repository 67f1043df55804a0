"""Which entry answers: rules of reading that put an entry first where the search alone would
not (the plan before outside sources, a list for a list question, a target or section named
outright, the entry stating the share asked about)."""

import re

from knowledge.entries import OUTSIDE, Entry, Plan
from knowledge.normalize import fold
from knowledge.reading import PERCENT, Reading
from knowledge.search import Hit

CONFIDENT = 0.44  # at or above: answer
RELATED = 0.30  # at or above (but not confident): suggest
OUTSIDE_MARGIN = 0.10  # an entry from outside the plan yields to a plan entry this close
LIST_MARGIN = 0.15  # a list entry this close to the top answers a question asking for a list
_TARGET_SOURCE = re.compile(r"chỉ tiêu \((\d+)\)")


def from_plan(entry: Entry) -> bool:
    return entry.origin != OUTSIDE


def plan_first(hits: list[Hit]) -> list[Hit]:
    """An entry from outside the plan answers only when no plan entry comes close: the plan's
    own words first."""
    if not hits or from_plan(hits[0].entry):
        return hits
    close = [h for h in hits if from_plan(h.entry) and hits[0].score - h.score < OUTSIDE_MARGIN]
    if not close:
        return hits
    return lift(hits, close[0].entry, hits[0].score)


SECTION = re.compile(r"\bmuc ((?:iv|v|i{1,3})(?: \d)?(?: [a-gđ])?)\b")


def section_first(hits: list[Hit], asked: str, plan: Plan) -> list[Hit] | None:
    """A question that names a section ("mục III.2.d") is answered from that section's entry:
    the one whose source is exactly it, else the first within it."""
    named = SECTION.search(asked)
    if not named:
        return None
    entries = within(plan, f"muc {named.group(1)}")
    chosen = entries[0] if entries else None
    if chosen is None:
        return None
    found = next((h for h in hits if h.entry.id == chosen.id), None)
    score = max(found.score if found else 0.0, CONFIDENT)
    return lift(hits, chosen, score)


def lift(hits: list[Hit], entry: Entry, score: float) -> list[Hit]:
    """The hits with `entry` put first at `score`: a rule of reading has chosen it."""
    found = next((h for h in hits if h.entry.id == entry.id), None)
    lexical, fuzzy = (found.lexical, found.fuzzy) if found else (0.0, 0.0)
    return [Hit(entry, score, lexical, fuzzy), *(h for h in hits if h.entry.id != entry.id)]


def figure_first(hits: list[Hit], asked: str) -> list[Hit]:
    """ "75% thạc sĩ là chỉ tiêu của ai": the entry that states the share asked about."""
    shares = set(PERCENT.findall(asked))
    if not shares or not hits or _states(hits[0].entry, shares):
        return hits
    stating = next((h for h in hits if h.score >= RELATED and _states(h.entry, shares)), None)
    if stating is None:
        return hits
    return lift(hits, stating.entry, hits[0].score)


def _states(entry: Entry, shares: set[str]) -> bool:
    return any(shares & set(PERCENT.findall(fold(f))) for f in entry.facts)


def within(plan: Plan, label: str) -> list[Entry]:
    """The plan's entries in a section ("muc iii 2 d"): those whose source is exactly it first."""
    sources = {e.id: fold(e.source) for e in plan.entries if from_plan(e)}
    within = [
        e for e in plan.entries if e.id in sources and f"{sources[e.id]} ".startswith(label + " ")
    ]
    exact = [e for e in within if sources[e.id].split(" gach")[0] == label]
    return exact + [e for e in within if e not in exact]


def list_first(hits: list[Hit], reading: Reading) -> list[Hit]:
    """A question asking for a whole list ("những cơ quan nào", "kể hết") is about the entry that
    holds the list when it comes close to the top."""
    if "overview" not in reading.kinds or not hits or is_list(hits[0].entry):
        return hits
    lists = [h for h in hits if is_list(h.entry) and hits[0].score - h.score < LIST_MARGIN]
    if not lists or lists[0].score < RELATED:
        return hits
    return lift(hits, lists[0].entry, hits[0].score)


def named_first(hits: list[Hit], reading: Reading, plan: Plan) -> list[Hit]:
    """A question that names one target ("chỉ tiêu 4 về xếp loại") is about that target's
    entry, whatever else shares its words: named outright, it is as sure as a confident match."""
    if len(set(reading.targets)) != 1:
        return hits
    entry = next((e for e in plan.entries if target_number(e) == reading.targets[0]), None)
    if entry is None:  # a target the plan does not have: refused as such
        return hits
    found = next((h for h in hits if h.entry.id == entry.id), None)
    score = max(found.score if found else 0.0, hits[0].score if hits else 0.0, CONFIDENT)
    return lift(hits, entry, score)


def target_number(entry: Entry) -> int | None:
    """The number of the plan's target the entry is (none for entries that only mention one)."""
    found = _TARGET_SOURCE.search(entry.source) if from_plan(entry) else None
    return int(found.group(1)) if found else None


def is_list(entry: Entry) -> bool:
    """An entry whose first fact introduces a list ("… 4 cơ quan:"): its order is the answer."""
    return entry.facts[0].rstrip().endswith(":")
