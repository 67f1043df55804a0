"""The quarterly self-evaluation and the leaders' review, through the console seam."""

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from knowledge.vocabulary import Rating
from storage.enums import EvaluationStatus
from storage.models import Evaluation
from tests.helpers.app import Chat, chat_as

IN_WINDOW = datetime(2026, 6, 25, 3, 0, tzinfo=timezone.utc)  # 25/06/2026 10:00, Q2 open
AFTER_DUE = datetime(2026, 7, 6, 3, 0, tzinfo=timezone.utc)  # Q2 was due 05/07/2026

# Answers to every step: 9 + 9 + 5 + 4 = 27 points; 10 assigned, 10 done, 9 on time, 9 of the
# quality required (70 × (0.5 + 0.25 × 0.9 + 0.25 × 0.9) = 66.5): 93.5 in all, but not every
# product on time, so "tốt"; neither disciplined nor degenerated (option 2, «Không»).
ANSWERS = ["9", "9", "5", "4", "10", "10", "9", "9", "bỏ qua", "Chủ động, đúng hạn", "không"]
ANSWERS += ["2", "2"]


@pytest.fixture
def clock(app):
    now = [IN_WINDOW]
    app.conversation.clock = lambda: now[0]
    return now


async def evaluations(app) -> list[Evaluation]:
    async with app.sessionmaker() as session:
        return list(await session.scalars(select(Evaluation).order_by(Evaluation.id)))


async def test_submit_a_self_evaluation(app, clock, official_chat):
    out = await official_chat.send("/danhgia")
    assert "Kỳ: quý II/2026 · hạn nộp 05/07/2026." in out
    assert "(từ 0 đến 10)" in out and "Bước 1/" in out
    out = await official_chat.send(*ANSWERS)
    assert "tiêu chí chung 27 + nhiệm vụ 66,5 = 93,5/100" in out
    assert "1. Giữ: Hoàn thành tốt nhiệm vụ" in out
    out = await official_chat.send("1")
    assert "Vui lòng kiểm tra lại bản tự đánh giá" in out
    out = await official_chat.send("1")  # "1" again at once: a double send, not a yes
    assert "hai lần liên tiếp" in out and "Vui lòng kiểm tra lại" in out
    out = await official_chat.send("xác nhận")
    assert "✅ Đã nhận bản tự đánh giá quý II/2026: 93,5/100 điểm" in out
    (evaluation,) = await evaluations(app)
    assert evaluation.period == "2026Q2" and evaluation.proposed_rating == Rating.TOT
    assert evaluation.criteria == {"chinh_tri": 9, "nang_luc": 9, "phuc_vu": 5, "doi_moi": 4}
    assert (evaluation.tasks_completed, evaluation.tasks_on_time, evaluation.tasks_quality) == (
        10,
        9,
        9,
    )
    assert (evaluation.task_points, evaluation.disciplined, evaluation.degenerated) == (
        66.5,
        False,
        False,
    )


async def test_bad_points_are_explained_and_nothing_is_lost(app, database, clock, official_chat):
    await official_chat.send("/danhgia", "9")
    assert "từ 0 đến 10" in await official_chat.send("11")
    assert "Vui lòng gõ một số từ 0 đến 10" in await official_chat.send("chín")
    await official_chat.send("8,5", "5", "4", "10")
    out = await official_chat.send("ba")
    assert "Vui lòng gõ một số nguyên" in out
    await official_chat.send("8")
    assert "không thể lớn hơn số đã hoàn thành (8)" in await official_chat.send("9")

    async with database.app() as restarted:  # the draft survives a restart
        restarted.conversation.clock = lambda: clock[0]
        out = await Chat(restarted, "DEMO010").send("8", "8", "bỏ qua", "Tốt", "Chưa", "2", "2")
        assert "tiêu chí chung 26,5" in out


async def test_a_text_answer_over_the_limit_is_refused_not_cut(app, clock, official_chat):
    await official_chat.send("/danhgia", *ANSWERS[:8])
    long = "Hoàn thành tốt nhiệm vụ được giao." * 50  # 1,700 characters
    for label, short in (("Ghi chú kết quả", "bỏ qua"), ("Ưu điểm", ANSWERS[9])):
        out = await official_chat.send(long)
        assert f"«{label}» dài 1700 ký tự, quá giới hạn 1000 ký tự" in out
        await official_chat.send(short)  # the same step asked again, answered short
    await official_chat.send(*ANSWERS[10:], "1", "xác nhận")
    (stored,) = await evaluations(app)
    assert stored.strengths == ANSWERS[9]


