"""The annual training registration (/dangky) in the window admins set (/handangky), through
the console seam, with the clock set."""

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from handlers.services.registration import (
    WindowDays,
    WindowInvalid,
    next_window,
    parse_window,
    study_form_label,
)
from handlers.texts import t
from handlers.types import Incoming
from knowledge.vocabulary import CourseCategory
from storage.enums import Role
from storage.models import AuditEntry, CommuneSetting, Official, TrainingRegistration
from storage.repo import Repo
from tests.helpers.app import chat_as, invite_code, serving

HANOI = timezone(timedelta(hours=7))
BEFORE = datetime(2026, 6, 5, 10, 0, tzinfo=HANOI)  # the 2026 window has not opened
OPEN = datetime(2026, 10, 5, 10, 0, tzinfo=HANOI)  # inside 01/10–15/11/2026: for 2027
LAST_MINUTE = datetime(2026, 11, 15, 23, 50, tzinfo=HANOI)
CLOSED = datetime(2026, 11, 16, 0, 10, tzinfo=HANOI)
# Political theory, its first catalogue course, «Vừa làm vừa học» (DEMO010 has no gap it
# closes: the step is not asked).
POLITICAL_THEORY = ["4", "1", "2", "xác nhận"]


@pytest.fixture
def clock(app):
    now = [OPEN]
    app.conversation.clock = lambda: now[0]
    return now


async def registrations(app) -> list[TrainingRegistration]:
    async with app.sessionmaker() as session:
        rows = await session.scalars(select(TrainingRegistration).order_by(TrainingRegistration.id))
        return list(rows)


