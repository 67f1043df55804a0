"""/lotrinh, the road line of /toi, the «Xem lộ trình» button after a verified report and the
quarterly road nudge, through the console seam and the outbox."""

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from bot.scheduler import plan_once
from knowledge.vocabulary import CourseCategory
from storage.enums import ReportStatus
from storage.models import CourseReport, Delivery, Official, TrainingRegistration
from tests.helpers.app import Chat, chat_as

HANOI = timezone(timedelta(hours=7))
NOW = datetime(2026, 5, 4, 10, 0, tzinfo=HANOI)
SPECIALIST = "DEMO030"  # Công chức chuyên môn, trung cấp, born 1989: more than six years left
MEETS = "DEMO021"  # specialist with đại học and LLCT trung cấp
HEAD = "DEMO018"  # unit head, born 22/01/1976 (made cao đẳng where a test needs it)
SOURCE_7 = "Kế hoạch thực hiện NQ 05-NQ/TU, Mục II.2, chỉ tiêu (7)"


@pytest.fixture(autouse=True)
def fixed_clock(app):
    app.conversation.clock = lambda: NOW


async def change(app, code: str, **fields) -> Official:
    async with app.sessionmaker() as session, session.begin():
        await session.execute(update(Official).where(Official.code == code).values(**fields))
        return await session.scalar(select(Official).where(Official.code == code))


async def report(app, code: str, category, on: date, status=ReportStatus.VERIFIED, level=None):
    async with app.sessionmaker() as session, session.begin():
        official = await session.scalar(select(Official).where(Official.code == code))
        session.add(
            CourseReport(
                official_id=official.id,
                category=category,
                course_name=f"Khóa {category.value}",
                completed_on=on,
                level=level,
                status=status,
            )
        )


async def meets_everything(app, code: str) -> None:
    for category, on in (
        (CourseCategory.JOB_POSITION, date(2026, 2, 1)),
        (CourseCategory.KNOWLEDGE_UPDATE, date(2026, 3, 1)),
        (CourseCategory.DIGITAL_SELF_STUDY, date(2026, 4, 20)),
    ):
        await report(app, code, category, on)


async def test_a_specialist_below_university_sees_that_gap_first(app):
    chat = await chat_as(app, SPECIALIST)
    out = await chat.send("/lotrinh")
    assert "Lộ trình đạt chuẩn của" in out
    first = out.index("1. Trình độ đại học (chỉ tiêu 7): chuẩn bắt buộc, hạn 31/12/2030")
    assert first < out.index("2. ")
    assert "Khóa học: Đào tạo đại học" in out and SOURCE_7 in out
    assert "Bạn còn trên 6 năm công tác" in out and "Mục III.2.d" in out
    assert "1. 📝 Báo cáo khóa học" in out and "2. 🗓 Đăng ký đào tạo" in out


async def test_the_choice_to_report_opens_the_report_form(app):
    chat = await chat_as(app, SPECIALIST)
    await chat.send("/lotrinh")
    out = await chat.send("1")
    assert "1. Bình dân học vụ số (tự học)" in out  # /baocao's first question


async def test_six_years_or_fewer_left_is_told_the_rule_does_not_apply(app):
    """Mục III.2.d sends to university only who has more than six years left: for one who has
    not, what they can act on comes first, the unmet standard last, with no degree course."""
    await change(app, SPECIALIST, birth_date=date(1966, 6, 10))  # retires 10/06/2028
    out = await (await chat_as(app, SPECIALIST)).send("/lotrinh")
    assert "1. Bồi dưỡng theo vị trí việc làm (chỉ tiêu 2)" in out
    university = block(out, "4. Trình độ đại học (chỉ tiêu 7): chuẩn bắt buộc, hạn 31/12/2030")
    assert "\n5. " not in out  # the last thing listed
    assert "👉" not in university and "Đào tạo đại học" not in out
    assert (
        "không áp dụng với bạn; bạn vẫn chưa đạt chuẩn này." in university
        and "còn không quá 6 năm công tác" in university
    )
    assert "Bạn còn trên 6 năm" not in out


