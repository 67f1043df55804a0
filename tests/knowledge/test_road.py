"""An official's road to the standard: which indicators apply, which are met exactly as the
summaries count them, the order, the courses that close each gap, pending reports, and the
six-years-left rule of III.2.d (exactly six years left is not "more than six")."""

import dataclasses
from dataclasses import dataclass
from datetime import date

import pytest

from knowledge.courses import Catalogue
from knowledge.entries import PACKAGED, KnowledgeError
from knowledge.retirement import retirement_date
from knowledge.road import Reported, road, years_left
from knowledge.targets import load_targets
from knowledge.vocabulary import (
    CourseCategory,
    EducationLevel,
    Gender,
    PoliticalTheoryLevel,
    PositionGroup,
)

TARGETS = load_targets()
CATALOGUE = Catalogue.load(PACKAGED)
TODAY = date(2026, 5, 4)
C = CourseCategory


@dataclass
class Record:
    position_group: PositionGroup = PositionGroup.SPECIALIST
    is_vice_chair: bool = False
    major_fits_position: bool = True
    education_level: EducationLevel | None = EducationLevel.DAI_HOC
    political_theory_level: PoliticalTheoryLevel | None = PoliticalTheoryLevel.TRUNG_CAP
    birth_date: date | None = date(1990, 1, 1)
    gender: Gender = Gender.MALE


def done(category, level=None, on=date(2026, 3, 1), verified=True) -> Reported:
    return Reported(category, level, on, verified)


# What a specialist has to meet everything the road asks of them.
ALL_DONE = (
    done(C.JOB_POSITION),
    done(C.KNOWLEDGE_UPDATE),
    done(C.DIGITAL_SELF_STUDY, on=date(2026, 4, 20)),
)


def keys(record, reports=(), today=TODAY):
    return [gap.key for gap in road(record, reports, TARGETS, CATALOGUE, today).gaps]


def test_a_specialist_below_university_has_the_degree_gap_first_with_its_courses():
    result = road(Record(education_level=EducationLevel.TRUNG_CAP), (), TARGETS, CATALOGUE, TODAY)
    first = result.gaps[0]
    assert (first.key, first.target, first.level, first.required) == ("7a", 7, "dai_hoc", True)
    assert first.deadline == date(2030, 12, 31)
    assert first.source == "Mục II.2, chỉ tiêu (7)"
    assert [c.id for c in first.courses] == ["dt-dai-hoc"]  # exactly the level needed
    assert result.degree_candidate and result.below_standard
    assert [g.key for g in result.gaps] == ["7a", "2a", "3", "self_study"]
    assert "Lý luận chính trị trung cấp (chỉ tiêu 7)" in result.met


def test_required_standards_come_before_group_shares_degrees_before_theory():
    record = Record(
        education_level=EducationLevel.TRUNG_CAP,
        major_fits_position=False,
        political_theory_level=PoliticalTheoryLevel.SO_CAP,
    )
    assert keys(record) == ["7a", "1b", "2a", "7b", "3", "self_study"]
    vice_chair = Record(
        position_group=PositionGroup.LEADERSHIP,
        is_vice_chair=True,
        political_theory_level=None,
    )
    assert keys(vice_chair) == ["5b", "2a", "5a", "3", "self_study"]
    head = Record(position_group=PositionGroup.UNIT_HEAD)
    assert keys(head) == ["2a", "6a", "6b", "3", "self_study"]


