"""A verified report raises the official's education or political theory level, never
lowers it, and the raise is audited."""

from sqlalchemy import select

from knowledge.vocabulary import EducationLevel, PoliticalTheoryLevel
from storage.models import AuditEntry
from tests.helpers.app import chat_as
from tests.helpers.reports import OFFICIAL, official


async def test_a_verified_masters_degree_raises_the_education_level(app, admin_chat):
    graduate = await chat_as(app, "DEMO011")
    assert (await official(app, "DEMO011")).education_level == EducationLevel.DAI_HOC
    await graduate.send(
        "/baocao",
        "6",
        "thac sy quan ly cong",
        "4",
        "Đại học Luật",
        "15/06/2026",
        "bỏ qua",
        "bỏ qua",
        "1",
    )  # 4: Thạc sĩ
    out = await admin_chat.send("/duyet", "1")
    assert "Hồ sơ của cán bộ đã được cập nhật trình độ: Thạc sĩ." in out
    assert "🔔 [DEMO011]" in out and "Hồ sơ của bạn đã được cập nhật trình độ: Thạc sĩ." in out
    assert (await official(app, "DEMO011")).education_level == EducationLevel.THAC_SI
    async with app.sessionmaker() as session:
        raised = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "official_level_raised")
        )
    assert raised.before == {"education_level": "dai_hoc"}
    assert raised.after == {"education_level": "thac_si"}


async def test_a_verified_report_never_lowers_a_level(app, official_chat, admin_chat):
    assert (await official(app, OFFICIAL)).education_level == EducationLevel.THAC_SI
    await official_chat.send(
        "/baocao", "6", "đại học", "bỏ qua", "01/03/2010", "bỏ qua", "bỏ qua", "1"
    )
    out = await admin_chat.send("/duyet", "1")
    assert "Đã duyệt báo cáo #1" in out and "cập nhật trình độ" not in out
    assert (await official(app, OFFICIAL)).education_level == EducationLevel.THAC_SI


async def test_a_verified_political_theory_course_raises_that_level(app, official_chat, admin_chat):
    assert (await official(app, OFFICIAL)).political_theory_level == PoliticalTheoryLevel.TRUNG_CAP
    await official_chat.send(
        "/baocao", "4", "Cao cấp lý luận chính trị", "bỏ qua", "01/03/2026", "bỏ qua", "bỏ qua", "1"
    )
    await admin_chat.send("/duyet", "1")
    assert (await official(app, OFFICIAL)).political_theory_level == PoliticalTheoryLevel.CAO_CAP