async def test_one_degree_in_a_fitting_major_is_said_to_close_both_education_gaps(app):
    """Below đại học and a major that does not fit: 7a and 1b both take «Đào tạo đại học», and
    one such degree closes both (a verified degree raises the level and is a degree course)."""
    await change(app, SPECIALIST, major_fits_position=False)
    out = await (await chat_as(app, SPECIALIST)).send("/lotrinh")
    first = block(out, "1. Trình độ đại học (chỉ tiêu 7)")
    second = block(out, "2. Đào tạo lại chuyên môn phù hợp vị trí việc làm (chỉ tiêu 1)")
    assert "Khóa học: Đào tạo đại học" in first and "Khóa học: Đào tạo đại học" in second
    one = "🔗 Cùng một khóa «Đào tạo đại học» đúng chuyên ngành vị trí việc làm đáp ứng cả việc 1"
    assert one in second and "🔗" not in first
    # One who holds đại học in another major has 1b alone: nothing to say about two.
    await change(app, SPECIALIST, education_level="dai_hoc")
    assert "🔗" not in await (await chat_as(app, SPECIALIST)).send("/lotrinh")


def block(out: str, start: str) -> str:
    """One numbered gap of /lotrinh, from its line to the next number's."""
    begin = out.index(start)
    number = int(start.split(".")[0])
    end = out.find(f"\n{number + 1}. ", begin)
    return out[begin : end if end > 0 else len(out)]


async def test_a_unit_head_below_university_has_the_iii2d_step_first(app):
    await change(app, HEAD, education_level="cao_dang")
    out = await (await chat_as(app, HEAD)).send("/lotrinh")
    first = block(
        out, "1. Trình độ đại học (Mục III.2.d): chuẩn trình độ chuyên môn, hạn 31/12/2030"
    )
    assert "Khóa học: Đào tạo đại học" in first and "thạc sĩ" not in first
    assert (
        "Bạn còn trên 6 năm công tác" in first
        and "Kế hoạch thực hiện NQ 05-NQ/TU, Mục III.2.d" in first
    )
    # The thạc sĩ share after it, with thạc sĩ courses only.
    master = block(out, "3. Trình độ thạc sĩ (chỉ tiêu 6)")
    assert "Khóa học: Đào tạo thạc sĩ" in master and "tiến sĩ" not in out
    # When they retire, to check the six years against.
    assert (
        "Theo tuổi nghỉ hưu (Bộ luật Lao động 2019, Điều 169), bạn còn khoảng 11 năm 8 tháng"
        " công tác (đến 01/2038)." in out
    )


async def test_a_unit_head_near_retirement_sees_the_gap_but_not_the_rule(app):
    await change(app, HEAD, education_level="cao_dang", birth_date=date(1966, 6, 10))
    out = await (await chat_as(app, HEAD)).send("/lotrinh")
    assert "1. Bồi dưỡng theo vị trí việc làm (chỉ tiêu 2)" in out
    # After what they can act on, before the thạc sĩ share; no degree course for either.
    university = block(out, "5. Trình độ đại học (Mục III.2.d)")
    assert "còn không quá 6 năm công tác" in university and "không áp dụng với bạn" in university
    assert "6. Trình độ thạc sĩ (chỉ tiêu 6)" in out and "👉 Khóa học: Đào tạo" not in out
    assert "bạn còn khoảng 2 năm 1 tháng công tác (đến 06/2028)" in out


async def test_a_pending_degree_report_shows_it_waits_for_review(app):
    await report(
        app, SPECIALIST, CourseCategory.DEGREE, date(2026, 4, 1), ReportStatus.PENDING, "dai_hoc"
    )
    chat = await chat_as(app, SPECIALIST)
    out = await chat.send("/lotrinh")
    degree = out[out.index("1. Trình độ đại học") : out.index("2. ")]
    assert "đang chờ duyệt" in degree
    # The count agrees with the numbered list, saying what waits for review.
    assert "Còn 4 việc, trong đó 1 việc đã có báo cáo đang chờ duyệt" in out
    assert "4. " in out and "5. " not in out
    assert "còn 4 việc, trong đó 1 việc đang chờ duyệt báo cáo" in await chat.send("/toi")


