"""The plan as data: `<KNOWLEDGE_DIR>/plan.yaml` (the document's names) and
`<KNOWLEDGE_DIR>/plan/*.yaml` (its entries). Problems are reported as `path:line: what`."""

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

PACKAGED = Path(__file__).parent  # knowledge/ itself holds this commune's plan
FIELDS = {"id", "title", "source", "facts", "text", "questions", "keywords", "origin"}
REQUIRED = ("id", "title", "source", "facts", "questions")
# Where an entry's content comes from. `plan`: the plan itself; `source` is its section and `text`
# (optional) a verbatim quote. `outside`: anything else (a law, a decree, the bot's own scheme);
# `source` names what was relied on, and there is no `text`, since nothing of it is the plan.
PLAN, OUTSIDE = "plan", "outside"
ORIGINS = (PLAN, OUTSIDE)


class KnowledgeError(Exception):
    """A knowledge file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    source: str
    facts: tuple[str, ...]
    questions: tuple[str, ...]
    text: str = ""
    keywords: tuple[str, ...] = ()
    origin: str = PLAN


@dataclass(frozen=True)
class NotCovered:
    topic: str  # "mức tiền cụ thể (lương, …)": completes "Kế hoạch không nêu …"
    words: tuple[str, ...]  # folded phrases that mark such a question
    # regular expressions on the folded question, for marks that are not one phrase
    # ("học … ở đâu")
    patterns: tuple[re.Pattern, ...] = ()

    @cached_property
    def phrases(self) -> re.Pattern:
        """Finds any of `words` in a folded question padded with spaces (" … "): one search
        instead of one `in` per phrase."""
        if not self.words:
            return re.compile(r"(?!)")  # nothing marks it
        return re.compile(" (?:" + "|".join(map(re.escape, self.words)) + ") ")


@dataclass(frozen=True)
class Plan:
    name: str  # the document's full name
    short_name: str  # how answers cite it
    entries: tuple[Entry, ...]
    not_covered: tuple[NotCovered, ...] = ()
    place: str = ""  # where the plan applies ("xã Sì Lở Lầu"): other places are outside it
    basis: str = ""  # the document the plan carries out


def load_plan(folder: Path) -> Plan:
    meta_path = folder / "plan.yaml"
    meta = read_yaml(meta_path)
    if not isinstance(meta, dict) or not {"name", "short_name"} <= meta.keys():
        raise KnowledgeError(f"{meta_path}:1: cần khóa 'name' và 'short_name'")
    files = sorted((folder / "plan").glob("*.yaml"))
    if not files:
        raise KnowledgeError(f"{folder / 'plan'}: không có tệp .yaml nào")
    entries: list[Entry] = []
    seen: dict[str, str] = {}
    for path in files:
        for entry, line in _entries(path):
            where = f"{path}:{line}"
            if entry.id in seen:
                raise KnowledgeError(f"{where}: mã '{entry.id}' trùng với {seen[entry.id]}")
            seen[entry.id] = where
            entries.append(entry)
    not_covered = []
    for item in meta.get("not_covered") or []:
        marks = isinstance(item, dict) and (item.get("words") or item.get("patterns"))
        if not marks or not item.get("topic"):
            raise KnowledgeError(
                f"{meta_path}: mỗi mục 'not_covered' cần 'topic' và 'words' hoặc 'patterns'"
            )
        try:
            patterns = tuple(re.compile(str(p)) for p in item.get("patterns") or ())
        except re.error as error:
            raise KnowledgeError(f"{meta_path}: 'patterns' sai: {error}") from None
        words = tuple(map(str, item.get("words") or ()))
        not_covered.append(NotCovered(str(item["topic"]), words, patterns))
    return Plan(
        str(meta["name"]),
        str(meta["short_name"]),
        tuple(entries),
        tuple(not_covered),
        str(meta.get("place") or ""),
        str(meta.get("basis") or ""),
    )


def read_yaml(path: Path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KnowledgeError(f"{path}: không tìm thấy tệp") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(error, "problem", None) or str(error)
        raise KnowledgeError(f"{path}:{line}: YAML sai cú pháp: {problem}") from None


def _entries(path: Path):
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise KnowledgeError(f"{path}:1: cần khóa 'entries' chứa danh sách mục")
    for raw, line in zip(data["entries"], item_lines(path, "entries"), strict=True):
        yield _entry(raw, f"{path}:{line}"), line


def item_lines(path: Path, key: str) -> list[int]:
    """The line each item of the top-level list `key` starts on, for error messages."""
    nodes = yaml.compose(path.read_text(encoding="utf-8"))
    items = next(value for name, value in nodes.value if name.value == key)
    return [node.start_mark.line + 1 for node in items.value]


def _entry(raw, where: str) -> Entry:
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{where}: mỗi mục phải là một bảng khóa: giá trị")
    missing = [key for key in REQUIRED if not raw.get(key)]
    if missing:
        raise KnowledgeError(f"{where}: mục thiếu {', '.join(missing)}")
    unknown = sorted(set(raw) - FIELDS)
    if unknown:
        raise KnowledgeError(f"{where}: khóa không biết: {', '.join(unknown)}")
    for key in ("facts", "questions", "keywords"):
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise KnowledgeError(f"{where}: '{key}' phải là danh sách câu chữ")
    origin = str(raw.get("origin", PLAN)).strip()
    if origin not in ORIGINS:
        raise KnowledgeError(f"{where}: 'origin' phải là plan hoặc outside, không phải '{origin}'")
    if origin == OUTSIDE and str(raw.get("text") or "").strip():
        raise KnowledgeError(
            f"{where}: mục 'origin: outside' không được có 'text' "
            "(chỉ nguyên văn Kế hoạch mới được đưa ra làm toàn văn)"
        )
    return Entry(
        id=str(raw["id"]),
        title=str(raw["title"]).strip(),
        source=str(raw["source"]).strip(),
        facts=tuple(f.strip() for f in raw["facts"]),
        questions=tuple(q.strip() for q in raw["questions"]),
        text=str(raw.get("text") or "").strip(),
        keywords=tuple(raw.get("keywords") or ()),
        origin=origin,
    )
