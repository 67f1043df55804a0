"""Asking about the plan in the conversation, as officials and admins do."""

import json
import shutil
import subprocess
import sys

from sqlalchemy import func, select

from storage.models import QuestionLog
from tests.helpers import ROOT
from tests.helpers.app import Chat


async def test_anyone_can_ask_and_gets_the_same_answer_as_the_cli(app):
    question = "chi tieu thac si truong phong"
    out = await Chat(app, "newcomer").send(question)
    cli = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", question],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    answer = json.loads(cli.stdout)["answer"]
    assert answer in out and "25%" in answer and "1. 📄 Xem toàn văn" in out


async def test_full_text_shows_the_whole_section(official_chat):
    await official_chat.send("ai ky ban hanh ke hoach nay")
    out = await official_chat.send("1")  # 📄 Xem toàn văn
    assert "Hoàng Kiều Ánh" in out and "PHÓ BÍ THƯ" in out


async def test_a_glossary_answer_is_cited_as_outside_the_plan(official_chat):
    out = await official_chat.send("llct là gì")
    source = next(line for line in out.splitlines() if line.startswith("📖 Nguồn:"))
    assert source.startswith("📖 Nguồn: Ngoài Kế hoạch: theo Quy định 57-QĐ/TW"), out
    assert "Kế hoạch thực hiện NQ 05-NQ/TU" not in source
    assert "Xem toàn văn" not in out
    typed = await official_chat.send("/toanvan tn-llct")  # no button, but typed by hand
    assert "📖 Nguồn: Ngoài Kế hoạch: theo Quy định 57-QĐ/TW" in typed

    out = await official_chat.send("chi tieu thac si truong phong")
    assert "📖 Nguồn: Mục II.2, chỉ tiêu (6), Kế hoạch thực hiện NQ 05-NQ/TU" in out
    assert "1. 📄 Xem toàn văn" in out
    full = await official_chat.send("1")
    assert "25% trở lên có trình độ chuyên môn thạc sĩ" in full
    assert "📖 Nguồn: Mục II.2, chỉ tiêu (6), Kế hoạch thực hiện NQ 05-NQ/TU" in full


async def test_suggestions_can_be_picked_by_number(official_chat):
    out = await official_chat.send("cán bộ trẻ")
    assert "Có phải bạn muốn hỏi:" in out
    lines = [line for line in out.splitlines() if line.strip().startswith(("1.", "2.", "3."))]
    assert len(lines) == 3
    picked = await official_chat.send("2")
    assert "📖 Nguồn:" in picked


async def test_hoi_command_and_its_usage(official_chat):
    assert "📖 Nguồn: Ngoài Kế hoạch: theo Kế hoạch 01-KH/BCĐTW" in await official_chat.send(
        "/hoi bdhvs là gì"
    )
    assert "Gõ câu hỏi sau /hoi" in await official_chat.send("/hoi")


async def test_unanswered_questions_are_logged_for_admins(app, admin_chat, official_chat):
    for _ in range(3):
        await official_chat.send("lich thi dau bong da tuan nay")
    await official_chat.send("lương thạc sĩ được bao nhiêu")
    await official_chat.send("chi tieu thac si truong phong")  # answered: not logged
    await official_chat.send("xin chào")  # small talk: not logged
    async with app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(QuestionLog)) == 4
    out = await admin_chat.send("/cauhoimoi")
    assert "1. «lich thi dau bong da tuan nay» — 3 lần" in out
    assert "2. «lương thạc sĩ được bao nhiêu» — 1 lần" in out
    assert "chỉ dành cho quản trị viên" in await official_chat.send("/cauhoimoi")


async def test_admins_reload_the_knowledge_and_a_broken_file_keeps_the_old(database, tmp_path):
    folder = tmp_path / "kb"
    shutil.copytree(ROOT / "tests" / "data" / "other_plan", folder)
    async with database.app(knowledge_dir=str(folder)) as app:
        from storage.demo import seed_demo
        from tests.helpers.app import chat_as

        async with app.sessionmaker() as session, session.begin():
            await seed_demo(session)
        admin = await chat_as(app, "DEMO001")
        official = await chat_as(app, "DEMO010")
        assert "12 thôn" in await admin.send("may thon duoc lap wifi")

        path = folder / "plan" / "chuyen-doi-so.yaml"
        path.write_text(
            path.read_text(encoding="utf-8").replace("12 thôn", "15 thôn"), encoding="utf-8"
        )
        assert "chỉ dành cho quản trị viên" in await official.send("/kb_reload")
        assert "Đã nạp lại Kế hoạch: 2 mục" in await admin.send("/kb_reload")
        assert "15 thôn" in await admin.send("may thon duoc lap wifi")

        path.write_text("entries: [oops", encoding="utf-8")
        out = await admin.send("/kb_reload")
        assert "Không nạp lại được, vẫn dùng nội dung cũ" in out and f"{path}:" in out
        assert "15 thôn" in await official.send("may thon duoc lap wifi")


async def test_greetings_get_a_friendly_word(official_chat):
    assert "Xin chào!" in await official_chat.send("chào bot ạ")
    assert "Không có gì" in await official_chat.send("cảm ơn nhiều nhé")


async def test_an_answer_to_no_question_is_not_taken_for_a_question(official_chat):
    for typed in ("xac nhan", "Xác nhận.", "ok", "bỏ qua", "yes"):
        out = await official_chat.send(typed)
        assert "không có câu hỏi nào đang chờ" in out, (typed, out)
