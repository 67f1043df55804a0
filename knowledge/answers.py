"""Answers from the plan: a focused answer when sure, suggestions when unsure, nothing invented.

CONFIDENT is the lowest score that still refuses 90% of the out-of-scope questions in
`knowledge/calibration.yaml`, as printed by `python -m knowledge.calibrate` (which also shows
how many of the knowledge base's own sample questions, each asked against an index built
without it, would then be answered right); rerun it after large changes to the knowledge.
"""

import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from knowledge.courses import Catalogue
from knowledge.entries import OUTSIDE, PACKAGED, Entry, Plan, load_plan
from knowledge.normalize import Normalizer, fold
from knowledge.reading import Reader, Reading
from knowledge.search import Hit, Index, terms
from knowledge.vocabulary import EducationLevel, PoliticalTheoryLevel

log = logging.getLogger(__name__)

CONFIDENT = 0.44  # at or above: answer
RELATED = 0.30  # at or above (but not confident): suggest
# A question of a few words ("cán bộ trẻ") matches several entries almost equally well;
# it is answered only when one entry stands out by this much, otherwise suggested.
SHORT_QUESTION = 3
SHORT_MARGIN = 0.10
MAX_ANSWER = 800
MAX_SUGGESTIONS = 3
READING = "Nghĩa là"  # opens a fact that is a reading of the plan, not its words
DEFINITION_TOPIC = "lời giải thích cho từ ngữ này"
PERSON_TOPIC = "thông tin về từng cán bộ (hồ sơ của chính bạn: gõ /toi)"
# Words around a term that do not belong to it ("kế hoạch", "trong", "vậy").
FRAME = {"ke", "hoach", "trong", "cua", "nay", "vay", "the", "cho", "em", "minh", "giup", "de"}
# Words naming a part of the plan: "chỉ tiêu 3 là gì", "yêu cầu của kế hoạch là gì" ask for it.
PLAN_PARTS = {"chi", "muc", "dich", "yeu", "cau", "nhiem", "giai", "phap", "trach", "vai", "tro"}
SHORT_TERM = 4  # words: longer "… là gì" questions ask what the plan says
# Each part of a question about several things (knowledge/reading.yaml `parts`) is answered
# when it finds its own entry this surely.
PART_CONFIDENT = 0.40
MAX_PARTS = 4
OUTSIDE_MARGIN = 0.10
LIST_MARGIN = 0.15
SUBJECT_MARGIN = 0.15  # the named group's entry this close to another group's answers  # a list entry this close to the top answers a question asking for a list  # an entry from outside the plan yields to a plan entry this close
_TARGET_SOURCE = re.compile(r"chỉ tiêu \((\d+)\)")
_YEARS = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


@dataclass(frozen=True)
class Answer:
    confident: bool
    score: float
    entry: Entry | None  # the answering entry when confident (the first, for several parts)
    text: str  # the focused answer with its source line(s), when confident
    source: str | None
    suggestions: tuple[Entry, ...] = ()
    not_covered: str | None = None  # what the plan does not say, completing "Kế hoạch không nêu …"
    # Not a question about the plan: small talk (a greeting, thanks) or, in handlers, a text
    # too long to be one. Nothing to log for admins.
    chat: bool = False
    nearby: str = ""  # with not_covered: the closest thing the plan does say, with its source
    unclear: tuple[str, ...] = ()  # the senses of an abbreviation the question leaves open
    also: tuple[Entry, ...] = ()  # the other entries of an answer in several parts


