"""The form engine, driven through the console channel like a user would."""

import asyncio

import pytest

from handlers.types import Incoming
from storage.demo import seed_demo
from storage.models import ConversationState
from tests.helpers.app import Chat, chat_as
from tests.helpers.sample_form import install_form, reports


@pytest.fixture
async def chat(app) -> Chat:
    install_form(app)
    return await chat_as(app, "DEMO010")


async def test_complete_form_with_numbers_and_typed_options(chat, app):
    out = await chat.send("/thu")
    assert "Chọn loại khóa học:" in out and "1. Bình dân học vụ số" in out and "Bước 1/4" in out
    out = await chat.send("binh dan hoc vu so")  # the option's text, no diacritics
    assert "Tên khóa học là gì?" in out
    await chat.send("Kỹ năng số cơ bản")
    out = await chat.send("05/11/2026")
    assert "Học bao nhiêu giờ?" in out and "Không bắt buộc" in out
    out = await chat.send("2")  # a number of hours, not "option 2"
    assert "Kỹ năng số cơ bản" in out and "05/11/2026" in out and "• Số giờ: 2" in out
    out = await chat.send("1")  # ✅ Xác nhận
    assert "Đã ghi nhận báo cáo." in out
    assert await reports(app) == [
        {"category": "bdhvs", "course": "Kỹ năng số cơ bản", "date": "2026-11-05", "hours": 2}
    ]


async def test_bad_answers_are_reasked_and_earlier_answers_kept(chat, app):
    await chat.send("/thu", "2", "Trung cấp lý luận chính trị")
    out = await chat.send("32/13/2026")
    assert "Ngày chưa đúng dạng" in out and "Ngày hoàn thành (dd/mm/yyyy)?" in out
    out = await chat.send("01/01/2027")
    assert "không thể ở tương lai" in out
    out = await chat.send("9")  # no option 9
    assert "Ngày chưa đúng dạng" in out
    out = await chat.send("15/10/2026")
    assert "Trình độ đạt được?" in out
    out = await chat.send("7")
    assert "Không có lựa chọn «7»" in out and "Trình độ đạt được?" in out
    out = await chat.send("cao cap nhat")
    assert "chọn một trong các lựa chọn" in out and "Trình độ đạt được?" in out
    await chat.send("Cao cấp", "bỏ qua")
    out = await chat.send("Xác nhận")
    assert "Đã ghi nhận" in out
    assert await reports(app) == [
        {
            "category": "llct",
            "course": "Trung cấp lý luận chính trị",
            "date": "2026-10-15",
            "level": "cao_cap",
            "hours": None,
        }
    ]


async def test_back_returns_one_step_and_forgets_that_answer(chat, app):
    out = await chat.send("/thu", "/quaylai")
    assert "bước đầu tiên" in out and "Chọn loại khóa học:" in out
    await chat.send("1", "Khóa cũ")
    out = await chat.send("/quaylai")
    assert out.rstrip().endswith("Bước 2/4 · /quaylai để quay lại · /huy để hủy")
    assert "Tên khóa học là gì?" in out
    await chat.send("Khóa mới", "01/11/2026", "3")
    out = await chat.send("/quaylai")  # from the confirmation back to hours
    assert "Học bao nhiêu giờ?" in out
    out = await chat.send("4")
    assert "Khóa mới" in out and "Khóa cũ" not in out
    await chat.send("1")
    assert await reports(app) == [
        {"category": "bdhvs", "course": "Khóa mới", "date": "2026-11-01", "hours": 4}
    ]


async def test_cancel_discards_the_form(chat, app):
    await chat.send("/thu", "1", "Khóa học dở dang")
    out = await chat.send("/huy")
    assert "Đã hủy báo cáo khóa học" in out
    out = await chat.send("01/11/2026")  # no longer an answer to anything
    assert "Ngày hoàn thành" not in out
    assert await reports(app) == []
    async with app.sessionmaker() as session:
        state = await session.get(ConversationState, ("console", "DEMO010"))
    assert state.form is None and state.answers == {}