async def test_choosing_another_rating_needs_a_reason(app, clock, official_chat):
    await official_chat.send("/danhgia", *ANSWERS)
    out = await official_chat.send("4")  # a rating other than the band's
    assert "Vì sao bạn đề xuất mức khác" in out
    await official_chat.send("Hoàn thành thêm nhiệm vụ đột xuất", "1")
    (evaluation,) = await evaluations(app)
    assert evaluation.rating_reason == "Hoàn thành thêm nhiệm vụ đột xuất"


async def test_after_the_deadline_the_submission_is_refused_and_the_draft_kept(
    app, clock, official_chat
):
    await official_chat.send("/danhgia", *ANSWERS, "1")
    clock[0] = AFTER_DUE
    out = await official_chat.send("1")
    assert "Đã quá hạn nộp (05/07/2026). Bản nháp của bạn vẫn được giữ" in out
    assert "Vui lòng kiểm tra lại bản tự đánh giá" in out  # still at the confirmation
    assert await evaluations(app) == []
    out = await official_chat.send("/huy", "/danhgia")
    assert "Chưa đến kỳ tự đánh giá. Kỳ quý III/2026 mở từ 20/09/2026" in out


async def test_resubmitting_before_the_deadline_replaces_the_first(app, clock, official_chat):
    await official_chat.send("/danhgia", *ANSWERS, "1", "xác nhận")
    out = await official_chat.send("/danhgia")
    assert "Bạn đã nộp bản tự đánh giá quý II/2026" in out
    await official_chat.send(
        "5",
        "5",
        "5",
        "5",
        "10",
        "10",
        "10",
        "10",
        "bỏ qua",
        "Ổn",
        "Chưa",
        "2",
        "2",
        "1",
        "xác nhận",
    )
    (evaluation,) = await evaluations(app)
    assert evaluation.general_points == 20


async def test_leader_confirms_and_the_official_is_told(app, clock, official_chat, admin_chat):
    await official_chat.send("/danhgia", *ANSWERS, "1", "xác nhận")
    out = await admin_chat.send("/xemdanhgia")
    assert "Tự đánh giá quý II/2026: 1 bản, 1 chờ xác nhận." in out
    assert "Hoàng Minh Tuấn · 93,5 điểm" in out
    out = await admin_chat.send("1")  # Xác nhận #1
    assert "Tự đề xuất: Hoàn thành tốt nhiệm vụ" in out and "Lãnh đạo xếp loại" in out
    await admin_chat.send("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành vượt kế hoạch")
    out = await admin_chat.send("1")
    assert "Đã xác nhận xếp loại Hoàng Minh Tuấn: Hoàn thành xuất sắc nhiệm vụ" in out
    assert "🔔 [DEMO010] 📋 Lãnh đạo đã xác nhận xếp loại quý II/2026 của bạn" in out
    # A rating other than the one proposed comes with the leader's reason.
    assert (
        "Mức bạn tự đề xuất: Hoàn thành tốt nhiệm vụ. Lý do điều chỉnh: Hoàn thành vượt kế hoạch"
        in out
    )
    (evaluation,) = await evaluations(app)
    assert evaluation.status == EvaluationStatus.CONFIRMED
    assert evaluation.confirmed_rating == Rating.XUAT_SAC
    assert "đã được lãnh đạo xác nhận" in await official_chat.send("/danhgia")


async def test_too_many_excellent_in_a_unit_is_flagged(app, clock, admin_chat):
    # DEMO010 and DEMO011 work in the same unit (Ủy ban Kiểm tra Đảng ủy).
    for code in ("DEMO010", "DEMO011"):  # both ask for "xuất sắc" (the second choice)
        chat = await chat_as(app, code)
        await chat.send("/danhgia", *ANSWERS, "2", "Vượt chỉ tiêu", "1")
    out = await admin_chat.send("/xemdanhgia 2026Q2")
    assert "⚠️ Ủy ban Kiểm tra Đảng ủy: 2 «xuất sắc» so với 0 «tốt», vượt 20% số «tốt»." in out