async def test_one_who_meets_everything_is_congratulated(app):
    await meets_everything(app, MEETS)
    chat = await chat_as(app, MEETS)
    out = await chat.send("/lotrinh")
    assert "🎉 Chúc mừng" in out and "Trình độ đại học (chỉ tiêu 7)" in out
    assert "việc cần làm" not in out
    assert "🧭 Lộ trình: 🎉 bạn đã đạt mọi chuẩn" in await chat.send("/toi")


async def test_toi_ends_with_the_road_line(app):
    out = await (await chat_as(app, SPECIALIST)).send("/toi")
    assert "👤" in out and "🧭 Lộ trình: còn 4 việc cần làm, gõ /lotrinh để xem." in out


async def test_help_lists_lotrinh_with_its_menu_button(app):
    out = await (await chat_as(app, SPECIALIST)).send("/help")
    assert "/lotrinh — Xem lộ trình đạt chuẩn của tôi" in out and "🧭 Lộ trình của tôi" in out


async def test_an_unlinked_user_is_refused(app):
    out = await Chat(app, "stranger-1").send("/lotrinh")
    assert "cần liên kết tài khoản" in out and "Lộ trình đạt chuẩn" not in out


async def test_the_verified_reports_notice_carries_the_road_button(app, admin_chat):
    await report(
        app, SPECIALIST, CourseCategory.DEGREE, date(2026, 4, 1), ReportStatus.PENDING, "dai_hoc"
    )
    chat = await chat_as(app, SPECIALIST)
    out = await admin_chat.send("/duyet_ok 1")  # the console prints the push to DEMO030 too
    assert f"🔔 [{SPECIALIST}] ✅ Báo cáo #1" in out and "1. 🧭 Xem lộ trình" in out
    async with app.sessionmaker() as session:
        (delivery,) = await session.scalars(select(Delivery))
    assert delivery.choices == [["🧭 Xem lộ trình", "/lotrinh"]]
    out = await chat.send("1")  # the push's choice, by its number
    assert "Lộ trình đạt chuẩn của" in out and "Trình độ đại học (chỉ tiêu 7)" in out
    assert "1. Trình độ đại học" not in out  # met now: the record was raised to đại học


async def test_settings_name_the_road_nudge(app):
    out = await (await chat_as(app, SPECIALIST)).send("/caidat")
    assert "lộ trình đạt chuẩn mỗi quý" in out


# -- the quarterly nudge ---------------------------------------------------------------------


async def nudges(app) -> dict[str, Delivery]:
    async with app.sessionmaker() as session:
        rows = await session.scalars(select(Delivery).where(Delivery.key.like("road-nudge:%")))
        return {row.key: row for row in rows}


async def test_the_quarterly_nudge_is_one_next_step_once_a_quarter(app):
    options = app.conversation.options
    codes = [SPECIALIST, MEETS, "DEMO022"]
    ids = {code: (await chat_as(app, code)).user_id for code in codes}
    assert ids  # linked on the console
    await meets_everything(app, MEETS)  # nothing left to do: no nudge
    await report(app, MEETS, CourseCategory.DIGITAL_SELF_STUDY, date(2026, 7, 1))  # still recent
    off = await change(app, "DEMO022", nudges=False)  # turned nudges off: no nudge
    specialist = await change(app, SPECIALIST)

    async def plan(moment: datetime) -> int:
        return await plan_once(app.sessionmaker, options, clock=lambda: moment)

    await plan(datetime(2026, 7, 10, 7, 59, tzinfo=HANOI))  # not yet
    assert await nudges(app) == {}
    await plan(datetime(2026, 7, 10, 8, 5, tzinfo=HANOI))
    await plan(datetime(2026, 7, 12, 9, 0, tzinfo=HANOI))  # again in the week: nothing more
    found = await nudges(app)
    assert list(found) == [f"road-nudge:2026Q3:{specialist.id}"]
    nudge = found[f"road-nudge:2026Q3:{specialist.id}"]
    assert "Bước tiếp theo" in nudge.text and "Trình độ đại học (chỉ tiêu 7)" in nudge.text
    assert "Trình độ đại học (chỉ tiêu 7), hạn 31/12/2030." in nudge.text  # one parenthesis
    assert "Gợi ý: Đào tạo đại học." in nudge.text and "/caidat" in nudge.text
    assert nudge.choices == [["🧭 Xem lộ trình", "/lotrinh"]]
    assert f"road-nudge:2026Q3:{off.id}" not in found
    await plan(datetime(2026, 7, 20, 8, 5, tzinfo=HANOI))  # after the catch-up week
    await plan(datetime(2026, 8, 10, 8, 5, tzinfo=HANOI))  # not a quarter's first month
    assert len(await nudges(app)) == 1
    await plan(datetime(2026, 10, 10, 8, 5, tzinfo=HANOI))  # the next quarter
    assert f"road-nudge:2026Q4:{specialist.id}" in await nudges(app)


