"""The evaluation scheme (knowledge/evaluation.yaml) is checked when it is loaded: shares of the
70 task points that do not add up to 1, or an unknown ground, stop the bot with the file named
rather than scoring officials wrongly."""

import pytest
import yaml

from knowledge.entries import KnowledgeError
from knowledge.scoring import SCHEME, Scheme
from knowledge.vocabulary import Rating


def scheme_with(tmp_path, change) -> Scheme:
    data = yaml.safe_load(SCHEME.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "evaluation.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return Scheme.load(path)


def test_the_packaged_scheme_is_the_communes_split_of_the_decrees_frame():
    scheme = Scheme.default()
    assert (scheme.general_max, scheme.task_max) == (30, 70)
    assert [c.max for c in scheme.criteria] == [10, 10, 5, 5]
    shares = (scheme.completion_share, scheme.on_time_share, scheme.quality_share)
    assert shares == (0.5, 0.25, 0.25)
    assert [g.key for g in scheme.grounds] == ["disciplined", "degenerated"]


def test_shares_that_do_not_add_up_to_one_are_refused(tmp_path):
    def more_for_quality(data):
        data["tasks"]["quality_share"] = 0.3

    with pytest.raises(KnowledgeError) as refused:
        scheme_with(tmp_path, more_for_quality)
    message = str(refused.value)
    assert str(tmp_path / "evaluation.yaml") in message
    assert "các tỷ lệ điểm nhiệm vụ phải cộng lại bằng 1" in message
    assert "quality_share 0.3" in message and "= 1.05" in message


def test_a_missing_share_or_an_unknown_ground_is_refused(tmp_path):
    def no_quality(data):
        del data["tasks"]["quality_share"]

    with pytest.raises(KnowledgeError, match="quality_share"):
        scheme_with(tmp_path, no_quality)

    def another_ground(data):
        data["grounds"][1]["key"] = "absent"

    with pytest.raises(KnowledgeError, match="'grounds' phải gồm đúng các khóa"):
        scheme_with(tmp_path, another_ground)


def test_another_split_that_adds_up_is_taken(tmp_path):
    def thirds(data):
        data["tasks"].update(completion_share=0.4, on_time_share=0.3, quality_share=0.3)

    scheme = scheme_with(tmp_path, thirds)
    # 10 assigned, 10 completed, 5 on time, 0 of quality: 70 × (0.4 + 0.3 × 0.5) = 38.5.
    assert scheme.task_points(10, 10, 5, 0) == 38.5
    assert scheme.band(95, 10, 11, 11, 11) == Rating.XUAT_SAC
    assert scheme.band(95, 10, 11, 11, 11, grounds=scheme.grounds[:1]) == Rating.KHONG_HOAN_THANH