async def test_only_linked_officials_evaluate_and_only_admins_review(app, clock, official_chat):
    assert "cần liên kết" in await Chat(app, "stranger").send("/danhgia")
    assert "dành cho quản trị viên và quản trị viên đơn vị" in await official_chat.send(
        "/xemdanhgia"
    )
    assert "dành cho quản trị viên và quản trị viên đơn vị" in await official_chat.send(
        "/xacnhan 1"
    )


async def test_a_unit_admin_reviews_their_own_unit_only(app, clock):
    from storage.enums import Role
    from storage.models import Official

    async with app.sessionmaker() as session, session.begin():
        head = await session.scalar(select(Official).where(Official.code == "DEMO011"))
        head.role = Role.UNIT_ADMIN  # Ủy ban Kiểm tra Đảng ủy, like DEMO010
    for code in ("DEMO010", "DEMO012"):  # same unit as the unit admin; another unit
        await (await chat_as(app, code)).send("/danhgia", *ANSWERS, "1", "xác nhận")
    unit_admin = await chat_as(app, "DEMO011")
    out = await unit_admin.send("/xemdanhgia")
    assert "Hoàng Minh Tuấn" in out and "Lê Thị Thu Trang" not in out
    other = next(e for e in await evaluations(app) if e.official.code == "DEMO012")
    assert "không thuộc đơn vị của bạn" in await unit_admin.send(f"/xacnhan {other.id}")
    assert "chỉ dành cho quản trị viên" in await unit_admin.send("/thongbao")


async def test_nobody_confirms_their_own_self_evaluation(app, clock, admin_chat):
    from storage.enums import Role
    from storage.models import Official

    async with app.sessionmaker() as session, session.begin():
        head = await session.scalar(select(Official).where(Official.code == "DEMO011"))
        head.role = Role.UNIT_ADMIN  # Ủy ban Kiểm tra Đảng ủy, like DEMO010
    unit_admin = await chat_as(app, "DEMO011")
    await unit_admin.send("/danhgia", *ANSWERS, "1", "xác nhận")
    await (await chat_as(app, "DEMO010")).send("/danhgia", *ANSWERS, "1", "xác nhận")
    own, other = await evaluations(app)
    out = await unit_admin.send("/xemdanhgia")
    assert "Pờ Thị Xuân" in out and "(của bạn: cần quản trị viên khác xác nhận)" in out
    assert f"Xác nhận #{other.id} Hoàng Minh Tuấn" in out and f"Xác nhận #{own.id}" not in out
    out = await unit_admin.send(f"/xacnhan {own.id}")
    refusal = "Bạn không tự xác nhận bản tự đánh giá của mình được; hãy nhờ quản trị viên khác."
    assert refusal in out and "Lãnh đạo xếp loại" not in out
    assert "Xếp loại" not in await unit_admin.send("Hoàn thành tốt nhiệm vụ")  # no form
    assert [e.status for e in await evaluations(app)] == [EvaluationStatus.SUBMITTED] * 2
    # Another admin confirms it.
    await admin_chat.send(f"/xacnhan {own.id}", "Hoàn thành tốt nhiệm vụ", "bỏ qua")
    assert "Đã xác nhận xếp loại Pờ Thị Xuân" in await admin_chat.send("1")


async def test_a_comment_over_the_limit_is_refused_not_cut(app, clock, official_chat, admin_chat):
    await official_chat.send("/danhgia", *ANSWERS, "1", "xác nhận")
    (evaluation,) = await evaluations(app)
    await admin_chat.send(f"/xacnhan {evaluation.id}")
    out = await admin_chat.send("Hoàn thành tốt nhiệm vụ", "Tốt. " * 200 + "x")  # 1,001
    assert "«Nhận xét» dài 1001 ký tự, quá giới hạn 1000 ký tự" in out
    out = await admin_chat.send("Cố gắng phát huy")
    assert "Cố gắng phát huy" in out
    await admin_chat.send("1")
    (evaluation,) = await evaluations(app)
    assert evaluation.review_comment == "Cố gắng phát huy"
    # A reason for another rating: the same limit.
    await admin_chat.send(f"/xacnhan {evaluation.id}")
    out = await admin_chat.send("Hoàn thành nhiệm vụ", "Chưa đạt. " * 101)
    assert "«Lý do điều chỉnh» dài 1009 ký tự, quá giới hạn 1000 ký tự" in out


