"""Answers from the plan: a focused answer when sure, suggestions when unsure, nothing invented.

The thresholds were calibrated with `python -m knowledge.calibrate` (each sample question
asked against an index built without it, plus the out-of-scope questions in
`knowledge/calibration.yaml`); rerun it after large changes to the knowledge base.
"""

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from knowledge.entries import PACKAGED, Entry, Plan, load_plan
from knowledge.search import Index, terms

log = logging.getLogger(__name__)

CONFIDENT = 0.50  # at or above: answer
RELATED = 0.30  # at or above (but not confident): suggest
MAX_ANSWER = 800
MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class Answer:
    confident: bool
    score: float
    entry: Entry | None  # the answering entry when confident
    text: str  # the focused answer with its source line, when confident
    source: str | None
    suggestions: tuple[Entry, ...] = ()


class KnowledgeBase:
    """The loaded plan and its index; `reload` swaps both at once or keeps the old ones."""

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder) if folder else PACKAGED
        self._lock = threading.Lock()
        self._plan, self._index = self._build()

    def _build(self) -> tuple[Plan, Index]:
        plan = load_plan(self.folder)
        return plan, Index(plan.entries)

    def reload(self) -> Plan:
        """Load the folder again; on a KnowledgeError the previous knowledge stays in service."""
        plan, index = self._build()
        with self._lock:
            self._plan, self._index = plan, index
        return plan

    @property
    def plan(self) -> Plan:
        return self._plan

    def entry(self, entry_id: str) -> Entry | None:
        return next((e for e in self._plan.entries if e.id == entry_id), None)

    def ask(self, question: str) -> Answer:
        plan, index = self._plan, self._index
        hits = index.search(question)
        best = hits[0] if hits else None
        if best is None or best.score < RELATED:
            return Answer(False, best.score if best else 0.0, None, "", None)
        if best.score >= CONFIDENT:
            return Answer(True, best.score, best.entry, self.answer_text(best.entry, question),
                          self.cite(best.entry, plan))
        related = tuple(h.entry for h in hits if h.score >= RELATED)[:MAX_SUGGESTIONS]
        return Answer(False, best.score, None, "", None, related)

    def cite(self, entry: Entry, plan: Plan | None = None) -> str:
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


def _closest_first(entry: Entry, question: str, index: Index) -> list[str]:
    asked = set(terms(index.correct(index.normalizer.words(question))))

    def overlap(fact: str) -> int:
        return len(asked & set(terms(index.normalizer.words(fact))))

    # Stable: equally close facts keep the order the knowledge base gives them.
    best = max(entry.facts, key=overlap)
    return [best, *(f for f in entry.facts if f is not best)]