class KnowledgeBase:
    """The loaded plan, its index and the course catalogue; `reload` swaps all three at once
    or, if anything is wrong, keeps the old ones."""

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder) if folder else PACKAGED
        self._lock = threading.Lock()
        self._plan, self._index, self._courses, self.reader, self._named = self._build()

    def _build(self) -> tuple[Plan, Index, Catalogue, Reader, "Named"]:
        plan, reader = load_plan(self.folder), Reader.load()
        index = Index(plan.entries, Normalizer.load())
        return plan, index, Catalogue.load(self.folder), reader, Named.of(plan, reader)

    def reload(self) -> Plan:
        """Load the folder and the language rules again; on a KnowledgeError the previous
        knowledge stays in service."""
        built = self._build()
        with self._lock:
            self._plan, self._index, self._courses, self.reader, self._named = built
        return built[0]

    @property
    def normalizer(self) -> Normalizer:
        return self._index.normalizer

    @property
    def plan(self) -> Plan:
        return self._plan

    @property
    def courses(self) -> Catalogue:
        return self._courses

    def entry(self, entry_id: str) -> Entry | None:
        return next((e for e in self._plan.entries if e.id == entry_id), None)

    def ask(self, question: str) -> Answer:
        plan, index = self._plan, self._index
        reading = self.reader.read(question, index.known_words, self._named.places)
        asked = reading.question
        hits = index.search(asked)
        if "definition" not in reading.kinds:
            hits = _plan_first(hits)
        hits = _list_first(self._subject_first(hits, reading), reading)
        if "yes_no" not in reading.kinds:  # a yes/no may state a wrong share on purpose
            hits = _figure_first(hits, asked)
        hits = _named_first(hits, reading, plan)
        section = _section_first(hits, asked, plan)
        hits = section or hits
        best = hits[0] if hits else None
        score = best.score if best else 0.0
        related = tuple(h.entry for h in hits if h.score >= RELATED)[:MAX_SUGGESTIONS]
        topic = not_covered(plan, index, asked) or self._beyond(reading, index)
        if topic is not None:
            return self._not_said(topic, score, hits, related, asked)
        unclear = index.normalizer.unclear(asked)
        if unclear:
            return Answer(
                False, score, None, "", None, related, unclear=next(iter(unclear.values()))
            )
        parts = self._section_parts(asked) or self._parts(reading, hits)
        if len(parts) > 1:
            return self._several(parts, reading)
        if best is None or score < RELATED:
            return Answer(False, score, None, "", None)
        runner_up = hits[1].score if len(hits) > 1 else 0.0
        # A target or section named outright is no near tie, however short the question.
        named = bool(section) or bool(reading.targets)
        short = len(index.normalizer.words(asked)) <= SHORT_QUESTION and not named
        if score < CONFIDENT or (short and score - runner_up < SHORT_MARGIN):
            return Answer(False, score, None, "", None, related)
        lacking = [k for k in sorted(reading.kinds) if not self.reader.holds(k, best.entry.facts)]
        if _is_list(best.entry):  # a list answers "which …" as a whole, with no figure of its own
            lacking = []
        if lacking:
            topic = f"{self.reader.kinds[lacking[0]].label} về nội dung này"
            return self._not_said(topic, score, hits, related, asked)
        asks_meaning = "meaning" in reading.kinds or (
            "definition" in reading.kinds and self._short_term(reading)
        )
        if asks_meaning and not self._defines(best.entry, reading):
            return self._not_said(DEFINITION_TOPIC, score, hits, related, asked)
        text = self.answer_text(best.entry, question, reading)
        return Answer(True, score, best.entry, text, self.cite(best.entry, plan))

    def _subject_first(self, hits: list[Hit], reading: Reading) -> list[Hit]:
        """Among entries for groups of people, the one for the group the question names."""
        if not hits or hits[0].entry.id not in self.reader.subjects:
            return hits
        named = self.reader.subjects_named(" ".join(self._index.normalizer.words(reading.question)))
        if len(named) != 1 or hits[0].entry.id in named:
            return hits
        close = [
            h for h in hits if h.entry.id in named and hits[0].score - h.score < SUBJECT_MARGIN
        ]
        if not close:
            return hits
        lifted = Hit(close[0].entry, hits[0].score, close[0].lexical, close[0].fuzzy)
        return [lifted, *(h for h in hits if h is not close[0])]

    def _term(self, reading: Reading) -> set[str]:
        return set(self._index.normalizer.words(self.reader.term(reading.question))) - FRAME

    def _short_term(self, reading: Reading) -> bool:
        """ "chuyển đổi số là gì" asks what a word means; "nhiệm vụ của chi bộ trong kế hoạch là
        gì" asks what the plan says, as does anything naming a part of the plan or a figure."""
        term = self._term(reading)
        return 0 < len(term) <= SHORT_TERM and not term & PLAN_PARTS and not reading.targets

    def _defines(self, entry: Entry, reading: Reading) -> bool:
        """Whether the entry says what the term asked about is: it is the entry's subject (most
        of its title), or a fact explains it; the plan uses many words it never explains."""
        words = self._index.normalizer.words
        term, title = self._term(reading), set(words(entry.title))
        if not term or not _from_plan(entry) or term & PLAN_PARTS:
            return True
        if term <= title and len(term) >= len(title) / 2:
            return True
        explaining = [f for f in entry.facts if f.startswith(READING) or "viết tắt" in f]
        return any(term <= set(words(f)) for f in explaining)

    def cite(self, entry: Entry, plan: Plan | None = None) -> str:
        """Where the entry's content comes from: a section of the plan, or, for an entry from
        outside it, what it relies on, never under the plan's name."""
        if entry.origin == OUTSIDE:
            return f"Ngoài Kế hoạch: theo {entry.source}"
        return f"{entry.source}, {(plan or self._plan).short_name}"

    def answer_text(self, entry: Entry, question: str = "", reading: Reading | None = None) -> str:
        """The entry's facts, the one answering the question first, within MAX_ANSWER; a yes/no
        question opens with «Có», «Không» or «Kế hoạch không nói rõ»."""
        return self._focused(entry, question, reading, MAX_ANSWER)

    def _focused(self, entry: Entry, question: str, reading: Reading | None, limit: int) -> str:
        reading = reading or (self.reader.read(question) if question else None)
        facts = (
            _answer_first(entry, reading, self._index, self.reader)
            if reading
            else list(entry.facts)
        )
        if reading and "yes_no" in reading.kinds and not _is_list(entry):
            verdict, fact = _verdict(reading, entry, facts, self._index, self.reader)
            facts = [f"{verdict} {fact}", *(f for f in facts if f is not fact)]
        source = f"📖 Nguồn: {self.cite(entry)}"
        lines: list[str] = []
        for fact in facts:
            if len("\n".join([*lines, fact, source])) > limit and lines:
                break
            lines.append(fact)
        return "\n".join([*lines, "", source])

    def _not_said(self, topic, score, hits: list[Hit], related, asked: str) -> Answer:
        """The plan does not say it; the closest thing it does say comes with the refusal."""
        nearby = ""
        closest = next((h for h in hits if _from_plan(h.entry)), None)
        if closest is not None and closest.score >= RELATED:  # «Kế hoạch chỉ nêu»: the plan's own
            fact = _answer_first(closest.entry, self.reader.read(asked), self._index, self.reader)[
                0
            ]
            nearby = f"{fact}\n📖 Nguồn: {self.cite(closest.entry)}"
        return Answer(False, score, None, "", None, related, topic, nearby=nearby)

    def _beyond(self, reading: Reading, index: Index) -> str | None:
        """What the question names that the plan does not hold: another document, another
        place, a year outside its span, a target it does not have."""
        known = self._named
        for kind, number in reading.documents:
            # "kế hoạch 05" is how people name this plan: the number is what tells documents apart
            if number not in known.documents:
                return (
                    f"nội dung của {kind} số {number:02d} (Kế hoạch chỉ triển khai {known.basis})"
                )
        if reading.places:
            return f"nội dung riêng của nơi khác ngoài {known.place}"
        for year in reading.years:  # beyond its horizon (earlier years are often birth years)
            if year not in known.years and year > known.last_year:
                return (
                    f"nội dung cho năm {year} (Kế hoạch đặt mục tiêu giai đoạn "
                    f"{known.first_year}–{known.last_year})"
                )
        section = _SECTION.search(reading.question)
        if section and not _within(self._plan, f"muc {section.group(1)}"):
            label = section.group(1).upper().replace(" ", ".")
            return f"mục {label} (Kế hoạch không có mục này)"
        if any(person not in known.people for person in reading.people):
            return PERSON_TOPIC
        for number in reading.targets:
            if number not in known.targets:
                return f"chỉ tiêu ({number}) (Kế hoạch có {len(known.targets)} chỉ tiêu)"
        return None

    def _section_parts(self, asked: str) -> list[tuple[Entry, str]]:
        """Every bullet of a section named outright ("mục III.2.d" has four), each whole."""
        named = _SECTION.search(asked)
        if not named:
            return []
        label = f"muc {named.group(1)}"
        exact = [e for e in _within(self._plan, label) if fold(e.source).split(" gach")[0] == label]
        return [(e, "") for e in exact][:MAX_PARTS] if len(exact) > 1 else []

    def _parts(self, reading: Reading, hits: list[Hit]) -> list[tuple[Entry, str]]:
        """The entries of a question about two things, each with the words that ask for it."""
        by_target = {n: e for e in self._plan.entries if (n := _target_number(e)) is not None}
        named = [by_target[n] for n in dict.fromkeys(reading.targets) if n in by_target]
        if len(named) > 1:  # each target whole, in the knowledge base's order
            return [(e, "") for e in named][:MAX_PARTS]
        sides = self.reader.sides(reading.question)
        if len(sides) < 2:
            return []
        top = {h.entry.id for h in hits[:4] if h.score >= RELATED}
        parts: dict[str, tuple[Entry, str]] = {}
        for side in sides:
            found = self._index.search(side, limit=1)
            hit = found[0] if found else None
            # Each part is found surely, among the whole question's hits, in the plan itself.
            if (
                hit
                and hit.score >= PART_CONFIDENT
                and hit.entry.id in top
                and _from_plan(hit.entry)
            ):
                parts.setdefault(hit.entry.id, (hit.entry, side))
        return list(parts.values())[:MAX_PARTS] if len(parts) > 1 else []

    def _several(self, parts: list[tuple[Entry, str]], reading: Reading) -> Answer:
        share = MAX_ANSWER // len(parts) - 2
        texts = [
            self._focused(e, side, self.reader.read(side) if side else None, share)
            for e, side in parts
        ]
        sources = "; ".join(self.cite(e) for e, _ in parts)
        first = parts[0][0]
        others = tuple(e for e, _ in parts[1:])
        return Answer(True, 1.0, first, "\n\n".join(texts), sources, also=others)


