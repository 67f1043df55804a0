"""Answers that know what they do not know, asked through the conversation as officials type.

Each failure class of issue 17 has a case here, phrased afresh (the question sets under
tests/data measure the answerer; these check what a user sees)."""

import json
import subprocess
import sys

import pytest
from sqlalchemy import select

from storage.models import QuestionLog
from tests.helpers import ROOT
from tests.helpers.app import Chat

NOT_SAID = "Kế hoạch không nêu"


async def ask(app, question: str) -> str:
    """The bot's reply alone (the console echoes the question on the first line)."""
    return (await Chat(app, "asker").send(question)).split("\n", 1)[1]


@pytest.mark.parametrize(
    "question, topic",
    [
        ("đồng chí Hoàng Kiều Ánh sinh năm bao nhiêu", "thông tin cá nhân"),
        ("chu tich ubnd xa hien nay la ai", "ai đang giữ chức vụ"),
        ("dân số xã sì lở lầu bao nhiêu người", "số liệu riêng của xã"),
        ("lớp trung cấp lý luận chính trị học mấy tháng", "từng khóa học"),
        ("nghị quyết 09-NQ/TU của tỉnh nói gì", "Nghị quyết số 09"),
        ("ke hoach 15-kh/du co chi tieu gi", "Kế hoạch số 15"),
        ("chỉ tiêu thạc sĩ của xã Bum Nưa là bao nhiêu", "nơi khác ngoài xã Sì Lở Lầu"),
        ("đạt xuất sắc thì được thưởng mấy triệu", "mức tiền"),
        ("chỉ tiêu đến năm 2035 là gì", "năm 2035"),
        ("chi tieu 12 la gi", "chỉ tiêu (12)"),
    ],
)
async def test_what_the_plan_does_not_say_is_refused_with_what_it_does(app, question, topic):
    out = await ask(app, question)
    assert out.startswith(NOT_SAID) and topic in out
    assert "📖 Nguồn:" not in out.split("Kế hoạch chỉ nêu:")[0]  # nothing shown as the answer
    async with app.sessionmaker() as session:  # kept for /cauhoimoi
        assert question in await session.scalars(select(QuestionLog.question))


async def test_the_nearby_fact_comes_with_its_source(app):
    out = await ask(app, "chỉ tiêu thạc sĩ của xã Bum Nưa là bao nhiêu")
    nearby = out.split("Kế hoạch chỉ nêu:")[1]
    assert "thạc sĩ" in nearby and "📖 Nguồn: Mục II.2, chỉ tiêu" in nearby


async def test_so_luong_is_not_money(app):
    out = await ask(app, "muc tieu xay dung doi ngu du ve so luong la gi")
    assert "đủ về số lượng" in out and "Mục II.1" in out and NOT_SAID not in out


async def test_two_targets_in_one_question_get_both_answers(app):
    out = await ask(app, "chỉ tiêu 6 và chỉ tiêu 7 khác nhau thế nào")
    assert "chỉ tiêu (6)" in out and "chỉ tiêu (7)" in out
    assert "25%" in out and "đại học trở lên" in out


async def test_greetings_and_introductions_are_set_aside(app):
    out = await ask(
        app,
        "Chào ad, em là Vàng Thị Mai, cán bộ văn phòng, em mới nhận công tác được hai tháng. "
        "Em muốn hỏi chỉ tiêu về trang bị máy móc cho cán bộ là gì ạ. Em cảm ơn ad nhiều",
    )
    assert "Mục II.2, chỉ tiêu (8)" in out


async def test_a_level_below_the_standard_is_answered_no(app):
    out = await ask(
        app, "em là công chức chuyên môn mới có bằng trung cấp thì đạt chỉ tiêu trình độ chưa"
    )
    assert out.startswith("Không.") and "đại học trở lên" in out.splitlines()[0]


async def test_yes_no_questions_open_with_the_answer(app):
    assert (await ask(app, "đánh giá cán bộ có làm hằng quý không")).startswith("Có.")
    out = await ask(app, "trưởng phó phòng cần 40% có thạc sĩ phải không")
    assert out.startswith("Không.") and "25%" in out.splitlines()[0]


async def test_old_names_find_todays_bodies(app):
    out = await ask(app, "ban tổ chức đảng ủy xã làm gì trong kế hoạch này")
    assert "Mục IV.3" in out and "Ban Xây dựng Đảng" in out