async def audit(app, action: str) -> list[AuditEntry]:
    async with app.sessionmaker() as session:
        return list(await session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


# -- the window -----------------------------------------------------------------------------


def test_the_default_window_is_october_to_mid_november_for_the_next_year():
    days = WindowDays()
    window = next_window(days, date(2026, 6, 5))
    assert (window.opens, window.closes, window.year) == (
        date(2026, 10, 1),
        date(2026, 11, 15),
        2027,
    )
    assert window.is_open(date(2026, 11, 15)) and not window.is_open(date(2026, 9, 30))
    after = next_window(days, date(2026, 11, 16))
    assert (after.opens, after.year) == (date(2027, 10, 1), 2028)


@pytest.mark.parametrize(
    "opens, closes, problem",
    [
        ("31/09", "15/11", "Không có ngày 31/09"),
        ("29/02", "15/03", "Không dùng ngày 29/02"),
        ("15/11", "01/10", "Ngày mở phải trước ngày đóng"),
        ("01/10", "01/10", "Ngày mở phải trước ngày đóng"),
        ("tháng 10", "15/11", "không phải một ngày dạng ngày/tháng"),
    ],
)
def test_a_window_that_is_no_window_is_refused_with_the_reason(opens, closes, problem):
    with pytest.raises(WindowInvalid, match=problem):
        parse_window(opens, closes)


def test_a_window_typed_as_day_and_month():
    assert parse_window("1/9", "30-09") == WindowDays((1, 9), (30, 9))
    assert study_form_label("part_time") == "Vừa làm vừa học"


# -- /dangky ---------------------------------------------------------------------------------


async def test_outside_the_window_it_says_when_it_opens_and_for_which_year(clock, official_chat):
    clock[0] = BEFORE
    out = await official_chat.send("/dangky")
    assert "Đăng ký cho năm 2027 mở từ ngày 01/10/2026 đến hết ngày 15/11/2026." in out
    assert "Bạn muốn đăng ký" not in out


async def test_register_two_delete_one_then_closed(app, clock, official_chat):
    out = await official_chat.send("/dangky")
    assert "Đăng ký đào tạo, bồi dưỡng năm 2027" in out and "15/11/2026" in out
    assert "1. Bình dân học vụ số (tự học)" in out and "6. Đào tạo chuyên môn" in out
    out = await official_chat.send(*POLITICAL_THEORY)
    assert "✅ Đã đăng ký «" in out and "cho năm 2027" in out
    assert "đến hết ngày 15/11/2026" in out
    out = await official_chat.send("/dangky")
    assert "1. " in out and "Vừa làm vừa học" in out
    assert numbered(out)[-2:] == ["1. 🗑 Xóa 1", "2. ➕ Thêm đăng ký"]
    out = await official_chat.send("2")  # «Thêm đăng ký»
    assert "Bạn muốn đăng ký loại đào tạo" in out
    out = await official_chat.send(
        "2", "Pháp luật về đất đai", "3", "Không gắn với chỉ tiêu nào", "xác nhận"
    )
    assert "✅ Đã đăng ký «Pháp luật về đất đai» cho năm 2027" in out
    first, second = await registrations(app)
    assert first.category == CourseCategory.POLITICAL_THEORY and first.course_id
    assert (second.category, second.study_form) == (CourseCategory.KNOWLEDGE_UPDATE, "online")
    assert first.year == second.year == 2027 and first.gap is None
    out = await official_chat.send("/dangky")
    assert "2. Pháp luật về đất đai" in out
    assert numbered(out)[-3:] == ["1. 🗑 Xóa 1", "2. 🗑 Xóa 2", "3. ➕ Thêm đăng ký"]
    out = await official_chat.send("2")  # «Xóa 2»: only asks to confirm
    assert "Vui lòng kiểm tra lại yêu cầu xóa đăng ký" in out and "Pháp luật về đất đai" in out
    assert len(await registrations(app)) == 2
    out = await official_chat.send("xác nhận")
    assert "🗑 Đã xóa đăng ký «Pháp luật về đất đai» cho năm 2027" in out
    assert [r.id for r in await registrations(app)] == [first.id]
    assert len(await audit(app, "registration_created")) == 2
    assert len(await audit(app, "registration_deleted")) == 1

    clock[0] = CLOSED  # after the window: shown, no longer changed
    out = await official_chat.send("/dangky")
    assert "Đăng ký cho năm 2028 mở từ ngày 01/10/2027" in out
    assert "Bạn đã đăng ký cho năm 2027:" in out and "1. " in out
    out = await official_chat.send("/xoadangky 1")
    assert "Đăng ký cho năm 2028 mở từ ngày 01/10/2027" in out
    out = await official_chat.send("/dangky them")
    assert "Bạn muốn đăng ký" not in out
    assert [r.id for r in await registrations(app)] == [first.id]


async def test_a_form_confirmed_after_the_window_closed_is_refused(app, clock, official_chat):
    clock[0] = LAST_MINUTE
    out = await official_chat.send("/dangky", *POLITICAL_THEORY[:-1])
    assert "Vui lòng kiểm tra lại đăng ký đào tạo" in out
    clock[0] = CLOSED
    out = await official_chat.send("xác nhận")
    assert "⛔ Đã hết thời gian đăng ký đào tạo, bồi dưỡng năm 2027" in out
    assert "liên hệ quản trị viên của xã" in out and "Ban Xây dựng Đảng" not in out
    assert await registrations(app) == []


async def test_a_deletion_confirmed_after_the_window_closed_is_refused(app, clock, official_chat):
    clock[0] = LAST_MINUTE
    await official_chat.send("/dangky", *POLITICAL_THEORY)
    out = await official_chat.send("/xoadangky 1")
    assert "Vui lòng kiểm tra lại yêu cầu xóa đăng ký" in out
    clock[0] = CLOSED
    out = await official_chat.send("xác nhận")
    assert "⛔ Đã hết thời gian" in out
    assert len(await registrations(app)) == 1


async def test_a_course_typed_loosely_matches_the_catalogue(app, clock, official_chat):
    out = await official_chat.send("/dangky", "6", "dai hoc luat")
    assert "Có phải khóa «Đào tạo đại học»?" in out
    out = await official_chat.send("1")
    assert "Chuyên ngành cụ thể" in out
    await official_chat.send("Luật hành chính", "2", "Không gắn với chỉ tiêu nào")
    out = await official_chat.send("xác nhận")
    assert "✅ Đã đăng ký" in out
    (registration,) = await registrations(app)
    assert (registration.course_id, registration.course_name) == ("dt-dai-hoc", "Đào tạo đại học")
    assert registration.specialisation == "Luật hành chính"
    # A name the catalogue knows but for typos: taken as the catalogue names it.
    await official_chat.send(
        "/dangky them", "1", "ki nang so co bn", "3", "Không gắn với chỉ tiêu nào"
    )
    await official_chat.send("xác nhận")
    latest = (await registrations(app))[-1]
    assert (latest.course_id, latest.course_name) == ("bdhvs-ky-nang-so", "Kỹ năng số cơ bản")
    assert latest.specialisation is None  # asked for degree programmes only


def numbered(out: str) -> list[str]:
    """The numbered choices of the latest question."""
    lines = out.split("\n> ")[-1].splitlines()
    return [line.strip() for line in lines if line.strip()[:1].isdigit() and ". " in line]


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


async def test_the_same_course_twice_in_a_year_is_refused(app, clock, official_chat):
    await official_chat.send("/dangky", "6", "1", "Luật", "2", "xác nhận")
    # Said as soon as the specialisation is typed, which is asked again.
    out = await official_chat.send("/dangky them", "6", "dai hoc", "luật ")
    assert "Bạn đã đăng ký chương trình và chuyên ngành này cho năm 2027: 1. Đào tạo đại học" in out
    assert "chuyên ngành Luật" in out and "Chuyên ngành cụ thể" in out
    # Another specialisation is another registration.
    out = await official_chat.send("Quản lý đất đai", "2", "xác nhận")
    assert "✅ Đã đăng ký «Đào tạo đại học»" in out
    # A name typed, not from the catalogue, compared case and diacritics aside.
    await official_chat.send("/dangky them", "2", "Pháp luật về đất đai", "3")
    await official_chat.send("Không gắn với chỉ tiêu nào", "xác nhận")
    out = await official_chat.send("/dangky them", "2", "phap luat ve dat dai", "1")
    assert "Bạn đã đăng ký khóa này cho năm 2027: 3. Pháp luật về đất đai" in out
    assert [r.specialisation for r in await registrations(app)] == [
        "Luật",
        "Quản lý đất đai",
        None,
    ]


async def test_a_guess_is_confirmed_by_a_word_as_well_as_its_number(app, clock, official_chat):
    out = await official_chat.send("/dangky", "llct", "trung cap")
    assert "Có phải khóa «Trung cấp lý luận chính trị»?" in out
    out = await official_chat.send("dung")  # «Đúng, là khóa đó», typed as Zalo users do
    assert "Bạn muốn học theo hình thức nào?" in out
    out = await official_chat.send("/huy", "/dangky", "llct", "trung cap")
    assert "Có phải khóa «Trung cấp lý luận chính trị»?" in out
    out = await official_chat.send("khong")  # «Không phải»: the name as typed
    assert "Bạn muốn học theo hình thức nào?" in out


async def test_deleting_names_the_registration_as_listed(app, clock, official_chat):
    await official_chat.send("/dangky", "6", "1", "Luật", "2", "xác nhận")
    await official_chat.send("/dangky them", "6", "1", "Quản lý đất đai", "2", "xác nhận")
    out = await official_chat.send("/xoadangky 2")
    assert "Vui lòng kiểm tra lại yêu cầu xóa đăng ký:" in out
    assert "Đào tạo đại học (Đào tạo chuyên môn; chuyên ngành Quản lý đất đai" in out


async def zalo_says(app, *texts: str) -> str:
    """DEMO010 on Zalo (numbers only, no buttons): the last reply's text."""
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        if await repo.accounts.find("zalo", "z10") is None:
            await repo.accounts.link(await repo.officials.by_code("DEMO010"), "zalo", "z10", "z10")
    for text in texts:
        replies = await app.conversation.handle(Incoming("zalo", "z10", "z10", text=text))
    return "\n".join(reply.text for reply in replies)


async def test_a_repeat_made_meanwhile_is_refused_at_the_confirmation(app, clock, official_chat):
    await official_chat.send("/dangky", "4", "1", "2")  # at the summary, not confirmed
    await zalo_says(app, "/dangky", "4", "1", "1")  # the same official, on Zalo
    clock[0] += timedelta(seconds=30)  # a «1» read before sent, not the same «1» twice
    out = await zalo_says(app, "1")
    assert "✅ Đã đăng ký «Sơ cấp lý luận chính trị»" in out
    out = await official_chat.send("xác nhận")
    assert "Bạn đã đăng ký khóa này cho năm 2027: 1. Sơ cấp lý luận chính trị" in out
    assert len(await registrations(app)) == 1


async def test_a_degree_must_be_a_programme_of_the_catalogue(app, clock, official_chat):
    out = await official_chat.send("/dangky", "6", "Luat")
    assert "«Luat» không phải một chương trình đào tạo" in out
    assert "«Đào tạo đại học», «Đào tạo thạc sĩ», «Đào tạo tiến sĩ»" in out
    assert "Chuyên ngành (ví dụ: Luật, Quản lý đất đai) sẽ hỏi ở bước tiếp theo" in out
    assert numbered(out)[:3] == ["1. Đào tạo đại học", "2. Đào tạo thạc sĩ", "3. Đào tạo tiến sĩ"]
    out = await official_chat.send("thac si")
    assert "Chuyên ngành cụ thể" in out
    out = await official_chat.send("/quaylai", "dai hoc luat", "2")  # «Không phải»
    assert "chỉ chọn được một trong các chương trình: «Đào tạo đại học»" in out
    assert "Gõ /quaylai để chọn lại chương trình" in out
    out = await official_chat.send("/quaylai", "2")
    assert "Chuyên ngành cụ thể" in out
    await official_chat.send("Luật", "1", "xác nhận")
    (registration,) = await registrations(app)
    assert (registration.course_id, registration.specialisation) == ("dt-thac-si", "Luật")


async def test_a_number_is_no_specialisation(app, clock, official_chat):
    out = await official_chat.send("/dangky", "6", "1", "2")
    assert "«2» không phải một chuyên ngành" in out and "Chuyên ngành cụ thể" in out
    out = await official_chat.send("Luật")
    assert "Bạn muốn học theo hình thức nào?" in out
    # Nor is a course name without a letter, where a name may be typed.
    out = await official_chat.send("/huy", "/dangky", "2", "...")
    assert "«...» chưa phải tên khóa học" in out


@pytest.mark.parametrize(
    "typed, category",
    [
        ("dao tao chuyen mon", "Đào tạo chuyên môn (đại học, thạc sĩ, tiến sĩ)"),
        ("dai hoc", "Đào tạo chuyên môn (đại học, thạc sĩ, tiến sĩ)"),
        ("LLCT", "Lý luận chính trị"),
        ("cap nhat kien thuc", "Cập nhật kiến thức (pháp luật, CNTT, chuyển đổi số…)"),
        ("binh dan hoc vu so", "Bình dân học vụ số (tự học)"),
    ],
)
async def test_a_category_typed_without_its_brackets_or_by_a_short_name(
    app, clock, official_chat, typed, category
):
    await official_chat.send("/dangky", typed, "/quaylai")  # back to the category step
    out = await official_chat.send(typed)
    assert "Khóa học nào?" in out, typed
    await official_chat.send("/huy")
    # /baocao has the same category step.
    out = await official_chat.send("/baocao", typed)
    assert "Chọn trong danh sách hoặc gõ tên khóa học" in out.split("\n> ")[-1], typed


# -- /handangky ------------------------------------------------------------------------------


async def window_setting(app) -> dict | None:
    async with app.sessionmaker() as session:
        setting = await session.get(CommuneSetting, "registration_window")
        return None if setting is None else setting.value


async def test_admins_see_and_set_the_window_and_it_is_audited(app, clock, admin_chat):
    out = await admin_chat.send("/handangky")
    assert "từ 01/10 đến hết 15/11" in out and "Đang mở: đăng ký cho năm 2027" in out
    out = await admin_chat.send("/handangky 31/09 15/11")
    assert "Không có ngày 31/09" in out
    out = await admin_chat.send("/handangky 15/11 01/10")
    assert "Ngày mở phải trước ngày đóng" in out
    assert await window_setting(app) is None
    out = await admin_chat.send("/handangky 01/09 30/09")
    assert "✅ Đã đặt lại thời gian đăng ký" in out
    assert "Lần tới: đăng ký cho năm 2028, từ ngày 01/09/2027 đến hết ngày 30/09/2027" in out
    assert await window_setting(app) == {"opens": [1, 9], "closes": [30, 9]}
    (entry,) = await audit(app, "registration_window_set")
    assert entry.before == {"opens": [1, 10], "closes": [15, 11]} and entry.actor.endswith(
        "DEMO001"
    )
    # Officials now find the window closed (it closed on 30/09/2026).
    official = await chat_as(app, "DEMO010")
    assert "mở từ ngày 01/09/2027" in await official.send("/dangky")


async def test_moving_the_window_into_the_past_closes_it_now_and_says_so(app, clock, admin_chat):
    official = await chat_as(app, "DEMO010")
    await official.send("/dangky", *POLITICAL_THEORY)
    await (await chat_as(app, "DEMO012")).send("/dangky", *POLITICAL_THEORY)
    await official.send("/dangky them", "4", "2", "2", "xác nhận")
    out = await admin_chat.send("/handangky 01/09 30/09")
    assert "đăng ký đào tạo, bồi dưỡng năm 2027 đang mở nay đóng ngay" in out
    assert "có 2 cán bộ đã đăng ký (3 đăng ký)" in out
    assert out.count("\n> ") == 0 and "Thông tin đã đúng chưa?" not in out  # told, not asked
    out = await official.send("/dangky")
    assert "Hiện chưa đến" not in out
    assert "🎓 Đăng ký đào tạo, bồi dưỡng năm 2027 đã đóng (hạn cuối: ngày 30/09/2026)." in out
    assert "Bạn đã đăng ký cho năm 2027:\n1. Sơ cấp lý luận chính trị" in out
    assert out.rstrip().endswith(
        "Đăng ký cho năm 2028 mở từ ngày 01/09/2027 đến hết ngày 30/09/2027."
    )
    # Moving it within the open window says nothing of closing.
    await admin_chat.send("/handangky 01/10 15/11")
    assert "đóng ngay" not in await admin_chat.send("/handangky 01/10 20/11")


async def test_officials_and_unit_admins_may_not_set_the_window(app, clock, official_chat):
    out = await official_chat.send("/handangky 01/09 30/09")
    assert t("common.admin_only").split("\n")[0] in out
    async with app.sessionmaker() as session, session.begin():
        unit_admin = await session.scalar(select(Official).where(Official.code == "DEMO011"))
        unit_admin.role = Role.UNIT_ADMIN
    chat = await chat_as(app, "DEMO011")
    out = await chat.send("/handangky 01/09 30/09")
    assert t("common.admin_only").split("\n")[0] in out
    assert await window_setting(app) is None
    assert await audit(app, "registration_window_set") == []


async def test_help_lists_dangky_for_officials_and_handangky_for_admins(official_chat, admin_chat):
    out = await official_chat.send("/help")
    assert "/dangky" in out and "/handangky" not in out and "🎓 Đăng ký đào tạo" in out
    assert "/handangky" in await admin_chat.send("/help")


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


# -- an outside tester's third round --------------------------------------------------------


async def test_a_misspelt_course_confirmed_is_stored_under_the_catalogue_name(
    app, clock, official_chat
):
    out = await official_chat.send("/dangky", "6", "dai hco")
    assert "Có phải khóa «Đào tạo đại học»?" in out
    out = await official_chat.send("1", "Luật", "1")
    assert "• Khóa học: Đào tạo đại học" in out and "dai hco" not in out
    out = await official_chat.send("xác nhận")
    assert "✅ Đã đăng ký «Đào tạo đại học» cho năm 2027" in out
    (registration,) = await registrations(app)
    assert (registration.course_id, registration.course_name) == ("dt-dai-hoc", "Đào tạo đại học")
    assert registration.specialisation == "Luật"


@pytest.mark.parametrize("typed", ["dai hoc", "Đào tạo đại học", "ĐÀO TẠO ĐẠI HỌC"])
async def test_the_suggested_course_typed_at_the_guess_is_taken_as_yes(
    app, clock, official_chat, typed
):
    await official_chat.send("/dangky", "6", "dai hco")
    out = await official_chat.send(typed)
    assert "Chuyên ngành cụ thể" in out and "Vui lòng chọn" not in out
    out = await official_chat.send("Luật", "1")
    assert "• Khóa học: Đào tạo đại học" in out


async def test_a_course_of_another_category_is_refused_naming_its_category(app, clock):
    chat = await chat_as(app, "DEMO024")  # below Trung cấp LLCT: target 7 is on their road
    out = await chat.send("/dangky", "4", "dai hoc")
    assert (
        "«dai hoc» là khóa «Đào tạo đại học», thuộc loại «Đào tạo chuyên môn (đại học, thạc sĩ,"
        " tiến sĩ)»" in out
    )
    assert "gõ /quaylai rồi chọn loại" in out and "(số 6)" in out
    assert "Khóa học nào?" in out.split("\n> ")[-1]  # asked again: the category is kept
    assert "Bạn muốn học theo hình thức nào?" in await chat.send("2")  # Trung cấp LLCT
    await chat.send("/huy")
    # As told: back to the category, the degree one.
    await chat.send("/dangky", "4", "dai hoc")
    out = await chat.send("/quaylai", "/quaylai", "6", "dai hoc")
    assert "Chuyên ngành cụ thể" in out
    assert await registrations(app) == []


@pytest.mark.parametrize(
    ("category", "typed", "name"),
    [
        ("4", "dai hoc luat", "Đào tạo đại học"),  # a degree with its field, under LLCT
        ("4", "dh luat", "Đào tạo đại học"),
        ("2", "thac si kinh te", "Đào tạo thạc sĩ"),  # under knowledge updates
        ("6", "cu nhan chinh tri", "Cử nhân chính trị"),  # not «cử nhân», a degree's alias
    ],
)
async def test_a_course_of_another_category_with_a_field_added_is_refused(
    app, clock, category, typed, name
):
    chat = await chat_as(app, "DEMO024")
    out = await chat.send("/dangky", category, typed)
    assert f"«{typed}» là khóa «{name}»" in out, out
    assert "Khóa học nào?" in out.split("\n> ")[-1]  # asked again: the category is kept
    assert await registrations(app) == []


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


async def test_on_zalo_choice_n_deletes_registration_n(app, clock, official_chat):
    await official_chat.send("/dangky", *POLITICAL_THEORY)
    await official_chat.send("/dangky them", "2", "Pháp luật về đất đai", "3")
    await official_chat.send("Không gắn với chỉ tiêu nào", "xác nhận")
    await zalo_says(app, "/huy")  # links the Zalo account
    (listed,) = await app.conversation.handle(Incoming("zalo", "z10", "z10", text="/dangky"))
    # Zalo numbers the choices in this order: «2» is «Xóa 2».
    assert [c.label for c in listed.choices] == ["🗑 Xóa 1", "🗑 Xóa 2", "➕ Thêm đăng ký"]
    out = await zalo_says(app, "2")
    assert "Vui lòng kiểm tra lại yêu cầu xóa đăng ký" in out and "Pháp luật về đất đai" in out
    clock[0] += timedelta(seconds=30)
    assert "🗑 Đã xóa đăng ký «Pháp luật về đất đai»" in await zalo_says(app, "1")
    assert [r.course_name for r in await registrations(app)] == ["Sơ cấp lý luận chính trị"]


async def test_xoadangky_without_a_number_says_how_to_use_it(app, clock, official_chat):
    out = await official_chat.send("/xoadangky")
    assert "Cách dùng: /xoadangky SỐ" in out and "gõ /dangky để đăng ký" in out
    assert "Không có đăng ký số đó" not in out
    await official_chat.send("/dangky", *POLITICAL_THEORY)
    out = await official_chat.send("/xoadangky")
    assert "Cách dùng: /xoadangky SỐ" in out and "1. Sơ cấp lý luận chính trị" in out
    assert "Vui lòng kiểm tra lại" not in out
    assert "Không có đăng ký số đó" in await official_chat.send("/xoadangky 5")
    assert len(await registrations(app)) == 1


@pytest.mark.parametrize("typed", ["", "   "])
async def test_a_blank_specialisation_is_asked_for_plainly(app, clock, official_chat, typed):
    out = await official_chat.send("/dangky", "6", "1", typed)
    assert "Vui lòng gõ tên chuyên ngành bạn muốn học" in out
    assert "«»" not in out and "không phải một chuyên ngành" not in out
    assert "Chuyên ngành cụ thể" in out.split("\n> ")[-1]
