"""Question answering on every question set: right answers and refusals per class, latency,
answer length, index build time.

Run: .venv/bin/python bench/qa.py [KNOWLEDGE_DIR]

The sets are in tests/data (see tests/helpers/qa_sets.py): the first set, the development set
and the holdout set, the last two written from the plan's text alone. A miss on them is a kind
of question to handle, never a sentence to match.

Latency is timed on each question the first time it is asked, before the sets are scored:
answering remembers folded texts, so a question asked again would be cheaper than a new one.
The knowledge base is first warmed with its own sample questions, as a running bot's would be.
Wall time is what a user waits; CPU time (of this thread) leaves out the other processes
sharing the machine, which make the wall-time tail noisy.
"""

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.answers import KnowledgeBase  # noqa: E402
from knowledge.entries import PACKAGED  # noqa: E402
from tests.helpers import qa_sets  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else PACKAGED
    builds = []
    for _ in range(5):
        started = time.perf_counter()
        knowledge = KnowledgeBase(folder)
        builds.append(time.perf_counter() - started)
    print(
        f"knowledge: {len(knowledge.plan.entries)} entries, "
        f"{sum(len(e.questions) for e in knowledge.plan.entries)} sample questions; "
        f"index build median {statistics.median(builds) * 1000:.1f} ms over {len(builds)}"
    )

    latencies, cpu_times, lengths = [], [], []
    for entry in knowledge.plan.entries:
        for question in entry.questions:
            knowledge.ask(question)
    for name in qa_sets.SETS:
        data = qa_sets.load(name)
        for item in data["in_scope"] + data["out_of_scope"]:
            question = item if isinstance(item, str) else item["q"]
            started, started_cpu = time.perf_counter(), time.thread_time()
            answer = knowledge.ask(question)
            latencies.append(time.perf_counter() - started)
            cpu_times.append(time.thread_time() - started_cpu)
            if answer.confident:
                lengths.append(len(answer.text))

    for name in qa_sets.SETS:
        scores = qa_sets.measure(knowledge, name)
        inside, outside = qa_sets.overall(scores["in"]), qa_sets.overall(scores["out"])
        print(
            f"\n{name}: in-scope answered right {inside.right}/{inside.total} = "
            f"{inside.share:.1%}; out-of-scope refused {outside.right}/{outside.total} = "
            f"{outside.share:.1%}"
        )
        for side, label in (("in", "  in-scope"), ("out", "  out-of-scope")):
            cells = [f"{c} {s.right}/{s.total}" for c, s in sorted(scores[side].items())]
            print(f"{label}: {', '.join(cells)}")

    print(f"\nanswer latency over {len(latencies)} questions, each asked the first time:")
    for label, values in (("wall", latencies), ("CPU", cpu_times)):
        print(
            f"  {label}: mean {statistics.mean(values) * 1000:.2f} ms, "
            f"p50 {percentile(values, 0.50) * 1000:.2f} ms, "
            f"p99 {percentile(values, 0.99) * 1000:.2f} ms"
        )
    print(
        f"confident answers: {len(lengths)}, length p95 {percentile(lengths, 0.95):.0f}, "
        f"max {max(lengths)} characters"
    )


if __name__ == "__main__":
    main()
