"""What an official confirms is exactly what is stored, for every form and every route through
it (tests/helpers/forms_walk.py): the summary shown before «Xác nhận» is read line by line and compared
with the rows written after it, rendered here on their own (not by the code under test)."""

from datetime import datetime

from sqlalchemy import select

from handlers.features.registration import described
from handlers.texts import label
from knowledge.vocabulary import CourseCategory, PositionGroup
from storage.enums import ReportStatus, Role
from storage.models import (
    AuditEntry,
    Campaign,
    CourseReport,
    Evaluation,
    Official,
    TrainingRegistration,
    Unit,
)
from tests.helpers.forms_walk import ADMIN, OFFICIAL, restore, say, walk

SKIPPED = "(bỏ qua)"


def _summary(shown: str) -> dict[str, str]:
    """The "• label: value" lines of a confirmation."""
    lines = [line[2:] for line in shown.splitlines() if line.startswith("• ")]
    return dict(line.split(": ", 1) for line in lines)


def _number(value) -> str:
    return f"{value:g}".replace(".", ",")


async def _latest(session, model):
    return await session.scalar(select(model).order_by(model.id.desc()).limit(1))


async def _report(session, answers) -> dict[str, str]:
    report = await _latest(session, CourseReport)
    stored = {
        "Loại": label(report.category),
        "Khóa học": report.course_name,
        "Nơi tổ chức": report.provider or SKIPPED,
        "Ngày hoàn thành": report.completed_on.strftime("%d/%m/%Y"),
        "Số giờ học": f"{report.hours} giờ" if report.hours else SKIPPED,
        "Giấy chứng nhận": "đã gửi kèm" if report.certificate_kind else SKIPPED,
    }
    if report.level:
        stored["Trình độ đạt được"] = label(_level(report))
    return stored


def _level(report: CourseReport):
    from knowledge.vocabulary import LEVELS

    return LEVELS[report.category](report.level)


async def _evaluation(session, answers) -> dict[str, str]:
    from knowledge.scoring import Scheme

    evaluation = await _latest(session, Evaluation)
    stored = {c.name: _number(evaluation.criteria[c.key]) for c in Scheme.default().criteria}
    stored |= {
        "Sản phẩm được giao": str(evaluation.tasks_assigned),
        "Đã hoàn thành": str(evaluation.tasks_completed),
        "Đúng hạn": str(evaluation.tasks_on_time),
        "Đạt chất lượng": str(evaluation.tasks_quality),
        "Bị kỷ luật trong kỳ": "Có" if evaluation.disciplined else "Không",
        "Có biểu hiện suy thoái": "Có" if evaluation.degenerated else "Không",
        "Ghi chú kết quả": evaluation.task_notes or SKIPPED,
        "Ưu điểm": evaluation.strengths,
        "Hạn chế": evaluation.shortcomings,
        "Mức đề xuất": label(evaluation.proposed_rating),
    }
    if evaluation.rating_reason:
        stored["Lý do chọn mức khác"] = evaluation.rating_reason
    return stored


async def _rejection(session, answers) -> dict[str, str]:
    report = await session.get(CourseReport, answers["report_id"])
    return {
        "Báo cáo": f"#{report.id} · {report.official.full_name} · {report.course_name}",
        "Lý do": report.review_note,
    }


async def _confirmation(session, answers) -> dict[str, str]:
    evaluation = await session.get(Evaluation, answers["evaluation_id"])
    comment = evaluation.review_comment or SKIPPED
    changed = evaluation.confirmed_rating != evaluation.proposed_rating
    return {
        "Cán bộ": f"{evaluation.official.full_name} · quý II/2026",
        "Xếp loại": label(evaluation.confirmed_rating),
        "Lý do điều chỉnh" if changed else "Nhận xét": comment,
    }


async def _announcement(session, answers) -> dict[str, str]:
    campaign = await _latest(session, Campaign)
    who = campaign.audience["who"]
    stored = {
        "Gửi tới": {"all": "Tất cả cán bộ", "unit": "Một đơn vị", "group": "Một nhóm vị trí"}.get(
            who, who
        ),
        "Nội dung": campaign.text.removeprefix("📣 Thông báo: "),
    }
    if who == "unit":
        stored["Đơn vị"] = (await session.get(Unit, campaign.audience["unit_id"])).name
    if who == "group":
        stored["Nhóm"] = label(PositionGroup(campaign.audience["group"]))
    local = campaign.send_at.astimezone(_zone())
    stored["Thời gian gửi"] = (
        "Gửi ngay" if campaign.expanded_at else local.strftime("%d/%m/%Y %H:%M")
    )
    return stored