def test_courses_close_a_gap_by_category_and_exactly_the_level_needed():
    result = road(Record(position_group=PositionGroup.UNIT_HEAD), (), TARGETS, CATALOGUE, TODAY)
    gaps = {g.key: g for g in result.gaps}
    assert [c.id for c in gaps["6b"].courses] == ["llct-cao-cap", "llct-cu-nhan"]  # same rank
    assert gaps["6b"].category == C.POLITICAL_THEORY and not gaps["6b"].required
    assert [c.id for c in gaps["6a"].courses] == ["dt-thac-si"]  # not tiến sĩ too
    assert {c.category for c in gaps["2a"].courses} == {C.JOB_POSITION}
    assert gaps["3"].courses[0].category == C.KNOWLEDGE_UPDATE  # then Bình dân học vụ số
    assert {c.category for c in gaps["3"].courses} == {C.KNOWLEDGE_UPDATE, C.DIGITAL_SELF_STUDY}
    specialist = Record(political_theory_level=PoliticalTheoryLevel.SO_CAP)
    theory = {g.key: g for g in road(specialist, (), TARGETS, CATALOGUE, TODAY).gaps}["7b"]
    assert [c.id for c in theory.courses] == ["llct-trung-cap"]
    # Retraining (1b): a degree of the level held; the lowest offered above it when the
    # catalogue has none of that level (no trung cấp programme: đại học).
    mismatch = Record(major_fits_position=False, education_level=EducationLevel.THAC_SI)
    retrain = road(mismatch, (), TARGETS, CATALOGUE, TODAY).gaps[0]
    assert (retrain.key, retrain.level) == ("1b", None)
    assert [c.id for c in retrain.courses] == ["dt-thac-si"]
    lower = Record(major_fits_position=False, education_level=EducationLevel.TRUNG_CAP)
    retrain = {g.key: g for g in road(lower, (), TARGETS, CATALOGUE, TODAY).gaps}["1b"]
    assert [c.id for c in retrain.courses] == ["dt-dai-hoc"]


HEAD_BELOW = Record(  # DEMO018: a unit head with cao đẳng, born 1976
    position_group=PositionGroup.UNIT_HEAD,
    education_level=EducationLevel.CAO_DANG,
    birth_date=date(1976, 3, 1),
)


def test_any_official_below_university_with_more_than_six_years_has_iii2d_first():
    result = road(HEAD_BELOW, (), TARGETS, CATALOGUE, TODAY)
    first = result.gaps[0]
    assert (first.key, first.target, first.title) == (
        "university",
        None,
        "Trình độ đại học (Mục III.2.d)",
    )
    assert (first.level, first.required, first.source) == ("dai_hoc", True, "Mục III.2.d")
    assert first.deadline == date(2030, 12, 31) and first.category == C.DEGREE
    assert [c.id for c in first.courses] == ["dt-dai-hoc"]
    # The thạc sĩ share comes after it: đại học first.
    assert [g.key for g in result.gaps] == ["university", "2a", "6a", "6b", "3", "self_study"]
    assert result.degree_candidate and result.next_steps[0].key == "university"
    # The nudge never names thạc sĩ before đại học, even once đại học is registered or waits.
    assert "6a" not in [g.key for g in result.next_steps]
    # A leader too; a specialist's own 7a is that step (no second đại học step).
    leader = dataclasses.replace(HEAD_BELOW, position_group=PositionGroup.LEADERSHIP)
    assert keys(leader)[0] == "university"
    assert "university" not in keys(Record(education_level=EducationLevel.CAO_DANG))


def test_six_years_or_fewer_left_shows_the_gap_but_not_as_the_next_step():
    near = dataclasses.replace(HEAD_BELOW, birth_date=date(1966, 6, 10))  # retires 06/2028
    result = road(near, (), TARGETS, CATALOGUE, TODAY)
    assert [g.key for g in result.gaps] == ["2a", "university", "6a", "6b", "3", "self_study"]
    gaps = {g.key: g for g in result.gaps}
    assert not gaps["university"].required and result.degree_ruled_out
    # No degree is their next step: not university, not thạc sĩ.
    assert [g.key for g in result.next_steps] == ["2a", "6b", "3", "self_study"]
    # Unknown birth date: not ruled out, the step stays first.
    unknown = road(dataclasses.replace(HEAD_BELOW, birth_date=None), (), TARGETS, CATALOGUE, TODAY)
    assert unknown.gaps[0].key == "university" and not unknown.degree_ruled_out


def test_the_road_tells_the_retirement_day_and_months_left():
    result = road(HEAD_BELOW, (), TARGETS, CATALOGUE, TODAY)
    assert result.retires_on == retirement_date(date(1976, 3, 1), Gender.MALE)
    assert result.retires_on == date(2038, 3, 1)  # 62 years
    assert result.months_left == 11 * 12 + 9 and result.years_left == 11
    assert road(Record(birth_date=None), (), TARGETS, CATALOGUE, TODAY).months_left is None


