"""Answers from the plan: a focused answer when sure, suggestions when unsure, nothing invented.

CONFIDENT is the lowest score that still refuses 90% of the out-of-scope questions in
`knowledge/calibration.yaml`, as printed by `python -m knowledge.calibrate` (which also shows
how many of the knowledge base's own sample questions, each asked against an index built
without it, would then be answered right); rerun it after large changes to the knowledge.
"""

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from knowledge.courses import Catalogue
from knowledge.entries import OUTSIDE, PACKAGED, Entry, Plan, load_plan
from knowledge.search import Index, terms

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


@dataclass(frozen=True)
class Answer:
    confident: bool
    score: float
    entry: Entry | None  # the answering entry when confident
    text: str  # the focused answer with its source line, when confident
    source: str | None
    suggestions: tuple[Entry, ...] = ()
    not_covered: str | None = None  # the topic, when the question asks what the plan never says
    # Not a question about the plan: small talk (a greeting, thanks) or, in handlers, a text
    # too long to be one. Nothing to log for admins.
    chat: bool = False


class KnowledgeBase:
    """The loaded plan, its index and the course catalogue; `reload` swaps all three at once
    or, if anything is wrong, keeps the old ones."""

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder) if folder else PACKAGED
        self._lock = threading.Lock()
        self._plan, self._index, self._courses = self._build()

    def _build(self) -> tuple[Plan, Index, Catalogue]:
        plan = load_plan(self.folder)
        return plan, Index(plan.entries), Catalogue.load(self.folder)

    def reload(self) -> Plan:
        """Load the folder again; on a KnowledgeError the previous knowledge stays in service."""
        built = self._build()
        with self._lock:
            self._plan, self._index, self._courses = built
        return built[0]

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
        hits = index.search(question)
        best = hits[0] if hits else None
        related = tuple(h.entry for h in hits if h.score >= RELATED)[:MAX_SUGGESTIONS]
        topic = not_covered(plan, index, question)
        if topic is not None:
            return Answer(False, best.score if best else 0.0, None, "", None, related, topic)
        if best is None or best.score < RELATED:
            return Answer(False, best.score if best else 0.0, None, "", None)
        runner_up = hits[1].score if len(hits) > 1 else 0.0
        short = len(index.normalizer.words(question)) <= SHORT_QUESTION
        if best.score >= CONFIDENT and not (short and best.score - runner_up < SHORT_MARGIN):
            return Answer(
                True,
                best.score,
                best.entry,
                self.answer_text(best.entry, question),
                self.cite(best.entry, plan),
            )
        return Answer(False, best.score, None, "", None, related)

    def cite(self, entry: Entry, plan: Plan | None = None) -> str:
        """Where the entry's content comes from: a section of the plan, or, for an entry from
        outside it, what it relies on, never under the plan's name."""
        if entry.origin == OUTSIDE:
            return f"Ngoài Kế hoạch: theo {entry.source}"
        return f"{entry.source}, {(plan or self._plan).short_name}"

    def answer_text(self, entry: Entry, question: str = "") -> str:
        """The entry's facts, the one closest to the question first, within MAX_ANSWER."""
        source = f"📖 Nguồn: {self.cite(entry)}"
        facts = _closest_first(entry, question, self._index) if question else list(entry.facts)
        lines: list[str] = []
        for fact in facts:
            if len("\n".join([*lines, fact, source])) > MAX_ANSWER and lines:
                break
            lines.append(fact)
        return "\n".join([*lines, "", source])


def not_covered(plan: Plan, index: Index, question: str) -> str | None:
    asked = f" {' '.join(index.normalizer.words(question))} "
    for kind in plan.not_covered:
        if any(f" {phrase} " in asked for phrase in kind.words):
            return kind.topic
    return None


def _closest_first(entry: Entry, question: str, index: Index) -> list[str]:
    asked = set(terms(index.correct(index.normalizer.words(question))))

    def overlap(fact: str) -> int:
        return len(asked & set(terms(index.normalizer.words(fact))))

    # Stable: equally close facts keep the order the knowledge base gives them. A reading
    # ("Nghĩa là: …", drawn from the plan but not in it) never leads.
    stated = [f for f in entry.facts if not f.startswith(READING)] or list(entry.facts)
    best = max(stated, key=overlap)
    return [best, *(f for f in entry.facts if f is not best)]
