"""/kehoachdaotao through the console seam: admins get the commune's plan or a unit's, unit
admins their own unit only, officials are refused; the message is short, the workbook follows
as a file kept on the desk too; every read is audited."""

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.models import AuditEntry, DeskFile, TrainingRegistration
from tests.helpers import plan_data
from tests.helpers import summary_data as data
from tests.helpers.app import chat_as
from tests.helpers.workbook_files import load, table

REFUSAL = "dành cho quản trị viên và quản trị viên đơn vị"


@pytest.fixture
async def commune(database, tmp_path):
    async with data.open_commune(database, tmp_path / "summaries") as app:
        await plan_data.register(app)
        yield app


def attached(out: str) -> Path:
    found = re.findall(r"\[Tệp: (.+)\]", out)
    assert found, out
    return Path(found[-1])


async def audit(app, entity: str = "training_plan") -> list[AuditEntry]:
    async with app.sessionmaker() as session:
        query = select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)
        return list(await session.scalars(query))


async def test_an_admin_gets_the_commune_plan_and_its_workbook(commune):
    admin = await chat_as(commune, "L1")
    out = await admin.send("/kehoachdaotao")  # on 27/11/2026: next year's
    assert "🗓 Kế hoạch đào tạo, bồi dưỡng năm 2027 — Toàn xã" in out
    assert "5 đăng ký của 5/10 cán bộ." in out
    assert "• Đào tạo chuyên môn (đại học, thạc sĩ, tiến sĩ): 3 cán bộ" in out
    assert "Nhiều cán bộ đăng ký nhất:" in out
    assert "• Đào tạo thạc sĩ, chuyên ngành Luật hành chính: 1 cán bộ" in out
    assert "• Đào tạo đại học, chuyên ngành Luật hành chính: 1 cán bộ" in out
    assert "• Cao cấp lý luận chính trị (Lý luận chính trị): 1 cán bộ" in out
    # Registrations for a target met since, named with «đã đạt».
    assert "ℹ️ Đăng ký cho chỉ tiêu cán bộ đã đạt" in out
    assert (
        "• Cán bộ S1: Đào tạo đại học — Chỉ tiêu 1: Đào tạo lại chuyên môn phù hợp vị trí việc"
        " làm (đã đạt)"
    ) in out
    assert "⚠️ 1 cán bộ cần cử đi học nhưng chưa đăng ký" in out
    assert "📎 Kế hoạch đào tạo, bồi dưỡng năm 2027 — Toàn xã" in out
    book = load(attached(out))
    assert book.sheetnames == ["Tổng hợp", "Theo đơn vị", "Cần cử đi học"]
    assert [row["Mã cán bộ"] for row in table(book["Cần cử đi học"])] == ["S3"]
    assert book["Tổng hợp"]["A5"].value == "Người lập: Cán bộ L1 — ngày lập: 27/11/2026"
    async with commune.sessionmaker() as session:
        (kept,) = await session.scalars(select(DeskFile))
    assert (kept.kind, kept.unit_id, kept.name) == (
        "training_plan",
        None,
        "ke-hoach-dao-tao-2027-toan-xa.xlsx",
    )
    assert re.search(r"^\[Bàn làm việc web: http://\S+/desk/login/\S+\]$", out, re.MULTILINE)
    read, export = await audit(commune)
    assert (read.action, read.actor, read.note) == ("read", "official:L1", "unit:* year:2027")
    assert export.action == "export" and attached(out).name in export.note


