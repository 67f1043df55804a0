"""Every fact and quote of the knowledge base says truly where it comes from: an entry of the
plan quotes it word for word, names a section it has and states only numbers it states; an
entry from outside the plan is cited as such and offers nothing as the plan's full text.

Checked against `knowledge/plan.txt`, the plan's text as received."""

import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from knowledge.answers import KnowledgeBase
from knowledge.entries import OUTSIDE, PACKAGED, PLAN, KnowledgeError
from tests.helpers import ROOT

OUTSIDE_CITE = "Ngoài Kế hoạch"
NUMBER = re.compile(r"\d+(?:[.,/]\d+)*%?")
SOURCE = re.compile(
    r"Mục (?P<part>[IVX]+(?:\.\d+(?:\.[a-zđ])?)?)"
    r"(?:, (?:gạch đầu dòng thứ (?P<bullet>\d+)|chỉ tiêu \((?P<target>\d+)\)))?"
)
WHOLE_PARTS = ("Phần mở đầu", "Phần ký", "Nơi nhận")


def normalised(text: str) -> str:
    """The text with what copying changes evened out: quote marks, bullets and dashes, bold
    marks, line breaks and runs of spaces."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"(?m)^\s*[-–—•]\s+", "", text)  # a bullet opening a line
    text = re.sub(r"[“”„\"«»]", '"', text).replace("*", "")
    text = re.sub(r"\s[-–—]\s", " - ", text)
    return re.sub(r"\s+", " ", text).strip()


def numbers(text: str) -> set[str]:
    return set(NUMBER.findall(re.sub(r"(\d)\s+%", r"\1%", text)))


def plan_sections(text: str) -> set[str]:
    """The sections an answer may cite, read from the plan's headings: "Mục III", "Mục III.2",
    "Mục III.2.đ", "Mục III.2.đ, gạch đầu dòng thứ 2", "Mục II.2, chỉ tiêu (5)", and the parts
    outside the numbered sections."""
    sections = set(WHOLE_PARTS)
    roman = number = letter = None
    bullets = 0
    for line in (raw.strip() for raw in text.splitlines()):
        if line.startswith("Nơi nhận"):
            break
        if match := re.match(r"([IVX]+)\. \S", line):
            roman, number, letter, bullets = match[1], None, None, 0
            sections.add(f"Mục {roman}")
        elif roman and (match := re.match(r"(\d+)\. \S", line)):
            number, letter, bullets = match[1], None, 0
            sections.add(f"Mục {roman}.{number}")
        elif number and (match := re.match(r"([a-gđ])\) \S", line)):
            letter, bullets = match[1], 0
            sections.add(f"Mục {roman}.{number}.{letter}")
        elif number and (match := re.match(r"\((\d+)\) \S", line)):
            sections.add(f"Mục {roman}.{number}, chỉ tiêu ({match[1]})")
        elif number and re.match(r"[-–—•] \S", line):
            bullets += 1
            part = f"Mục {roman}.{number}" + (f".{letter}" if letter else "")
            sections.add(f"{part}, gạch đầu dòng thứ {bullets}")
    return sections


def quote_problems(knowledge: KnowledgeBase, plan_text: str) -> list[str]:
    plan = normalised(plan_text)
    return [
        f"{entry.id}: «{paragraph.strip()[:80]}…» không có trong Kế hoạch"
        for entry in knowledge.plan.entries
        if entry.origin == PLAN
        for paragraph in re.split(r"\n\s*\n", entry.text)
        if paragraph.strip() and normalised(paragraph) not in plan
    ]


def source_problems(knowledge: KnowledgeBase, plan_text: str) -> list[str]:
    sections = plan_sections(plan_text)
    return [
        f"{entry.id}: nguồn «{entry.source}» không phải một mục của Kế hoạch"
        for entry in knowledge.plan.entries
        if entry.origin == PLAN and entry.source not in sections
    ]


def outside_problems(knowledge: KnowledgeBase) -> list[str]:
    problems = []
    for entry in knowledge.plan.entries:
        if entry.origin != OUTSIDE:
            continue
        cite = knowledge.cite(entry)
        if not cite.startswith(OUTSIDE_CITE) or knowledge.plan.short_name in cite:
            problems.append(f"{entry.id}: trích dẫn «{cite}» không ghi là ngoài Kế hoạch")
        if entry.text:
            problems.append(f"{entry.id}: mục ngoài Kế hoạch lại có toàn văn")
    return problems


def number_problems(knowledge: KnowledgeBase, plan_text: str) -> list[str]:
    stated = numbers(plan_text)
    return [
        f"{entry.id}: số {number} không có trong Kế hoạch («{fact[:60]}…»)"
        for entry in knowledge.plan.entries
        if entry.origin == PLAN
        for fact in entry.facts
        for number in sorted(numbers(fact) - stated)
    ]


def reading_problems(knowledge: KnowledgeBase) -> list[str]:
    """A remark drawn from the plan but not in it is marked as a reading and never leads."""
    return [
        f"{entry.id}: câu suy ra «{entry.facts[0][:60]}…» đứng đầu"
        for entry in knowledge.plan.entries
        if entry.facts[0].startswith("Nghĩa là")
    ]


def all_problems(knowledge: KnowledgeBase, plan_text: str) -> list[str]:
    return [
        *quote_problems(knowledge, plan_text),
        *source_problems(knowledge, plan_text),
        *outside_problems(knowledge),
        *number_problems(knowledge, plan_text),
        *reading_problems(knowledge),
    ]


PLAN_TEXT = (PACKAGED / "plan.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeBase:
    return KnowledgeBase()


def test_the_plans_sections_are_read_from_its_headings():
    sections = plan_sections(PLAN_TEXT)
    assert {f"Mục II.2, chỉ tiêu ({n})" for n in range(1, 9)} <= sections
    assert "Mục II.2, chỉ tiêu (9)" not in sections
    assert {"Mục III.2.đ, gạch đầu dòng thứ 2", "Mục III.2.g, gạch đầu dòng thứ 2"} <= sections
    assert "Mục III.2.d, gạch đầu dòng thứ 4" in sections
    assert "Mục III.2.d, gạch đầu dòng thứ 5" not in sections
    assert {"Mục I.2", "Mục III.3", "Mục IV.4", "Mục IV"} <= sections
    assert "Mục IV.5" not in sections and "Mục III.2.h" not in sections


def test_every_quote_is_the_plans_own_words(knowledge):
    assert quote_problems(knowledge, PLAN_TEXT) == []


def test_every_plan_entry_cites_a_section_the_plan_has(knowledge):
    assert source_problems(knowledge, PLAN_TEXT) == []


def test_what_is_not_from_the_plan_says_so(knowledge):
    assert outside_problems(knowledge) == []
    glossary = [e for e in knowledge.plan.entries if e.id.startswith("tn-")]
    assert glossary and all(e.origin == OUTSIDE for e in glossary)


def test_every_number_of_a_plan_entry_is_the_plans(knowledge):
    assert number_problems(knowledge, PLAN_TEXT) == []


def test_readings_are_marked_and_never_lead(knowledge):
    assert reading_problems(knowledge) == []


def test_a_misquote_a_wrong_number_and_an_unsourced_entry_are_caught(tmp_path):
    folder = tmp_path / "kb"
    shutil.copytree(PACKAGED / "plan", folder / "plan")
    shutil.copy(PACKAGED / "plan.yaml", folder / "plan.yaml")
    targets = folder / "plan" / "02-muc-tieu.yaml"
    text = targets.read_text(encoding="utf-8")
    text = text.replace(
        "(6) Đối với trưởng, phó các phòng, ban, cơ quan: 25% trở lên",
        "(6) Đối với trưởng, phó các phòng, ban, cơ quan: 35% trở lên",
    ).replace("Từ 50% trở lên trưởng, phó", "Từ 60% trở lên trưởng, phó")
    targets.write_text(text, encoding="utf-8")
    glossary = folder / "plan" / "90-thuat-ngu.yaml"
    glossary.write_text(
        glossary.read_text(encoding="utf-8").replace(
            '    origin: outside\n    source: "Quy định 57-QĐ/TW',
            '    source: "Quy định 57-QĐ/TW',
            1,
        ),
        encoding="utf-8",
    )
    problems = all_problems(KnowledgeBase(folder), PLAN_TEXT)
    assert any(p.startswith("chi-tieu-6: «(6) Đối với") for p in problems), problems
    assert any(p.startswith("chi-tieu-6: số 60%") for p in problems), problems
    assert any(p.startswith("tn-llct: nguồn «Quy định 57-QĐ/TW") for p in problems), problems


def other_plan(tmp_path: Path) -> Path:
    folder = tmp_path / "kb"
    shutil.copytree(ROOT / "tests" / "data" / "other_plan", folder)
    return folder / "plan" / "chuyen-doi-so.yaml"


def test_an_outside_entry_offering_a_full_text_is_refused(tmp_path):
    path = other_plan(tmp_path)
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            '    source: "Mục II.3"\n',
            '    origin: outside\n    source: "Quyết định 1/2027"\n    text: "Lắp wifi."\n',
        ),
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError, match=rf"^{path}:13: .*'origin: outside'.*'text'"):
        KnowledgeBase(path.parent.parent)


def test_an_unknown_origin_is_refused(tmp_path):
    path = other_plan(tmp_path)
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            '    source: "Mục I"\n', '    origin: sach\n    source: "Mục I"\n'
        ),
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError, match=rf"^{path}:2: 'origin' phải là plan hoặc outside"):
        KnowledgeBase(path.parent.parent)


def test_an_outside_entry_is_answered_with_its_own_source(tmp_path):
    path = other_plan(tmp_path)
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            '    source: "Mục II.3"\n', '    origin: outside\n    source: "Quyết định 1/2027"\n'
        ),
        encoding="utf-8",
    )
    answer = KnowledgeBase(path.parent.parent).ask("bao gio lap wifi nha van hoa")
    assert answer.confident and answer.source == "Ngoài Kế hoạch: theo Quyết định 1/2027"
    assert answer.text.endswith("📖 Nguồn: Ngoài Kế hoạch: theo Quyết định 1/2027")
