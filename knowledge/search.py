"""Hybrid ranking of plan entries for a question.

Lexical: BM25 (bm25s) over folded syllables and syllable bigrams, normalised by the best score
each query term can reach, so a question whose words the plan does not use scores low.
Fuzzy: rapidfuzz similarity between the question and each entry's sample questions, which
forgives typos and word order. The two are blended into one score in [0, 1].
"""

from dataclasses import dataclass

import bm25s
import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from knowledge.entries import Entry
from knowledge.normalize import Normalizer

LEXICAL_WEIGHT = 0.85  # chosen with `python -m knowledge.calibrate`, like the thresholds
TITLE_REPEAT = 2  # a title word counts as much as it would appearing twice
# A word pair the plan never uses weighs this much of an unknown word: "lương thạc sĩ" shares
# "thạc sĩ" with the plan, but the pair "lương thạc" tells it is about something else.
UNKNOWN_PAIR = 1.0


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float
    lexical: float
    fuzzy: float


def terms(words: list[str]) -> list[str]:
    """Syllables plus syllable bigrams ("thac", "si", "thac_si")."""
    return words + [f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)]


class Index:
    def __init__(self, entries: tuple[Entry, ...], normalizer: Normalizer | None = None):
        self.entries = entries
        self.normalizer = normalizer or Normalizer.default()
        words = self.normalizer.words
        documents = []
        for entry in entries:
            parts = [entry.title] * TITLE_REPEAT + [*entry.questions, *entry.facts, *entry.keywords]
            documents.append([t for part in parts for t in terms(words(part))])
        self.bm25 = bm25s.BM25()
        self.bm25.index(documents, show_progress=False)
        self.vocabulary = {t for doc in documents for t in doc}
        self.syllables = sorted(t for t in self.vocabulary if "_" not in t)
        self.known_words = frozenset(self.syllables)
        self.reach = _best_scores(self.bm25)
        self.unknown_weight = float(np.percentile(list(self.reach.values()), 75))
        self.questions = [" ".join(words(q)) for e in entries for q in e.questions]
        self.question_entry = [i for i, e in enumerate(entries) for _ in e.questions]

    def correct(self, words: list[str]) -> list[str]:
        """Replace a word the plan never uses by a plan word one typo away ("tieu" for "teu")."""
        fixed = []
        for word in words:
            if word not in self.vocabulary and len(word) >= 3 and not word.isdigit():
                close = process.extractOne(
                    word, self.syllables, scorer=Levenshtein.distance, score_cutoff=1
                )
                word = close[0] if close else word
            fixed.append(word)
        return fixed

    def search(self, question: str, limit: int = 5) -> list[Hit]:
        words = self.correct(self.normalizer.words(question))
        if not words:
            return []
        query = list(dict.fromkeys(terms(words)))
        known = [t for t in query if t in self.vocabulary]
        reach = sum(self.reach[t] for t in known)
        unknown = [t for t in query if t not in self.vocabulary]
        reach += sum(self.unknown_weight * (UNKNOWN_PAIR if "_" in t else 1) for t in unknown)
        lexical = (
            self.bm25.get_scores(known) / reach if known and reach else np.zeros(len(self.entries))
        )

        fuzzy = np.zeros(len(self.entries))
        text = " ".join(words)
        for _, similarity, index in process.extract(
            text, self.questions, scorer=fuzz.token_sort_ratio, limit=None
        ):
            entry = self.question_entry[index]
            fuzzy[entry] = max(fuzzy[entry], similarity / 100)

        blended = LEXICAL_WEIGHT * np.minimum(lexical, 1.0) + (1 - LEXICAL_WEIGHT) * fuzzy
        order = np.argsort(-blended)[:limit]
        return [
            Hit(self.entries[i], float(blended[i]), float(lexical[i]), float(fuzzy[i]))
            for i in order
        ]


def _best_scores(bm25: bm25s.BM25) -> dict[str, float]:
    """The best score each term reaches in any entry: the yardstick for normalising.

    Read from the index's per-term score matrix (one column slice per term id).
    """
    scores, starts = bm25.scores["data"], bm25.scores["indptr"]
    best = {}
    for term, term_id in bm25.vocab_dict.items():
        if term and term_id + 1 < len(starts) and starts[term_id + 1] > starts[term_id]:
            best[term] = float(scores[starts[term_id] : starts[term_id + 1]].max())
    return best