async def test_a_unit_admin_without_a_unit_sees_no_ones_evaluation(app, clock):
    from storage.enums import Role
    from storage.models import Official

    await (await chat_as(app, "DEMO010")).send("/danhgia", *ANSWERS, "1", "xác nhận")
    async with app.sessionmaker() as session, session.begin():
        head = await session.scalar(select(Official).where(Official.code == "DEMO011"))
        head.role, head.unit_id = Role.UNIT_ADMIN, None  # a roster row with no «Đơn vị»
    unit_admin = await chat_as(app, "DEMO011")
    (evaluation,) = await evaluations(app)
    for typed in ("/xemdanhgia", f"/xacnhan {evaluation.id}", "/tonghop"):
        out = await unit_admin.send(typed)
        assert "chưa gắn với đơn vị nào" in out and "Hoàng Minh Tuấn" not in out, typed


async def test_the_summary_names_the_rating_not_the_button(app, clock, official_chat):
    out = await official_chat.send("/danhgia", *ANSWERS, "1")
    assert "• Mức đề xuất: Hoàn thành tốt nhiệm vụ" in out and "• Mức đề xuất: Giữ" not in out


async def test_bo_qua_typed_at_a_required_step_is_not_an_answer(app, clock, official_chat):
    await official_chat.send("/danhgia", *ANSWERS[:-3])  # up to «Hạn chế», which is required
    out = await official_chat.send("Bỏ qua")
    assert "Bước này bắt buộc" in out and "Hạn chế" in out


# -- Mẫu 01's quality count, the grounds, the band's rules -----------------------------------

XUAT_SAC_RULES = (
    "Xuất sắc cần từ 90 điểm, mọi sản phẩm hoàn thành đều đúng hạn và đạt chất lượng, có sản "
    "phẩm vượt số được giao; số «xuất sắc» của mỗi đơn vị không quá 20% số «hoàn thành tốt»"
)


async def test_quality_is_asked_after_on_time_and_bounded_by_completed(app, clock, official_chat):
    out = await official_chat.send("/danhgia", *ANSWERS[:7])  # up to «Đúng hạn»
    assert "Trong số đã hoàn thành, bao nhiêu sản phẩm đạt chất lượng yêu cầu?" in out
    assert "Bước 8/14" in out
    out = await official_chat.send("11")  # more than the 10 completed
    assert "⚠️ Số sản phẩm đạt chất lượng không thể lớn hơn số đã hoàn thành (10)." in out
    assert "Bước 8/14" in out  # asked again, at the same step
    assert "Vui lòng gõ một số nguyên" in await official_chat.send("bảy")
    # Numbers only, as on Zalo: 7 of quality, the notes skipped (1), no ground (2, 2).
    out = await official_chat.send("7", "1", "Chủ động", "Không", "2", "2")
    # 70 × (0.5 × 1 + 0.25 × 0.9 + 0.25 × 0.7) = 63: 90 points, but not "xuất sắc".
    assert "tiêu chí chung 27 + nhiệm vụ 63 = 90/100" in out
    assert "mức đề xuất là: Hoàn thành tốt nhiệm vụ." in out
    assert (
        "Đủ 90 điểm nhưng chưa đủ điều kiện «xuất sắc» (còn sản phẩm chưa đúng hạn, còn sản "
        "phẩm chưa đạt chất lượng, chưa có sản phẩm vượt số được giao), nên là «hoàn thành tốt»."
    ) in out
    assert XUAT_SAC_RULES in out
    out = await official_chat.send("1")
    # Every earlier answer kept through the refusals.
    for line in ("• Sản phẩm được giao: 10", "• Đã hoàn thành: 10", "• Đúng hạn: 9"):
        assert line in out
    assert "• Đạt chất lượng: 7" in out and "• Bị kỷ luật trong kỳ: Không" in out
    await official_chat.send("xác nhận")
    (evaluation,) = await evaluations(app)
    assert (evaluation.tasks_quality, evaluation.task_points, evaluation.total_points) == (
        7,
        63,
        90,
    )


async def test_excellent_needs_every_product_of_the_quality_required(app, clock, official_chat):
    # 11 completed of 10 assigned, all 11 on time: 97 points. With 10 of quality, "tốt".
    out = await official_chat.send("/danhgia", *ANSWERS[:4], "10", "11", "11", "10")
    out = await official_chat.send(*ANSWERS[8:])
    assert "= 97/100" in out and "mức đề xuất là: Hoàn thành tốt nhiệm vụ." in out
    assert "(còn sản phẩm chưa đạt chất lượng), nên là «hoàn thành tốt»" in out
    # Back to the quality count: all 11 of the quality required, so "xuất sắc".
    for _ in range(6):  # rating ← degenerated ← disciplined ← shortcomings ← strengths ← notes
        out = await official_chat.send("/quaylai")
    assert "bao nhiêu sản phẩm đạt chất lượng yêu cầu?" in out
    out = await official_chat.send("11", *ANSWERS[8:])
    assert "mức đề xuất là: Hoàn thành xuất sắc nhiệm vụ." in out
    assert "chưa đủ điều kiện" not in out


