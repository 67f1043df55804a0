"""Every text key the code asks for exists, and every stored value has a Vietnamese name."""

import re

import pytest

from handlers.texts import _texts, label
from knowledge import vocabulary
from storage import enums
from tests.helpers import ROOT

KEY_USE = re.compile(r"""\b(?:t\(|summary=|menu=)\s*f?["']([a-z_]+\.[a-z_{}.]+)["']""")


def used_keys() -> set[str]:
    keys = set()
    for path in [*ROOT.glob("handlers/**/*.py"), *ROOT.glob("bot/**/*.py")]:
        keys.update(KEY_USE.findall(path.read_text(encoding="utf-8")))
    return keys


def test_every_text_the_code_uses_exists():
    texts = _texts()
    keys = used_keys()
    assert len(keys) > 20
    for key in keys:
        if "{" in key:  # f-string keys: at least one text must match the pattern
            pattern = re.compile(re.sub(r"\\\{[^}]*\\\}", "[a-z_]+", re.escape(key)) + "$")
            assert any(pattern.match(k) for k in texts), key
        else:
            assert key in texts, key


@pytest.mark.parametrize(
    "enum",
    [
        vocabulary.Gender,
        vocabulary.PositionGroup,
        enums.Role,
        vocabulary.EducationLevel,
        vocabulary.PoliticalTheoryLevel,
        vocabulary.StateManagementLevel,
        vocabulary.CourseCategory,
        enums.ReportStatus,
        vocabulary.Rating,
        enums.EvaluationStatus,
        enums.CampaignKind,
    ],
)
def test_every_stored_value_has_a_label(enum):
    for member in enum:
        assert label(member) and label(member) != member.value
