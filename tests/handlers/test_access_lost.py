"""Access is the record as it is now, at every step of a form and at submit: someone
deactivated or demoted while filling a form in is told, the form is closed, nothing is written."""

import csv
import io

from sqlalchemy import func, select

from handlers.services.roster import export_roster, import_roster_file
from handlers.types import Incoming
from storage.enums import Role
from storage.models import (
    Campaign,
    ConversationState,
    CourseReport,
    Delivery,
    Evaluation,
    Official,
)
from storage.repo import Repo
from tests.helpers.app import chat_as
from tests.helpers.forms_walk import NOW, seed_reviewables


async def _count(app, model, *where) -> int:
    async with app.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def _roster_without(app, code: str) -> None:
    """The roster exported, that official marked «Đang công tác: Không», imported back: what
    an admin does at the office when someone leaves."""
    async with app.sessionmaker() as session:
        data, _ = await export_roster(Repo(session), "ds.csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    serving = rows[0].index("Đang công tác")
    for row in rows[1:]:
        if row[0] == code:
            row[serving] = "Không"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    async with app.sessionmaker() as session, session.begin():
        report = await import_roster_file(
            Repo(session), out.getvalue().encode(), "ds.csv", actor="test", today=NOW.date()
        )
    assert report.ok, report.text()


async def test_an_admin_deactivated_by_a_roster_import_mid_broadcast_sends_nothing(app):
    app.conversation.clock = lambda: NOW
    admin = await chat_as(app, "DEMO001")
    await admin.send("/thongbao_moi", "1", "Họp toàn thể cán bộ lúc 14 giờ")
    await _roster_without(app, "DEMO001")
    out = await admin.send("1")  # «Gửi ngay», then the confirmation
    assert "ngừng công tác" in out and "đã được đóng lại" in out
    out = await admin.send("1")  # «Xác nhận», pressed out of habit
    assert "Vui lòng kiểm tra lại" not in out and "mã lỗi" not in out
    assert await _count(app, Campaign, Campaign.kind == "announcement") == 0
    assert await _count(app, Delivery) == 0


async def test_an_official_deactivated_mid_report_is_told_once_and_nothing_is_stored(app):
    app.conversation.clock = lambda: NOW
    official = await chat_as(app, "DEMO010")
    out = await official.send("/baocao", "1", "Kỹ năng số cơ bản", "1", "hôm qua", "4", "1")
    assert "Vui lòng kiểm tra lại" in out
    await _roster_without(app, "DEMO010")
    out = await official.send("1")  # «Xác nhận»
    assert "ngừng công tác" in out and "đã được đóng lại" in out
    for _ in range(3):  # again and again: a clear word each time, never the apology
        out = await official.send("1")
        assert "mã lỗi" not in out and "Vui lòng kiểm tra lại" not in out
    assert await _count(app, CourseReport) == 0


async def _unit_admin_confirming(app, *answers: str):
    """DEMO011, unit admin of DEMO010's unit, part way through confirming their evaluation."""
    ids = await seed_reviewables(app)
    app.conversation.clock = lambda: NOW
    async with app.sessionmaker() as session, session.begin():
        head = await session.scalar(select(Official).where(Official.code == "DEMO011"))
        head.role = Role.UNIT_ADMIN
    leader = await chat_as(app, "DEMO011")
    await leader.send(f"/xacnhan {ids['evaluation']}", *answers)
    return leader


async def test_a_unit_admin_demoted_mid_confirmation_confirms_nothing(app):
    leader = await _unit_admin_confirming(app, "2")  # as proposed
    async with app.sessionmaker() as session, session.begin():
        head = await session.scalar(select(Official).where(Official.code == "DEMO011"))
        head.role = Role.OFFICIAL
    out = await leader.send("1", "xác nhận")  # skip the comment, confirm
    assert "dành cho quản trị viên và quản trị viên đơn vị" in out
    assert await _count(app, Evaluation, Evaluation.status == "confirmed") == 0
    assert await _count(app, Delivery) == 0


async def test_an_evaluation_moved_out_of_a_unit_admins_reach_mid_confirmation_closes_it(app):
    leader = await _unit_admin_confirming(app, "2", "1")  # at the confirmation
    async with app.sessionmaker() as session, session.begin():
        moved = await session.scalar(select(Official).where(Official.code == "DEMO010"))
        moved.unit_id = (
            await session.scalar(select(Official).where(Official.code == "DEMO001"))
        ).unit_id
    out = await leader.send("xác nhận")
    assert "không thuộc đơn vị của bạn" in out and "Vui lòng kiểm tra lại" not in out
    assert "đang điền" not in await leader.send("/toi")  # the form is closed
    assert await _count(app, Evaluation, Evaluation.status == "confirmed") == 0


async def test_an_old_button_pressed_after_deactivation_closes_the_form(app):
    """A button from an earlier message is not the form's question again for someone who lost
    the right to the form: they are told, as for a typed step."""
    app.conversation.clock = lambda: NOW
    official = await chat_as(app, "DEMO010")
    await official.send("/baocao")
    await _roster_without(app, "DEMO010")
    (reply,) = await app.conversation.handle(
        Incoming("console", official.user_id, official.user_id, choice="stale", question=0)
    )
    assert "ngừng công tác" in reply.text and "đã được đóng lại" in reply.text
    async with app.sessionmaker() as session:
        state = await session.get(ConversationState, ("console", official.user_id))
    assert state.form is None


async def test_a_deactivated_official_is_not_told_to_link(app):
    official = await chat_as(app, "DEMO010")
    await _roster_without(app, "DEMO010")
    for command in ("/help", "/start"):
        out = await official.send(command)
        assert "ngừng công tác" in out and "xin quản trị viên mã mời" not in out, command
        assert "🔑 Liên kết tài khoản" not in out, command  # the newcomer's menu button
