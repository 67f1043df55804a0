"""/dangky's target step: only the gaps a course closes are offered, a course that closes
none (or typed freely, its level unknown) is linked to no unrelated target, on the console
and on the real Zalo channel."""

from datetime import timedelta

from tests.helpers.app import chat_as, invite_code, serving
from tests.helpers.registration import numbered, registrations


async def test_only_the_gaps_the_course_closes_are_offered(app, clock):
    chat = await chat_as(app, "DEMO009")  # below the standard expected of their post
    out = await chat.send("/dangky", "6", "1", "Luật", "1")
    assert "Khóa học này giúp bạn đạt chỉ tiêu nào" in out
    # «Trình độ thạc sĩ» and «Bồi dưỡng theo vị trí việc làm» are not closed by a university
    # degree: not offered.
    assert numbered(out) == [
        "1. Đào tạo lại chuyên môn phù hợp vị trí việc làm (chỉ tiêu 1)",
        "2. Không gắn với chỉ tiêu nào",
    ]
    out = await chat.send("1")
    assert "Chỉ tiêu hướng tới: Đào tạo lại chuyên môn phù hợp vị trí việc làm" in out
    await chat.send("xác nhận")
    (registration,) = await registrations(app)
    assert registration.gap == "1b"


async def test_a_course_that_closes_no_gap_is_not_linked_to_an_unrelated_one(app, clock):
    """DEMO029 (Cao đẳng, already Trung cấp LLCT) registering Trung cấp LLCT, answering by
    number as on Zalo: the university target is not offered first; no gap step at all."""
    chat = await chat_as(app, "DEMO029")
    out = await chat.send("/dangky", "4", "2", "2")
    assert "Trình độ đại học (chỉ tiêu 7)" not in out
    assert "Vui lòng kiểm tra lại đăng ký đào tạo" in out
    assert "• Chỉ tiêu hướng tới: Không gắn với chỉ tiêu nào" in out
    assert "Đã đăng ký «Trung cấp lý luận chính trị»" in await chat.send("1")
    (registration,) = await registrations(app)
    assert (registration.course_id, registration.gap) == ("llct-trung-cap", None)
    # A university degree is offered the university target, and nothing else but «none».
    out = await chat.send("/dangky them", "6", "1", "Luật", "2")
    assert numbered(out) == ["1. Trình độ đại học (chỉ tiêu 7)", "2. Không gắn với chỉ tiêu nào"]


async def test_on_zalo_a_habitual_one_links_no_unrelated_target(app, database, zalo, clock):
    """The tester's case on the real Zalo channel: DEMO029 answers every question «1» or «2»
    by habit; the LLCT course is not linked to the university target, and a «2» is no
    specialisation."""
    user = "zl-029"
    async with serving(app, database, zalo_bot_token=zalo.token, zalo_api_base=zalo.url):
        await zalo.say(user, f"/start {await invite_code(app, 'DEMO029')}")
        sent = 1
        for text in ("/dangky", "4", "2", "2"):
            await zalo.reply_to(user, sent - 1)
            await zalo.say(user, text)
            sent += 1
        summary = await zalo.reply_to(user, sent - 1)
        assert "• Chỉ tiêu hướng tới: Không gắn với chỉ tiêu nào" in summary
        assert "chỉ tiêu 7" not in summary and "\n1. ✅ Xác nhận" in summary
        clock[0] += timedelta(seconds=30)
        await zalo.say(user, "1")
        assert "✅ Đã đăng ký «Trung cấp lý luận chính trị»" in await zalo.reply_to(user, sent)
        for text in ("/dangky them", "6", "1", "2"):
            sent += 1
            await zalo.say(user, text)
            await zalo.reply_to(user, sent)
        assert "«2» không phải một chuyên ngành" in zalo.texts(user)[-1]
    (registration,) = await registrations(app)
    assert (registration.course_id, registration.gap) == ("llct-trung-cap", None)


async def test_a_course_typed_freely_is_not_linked_to_a_level_target(app, clock):
    chat = await chat_as(app, "DEMO024")
    # A political theory class not in the catalogue: its level is unknown, so it closes no
    # «trung cấp» target; no target is asked.
    out = await chat.send("/dangky", "4", "Lớp bồi dưỡng lý luận khóa 12", "1")
    assert "Khóa học này giúp bạn đạt chỉ tiêu nào" not in out
    assert "• Chỉ tiêu hướng tới: Không gắn với chỉ tiêu nào" in out
    assert "chỉ tiêu 7" not in out
    await chat.send("xác nhận")
    # The catalogue's Trung cấp LLCT does close it, chosen by its target typed loosely.
    out = await chat.send("/dangky them", "4", "2", "1")
    assert numbered(out) == [
        "1. Lý luận chính trị trung cấp (chỉ tiêu 7)",
        "2. Không gắn với chỉ tiêu nào",
    ]
    out = await chat.send("chi tieu 7")
    assert "• Chỉ tiêu hướng tới: Lý luận chính trị trung cấp (chỉ tiêu 7)" in out
    await chat.send("xác nhận")
    # Job-position training typed freely still serves the target any such course meets.
    out = await chat.send("/dangky them", "3", "Bồi dưỡng nghiệp vụ hộ tịch", "1")
    assert "1. Bồi dưỡng theo vị trí việc làm (chỉ tiêu 2)" in numbered(out)
    out = await chat.send("chỉ tiêu 2")
    assert "• Chỉ tiêu hướng tới: Bồi dưỡng theo vị trí việc làm (chỉ tiêu 2)" in out
    out = await chat.send("chỉ tiêu 9")  # at the summary now: nothing chosen by it
    await chat.send("xác nhận")
    stored = [(r.course_id, r.course_name, r.gap) for r in await registrations(app)]
    assert stored == [
        (None, "Lớp bồi dưỡng lý luận khóa 12", None),
        ("llct-trung-cap", "Trung cấp lý luận chính trị", "7b"),
        (None, "Bồi dưỡng nghiệp vụ hộ tịch", "2a"),
    ]


async def test_a_target_typed_that_no_choice_names_is_refused(app, clock):
    chat = await chat_as(app, "DEMO024")
    await chat.send("/dangky", "4", "2", "1")
    out = await chat.send("chỉ tiêu 2")
    assert "Vui lòng chọn một trong các lựa chọn" in out and "Khóa học này giúp bạn" in out