def _zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Ho_Chi_Minh")


async def _permissions(session, answers) -> dict[str, str]:
    official = await session.scalar(select(Official).where(Official.code == OFFICIAL))
    done = {
        Role.ADMIN: "🔑 Cấp quyền quản trị viên",
        Role.UNIT_ADMIN: "🏢 Cấp quyền quản trị đơn vị",
    }.get(official.role, "")
    return {"Thao tác": f"{done} · {official.full_name} ({official.code})"}


async def _withdrawal(session, answers) -> dict[str, str]:
    report = await session.get(CourseReport, answers["report_id"])
    assert report.status == ReportStatus.WITHDRAWN
    return {
        "Báo cáo": f"#{report.id} · {report.course_name} · hoàn thành "
        f"{report.completed_on.strftime('%d/%m/%Y')}"
    }


async def _cancellation(session, answers) -> dict[str, str]:
    cancelled = await session.scalar(
        select(AuditEntry).where(AuditEntry.action == "announcement_cancelled")
    )
    assert await session.get(Campaign, answers["campaign_id"]) is None  # gone, unsent
    at = datetime.fromisoformat(cancelled.before["send_at"]).astimezone(_zone())
    text = cancelled.before["text"].removeprefix("📣 Thông báo: ")
    return {"Hủy thông báo": f"#{cancelled.entity_id} · hẹn gửi {at:%d/%m/%Y %H:%M} · «{text}»"}


STUDY_FORMS = {"full_time": "Tập trung", "part_time": "Vừa làm vừa học", "online": "Trực tuyến"}


async def _registration(session, answers) -> dict[str, str]:
    registration = await _latest(session, TrainingRegistration)
    titles = {key: title for key, title, *_ in answers["gaps"]}
    stored = {
        "Loại": label(registration.category),
        "Khóa học": registration.course_name,
        "Hình thức học": STUDY_FORMS[registration.study_form],
        "Chỉ tiêu hướng tới": titles.get(registration.gap, "Không gắn với chỉ tiêu nào"),
    }
    if registration.specialisation:
        stored["Chuyên ngành"] = registration.specialisation
    return stored


async def _registration_deleted(session, answers) -> dict[str, str]:
    deleted = await session.scalar(
        select(AuditEntry).where(AuditEntry.action == "registration_deleted")
    )
    assert await session.get(TrainingRegistration, answers["registration_id"]) is None
    before = dict(deleted.before)
    gone = TrainingRegistration(
        course_name=before["course"],
        category=CourseCategory(before["category"]),
        specialisation=before["specialisation"],
        study_form=before["study_form"],
    )
    return {"Đăng ký": described(gone)}


STORED = {
    "dangky": _registration,
    "xoadangky": _registration_deleted,
    "baocao": _report,
    "danhgia": _evaluation,
    "tuchoi": _rejection,
    "xacnhan": _confirmation,
    "thongbao": _announcement,
    "quyen": _permissions,
    "rut": _withdrawal,
    "thongbao_huy": _cancellation,
}


async def test_the_summary_confirmed_is_what_is_stored_for_every_form(app):
    spots = await walk(app)
    forms = app.conversation.router.forms
    confirmations = [s for s in spots if s.step == len(forms[s.form].steps)]
    assert {s.form for s in confirmations} == set(forms)
    for spot in confirmations:
        assert spot.form in STORED, f"add how to read back what {spot.form} stores"
        summary = _summary(spot.shown)
        await restore(app, spot, "console", ADMIN)
        out = await say(app, ADMIN, "xác nhận")  # ✅ Xác nhận
        assert "Vui lòng kiểm tra lại" not in out, f"{spot}: not submitted: {out}"
        async with app.sessionmaker() as session:
            stored = await STORED[spot.form](session, spot.answers)
        assert summary == stored, f"{spot}:\nconfirmed {summary}\nstored    {stored}"
