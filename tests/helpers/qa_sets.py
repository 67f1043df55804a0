"""The question sets the answerer is measured on, and what counts as a right reply.

`qa_eval.yaml` is the first set; `qa_eval_2.yaml` (the development set) and `qa_holdout.yaml` were
written later from the plan's text alone, by writers who had not read the knowledge base. Misses
on them teach a kind of question to handle, never a sentence to match; the holdout set is read
only for its figures.
"""

from dataclasses import dataclass, field

import yaml

from knowledge.answers import Answer, KnowledgeBase
from tests.helpers import ROOT

DATA = ROOT / "tests" / "data"
SETS = {"first": "qa_eval.yaml", "development": "qa_eval_2.yaml", "holdout": "qa_holdout.yaml"}


def load(name: str) -> dict:
    return yaml.safe_load((DATA / SETS[name]).read_text(encoding="utf-8"))


def expected(item: dict) -> list[str]:
    wanted = item["expect"]
    return [wanted] if isinstance(wanted, str) else list(wanted)


def right(knowledge: KnowledgeBase, item: dict, answer: Answer) -> bool:
    """An in-scope question is answered right when the answer is confident and comes from an
    expected entry; a question about two things cites each; a yes/no question opens with the
    expected «Có» or «Không»."""
    if not answer.confident:
        return False
    if item.get("parts"):
        cited = answer.source or ""
        return all(knowledge.cite(knowledge.entry(p)) in cited for p in item["parts"])
    if answer.entry.id not in expected(item):
        return False
    return not item.get("opens") or answer.text.startswith(item["opens"])


@dataclass
class Score:
    right: int = 0
    total: int = 0
    misses: list = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 1.0


def measure(knowledge: KnowledgeBase, name: str) -> dict[str, dict[str, Score]]:
    """{"in": {class: Score}, "out": {class: Score}} for one set."""
    data = load(name)
    scores: dict[str, dict[str, Score]] = {"in": {}, "out": {}}
    for item in data["in_scope"]:
        answer = knowledge.ask(item["q"])
        score = scores["in"].setdefault(item.get("class", "plain"), Score())
        score.total += 1
        if right(knowledge, item, answer):
            score.right += 1
        else:
            score.misses.append((item["q"], expected(item), answer.entry and answer.entry.id))
    for item in data["out_of_scope"]:
        question = item if isinstance(item, str) else item["q"]
        kind = "general" if isinstance(item, str) else item.get("class", "general")
        score = scores["out"].setdefault(kind, Score())
        score.total += 1
        answer = knowledge.ask(question)
        if answer.confident:
            score.misses.append((question, answer.entry.id))
        else:
            score.right += 1
    return scores


def overall(by_class: dict[str, Score]) -> Score:
    total = Score()
    for score in by_class.values():
        total.right += score.right
        total.total += score.total
        total.misses += score.misses
    return total