@dataclass(frozen=True)
class Named:
    """What the knowledge base names: documents, years, targets and its own place."""

    documents: frozenset[int]  # the numbers of the documents the plan itself names
    years: frozenset[int]
    first_year: int
    last_year: int
    targets: frozenset[int]
    place: str
    basis: str
    places: frozenset[str]  # folded names of the places the plan names ("si lo lau")
    people: frozenset[str]  # folded names of the people it names (its signer)

    @classmethod
    def of(cls, plan: Plan, reader: Reader) -> "Named":
        [t for e in plan.entries for t in (e.title, e.text, *e.facts)]
        own_texts = [t for e in plan.entries if _from_plan(e) for t in (e.title, e.text, *e.facts)]
        documents = {n for t in own_texts for _, n in reader.documents(fold(t))}
        years = {int(y) for t in own_texts for y in _YEARS.findall(t)}
        own = [int(y) for t in own_texts for y in _YEARS.findall(t)]
        targets = {n for e in plan.entries if (n := _target_number(e)) is not None}
        return cls(
            frozenset(documents),
            frozenset(years),
            min(own, default=0),
            max(own, default=0),
            frozenset(targets),
            plan.place,
            plan.basis,
            frozenset(n for t in own_texts for n in reader.place_names_in(t)),
            frozenset(n for t in own_texts for n in reader.people_in(t)),
        )


