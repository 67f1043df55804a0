"""Calibrate the confidence threshold: `python -m knowledge.calibrate [KNOWLEDGE_DIR]`.

The threshold is the lowest score that refuses 90% of the out-of-scope questions in
`knowledge/calibration.yaml`. At that threshold it reports how each sample question of the
knowledge base fares when asked against an index built without it (so it is as new to the
index as a real user's question): answered right, answered wrong, or not answered.
"""

import dataclasses
import math
import sys
from pathlib import Path

import yaml

from knowledge.answers import KnowledgeBase, not_covered
from knowledge.entries import PACKAGED, Plan
from knowledge.search import Index

REFUSE = 0.90


def top(knowledge: KnowledgeBase, plan: Plan, index: Index, question: str) -> tuple[float, str]:
    """The score a question gets (0 for one the plan never covers: a kind of question, or a
    document, place, year or target it does not name) and the entry on top."""
    reading = knowledge.reader.read(question, index.known_words, knowledge._named.places)
    hit = index.search(reading.question, limit=1)[0]
    outside = not_covered(plan, index, reading.question) or knowledge._beyond(reading, index)
    return (0.0 if outside else hit.score), hit.entry.id


def main(folder: Path) -> None:
    knowledge = KnowledgeBase(folder)
    plan = knowledge.plan
    full = Index(plan.entries)
    outside = yaml.safe_load((PACKAGED / "calibration.yaml").read_text(encoding="utf-8"))
    refused = sorted(top(knowledge, plan, full, q)[0] for q in outside["out_of_scope"])
    threshold = refused[math.ceil(REFUSE * len(refused)) - 1] + 0.005

    right = wrong = total = 0
    for position, entry in enumerate(plan.entries):
        for question in entry.questions:
            entries = list(plan.entries)
            others = tuple(q for q in entry.questions if q != question)
            entries[position] = dataclasses.replace(entry, questions=others)
            score, answered = top(knowledge, plan, Index(tuple(entries)), question)
            total += 1
            right += score >= threshold and answered == entry.id
            wrong += score >= threshold and answered != entry.id
    print(
        f"threshold {threshold:.2f}: refuses {sum(s < threshold for s in refused)}"
        f"/{len(refused)} out-of-scope questions"
    )
    print(
        f"sample questions, each left out of the index: {right / total:.0%} answered right, "
        f"{wrong / total:.0%} wrong, {1 - (right + wrong) / total:.0%} not answered ({total})"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else PACKAGED)
