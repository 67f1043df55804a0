"""Reviewing reports (/duyet, /duyet_ok, /tuchoi), through the console seam: verified or
rejected with a reason and the official told, a unit admin for their own unit only and never
their own report, a stored report that does not agree rejected only, the review card."""

from datetime import date

from sqlalchemy import insert, select

from storage.enums import DeliveryStatus, ReportStatus, Role
from storage.models import AuditEntry, CourseReport, Delivery, Official
from storage.repo import Repo
from tests.helpers.app import Chat, chat_as
from tests.helpers.reports import NOW, OFFICIAL, official, report_bdhvs, stored_reports


async def test_report_is_listed_then_verified_and_the_official_is_told(
    app, official_chat, admin_chat
):
    await report_bdhvs(official_chat)
    out = await official_chat.send("/khoahoc")
    assert "#1 · Kỹ năng số cơ bản · 26/11/2026 · ⏳ chờ duyệt" in out

    out = await admin_chat.send("/duyet")
    assert "Báo cáo #1 (không còn báo cáo nào khác chờ duyệt)" in out
    assert "Hoàng Minh Tuấn (DEMO010)" in out
    out = await admin_chat.send("1")  # ✅ Duyệt
    assert "Đã duyệt báo cáo #1 của Hoàng Minh Tuấn" in out
    assert "🔔 [DEMO010] ✅ Báo cáo #1 «Kỹ năng số cơ bản» của bạn đã được duyệt." in out
    assert "✅ đã duyệt" in await official_chat.send("/khoahoc")
    async with app.sessionmaker() as session:
        (delivery,) = await session.scalars(select(Delivery))
        assert delivery.status == DeliveryStatus.SENT and delivery.key == "report-reviewed:1"
    assert "Báo cáo #1: ✅ đã duyệt" in await admin_chat.send("/duyet_ok 1")  # twice: no harm


async def test_rejection_needs_a_reason_which_the_official_receives(app, official_chat, admin_chat):
    await report_bdhvs(official_chat)
    await admin_chat.send("/duyet")
    out = await admin_chat.send("2")  # ❌ Từ chối
    assert "Vì sao từ chối báo cáo này?" in out
    assert "ghi rõ lý do" in await admin_chat.send("x")
    out = await admin_chat.send("Ảnh mờ. " * 100)  # 800 characters: refused, not cut
    assert "quá giới hạn 500 ký tự" in out and "Đã từ chối" not in out
    out = await admin_chat.send("Ảnh chứng nhận bị mờ", "1")
    assert "Đã từ chối báo cáo #1" in out
    assert "🔔 [DEMO010] ❌ Báo cáo #1" in out and "Lý do: Ảnh chứng nhận bị mờ" in out
    mine = await official_chat.send("/khoahoc")
    assert "❌ bị từ chối" in mine and "Lý do: Ảnh chứng nhận bị mờ" in mine


async def test_a_unit_admin_reviews_the_reports_of_their_own_unit_only(app, official_chat):
    """As on the web desk: DEMO011 (unit admin of UBKT) sees and verifies DEMO010's report
    (UBKT), never DEMO020's (MTTQ), by /duyet, «Để sau», /duyet N or a typed /duyet_ok N."""
    async with app.sessionmaker() as session, session.begin():
        (await Repo(session).officials.by_code("DEMO011")).role = Role.UNIT_ADMIN
    await report_bdhvs(await chat_as(app, "DEMO020"))  # #1, MTTQ
    await report_bdhvs(official_chat)  # #2, UBKT
    unit_admin = await chat_as(app, "DEMO011")
    out = await unit_admin.send("/duyet")
    assert "Báo cáo #2 (không còn báo cáo nào khác chờ duyệt)" in out and "DEMO020" not in out
    out = await unit_admin.send("/duyet 1")
    assert "đơn vị khác" in out and "Báo cáo #2" in out
    assert "đơn vị khác" in await unit_admin.send("/duyet_ok 1")
    assert "đơn vị khác" in await unit_admin.send("/tuchoi 1")
    assert "Đã duyệt báo cáo #2" in await unit_admin.send("/duyet_ok 2")
    assert "Không có báo cáo nào đang chờ duyệt" in await unit_admin.send("/duyet")
    assert [r.status for r in await stored_reports(app)] == [
        ReportStatus.PENDING,
        ReportStatus.VERIFIED,
    ]