async def test_an_overview_question_gets_the_whole_list(app):
    out = await ask(app, "những cơ quan nào chịu trách nhiệm tổ chức thực hiện")
    for body in ("cấp ủy", "Đảng ủy Ủy ban nhân dân", "Ban Xây dựng Đảng", "Ủy ban kiểm tra"):
        assert body in out
    assert "📖 Nguồn: Mục IV," in out


async def test_the_first_line_is_the_fact_asked_for(app):
    out = await ask(app, "chỉ tiêu 3 là gì")
    assert "70%" in out.splitlines()[0]


@pytest.mark.parametrize(
    "question, senses",
    [("dh là gì", "«đại học» hay «đại hội»"), ("tp là sao", "«trưởng phòng» hay «thành phố»")],
)
async def test_an_abbreviation_the_context_leaves_open_is_asked_back(app, question, senses):
    assert senses in await ask(app, question)


@pytest.mark.parametrize(
    "question, source",
    [
        ("bằng dh chính quy có đạt chuẩn công chức chuyên môn không", "chỉ tiêu (7)"),
        ("kh này do ai ký", "Phần ký"),
        ("tp và phó phòng cần bao nhiêu % thạc sĩ", "chỉ tiêu (6)"),
    ],
)
async def test_an_abbreviation_is_read_from_its_context(app, question, source):
    assert source in await ask(app, question)


def test_ask_json_is_not_confident_for_any_refusal():
    questions = ["nghị quyết 09-NQ/TU nói gì", "dh là gì", "thưởng mấy triệu", "chi tieu 12"]
    cli = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--batch", "/dev/stdin"],
        input="\n".join(questions),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    rows = [json.loads(line) for line in cli.stdout.splitlines()]
    assert len(rows) == 4 and not any(row["confident"] for row in rows)
    assert all(row["source"] is None for row in rows)


@pytest.mark.parametrize(
    "question, opening, first_line_has",
    [
        ("em còn 4 năm công tác thì có được cử đi học đại học không", "Không.", "trên 06 năm"),
        ("con 10 nam cong tac co duoc cu di hoc dai hoc ko", "Có.", "trên 06 năm"),
        ("công chức chuyên môn có bắt buộc phải có thạc sĩ không", "Không.", "đại học trở lên"),
        ("công chức chuyên môn có cần đại học không", "Có.", "đại học trở lên"),
        ("người ký kế hoạch là bí thư à", "Không.", "Phó Bí thư"),
        ("ke hoach co ghi so hieu khong", "Không.", "không ghi số hiệu"),
    ],
)
async def test_yes_no_reads_what_the_plan_sets(app, question, opening, first_line_has):
    first = (await ask(app, question)).splitlines()[0]
    assert first.startswith(opening) and first_line_has in first


async def test_outside_sources_never_say_yes_for_the_plan(app):
    out = await ask(app, "kế hoạch có nói về tuổi nghỉ hưu không")
    assert out.startswith("Kế hoạch không nói rõ") and "Ngoài Kế hoạch" in out


@pytest.mark.parametrize(
    "question", ["tinh son la co chi tieu thac si bao nhieu", "chỉ tiêu của Mường Tè"]
)
async def test_a_province_or_district_named_alone_is_another_place(app, question):
    assert (await ask(app, question)).startswith(NOT_SAID)


async def test_a_computer_is_not_a_province(app):
    out = await ask(app, "cbcc co duoc trang bi may tinh ko")
    assert NOT_SAID not in out and "chỉ tiêu (8)" in out


async def test_several_named_targets_are_each_answered(app):
    out = await ask(app, "chỉ tiêu 1, 2 và 3 là gì")
    assert all(f"chỉ tiêu ({n})" in out for n in (1, 2, 3))
    assert "70%" in out  # target 3 from its first fact, not a side remark


async def test_a_named_section_is_answered_from_it(app):
    out = await ask(app, "mục IV")
    assert "📖 Nguồn: Mục IV," in out and "Ủy ban kiểm tra" in out


@pytest.mark.parametrize("text", ["chào ad ạ", "cảm ơn bạn nhiều nhé"])
async def test_greetings_and_thanks_alone_are_small_talk(app, text):
    out = await ask(app, text)
    assert NOT_SAID not in out and "không đề cập" not in out


async def test_a_word_the_plan_uses_but_never_explains_is_not_explained(app):
    out = await ask(app, "văn hóa công sở nghĩa là gì vậy ad")
    assert out.startswith(NOT_SAID) and "lời giải thích" in out
    assert "văn hóa công sở" in out.split("Kế hoạch chỉ nêu:")[1]  # where the plan uses it
    assert "Phó Bí thư" in await ask(app, "T/M ban thường vụ nghĩa là gì")  # explained there


