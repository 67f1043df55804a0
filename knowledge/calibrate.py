"""Calibrate the confidence threshold: `python -m knowledge.calibrate [KNOWLEDGE_DIR]`.

Each sample question of each entry is asked against an index built without that question
(so it is new to the index, as a real user's question would be); the out-of-scope questions
of `knowledge/calibration.yaml` should not be answered. Prints, for each candidate threshold,
how many in-scope questions would be answered right and how many out-of-scope ones refused.
"""

import dataclasses
import sys
from pathlib import Path

import yaml

from knowledge.entries import PACKAGED, load_plan
from knowledge.search import Index

CANDIDATES = [round(0.30 + 0.02 * i, 2) for i in range(21)]


def main(folder: Path) -> None:
    plan = load_plan(folder)
    out_of_scope = yaml.safe_load((PACKAGED / "calibration.yaml").read_text(encoding="utf-8"))
    in_scope: list[tuple[float, bool]] = []  # (top score, top is the right entry)
    for position, entry in enumerate(plan.entries):
        for question in entry.questions:
            others = tuple(q for q in entry.questions if q != question)
            entries = list(plan.entries)
            entries[position] = dataclasses.replace(entry, questions=others)
            top = Index(tuple(entries)).search(question, limit=1)[0]
            in_scope.append((top.score, top.entry.id == entry.id))
    full = Index(plan.entries)
    refused = [full.search(q, limit=1)[0].score for q in out_of_scope["out_of_scope"]]

    print(f"{len(in_scope)} in-scope (leave-one-out), {len(refused)} out-of-scope questions")
    print("threshold  answered-right  wrongly-answered  out-of-scope-refused")
    for threshold in CANDIDATES:
        right = sum(1 for s, ok in in_scope if ok and s >= threshold) / len(in_scope)
        wrong = sum(1 for s, ok in in_scope if not ok and s >= threshold) / len(in_scope)
        rejected = sum(1 for s in refused if s < threshold) / len(refused)
        print(f"{threshold:9.2f}  {right:14.1%}  {wrong:16.1%}  {rejected:20.1%}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else PACKAGED)