async def test_a_discipline_ground_makes_it_not_completed_whatever_the_score(
    app, clock, official_chat, admin_chat
):
    await official_chat.send("/danhgia", *ANSWERS[:-2])  # 93,5 points, up to the grounds
    out = await official_chat.send("ừ")
    assert "Vui lòng chọn «Có» hoặc «Không»." in out and "bị xử lý kỷ luật" in out
    out = await official_chat.send("co", "ko")  # as typed on Zalo: disciplined, no degeneration
    assert "tiêu chí chung 27 + nhiệm vụ 66,5 = 93,5/100" in out
    assert "mức đề xuất là: Không hoàn thành nhiệm vụ." in out
    assert (
        "Vì bạn trả lời «Có» (bị xử lý kỷ luật trong kỳ), xếp loại là «Không hoàn thành "
        "nhiệm vụ», bất kể điểm."
    ) in out
    # No other rating on offer: the ground decides, not the points.
    rating_step = out.split("> ko")[-1]
    assert "1. Giữ: Không hoàn thành nhiệm vụ" in rating_step and "2. " not in rating_step
    assert "Vui lòng kiểm tra lại" not in await official_chat.send("2")
    out = await official_chat.send("1")
    assert "• Bị kỷ luật trong kỳ: Có" in out and "• Có biểu hiện suy thoái: Không" in out
    await official_chat.send("xác nhận")
    (evaluation,) = await evaluations(app)
    assert evaluation.proposed_rating == Rating.KHONG_HOAN_THANH
    assert (evaluation.disciplined, evaluation.degenerated) == (True, False)
    assert evaluation.total_points == 93.5 and evaluation.rating_reason is None

    out = await admin_chat.send(f"/xacnhan {evaluation.id}")
    assert "9 đúng hạn, 9 đạt chất lượng" in out
    assert "Theo cách xếp loại: Không hoàn thành nhiệm vụ." in out
    assert "⚠️ Cán bộ tự khai «Có» (bị xử lý kỷ luật trong kỳ)" in out


async def test_the_leader_sees_the_counts_and_the_rules_of_the_bands(
    app, clock, official_chat, admin_chat
):
    await official_chat.send("/danhgia", *ANSWERS, "1", "xác nhận")
    (evaluation,) = await evaluations(app)
    out = await admin_chat.send(f"/xacnhan {evaluation.id}")
    assert "hoàn thành 10/10 sản phẩm, 9 đúng hạn, 9 đạt chất lượng." in out
    assert "Theo cách xếp loại: Hoàn thành tốt nhiệm vụ. Đủ 90 điểm nhưng chưa đủ" in out
    assert XUAT_SAC_RULES in out
    assert "Nếu bị xử lý kỷ luật trong kỳ hoặc có biểu hiện suy thoái" in out


async def test_a_draft_begun_before_the_quality_question_is_finished(app, clock, official_chat):
    """A draft stored before this form asked for quality: its step passed the question, so
    the quality is taken as all completed (as migration 0008 does for stored evaluations)."""
    from tests.helpers.forms_walk import Spot, restore

    answers = {"period": "2026Q2", "c_chinh_tri": 9, "c_nang_luc": 9, "c_phuc_vu": 5}
    answers |= {"c_doi_moi": 4, "tasks_assigned": 10, "tasks_completed": 10, "tasks_on_time": 10}
    answers |= {"task_notes": None, "strengths": "Chủ động"}
    draft = Spot("danhgia", 10, answers, ())  # «Hạn chế», as the form then numbered it
    await restore(app, draft, "console", official_chat.user_id)
    out = await official_chat.send("không", "2", "2")
    assert "tiêu chí chung 27 + nhiệm vụ 70 = 97/100" in out
    await official_chat.send("1", "xác nhận")
    (evaluation,) = await evaluations(app)
    assert (evaluation.tasks_quality, evaluation.disciplined) == (10, False)
