"""Question answering over the evaluation set: accuracy, refusals, latency, index build time.

Run: .venv/bin/python bench/qa.py [KNOWLEDGE_DIR]
"""

import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.answers import KnowledgeBase  # noqa: E402
from knowledge.entries import PACKAGED  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else PACKAGED
    evaluation = yaml.safe_load((ROOT / "tests/data/qa_eval.yaml").read_text(encoding="utf-8"))

    builds = []
    for _ in range(5):
        started = time.perf_counter()
        knowledge = KnowledgeBase(folder)
        builds.append(time.perf_counter() - started)

    latencies, right, top1 = [], 0, 0
    for item in evaluation["in_scope"]:
        started = time.perf_counter()
        answer = knowledge.ask(item["q"])
        latencies.append(time.perf_counter() - started)
        right += answer.confident and answer.entry.id == item["expect"]
        top1 += knowledge._index.search(item["q"], limit=1)[0].entry.id == item["expect"]
    refused = 0
    for question in evaluation["out_of_scope"]:
        started = time.perf_counter()
        refused += not knowledge.ask(question).confident
        latencies.append(time.perf_counter() - started)

    inside, outside = len(evaluation["in_scope"]), len(evaluation["out_of_scope"])
    print(
        f"knowledge: {len(knowledge.plan.entries)} entries, "
        f"{sum(len(e.questions) for e in knowledge.plan.entries)} sample questions"
    )
    print(
        f"index build: median {statistics.median(builds) * 1000:.1f} ms over {len(builds)} builds"
    )
    print(
        f"in-scope answered right (confident, right entry): {right}/{inside} = {right / inside:.1%}"
    )
    print(f"in-scope top-1 entry right: {top1}/{inside} = {top1 / inside:.1%}")
    print(f"out-of-scope not answered: {refused}/{outside} = {refused / outside:.1%}")
    print(
        f"answer latency over {len(latencies)} questions: "
        f"p50 {percentile(latencies, 0.50) * 1000:.2f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.2f} ms"
    )


if __name__ == "__main__":
    main()