def _plan_first(hits: list[Hit]) -> list[Hit]:
    """An entry from outside the plan answers only when no plan entry comes close: the plan's
    own words first."""
    if not hits or _from_plan(hits[0].entry):
        return hits
    close = [h for h in hits if _from_plan(h.entry) and hits[0].score - h.score < OUTSIDE_MARGIN]
    if not close:
        return hits
    lifted = Hit(close[0].entry, hits[0].score, close[0].lexical, close[0].fuzzy)
    return [lifted, *(h for h in hits if h is not close[0])]


_SECTION = re.compile(r"\bmuc ((?:iv|v|i{1,3})(?: \d)?(?: [a-gđ])?)\b")


def _section_first(hits: list[Hit], asked: str, plan: Plan) -> list[Hit] | None:
    """A question that names a section ("mục III.2.d") is answered from that section's entry:
    the one whose source is exactly it, else the first within it."""
    named = _SECTION.search(asked)
    if not named:
        return None
    within = _within(plan, f"muc {named.group(1)}")
    chosen = within[0] if within else None
    if chosen is None:
        return None
    found = next((h for h in hits if h.entry.id == chosen.id), None)
    score = max(found.score if found else 0.0, CONFIDENT)
    lifted = Hit(chosen, score, found.lexical if found else 0.0, found.fuzzy if found else 0.0)
    return [lifted, *(h for h in hits if h.entry.id != chosen.id)]