async def register(app, code: str, year: int, category, gap: str | None) -> None:
    async with app.sessionmaker() as session, session.begin():
        official = await session.scalar(select(Official).where(Official.code == code))
        session.add(
            TrainingRegistration(
                official_id=official.id,
                year=year,
                category=category,
                course_name=f"Khóa {category.value}",
                study_form="part_time",
                gap=gap,
            )
        )


async def quarter_nudge(app, code: str) -> str:
    await chat_as(app, code)
    moment = datetime(2026, 10, 10, 8, 5, tzinfo=HANOI)
    await plan_once(app.sessionmaker, app.conversation.options, clock=lambda: moment)
    official = await change(app, code)
    return (await nudges(app))[f"road-nudge:2026Q4:{official.id}"].text


async def test_the_nudge_skips_what_is_registered_and_encourages_when_all_is(app):
    await register(app, SPECIALIST, 2027, CourseCategory.DEGREE, "7a")
    text = await quarter_nudge(app, SPECIALIST)
    assert "Bồi dưỡng theo vị trí việc làm (chỉ tiêu 2), hạn 31/12/2030." in text
    assert "đại học" not in text
    async with app.sessionmaker() as session, session.begin():
        await session.execute(Delivery.__table__.delete())
    for category, gap in (
        (CourseCategory.JOB_POSITION, None),
        (CourseCategory.KNOWLEDGE_UPDATE, "3"),
    ):
        await register(app, SPECIALIST, 2026, category, gap)
    await register(app, SPECIALIST, 2027, CourseCategory.DIGITAL_SELF_STUDY, "self_study")
    text = await quarter_nudge(app, SPECIALIST)
    assert "Bạn đã đăng ký học cho bước tiếp theo" in text
    assert "Trình độ đại học (chỉ tiêu 7), năm 2027" in text and "/baocao" in text


async def test_the_nudge_to_one_near_retirement_names_no_degree(app):
    await change(app, HEAD, education_level="cao_dang", birth_date=date(1966, 6, 10))
    await meets_everything(app, HEAD)
    await report(app, HEAD, CourseCategory.DIGITAL_SELF_STUDY, date(2026, 10, 1))
    text = await quarter_nudge(app, HEAD)
    # Left: đại học (not sent: six years or less), thạc sĩ, LLCT cao cấp: the last one.
    assert "Lý luận chính trị cao cấp hoặc cử nhân (chỉ tiêu 6)" in text
    assert "đại học" not in text and "thạc sĩ" not in text


async def test_questions_about_ones_own_road_or_registration_point_to_the_commands(app):
    chat = await chat_as(app, SPECIALIST)
    out = await chat.send("xem lo trinh cua toi")
    assert "Gõ /lotrinh" in out and "Ngoài Kế hoạch: theo Hướng dẫn sử dụng trợ lý" in out
    assert "Gõ /lotrinh" in await chat.send("toi can hoc gi de dat chuan")
    assert "Gõ /dangky" in await chat.send("dang ky dao tao nam sau o dau")