async def test_nobody_reviews_their_own_report(app, admin_chat):
    """DEMO011, unit admin of UBKT, reported a course: listed for them, marked, but verified
    or rejected by another admin only."""
    async with app.sessionmaker() as session, session.begin():
        (await Repo(session).officials.by_code("DEMO011")).role = Role.UNIT_ADMIN
    unit_admin = await chat_as(app, "DEMO011")
    await report_bdhvs(unit_admin)  # #1
    out = await unit_admin.send("/duyet")
    assert "Báo cáo #1" in out and "Đây là báo cáo của chính bạn" in out
    assert "/duyet_ok 1" not in out and "/tuchoi 1" not in out
    refusal = "Bạn không tự duyệt báo cáo của mình được; hãy nhờ quản trị viên khác."
    assert refusal in await unit_admin.send("/duyet_ok 1")
    assert refusal in await unit_admin.send("/tuchoi 1")
    async with app.sessionmaker() as session:
        assert list(await session.scalars(select(Delivery))) == []
        assert (
            list(
                await session.scalars(
                    select(AuditEntry).where(
                        AuditEntry.action.in_(["report_verified", "report_rejected"])
                    )
                )
            )
            == []
        )
    assert [r.status for r in await stored_reports(app)] == [ReportStatus.PENDING]
    assert "Đã duyệt báo cáo #1" in await admin_chat.send("/duyet_ok 1")


async def test_only_admins_review_and_only_linked_officials_report(app, official_chat):
    assert "chỉ dành cho quản trị viên" in await official_chat.send("/duyet")
    assert "chỉ dành cho quản trị viên" in await official_chat.send("/duyet_ok 1")
    assert "chỉ dành cho quản trị viên" in await official_chat.send("/tuchoi 1")
    stranger = Chat(app, "stranger")
    assert "cần liên kết tài khoản" in await stranger.send("/baocao")
    assert "cần liên kết tài khoản" in await stranger.send("/khoahoc")


async def test_a_stored_report_that_does_not_agree_is_shown_and_can_only_be_rejected(
    app, official_chat, admin_chat
):
    async with app.sessionmaker() as session, session.begin():  # as the old form stored it
        await session.execute(
            insert(CourseReport).values(
                official_id=(await official(app, OFFICIAL)).id,
                category="political_theory",
                course_id="dt-tien-si",
                course_name="Đào tạo tiến sĩ",
                level="tien_si",
                completed_on=date(2026, 10, 1),
                status="pending",
                created_at=NOW,
            )
        )
    await report_bdhvs(official_chat)
    out = await admin_chat.send("/duyet")
    assert "Báo cáo #1 (còn 1 báo cáo khác chờ duyệt)" in out
    assert "trình độ «tien_si» không thuộc loại «Lý luận chính trị»" in out
    assert "✅ Duyệt" not in out and "1. ❌ Từ chối" in out
    assert "Không duyệt được báo cáo #1" in await admin_chat.send("/duyet_ok 1")
    out = await admin_chat.send("1", "Sai loại khóa học, báo cáo lại", "1")
    assert "Đã từ chối báo cáo #1" in out
    assert "Đã duyệt báo cáo #2" in await admin_chat.send("/duyet", "1")
    first, second = await stored_reports(app)
    assert (first.status, second.status) == (ReportStatus.REJECTED, ReportStatus.VERIFIED)


async def test_the_review_card_counts_the_others_waiting(app, official_chat, admin_chat):
    for _ in range(3):
        await official_chat.send(
            "/baocao",
            "3",
            "Bồi dưỡng theo yêu cầu vị trí việc làm",
            "bỏ qua",
            "hôm qua",
            "8",
            "bỏ qua",
            "1",
            "1",
        )
    assert "Báo cáo #1 (còn 2 báo cáo khác chờ duyệt)" in await admin_chat.send("/duyet")


async def test_duyet_with_a_number_opens_that_report_and_later_moves_on(
    app, official_chat, admin_chat
):
    for _ in range(3):
        await official_chat.send(
            "/baocao",
            "3",
            "Bồi dưỡng theo yêu cầu vị trí việc làm",
            "bỏ qua",
            "hôm qua",
            "8",
            "bỏ qua",
            "1",
            "1",
        )
    assert "Báo cáo #2" in await admin_chat.send("/duyet 2")
    out = await admin_chat.send("3")  # ⏭ Để sau
    assert "Báo cáo #3" in out
    assert "Báo cáo #1" in await admin_chat.send("3")  # from the oldest again
    out = await admin_chat.send("/duyet 9")
    assert "Không tìm thấy báo cáo này" in out and "Báo cáo #1" in out
    out = await admin_chat.send("9")  # no such choice: said so, and the card stays
    assert "Không có lựa chọn «9»" in out and "1. ✅ Duyệt" in out
    assert "Đã duyệt báo cáo #1" in await admin_chat.send("1")
    await admin_chat.send("/duyet_ok 2", "/duyet_ok 3")
    out = await admin_chat.send("/duyet")
    assert "Không có báo cáo nào đang chờ duyệt" in out


async def test_a_report_of_someone_no_longer_serving_says_so(app, official_chat, admin_chat):
    await report_bdhvs(official_chat)
    async with app.sessionmaker() as session, session.begin():
        (await session.scalar(select(Official).where(Official.code == OFFICIAL))).active = False
    assert "ngừng công tác" in await admin_chat.send("/duyet")
    out = await admin_chat.send("2", "Đã chuyển công tác", "1")
    assert "Lý do: Đã chuyển công tác" in out and "/baocao" not in out.split("Lý do:")[-1]