async def test_other_commands_inside_a_form_keep_progress(chat):
    await chat.send("/thu", "1", "Khóa học")
    out = await chat.send("/toi")
    assert "Bạn đang điền báo cáo khóa học" in out and "Ngày hoàn thành (dd/mm/yyyy)?" in out
    out = await chat.send("/help")
    assert "/quaylai" in out
    out = await chat.send("02/11/2026")
    assert "Học bao nhiêu giờ?" in out


async def test_new_app_instance_resumes_half_filled_form(database):
    # Two app instances on one database stand for the bot before and after a restart.
    async with database.app() as first:
        async with first.sessionmaker() as session, session.begin():
            await seed_demo(session)
        install_form(first)
        chat = await chat_as(first, "DEMO010")
        out = await chat.send("/thu", "2", "Cao cấp lý luận chính trị")
        assert "Ngày hoàn thành" in out
    async with database.app() as second:
        install_form(second)
        chat = Chat(second, "DEMO010")
        out = await chat.send("20/10/2026")
        assert "Trình độ đạt được?" in out and "Bước 4/5" in out
        out = await chat.send("2", "40", "1")
        assert "Đã ghi nhận" in out
        assert await reports(second) == [
            {
                "category": "llct",
                "course": "Cao cấp lý luận chính trị",
                "date": "2026-10-20",
                "level": "cao_cap",
                "hours": 40,
            }
        ]


async def test_quick_messages_from_one_user_are_handled_in_order(chat, app):
    await chat.send("/thu")
    messages = ["1", "Khóa A", "03/11/2026", "5", "1"]
    replies = await asyncio.gather(
        *(
            app.conversation.handle(Incoming("console", "DEMO010", "DEMO010", text=m))
            for m in messages
        )
    )
    assert "Tên khóa học là gì?" in replies[0][0].text
    assert "Ngày hoàn thành" in replies[1][0].text
    assert "Học bao nhiêu giờ?" in replies[2][0].text
    assert "Vui lòng kiểm tra lại" in replies[3][0].text
    assert replies[4][0].text == "Đã ghi nhận báo cáo."
    assert await reports(app) == [
        {"category": "bdhvs", "course": "Khóa A", "date": "2026-11-03", "hours": 5}
    ]


async def test_many_users_fill_forms_at_once(app):
    install_form(app)
    codes = [f"DEMO{n:03d}" for n in range(2, 22)]
    chats = [await chat_as(app, code) for code in codes]

    async def fill(chat: Chat, n: int) -> str:
        # Hours from 2: at this optional step "1" is the number of «Bỏ qua».
        return await chat.send("/thu", "1", f"Khóa {n}", "01/11/2026", str(n), "1")

    outputs = await asyncio.gather(*(fill(c, n) for n, c in enumerate(chats, 2)))
    assert all("Đã ghi nhận" in out for out in outputs)
    assert sorted(r["hours"] for r in await reports(app)) == list(range(2, 22))


async def test_the_step_count_never_jumps_on_any_route_through_any_form(app):
    import re

    from tests.helpers.forms_walk import walk

    routes: dict[tuple, list[tuple[int, int]]] = {}
    follow_ups: dict[tuple, list[bool]] = {}
    for spot in await walk(app):
        found = re.search(r"Bước (\d+)/(\d+)( \(tiếp\))?", spot.shown)
        if found:
            routes.setdefault((spot.form, spot.route), []).append((int(found[1]), int(found[2])))
            follow_ups.setdefault((spot.form, spot.route), []).append(bool(found[3]))
    asking = {name for name, form in app.conversation.router.forms.items() if form.steps}
    assert {form for form, _ in routes} == asking  # (the others only confirm)
    for route, counts in routes.items():
        assert len({total for _, total in counts}) == 1, (route, counts)  # one total throughout
        numbers = [number for number, _ in counts]
        assert numbers[0] == 1 and numbers[-1] == counts[0][1], (route, counts)
        steps = zip(numbers, numbers[1:], strict=False)
        assert all(b - a in (0, 1) for a, b in steps), (route, counts)
        # A question sharing the number of the one before says «(tiếp)», and only then.
        repeats = [False] + [b == a for a, b in zip(numbers, numbers[1:], strict=False)]
        assert follow_ups[route] == repeats, (route, counts, follow_ups[route])