@pytest.mark.parametrize(
    "question, opening",
    [
        ("100 cán bộ mà 96 người hoàn thành tốt nhiệm vụ trở lên thì đạt chỉ tiêu không", "Có."),
        ("100 cán bộ mà 95 người hoàn thành tốt nhiệm vụ trở lên thì đạt chỉ tiêu không", "Không."),
        ("40 cán bộ có 28 người được cập nhật kiến thức pháp luật thì đạt chưa", "Có."),
        ("40 cán bộ có 27 người được cập nhật kiến thức pháp luật thì đạt chưa", "Không."),
    ],
)
async def test_a_share_from_two_counts_is_compared_with_the_target(app, question, opening):
    # «trên 95%» is more than 95; «70%» is at least 70 (28 of 40)
    assert (await ask(app, question)).startswith(opening)


@pytest.mark.parametrize(
    "question", ["chị Vàng Thị Dung đã được cử đi học cao cấp chưa", "anh Lò Văn Páo xếp loại gì"]
)
async def test_a_named_person_other_than_the_signer_is_not_the_plans_to_tell(app, question):
    out = await ask(app, question)
    assert out.startswith(NOT_SAID) and "từng" in out.splitlines()[0]  # từng cán bộ / người
    assert "Phó Bí thư" in await ask(app, "đồng chí Hoàng Kiều Ánh giữ chức vụ gì")


@pytest.mark.parametrize(
    "question, first_line_starts",
    [
        ("100 cán bộ mà 95 người hoàn thành tốt thì có đạt chỉ tiêu 4 không", "Không."),
        ("bí thư có cần thạc sĩ không", "Kế hoạch không bắt buộc với từng người"),
        ("chủ tịch ubnd có cần cao cấp llct không", "Kế hoạch không nói rõ"),
    ],
)
async def test_yes_no_about_one_person_or_a_count(app, question, first_line_starts):
    assert (await ask(app, question)).startswith(first_line_starts)


@pytest.mark.parametrize(
    "question",
    ["ai là trưởng ban xây dựng đảng", "xã Sì Lở Lầu có bao nhiêu cán bộ", "mục IV.5", "mục III.9"],
)
async def test_more_of_what_the_plan_does_not_say(app, question):
    assert (await ask(app, question)).startswith(NOT_SAID)


async def test_the_share_asked_about_finds_its_target(app):
    out = await ask(app, "75% thạc sĩ là chỉ tiêu của ai")
    assert "75%" in out.splitlines()[0] and "chỉ tiêu (5)" in out


async def test_a_section_with_several_bullets_is_answered_whole(app):
    out = await ask(app, "mục III.2.d")
    assert all(f"Mục III.2.d, gạch đầu dòng thứ {n}" in out for n in (1, 2, 3, 4))


async def test_so_sanh_asks_for_both(app):
    out = await ask(app, "so sánh chỉ tiêu thạc sĩ của thường trực đảng ủy với trưởng phòng")
    assert "chỉ tiêu (5)" in out and "chỉ tiêu (6)" in out


async def test_a_figure_about_something_else_is_not_the_answer(app):
    out = await ask(app, "tỷ lệ cán bộ nữ là bao nhiêu phần trăm")
    assert out.startswith(NOT_SAID) and "70%" not in out.splitlines()[0]


@pytest.mark.parametrize(
    "question, expected",
    [
        ("khi nào phải bố trí đủ cán bộ", "chỉ tiêu (1)"),  # «đủ» is not «đu» (Đảng ủy)
        ("chỉ tiêu 50% cao cấp lý luận chính trị là của ai", "chỉ tiêu (6)"),  # 50% is no target
    ],
)
async def test_look_alike_words_keep_their_meaning(app, question, expected):
    assert expected in await ask(app, question)


async def test_a_fact_that_only_mentions_not_is_no_denial(app):
    out = await ask(app, "chỉ tiêu 1 có hạn đến hết năm 2028 đúng không")
    assert out.startswith("Có.") and "2028" in out.splitlines()[0]


async def test_discipline_is_not_a_law(app):
    assert "Mục III.2.e" in await ask(app, "kỷ luật cán bộ thì kế hoạch nói thế nào")


async def test_a_yes_no_made_of_the_entrys_own_words_is_yes(app):
    out = await ask(app, "nq 05 là của ban thường vụ tỉnh ủy phải không")
    assert out.startswith("Có.") and "Ban Thường vụ Tỉnh ủy" in out.splitlines()[0]
