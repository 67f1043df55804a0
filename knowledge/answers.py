"""Answers from the plan: a focused answer when sure, suggestions when unsure, nothing invented.

CONFIDENT (knowledge/ranking.py) is at or above the lowest score that refuses 90% of the
out-of-scope questions in `knowledge/calibration.yaml`, as printed by `python -m knowledge.calibrate` (which also shows
how many of the knowledge base's own sample questions, each asked against an index built
without it, would then be answered right); rerun it after large changes to the knowledge.
"""

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.courses import Catalogue
from knowledge.entries import PACKAGED, Entry, Plan, load_plan
from knowledge.normalize import Normalizer, fold
from knowledge.ranking import (
    CONFIDENT,
    RELATED,
    SECTION,
    figure_first,
    from_plan,
    is_list,
    lift,
    list_first,
    named_first,
    plan_first,
    section_first,
    target_number,
    within,
)
from knowledge.reading import YEAR, Reader, Reading
from knowledge.search import Hit, Index, terms
from knowledge.yes_no import verdict

log = logging.getLogger(__name__)

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
# Words any question about a figure has ("tỷ lệ cán bộ … là bao nhiêu %"): they tell nothing of
# what the figure is about.
FIGURE_WORDS = {
    "can",
    "bo",
    "cong",
    "chuc",
    "ty",
    "le",
    "bao",
    "nhieu",
    "%",
    "phan",
    "tram",
    "chi",
    "tieu",
    "la",
    "gi",
    "phai",
    "co",
    "duoc",
    "khong",
    "xa",
    "cua",
    "cho",
    "ke",
    "hoach",
    "nam",
    "den",
    "may",
    "muc",
}
# Each part of a question about several things (knowledge/reading.yaml `parts`) is answered
# when it finds its own entry this surely.
PART_CONFIDENT = 0.40
MAX_PARTS = 4
SUBJECT_MARGIN = 0.15  # the named group's entry this close to another group's answers


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
            hits = plan_first(hits)
        hits = list_first(self._subject_first(hits, reading), reading)
        if "yes_no" not in reading.kinds:  # a yes/no may state a wrong share on purpose
            hits = figure_first(hits, asked)
        hits = named_first(hits, reading, plan)
        section = section_first(hits, asked, plan)
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
        if is_list(best.entry):  # a list answers "which …" as a whole, with no figure of its own
            lacking = []
        if (
            not lacking
            and "how_many" in reading.kinds
            and not self._figure_about(best.entry, reading)
        ):
            lacking = ["how_many"]  # "tỷ lệ cán bộ nữ": the plan's 70% is about something else
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
        return lift(hits, close[0].entry, hits[0].score)

    def _figure_about(self, entry: Entry, reading: Reading) -> bool:
        """Whether the figure the answer opens with is about what the question names: it shares
        a word with the question beyond the words every figure question has."""
        if is_list(entry):
            return True
        words = self._index.normalizer.words
        asked = set(self._index.correct(words(reading.question))) - FIGURE_WORDS
        first = set(words(_answer_first(entry, reading, self._index, self.reader)[0]))
        return not asked or bool(asked & first)

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
        if not term or not from_plan(entry) or term & PLAN_PARTS:
            return True
        if term <= title and len(term) >= len(title) / 2:
            return True
        explaining = [f for f in entry.facts if f.startswith(READING) or "viết tắt" in f]
        return any(term <= set(words(f)) for f in explaining)

    def cite(self, entry: Entry, plan: Plan | None = None) -> str:
        """Where the entry's content comes from: a section of the plan, or, for an entry from
        outside it, what it relies on, never under the plan's name."""
        if not from_plan(entry):
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
        if reading and "yes_no" in reading.kinds and not is_list(entry):
            opening, fact = verdict(reading, entry, facts, self._index, self.reader)
            facts = [f"{opening} {fact}", *(f for f in facts if f is not fact)]
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
        closest = next((h for h in hits if from_plan(h.entry)), None)
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
            if year > known.last_year:
                return (
                    f"nội dung cho năm {year} (Kế hoạch đặt mục tiêu giai đoạn "
                    f"{known.first_year}–{known.last_year})"
                )
        section = SECTION.search(reading.question)
        if section and not within(self._plan, f"muc {section.group(1)}"):
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
        named = SECTION.search(asked)
        if not named:
            return []
        label = f"muc {named.group(1)}"
        exact = [e for e in within(self._plan, label) if fold(e.source).split(" gach")[0] == label]
        return [(e, "") for e in exact][:MAX_PARTS] if len(exact) > 1 else []

    def _parts(self, reading: Reading, hits: list[Hit]) -> list[tuple[Entry, str]]:
        """The entries of a question about two things, each with the words that ask for it."""
        by_target = self._named.by_target
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
            if hit and hit.score >= PART_CONFIDENT and hit.entry.id in top and from_plan(hit.entry):
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
    first_year: int  # the span of years the plan's own text names
    last_year: int
    targets: frozenset[int]
    place: str
    basis: str
    places: frozenset[str]  # folded names of the places the plan names ("si lo lau")
    people: frozenset[str]  # folded names of the people it names (its signer)
    by_target: dict[int, Entry] = field(default_factory=dict, compare=False)  # the targets' entries

    @classmethod
    def of(cls, plan: Plan, reader: Reader) -> "Named":
        own_texts = [t for e in plan.entries if from_plan(e) for t in (e.title, e.text, *e.facts)]
        documents = {n for t in own_texts for _, n in reader.documents(fold(t))}
        years = [int(y) for t in own_texts for y in YEAR.findall(t)]
        by_target = {n: e for e in plan.entries if (n := target_number(e)) is not None}
        return cls(
            frozenset(documents),
            min(years, default=0),
            max(years, default=0),
            frozenset(by_target),
            plan.place,
            plan.basis,
            frozenset(n for t in own_texts for n in reader.place_names_in(t)),
            frozenset(n for t in own_texts for n in reader.people_in(t)),
            by_target,
        )


def not_covered(plan: Plan, index: Index, question: str) -> str | None:
    asked = f" {' '.join(index.normalizer.words(question))} "
    for kind in plan.not_covered:
        if kind.phrases.search(asked):
            return kind.topic
        if any(pattern.search(asked) for pattern in kind.patterns):
            return kind.topic
    return None


def _answer_first(entry: Entry, reading: Reading, index: Index, reader: Reader) -> list[str]:
    """The entry's facts with the one that answers the question first.

    Facts are weighed by the question's rarer words (a word the plan uses everywhere, "cán bộ",
    tells little) and by holding the kind of fact asked for (a number, a time)."""
    if is_list(entry):
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