def test_one_who_meets_everything_has_no_gap():
    result = road(Record(), ALL_DONE, TARGETS, CATALOGUE, TODAY)
    assert result.gaps == () and result.todo == ()
    assert "Trình độ đại học (chỉ tiêu 7)" in result.met
    assert "Tự học «Bình dân học vụ số»" in result.met


def test_reports_count_only_verified_from_training_from_to_today():
    old = done(C.JOB_POSITION, on=date(2025, 12, 31))
    later = done(C.JOB_POSITION, on=date(2026, 6, 1))
    assert "2a" in keys(Record(), [old, later])
    assert "2a" not in keys(Record(), [done(C.JOB_POSITION, on=date(2026, 1, 1))])
    # Target 3 is met by a knowledge update or a «Bình dân học vụ số» course.
    assert "3" not in keys(Record(), [done(C.DIGITAL_SELF_STUDY)])


def test_a_pending_report_that_would_close_a_gap_marks_it():
    record = Record(education_level=EducationLevel.CAO_DANG)
    result = road(
        record,
        [done(C.DEGREE, "dai_hoc", verified=False), done(C.JOB_POSITION, verified=False)],
        TARGETS,
        CATALOGUE,
        TODAY,
    )
    gaps = {g.key: g for g in result.gaps}
    assert gaps["7a"].pending and gaps["2a"].pending and not gaps["3"].pending
    assert [g.key for g in result.todo] == ["3", "self_study"]
    # A pending degree below the standard would not close it.
    lower = road(record, [done(C.DEGREE, "cao_dang", verified=False)], TARGETS, CATALOGUE, TODAY)
    assert not lower.gaps[0].pending


def test_self_study_counts_within_the_communes_days():
    recent = done(C.DIGITAL_SELF_STUDY, on=date(2026, 3, 10))  # 55 days before TODAY
    assert "self_study" not in keys(Record(), [recent])
    result = road(Record(), [recent], TARGETS, CATALOGUE, TODAY, self_study_days=30)
    gap = result.gaps[-1]
    assert (gap.key, gap.target, gap.deadline, gap.required) == ("self_study", None, None, False)
    assert gap.source == "Mục III.2.d"
    waiting = done(C.DIGITAL_SELF_STUDY, on=date(2026, 5, 1), verified=False)
    assert road(Record(), [waiting], TARGETS, CATALOGUE, TODAY).gaps[-1].pending


@pytest.mark.parametrize(
    "born, gender",
    [(date(1975, 3, 15), Gender.MALE), (date(1985, 5, 5), Gender.FEMALE)],
)
def test_exactly_six_years_left_is_not_more_than_six(born, gender):
    retires = retirement_date(born, gender)
    today = date(retires.year - 6, retires.month, retires.day)  # exactly six years before
    record = Record(education_level=EducationLevel.CAO_DANG, birth_date=born, gender=gender)
    exactly = road(record, (), TARGETS, CATALOGUE, today)
    assert exactly.years_left == 6 and not exactly.degree_candidate and exactly.below_standard
    day_before = road(record, (), TARGETS, CATALOGUE, date.fromordinal(today.toordinal() - 1))
    assert day_before.degree_candidate and day_before.years_left == 6


def test_no_birth_date_no_years_and_no_candidate():
    record = Record(education_level=None, birth_date=None)
    result = road(record, (), TARGETS, CATALOGUE, TODAY)
    assert result.years_left is None and not result.degree_candidate and result.below_standard
    assert years_left(Record(birth_date=date(1950, 1, 1)), TODAY, TARGETS.retirement) == 0


def test_the_road_is_checked_at_load(tmp_path):
    text = (PACKAGED / "targets.yaml").read_text(encoding="utf-8")
    (tmp_path / "targets.yaml").write_text(
        text.replace('- key: "6b"\n      title:', '- key: "4a"\n      title:'), encoding="utf-8"
    )
    with pytest.raises(KnowledgeError, match="4a"):
        load_targets(tmp_path)
    (tmp_path / "targets.yaml").write_text(
        text.replace('- key: "6b"\n      title:', '- key: "9z"\n      title:'), encoding="utf-8"
    )
    with pytest.raises(KnowledgeError, match="9z"):
        load_targets(tmp_path)