def _figure_first(hits: list[Hit], asked: str) -> list[Hit]:
    """ "75% thạc sĩ là chỉ tiêu của ai": the entry that states the share asked about."""
    shares = set(_PERCENT.findall(asked))
    if not shares or not hits or _states(hits[0].entry, shares):
        return hits
    stating = next((h for h in hits if h.score >= RELATED and _states(h.entry, shares)), None)
    if stating is None:
        return hits
    lifted = Hit(stating.entry, hits[0].score, stating.lexical, stating.fuzzy)
    return [lifted, *(h for h in hits if h is not stating)]


def _states(entry: Entry, shares: set[str]) -> bool:
    return any(shares & set(_PERCENT.findall(fold(f))) for f in entry.facts)


def _within(plan: Plan, label: str) -> list[Entry]:
    """The plan's entries in a section ("muc iii 2 d"): those whose source is exactly it first."""
    sources = {e.id: fold(e.source) for e in plan.entries if _from_plan(e)}
    within = [
        e for e in plan.entries if e.id in sources and f"{sources[e.id]} ".startswith(label + " ")
    ]
    exact = [e for e in within if sources[e.id].split(" gach")[0] == label]
    return exact + [e for e in within if e not in exact]


def _list_first(hits: list[Hit], reading: Reading) -> list[Hit]:
    """A question asking for a whole list ("những cơ quan nào", "kể hết") is about the entry that
    holds the list when it comes close to the top."""
    if "overview" not in reading.kinds or not hits or _is_list(hits[0].entry):
        return hits
    lists = [h for h in hits if _is_list(h.entry) and hits[0].score - h.score < LIST_MARGIN]
    if not lists or lists[0].score < RELATED:
        return hits
    lifted = Hit(lists[0].entry, hits[0].score, lists[0].lexical, lists[0].fuzzy)
    return [lifted, *(h for h in hits if h is not lists[0])]


def _named_first(hits: list[Hit], reading: Reading, plan: Plan) -> list[Hit]:
    """A question that names one target ("chỉ tiêu 4 về xếp loại") is about that target's
    entry, whatever else shares its words: named outright, it is as sure as a confident match."""
    if len(set(reading.targets)) != 1:
        return hits
    entry = next((e for e in plan.entries if _target_number(e) == reading.targets[0]), None)
    if entry is None:  # a target the plan does not have: refused as such
        return hits
    found = next((h for h in hits if h.entry.id == entry.id), None)
    score = max(found.score if found else 0.0, hits[0].score if hits else 0.0, CONFIDENT)
    lifted = Hit(entry, score, found.lexical if found else 0.0, found.fuzzy if found else 0.0)
    return [lifted, *(h for h in hits if h.entry.id != entry.id)]


def _from_plan(entry: Entry) -> bool:
    return entry.origin != OUTSIDE


def _target_number(entry: Entry) -> int | None:
    """The number of the plan's target the entry is (none for entries that only mention one)."""
    found = _TARGET_SOURCE.search(entry.source) if _from_plan(entry) else None
    return int(found.group(1)) if found else None


def not_covered(plan: Plan, index: Index, question: str) -> str | None:
    asked = f" {' '.join(index.normalizer.words(question))} "
    for kind in plan.not_covered:
        if any(f" {phrase} " in asked for phrase in kind.words):
            return kind.topic
        if any(pattern.search(asked) for pattern in kind.patterns):
            return kind.topic
    return None


