"""Hybrid ranking of plan entries for a question.

Lexical: BM25 (bm25s) over folded syllables and syllable bigrams, normalised by the best score
each query term can reach, so a question whose words the plan does not use scores low.
Fuzzy: rapidfuzz similarity between the question and each entry's sample questions, which
forgives typos and word order. The two are blended into one score in [0, 1].

Both are computed on arrays prepared when the index is built (every question pays for them):
the BM25 score of each term in each entry as a dense matrix, the sample questions with their
words already sorted (so `fuzz.ratio` against them is `fuzz.token_sort_ratio`) and the entry of
each sample question.
"""

from dataclasses import dataclass

import bm25s
import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from knowledge.entries import Entry
from knowledge.normalize import Normalizer, remember_texts

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
        self.term_ids = dict(self.bm25.vocab_dict)
        self.term_scores = _dense_scores(self.bm25)
        self.questions = [" ".join(words(q)) for e in entries for q in e.questions]
        # token_sort_ratio sorts both sides' words on every call; these are sorted once.
        self.sorted_questions = [_sorted_words(q) for q in self.questions]
        self.question_entry = np.array(
            [i for i, e in enumerate(entries) for _ in e.questions], dtype=np.intp
        )
        # The vocabulary is fixed per index: a word's closest plan word is looked up once.
        self._closest = remember_texts(self._closest_word)

    def correct(self, words: list[str]) -> list[str]:
        """Replace a word the plan never uses by a plan word one typo away ("tieu" for "teu")."""
        fixed = []
        for word in words:
            if word not in self.vocabulary and len(word) >= 3 and not word.isdigit():
                word = self._closest(word)
            fixed.append(word)
        return fixed

    def _closest_word(self, word: str) -> str:
        close = process.extractOne(
            word, self.syllables, scorer=Levenshtein.distance, score_cutoff=1
        )
        return close[0] if close else word

    def search(self, question: str, limit: int = 5) -> list[Hit]:
        words = self.correct(self.normalizer.words(question))
        if not words:
            return []
        query = list(dict.fromkeys(terms(words)))
        known = [t for t in query if t in self.vocabulary]
        reach = sum(self.reach[t] for t in known)
        unknown = [t for t in query if t not in self.vocabulary]
        reach += sum(self.unknown_weight * (UNKNOWN_PAIR if "_" in t else 1) for t in unknown)
        lexical = self._bm25(known) / reach if known and reach else np.zeros(len(self.entries))

        fuzzy = np.zeros(len(self.entries))
        similarity = process.cdist(
            [_sorted_words(" ".join(words))],
            self.sorted_questions,
            scorer=fuzz.ratio,
            dtype=np.float64,
        )[0]
        np.maximum.at(fuzzy, self.question_entry, similarity / 100)  # the best question per entry

        blended = LEXICAL_WEIGHT * np.minimum(lexical, 1.0) + (1 - LEXICAL_WEIGHT) * fuzzy
        order = np.argsort(-blended)[:limit]
        return [
            Hit(self.entries[i], float(blended[i]), float(lexical[i]), float(fuzzy[i]))
            for i in order
        ]

    def _bm25(self, known: list[str]) -> np.ndarray:
        """What `bm25.get_scores(known)` returns, read from the dense matrix: the terms' rows
        added in the query's order, in float32, as bm25s adds them (a cumulative sum adds one
        row after another; `sum` might pair them differently and round differently)."""
        rows = self.term_scores[[self.term_ids[t] for t in known]]
        return np.cumsum(rows, axis=0)[-1]


def _sorted_words(text: str) -> str:
    return " ".join(sorted(text.split()))


def _dense_scores(bm25: bm25s.BM25) -> np.ndarray:
    """The index's per-term score matrix (compressed, one column slice per term id) as one
    row of scores per term over all entries."""
    scores, starts, entries = bm25.scores["data"], bm25.scores["indptr"], bm25.scores["indices"]
    dense = np.zeros((len(starts) - 1, bm25.scores["num_docs"]), dtype=scores.dtype)
    rows = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
    dense[rows, entries] = scores
    return dense


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
