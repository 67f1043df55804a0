"""The search's vectorised scoring gives the scores the plain computation gives, to the bit, and
what the normalisation remembers never leaks between callers."""

import numpy as np
import pytest
from rapidfuzz import fuzz

from knowledge.normalize import CACHED_LENGTH, Normalizer, fold
from knowledge.search import Index, terms
from tests.helpers import qa_sets


@pytest.fixture(scope="module")
def index() -> Index:
    from knowledge.answers import KnowledgeBase

    return KnowledgeBase()._index


def questions() -> list[str]:
    data = qa_sets.load("development")
    return [i if isinstance(i, str) else i["q"] for i in data["in_scope"] + data["out_of_scope"]]


def test_lexical_scores_are_bm25s_own(index):
    for question in questions():
        query = dict.fromkeys(terms(index.correct(index.normalizer.words(question))))
        known = [t for t in query if t in index.vocabulary]
        if known:
            assert np.array_equal(index._bm25(known), index.bm25.get_scores(known)), question


def test_fuzzy_score_is_the_best_token_sort_ratio_of_the_entrys_questions(index):
    words = index.normalizer.words
    for question in questions()[::3]:
        text = " ".join(index.correct(words(question)))
        for hit in index.search(question, limit=len(index.entries)):
            samples = [" ".join(words(q)) for q in hit.entry.questions]
            best = max((fuzz.token_sort_ratio(text, s) / 100 for s in samples), default=0.0)
            assert hit.fuzzy == best, (question, hit.entry.id)


def test_words_may_be_changed_by_the_caller():
    normalizer = Normalizer.default()
    words = normalizer.words("thạc sĩ llct")
    words.append("x")
    assert normalizer.words("thạc sĩ llct") == ["thac", "si", "ly", "luan", "chinh", "tri"]


def test_a_long_text_folds_the_same_without_being_remembered():
    long = "Đào tạo " * (CACHED_LENGTH // 8 + 1)
    assert len(long) > CACHED_LENGTH
    assert fold(long) == " ".join(["dao tao"] * (CACHED_LENGTH // 8 + 1))
