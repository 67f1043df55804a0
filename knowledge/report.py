"""The words of the periodic report draft (`<KNOWLEDGE_DIR>/report.yaml`, else the packaged
one) and the plan's name it reports on (plan.yaml's `name`). Problems name the file."""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from knowledge.entries import PACKAGED, KnowledgeError, read_yaml

FILENAME = "report.yaml"
SECTIONS = ("situation", "targets", "training", "ratings", "limits", "directions", "proposals")
# plan.yaml's name ends with its issuer in brackets, «(Ban Thường vụ Đảng ủy xã …)»: not part
# of the name a report's title cites.
ISSUER = re.compile(r"\s*\([^()]*\)\s*$")


@dataclass(frozen=True)
class ReportWords:
    words: dict  # report.yaml as read
    plan: str  # the plan's name, as the title cites it

    def __getitem__(self, key: str):
        return self.words[key]

    def get(self, key: str, default=None):
        return self.words.get(key, default)

    def section(self, key: str) -> dict:
        return self.words["sections"][key]


def load_report_words(folder: Path | None = None) -> ReportWords:
    path, plan = _in(folder, FILENAME), _in(folder, "plan.yaml")
    return _load(path, path.stat().st_mtime_ns, plan, plan.stat().st_mtime_ns)


def _in(folder: Path | None, name: str) -> Path:
    path = Path(folder or PACKAGED) / name
    return path if path.is_file() else PACKAGED / name


@cache
def _load(path: Path, mtime: int, plan: Path, plan_mtime: int) -> ReportWords:
    # The mtimes make an edited file load again.
    words = read_yaml(path)
    meta = read_yaml(plan)
    missing = [
        key
        for key in ("header", "kind", "title", "period_half", "period_year", "intro", "sections")
        if not isinstance(words, dict) or key not in words
    ]
    if not missing:
        missing = [f"sections.{key}" for key in SECTIONS if key not in words["sections"]]
    if missing:
        raise KnowledgeError(f"{path}: thiếu {', '.join(missing)}")
    name = str(meta.get("name") or "") if isinstance(meta, dict) else ""
    return ReportWords(words, ISSUER.sub("", name))