async def test_a_year_and_a_unit_may_be_named_in_any_order(commune):
    admin = await chat_as(commune, "L1")
    out = await admin.send("/kehoachdaotao ub 2028")
    assert "🗓 Kế hoạch đào tạo, bồi dưỡng năm 2028 — Phòng UB" in out
    assert "1 đăng ký của 1/4 cán bộ." in out
    out = await admin.send("/kehoachdaotao 27")
    assert "«27» không phải một năm hợp lệ" in out and "[Tệp:" not in out
    # A year, only out of the range taken: the range is said.
    out = await admin.send("/kehoachdaotao 2040")
    assert "Năm 2040 quá xa: kế hoạch đào tạo, bồi dưỡng lập được cho các năm từ 2026 đến" in out
    assert "không phải một năm hợp lệ" not in out and "[Tệp:" not in out
    out = await admin.send("/kehoachdaotao XYZ")
    assert "Không có đơn vị mã «XYZ». Các mã đơn vị: UA, UB." in out


async def test_a_year_typed_loosely_is_read_and_a_mistyped_one_is_said(commune):
    admin = await chat_as(commune, "L1")
    for typed in ("năm 2028", "nam 2028 UB", "２０２８"):
        out = await admin.send(f"/kehoachdaotao {typed}")
        assert "🗓 Kế hoạch đào tạo, bồi dưỡng năm 2028" in out, typed
    for typo in ("2o27", "2O27", "207", "20277", "nam 2o27"):
        out = await admin.send(f"/kehoachdaotao {typo}")
        assert "không phải một năm hợp lệ" in out and "Không có đơn vị mã" not in out, typo
        assert "[Tệp:" not in out
    out = await admin.send("/kehoachdaotao 2027 2028")  # one plan is one year
    assert "Gõ /kehoachdaotao, có thể kèm năm" in out and "[Tệp:" not in out
    out = await admin.send("/kehoachdaotao 2025")
    assert "Năm 2025 trước thời gian thực hiện Kế hoạch" in out and "từ 2026" in out
    out = await admin.send("/kehoachdaotao UA UB")
    assert "/kehoachdaotao 2027 MÃ_ĐƠN_VỊ" in out and " VP" not in out


async def test_a_unit_admin_gets_their_own_unit_only(commune):
    unit_admin = await chat_as(commune, "H2")
    out = await unit_admin.send("/kehoachdaotao 2027")
    assert "2 đăng ký của 2/4 cán bộ." in out
    registrations = table(load(attached(out))["Theo đơn vị"])
    assert [row["Mã cán bộ"] for row in registrations] == ["H2", "S4"]
    out = await unit_admin.send("/kehoachdaotao 2027 UA")
    assert "chỉ xem được số liệu của đơn vị mình" in out and "[Tệp:" not in out
    assert "/kehoachdaotao" in await unit_admin.send("/help")


async def test_an_official_is_refused(commune):
    official = await chat_as(commune, "S1")
    out = await official.send("/kehoachdaotao 2027")
    assert REFUSAL in out and "[Tệp:" not in out and "Cán bộ S3" not in out
    assert "/kehoachdaotao" not in await official.send("/help")
    assert await audit(commune) == []


async def test_a_registration_made_with_dangky_shows_up_in_the_plan(app, official_chat):
    """The issue's acceptance, on the demo roster: registered in the window, then in the plan."""
    opened = datetime(2026, 10, 5, 10, 0, tzinfo=timezone(timedelta(hours=7)))
    app.conversation.clock = lambda: opened
    # Political theory, its first catalogue course, «Vừa làm vừa học», no gap, confirmed.
    out = await official_chat.send(
        "/dangky", "4", "1", "2", "Không gắn với chỉ tiêu nào", "xác nhận"
    )
    async with app.sessionmaker() as session:
        (registered,) = await session.scalars(select(TrainingRegistration))
    assert registered.year == 2027, out
    admin = await chat_as(app, "DEMO001")
    out = await admin.send("/kehoachdaotao")
    assert "1 đăng ký của 1/" in out and "• Lý luận chính trị: 1 cán bộ" in out
    (row,) = table(load(attached(out))["Theo đơn vị"])
    assert (row["Mã cán bộ"], row["Khóa học"]) == ("DEMO010", registered.course_name)
    assert row["Hình thức học"] == "Vừa làm vừa học"