def _is_list(entry: Entry) -> bool:
    """An entry whose first fact introduces a list ("… 4 cơ quan:"): its order is the answer."""
    return entry.facts[0].rstrip().endswith(":")


def _answer_first(entry: Entry, reading: Reading, index: Index, reader: Reader) -> list[str]:
    """The entry's facts with the one that answers the question first.

    Facts are weighed by the question's rarer words (a word the plan uses everywhere, "cán bộ",
    tells little) and by holding the kind of fact asked for (a number, a time)."""
    if _is_list(entry):
        return list(entry.facts)
    asked = set(terms(index.correct(index.normalizer.words(reading.question))))

    def weight(fact: str) -> float:
        shared = asked & set(terms(index.normalizer.words(fact)))
        kinds = sum(reader.holds(k, [fact]) for k in reading.kinds if reader.kinds[k].facts)
        # "chủ tịch" asked, "phó chủ tịch" given: not the answer, unless to say «Không»
        rival = reader.rival_titles(reading.question, fact) and "yes_no" not in reading.kinds
        return sum(index.reach.get(t, 0.0) for t in shared) + kinds - 2 * rival

    # Stable: equally close facts keep the order the knowledge base gives them. A reading
    # ("Nghĩa là: …", drawn from the plan but not in it) never leads.
    stated = [f for f in entry.facts if not f.startswith(READING)] or list(entry.facts)
    best = max(stated, key=weight)
    return [best, *(f for f in entry.facts if f is not best)]


def _verdict(
    reading: Reading, entry: Entry, facts: list[str], index: Index, reader: Reader
) -> tuple[str, str]:
    """«Có.», «Không.» or «Kế hoạch không nói rõ; …» for a yes/no question, and the fact
    that settles it (the closest fact, unless another one states the level asked about).

    A level asked about is compared with the level a fact requires ("cao đẳng" against
    "đại học trở lên"); a share or year the question states is compared with the fact's;
    otherwise the answer is «Có» when the closest fact holds what is asked."""
    if not _from_plan(entry):  # outside the plan: the plan itself says nothing either way
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
    asked = [t for t in index.correct(asked_words.split()) if t in index.reach and t not in title]
    shared = set(asked) & set(fact_words.split())
    weight = sum(index.reach[t] for t in asked) or 1.0
    if sum(index.reach[t] for t in shared) / weight >= 0.5:
        asked_plainly = _YES_NO_TAIL.sub("", reading.question)  # "… không?" asks, it does not deny
        negative = reader.negative(fact) and not reader.negative(asked_plainly)
        return ("Không." if negative else "Có."), fact
    return "Kế hoạch không nói rõ; Kế hoạch nêu:", fact


_PERCENT = re.compile(r"(\d+) ?%")
_STANDARD = re.compile(r"\b(?:tro len|co trinh do|hoac cu nhan)\b")
_YES_NO_TAIL = re.compile(r" (?:co )?(?:khong|ko|k|hong|chua)(?: a| vay| nhi)?$")
_YEARS_OF_SERVICE = re.compile(r"(tren|duoi|it nhat|tu)? ?0*(\d{1,2}) nam (?:cong tac|nua)")


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
    have = _YEARS_OF_SERVICE.search(question)
    if not have or have.group(1):
        return None
    for fact in facts:
        bound = _YEARS_OF_SERVICE.search(fold(fact))
        if bound and bound.group(1) == "tren":
            enough = int(have.group(2)) > int(bound.group(2))
            return ("Có." if enough else "Không."), fact
    return None


def _figures_differ(question: str, fact: str) -> bool:
    """The question states a share or a year the fact gives differently ("50%" for "25%")."""
    fact = fold(fact)
    for pattern in (_PERCENT, _YEARS):
        said, given = set(pattern.findall(question)), set(pattern.findall(fact))
        if said and given and not said & given:
            return True
    return False


def _levels(scale, words: str) -> list:
    return [level for level in scale if f" {level.value.replace('_', ' ')} " in f" {words} "]
